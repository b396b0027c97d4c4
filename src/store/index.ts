/**
 * Store factory: PostgreSQL when DATABASE_URL is set (several replicas share it), otherwise
 * the embedded SQLite file <OAR_DATA_DIR>/oar.db.
 */
import { join, resolve } from 'node:path';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { StoreError, type Store } from './types.ts';
import { SqliteStore } from './sqlite.ts';
import { describeTarget, type Clock } from './common.ts';

export * from './types.ts';
export { defaultOwnerId, describeTarget, lockKey, type Clock } from './common.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
// PostgresStore is not re-exported: postgres.ts loads `pg` (~10 MB RSS), which a SQLite
// deployment never needs. Import it from './postgres.ts' directly.
export type { PostgresStoreOptions } from './postgres.ts';

export const SQLITE_FILE_NAME = 'oar.db';

export interface CreateStoreOptions {
  logger?: Logger;
  /** Default clock for methods called without `now`. */
  clock?: Clock;
  /** PostgreSQL: schema holding the tables (created if missing); default the connection's search_path. */
  schema?: string;
  /** PostgreSQL: pool size (default 10). */
  maxConnections?: number;
  /** PostgreSQL: connect timeout (default 5 s). */
  connectTimeoutMs?: number;
  /** SQLite: how long a write waits for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
}

export type StoreConfig = Pick<Config, 'OAR_DATA_DIR' | 'DATABASE_URL'>;

/**
 * Builds the store the configuration asks for. Call `init()` (or use openStore) before use.
 * The PostgreSQL engine (and `pg`) is loaded only when DATABASE_URL asks for it.
 */
export async function createStore(config: StoreConfig, opts: CreateStoreOptions = {}): Promise<Store> {
  if (config.DATABASE_URL) {
    if (!/^postgres(ql)?:\/\//i.test(config.DATABASE_URL)) {
      // The value is secret (it may carry a password): say what is wrong without echoing it.
      throw new StoreError('DATABASE_URL must be a postgres:// or postgresql:// URL (the value is secret and not shown)');
    }
    const { PostgresStore } = await import('./postgres.ts');
    return new PostgresStore({
      url: config.DATABASE_URL,
      ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
      ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
      ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }
  return new SqliteStore({
    file: sqliteFile(config),
    ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}

/** createStore + init: migrations applied, or a StoreError naming the file or server. */
export async function openStore(config: StoreConfig, opts: CreateStoreOptions = {}): Promise<Store> {
  const store = await createStore(config, opts);
  try {
    await store.init();
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  return store;
}

export function sqliteFile(config: Pick<Config, 'OAR_DATA_DIR'>): string {
  return resolve(join(config.OAR_DATA_DIR, SQLITE_FILE_NAME));
}

/** Where the store lives, for the startup report and /health (never the password). */
export function describeStore(config: StoreConfig): string {
  return config.DATABASE_URL ? `postgres ${describeTarget(config.DATABASE_URL)}` : `sqlite ${sqliteFile(config)}`;
}
