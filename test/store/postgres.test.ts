/**
 * PostgreSQL engine against the server at 127.0.0.1:5432 (trust auth, user postgres).
 * Every store lives in its own schema, so parallel test files never collide. A missing
 * server makes these tests fail, never skip.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { StoreError, openStore, type Store } from '../../src/store/index.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { testConfig } from '../../src/config/env.ts';
import { PG_TEST_URL, admin, dropSchema, openPgTestStore, pgTestAppName, uniqueSchema, type PgTestStore } from '../helpers/store.ts';
import { storeContract } from './contract.ts';
import { raceWorkers } from './race.ts';

storeContract('postgres', {
  open: () => openPgTestStore(),
  second: async (s) => {
    const other = new PostgresStore({ url: PG_TEST_URL, schema: (s as PgTestStore).schema });
    await other.init();
    return other;
  },
});

/** Kill every server connection of one test store (found by its application_name). */
async function terminateStoreConnections(c: pg.Client, schema: string): Promise<number> {
  const r = await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [pgTestAppName(schema)]);
  return r.rowCount ?? 0;
}

describe('PostgreSQL engine', () => {
  const stores: Store[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const s of schemas.splice(0)) await dropSchema(s);
  });

  it('openStore with DATABASE_URL uses PostgreSQL; migrations are recorded once even when two replicas start together', async () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const config = testConfig({ DATABASE_URL: PG_TEST_URL });
    const [a, b] = await Promise.all([openStore(config, { schema }), openStore(config, { schema })]);
    stores.push(a, b);
    expect(a.engine).toBe('postgres');
    await a.audit({ event: 'run', actorId: 'U1' });
    expect(await b.queryAudit({})).toHaveLength(1);
    const rows = await admin(async (c) => (await c.query(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`)).rows);
    expect(rows).toEqual([{ version: 1, name: 'initial' }, { version: 2, name: 'live locks and the approval lifecycle' }]);
  });

  it('a missing server is a clear StoreError naming host and port, without the password', async () => {
    const store = new PostgresStore({ url: 'postgres://postgres:hunter22@127.0.0.1:1/oar', connectTimeoutMs: 2_000 });
    const err = await store.init().then(() => undefined, (e: unknown) => e);
    await store.close();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:1\/oar is unreachable \(applying migrations at startup\)/);
    expect((err as Error).message).not.toContain('hunter22');
    await expect(store.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'r', ttlMs: 1000, owner: 'o' })).rejects.toThrow(StoreError);
  });

  it('refuses a schema migrated by a newer oar-bot', async () => {
    const store = await openPgTestStore();
    stores.push(store);
    await admin((c) => c.query(`INSERT INTO ${store.schema}.schema_migrations (version, name) VALUES (99, 'future')`));
    await expect(new PostgresStore({ url: PG_TEST_URL, schema: store.schema }).init()).rejects.toThrow(/schema version 99, newer than this oar-bot knows \(2\)/);
  });

  it('idle connections killed by the server: the pool reconnects; at worst the next operation fails with a StoreError', async () => {
    const store = await openPgTestStore();
    stores.push(store);
    expect(await store.markSeen('before', 600_000)).toBe(true);
    const killed = await admin((c) => terminateStoreConnections(c, store.schema));
    expect(killed).toBeGreaterThan(0);
    const next = await store.markSeen('during', 600_000).then((v) => v, (e: unknown) => e);
    if (next !== true) {
      expect(next).toBeInstanceOf(StoreError);
      expect((next as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:5432\/postgres is unreachable \(recording delivery during\)/);
    }
    // the next-but-one operation runs on a fresh connection
    expect(await store.markSeen('after', 600_000)).toBe(true);
    expect(await store.ping()).toBe(true);
  });

  it('a connection killed in the middle of an operation fails that operation with a StoreError; the next one succeeds', async () => {
    const store = await openPgTestStore();
    stores.push(store);
    const blocker = new pg.Client({ connectionString: PG_TEST_URL });
    await blocker.connect();
    try {
      // Hold the locks table so the store's acquireLock waits inside its transaction.
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${store.schema}.locks IN ACCESS EXCLUSIVE MODE`);
      const pending = store.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'r', ttlMs: 60_000, owner: 'o' }).then((v) => v, (e: unknown) => e);
      // Wait (by polling the server, not by sleeping) until the store's backend is blocked on our lock.
      let waiting: number[] = [];
      while (waiting.length === 0) {
        waiting = (await blocker.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [pgTestAppName(store.schema)],
        )).rows.map((r) => r.pid);
      }
      await admin((c) => c.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [waiting]));
      const err = await pending;
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:5432\/postgres is unreachable \(acquiring lock release:4\.19\.1\)/);
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    const again = await store.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'r', ttlMs: 60_000, owner: 'o' });
    expect(again.acquired).toBe(true);
  });

  it('two OS processes race for a lock, a lease and a dedup key: exactly one wins each round', async () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const result = await raceWorkers({ engine: 'postgres', url: PG_TEST_URL, schema }, 50);
    expect(result.rounds).toBe(50);
    expect(result.violations).toEqual([]);
  }, 60_000);
});
