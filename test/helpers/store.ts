/**
 * Stores for tests. `openTestStore()` is the default for every area: a migrated SQLite store
 * in a fresh temp directory, removed again by close(). `openPgTestStore()` is the same on the
 * PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) in a fresh schema dropped by close().
 * A missing server makes openPgTestStore throw a StoreError, so the test fails instead of skipping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SqliteStore, SQLITE_FILE_NAME, type Clock, type Store } from '../../src/store/index.ts';
import { PostgresStore } from '../../src/store/postgres.ts';

export const PG_TEST_URL = process.env.OAR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type SqliteTestStore = Store & { readonly engine: 'sqlite'; readonly dataDir: string; readonly file: string };
export type PgTestStore = Store & { readonly engine: 'postgres'; readonly url: string; readonly schema: string };

export interface TestStoreOptions {
  clock?: Clock;
}

/** A migrated SQLite store in a fresh temp directory; close() also deletes the directory. */
export async function openTestStore(opts: TestStoreOptions = {}): Promise<SqliteTestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oar-store-'));
  const store = new SqliteStore({ file: join(dataDir, SQLITE_FILE_NAME), ...(opts.clock ? { clock: opts.clock } : {}) });
  try {
    await store.init();
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const close = store.close.bind(store);
  Object.defineProperties(store, {
    dataDir: { value: dataDir, enumerable: true },
    close: {
      value: async () => {
        await close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    },
  });
  return store as unknown as SqliteTestStore;
}

/** A fresh schema name, unique across parallel test files and processes. */
export function uniqueSchema(prefix = 'oar_test'): string {
  return `${prefix}_${process.pid}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** application_name of a test store's connections, so a test can find (and kill) exactly them. */
export function pgTestAppName(schema: string): string {
  return `oar-bot:${schema}`;
}

/** Run SQL as the server's admin, on a connection of its own (not through a store under test). */
export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_TEST_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drop a test schema (and everything in it). */
export async function dropSchema(schema: string, url = PG_TEST_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A migrated PostgreSQL store in a fresh schema; close() also drops the schema. */
export async function openPgTestStore(opts: TestStoreOptions = {}): Promise<PgTestStore> {
  const schema = uniqueSchema();
  const store = new PostgresStore({ url: PG_TEST_URL, schema, applicationName: pgTestAppName(schema), connectTimeoutMs: 3_000, ...(opts.clock ? { clock: opts.clock } : {}) });
  try {
    await store.init();
  } catch (e) {
    await store.close();
    throw e;
  }
  const close = store.close.bind(store);
  Object.defineProperties(store, {
    url: { value: PG_TEST_URL, enumerable: true },
    close: {
      value: async () => {
        await close();
        await dropSchema(schema);
      },
    },
  });
  return store as unknown as PgTestStore;
}
