/**
 * Nothing lost across a store outage, against the real PostgreSQL. The outage is made on the
 * test's own objects only: the store connects as a role of its own, which is refused new
 * connections (NOLOGIN) while its open connections are terminated (pg_terminate_backend on the
 * store's application_name). The shared server keeps running for everyone else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Runner, TERMINAL_AUTHORIZER } from '../../src/commands/runner.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { testConfig } from '../../src/config/env.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { StoreSpool } from '../../src/store/spool.ts';
import { PG_TEST_URL, admin, dropSchema, pgTestAppName, uniqueSchema } from '../helpers/store.ts';

/** A schema and a login role of the test's own; the store connects as that role. */
async function ownStore(): Promise<{ store: PostgresStore; schema: string; role: string; outage(): Promise<void>; restore(): Promise<void>; cleanup(): Promise<void> }> {
  const schema = uniqueSchema('oar_outage');
  const role = `${schema}_r`;
  await admin(async (c) => {
    await c.query(`CREATE ROLE ${role} LOGIN`);
    await c.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    // The store's startup says CREATE SCHEMA IF NOT EXISTS, which asks for this even when the schema exists.
    await c.query(`GRANT CREATE ON DATABASE ${new URL(PG_TEST_URL).pathname.slice(1) || 'postgres'} TO ${role}`);
  });
  const url = new URL(PG_TEST_URL);
  url.username = role;
  const store = new PostgresStore({ url: url.toString(), schema, applicationName: pgTestAppName(schema), connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 });
  const cleanup = async () => {
    await store.close().catch(() => undefined);
    await dropSchema(schema);
    await admin(async (c) => {
      await c.query(`DROP OWNED BY ${role}`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    });
  };
  try {
    await store.init();
  } catch (e) {
    await cleanup();
    throw e;
  }
  return {
    store,
    schema,
    role,
    outage: () => admin(async (c) => {
      await c.query(`ALTER ROLE ${role} NOLOGIN`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [pgTestAppName(schema)]);
    }),
    restore: () => admin(async (c) => void (await c.query(`ALTER ROLE ${role} LOGIN`))),
    cleanup,
  };
}

/** What the database holds, read as the server's admin (not through the store under test). */
const rows = (schema: string, sql: string) => admin(async (c) => (await c.query(sql.replaceAll('$schema', schema))).rows);

function gatedCommand() {
  let open!: () => void;
  let reached!: () => void;
  const atGate = new Promise<void>((r) => (reached = r));
  const gate = new Promise<void>((r) => (open = r));
  const changed: string[] = [];
  const command = defineCommand({
    name: 'take-ownership',
    group: 'oar',
    summary: 'a write that changes Jira',
    examples: [],
    safety: 'write',
    task: 'take-ownership',
    scope: 'zstream',
    options: z.object({}),
    async run(ctx) {
      reached();
      await gate;
      changed.push(ctx.release);
      return { status: 'pass', summary: 'Jira updated' };
    },
  });
  return { command, open, atGate, changed };
}

function runnerOn(store: PostgresStore, spool: StoreSpool) {
  const statebox = new MemoryStateBox();
  const runner = new Runner({
    config: testConfig(),
    store,
    statebox,
    services: new LazyServices(),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer: TERMINAL_AUTHORIZER,
    instanceId: `bot-${randomUUID().slice(0, 6)}`,
    spool,
  });
  return { runner, statebox };
}

const actor = { id: 'cli:jdoe', name: 'jdoe', via: 'cli' as const };

describe('store outage (PostgreSQL)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-spool-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('a write does not start when the store is unreachable, and says why', async () => {
    const db = await ownStore();
    cleanups.push(() => db.cleanup());
    const spool = new StoreSpool({ store: db.store, file: join(spoolDir(), 'spool.jsonl') });
    const { runner, statebox } = runnerOn(db.store, spool);
    const { command, changed } = gatedCommand();
    await db.outage();
    const r = await runner.execute({ command, release: '4.19.1', options: {}, actor });
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.message).toMatch(/operational store is unreachable .*refusing to run take-ownership/);
    expect(changed).toEqual([]);
    expect(statebox.updates).toEqual([]);
    expect(spool.size).toBe(0);
  });

  it('an outage mid-command: the result is kept, the outcome audit row and the lock release arrive once the store is back', async () => {
    const db = await ownStore();
    cleanups.push(() => db.cleanup());
    const spool = new StoreSpool({ store: db.store, file: join(spoolDir(), 'spool.jsonl'), minRetryMs: 50, maxRetryMs: 200 });
    cleanups.push(async () => spool.stop());
    const { runner, statebox } = runnerOn(db.store, spool);
    const g = gatedCommand();
    const running = runner.execute({ command: g.command, release: '4.19.1', options: {}, actor });
    await g.atGate;
    // Intent is recorded before the change; the lock is held.
    expect((await rows(db.schema, 'SELECT event FROM $schema.audit ORDER BY id')).map((r) => r.event)).toEqual(['intent']);
    expect(await rows(db.schema, 'SELECT lock_key FROM $schema.locks')).toEqual([{ lock_key: 'release:4.19.1' }]);

    await db.outage();
    g.open();
    const r = await running;
    // The change happened and its result is reported; StateBox (not the store) has it.
    expect(r.kind === 'done' && r.outcome.status).toBe('pass');
    expect(g.changed).toEqual(['4.19.1']);
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'Pass']);
    // Nothing reached the database; both writes wait in the spool.
    expect(spool.size).toBe(2);
    expect((await rows(db.schema, 'SELECT event FROM $schema.audit ORDER BY id')).map((r) => r.event)).toEqual(['intent']);
    expect(await rows(db.schema, 'SELECT lock_key FROM $schema.locks')).toHaveLength(1);

    await db.restore();
    // Retried with backoff until the store answers: wait for the rows, not for time.
    await expect.poll(() => spool.size, { timeout: 10_000, interval: 50 }).toBe(0);
    const audit = await rows(db.schema, 'SELECT event, actor_id, outcome FROM $schema.audit ORDER BY id');
    expect(audit).toEqual([
      { event: 'intent', actor_id: 'cli:jdoe', outcome: null },
      { event: 'run', actor_id: 'cli:jdoe', outcome: 'pass: Jira updated' },
    ]);
    expect(await rows(db.schema, 'SELECT lock_key FROM $schema.locks')).toEqual([]);
  });

  it('spooled writes survive a restart and are replayed at startup; a replayed release never frees a newer lock', async () => {
    const db = await ownStore();
    cleanups.push(() => db.cleanup());
    const file = join(spoolDir(), 'spool.jsonl');
    const spool = new StoreSpool({ store: db.store, file, minRetryMs: 60_000 });
    const { runner } = runnerOn(db.store, spool);
    const g = gatedCommand();
    const running = runner.execute({ command: g.command, release: '4.19.1', options: {}, actor });
    await g.atGate;
    await db.outage();
    g.open();
    await running;
    expect(spool.size).toBe(2);
    // The process stops (its retry timer with it) before the store comes back.
    spool.stop();
    await db.store.close();

    await db.restore();
    const url = new URL(PG_TEST_URL);
    url.username = db.role;
    const restarted = new PostgresStore({ url: url.toString(), schema: db.schema, applicationName: pgTestAppName(db.schema) });
    await restarted.init();
    cleanups.push(() => restarted.close());
    const next = new StoreSpool({ store: restarted, file });
    expect(next.size).toBe(2);
    expect(await next.replay()).toBe(0);
    expect((await rows(db.schema, 'SELECT event, outcome FROM $schema.audit ORDER BY id')).map((r) => `${r.event} ${r.outcome ?? ''}`.trim())).toEqual(['intent', 'run pass: Jira updated']);
    expect(await rows(db.schema, 'SELECT lock_key FROM $schema.locks')).toEqual([]);

    // A stale release entry (the lock was taken over and is someone else's now) changes nothing.
    const other = await restarted.acquireLock({ key: 'release:4.19.1', holder: 'cli:jdoe', reason: 'take-ownership', ttlMs: 60_000, owner: 'bot-new' });
    expect(other.acquired).toBe(true);
    const stale = new StoreSpool({ store: { ...restarted, audit: (e) => restarted.audit(e), listLocks: (n) => restarted.listLocks(n), releaseLock: async () => { throw new Error('down'); } }, file, minRetryMs: 60_000 });
    await stale.releaseLock({ key: 'release:4.19.1', holder: 'cli:jdoe', reason: 'x', owner: 'bot-old', acquiredAt: new Date(0), expiresAt: new Date(1), heartbeatAt: new Date(0) });
    stale.stop();
    expect(await new StoreSpool({ store: restarted, file }).replay()).toBe(0);
    expect(await restarted.listLocks()).toMatchObject([{ owner: 'bot-new' }]);
  });
});
