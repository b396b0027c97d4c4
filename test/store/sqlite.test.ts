import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { SqliteStore, StoreError, createStore, describeStore, openStore, type Store } from '../../src/store/index.ts';
import { testConfig } from '../../src/config/env.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { storeContract } from './contract.ts';
import { raceWorkers } from './race.ts';

storeContract('sqlite', {
  open: () => openTestStore(),
  second: async (s) => {
    const other = new SqliteStore({ file: (s as SqliteTestStore).file });
    await other.init();
    return other;
  },
});

describe('SQLite engine', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'oar-sqlite-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('createStore picks SQLite in OAR_DATA_DIR (created if missing) with WAL and one migration row per version', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const config = testConfig({ OAR_DATA_DIR: dataDir });
    const store = await openStore(config);
    stores.push(store);
    expect(store.engine).toBe('sqlite');
    expect(describeStore(config)).toBe(`sqlite ${join(dataDir, 'oar.db')}`);
    await store.audit({ event: 'run', actorId: 'U1' });
    const again = await openStore(config);
    stores.push(again);
    expect(await again.queryAudit({})).toHaveLength(1);

    const raw = new DatabaseSync(join(dataDir, 'oar.db'), { readOnly: true });
    try {
      expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1, name: 'initial' }, { version: 2, name: 'live locks and the approval lifecycle' }]);
    } finally {
      raw.close();
    }
  });

  it('createStore picks PostgreSQL when DATABASE_URL is set, and rejects a non-postgres URL without echoing it', async () => {
    expect((await createStore(testConfig({ DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/db' }))).engine).toBe('postgres');
    expect(describeStore(testConfig({ DATABASE_URL: 'postgres://u:hunter22@db.example:6543/oar' }))).toBe('postgres db.example:6543/oar');
    let err: unknown;
    try {
      await createStore(testConfig({ DATABASE_URL: 'mysql://u:hunter22@h/db' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect(String(err)).toMatch(/DATABASE_URL must be a postgres/);
    expect(String(err)).not.toContain('hunter22');
  });

  it('a corrupt database file is a clear startup error naming the file, and the file is left unchanged', async () => {
    const dir = tempDir();
    const file = join(dir, 'oar.db');
    const garbage = Buffer.from('this is not a database, it is a shopping list: eggs, milk, '.repeat(200));
    writeFileSync(file, garbage);
    const store = new SqliteStore({ file });
    const err = await store.init().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/not a database/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
    expect(readdirSync(dir)).toEqual(['oar.db']);
    await expect(store.audit({ event: 'run', actorId: 'U1' })).rejects.toThrow(StoreError);
  });

  it('an unreadable database path (a directory) is a clear startup error naming it', async () => {
    const dir = tempDir();
    const file = join(dir, 'oar.db');
    mkdirSync(file);
    const err = await new SqliteStore({ file }).init().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(file);
    expect(existsSync(file)).toBe(true);
  });

  it('a data directory that cannot be created is a clear error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), 'x');
    const err = await openStore(testConfig({ OAR_DATA_DIR: join(dir, 'blocker', 'data') })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/cannot create the data directory .*blocker/);
  });

  it('refuses a database migrated by a newer oar-bot', async () => {
    const dir = tempDir();
    const file = join(dir, 'oar.db');
    const first = new SqliteStore({ file });
    await first.init();
    await first.close();
    const raw = new DatabaseSync(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    raw.close();
    await expect(new SqliteStore({ file }).init()).rejects.toThrow(/schema version 99, newer than this oar-bot knows \(2\)/);
  });

  it('a write blocked by another process past busy_timeout fails with a StoreError, not a hang', async () => {
    const dir = tempDir();
    const file = join(dir, 'oar.db');
    const store = new SqliteStore({ file, busyTimeoutMs: 50 });
    await store.init();
    stores.push(store);
    const blocker = new DatabaseSync(file);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.markSeen('k', 600_000)).rejects.toThrow(/locked by another process for more than 50 ms/);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await store.markSeen('k', 600_000)).toBe(true);
  });

  it('two OS processes on the same file race for a lock, a lease and a dedup key: exactly one wins each round', async () => {
    const dir = tempDir();
    const result = await raceWorkers({ engine: 'sqlite', file: join(dir, 'oar.db') }, 50);
    expect(result.rounds).toBe(50);
    expect(result.violations).toEqual([]);
  }, 60_000);
});

describe('SQLite: several processes opening one new file at the same instant', () => {
  it('all of them open and migrate it (SQLITE_BUSY while switching to WAL is retried, not fatal)', async () => {
    const { spawn } = await import('node:child_process');
    const { createInterface } = await import('node:readline');
    const node = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
    const worker = fileURLToPath(new URL('./open-worker.ts', import.meta.url));
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'oar-open-race-'));
      const file = join(dir, 'oar.db');
      const procs = Array.from({ length: 6 }, () => spawn(node, [worker, file], { stdio: ['pipe', 'pipe', 'inherit'] }));
      const lines = procs.map((p) => createInterface({ input: p.stdout })[Symbol.asyncIterator]());
      for (const l of lines) expect((await l.next()).value).toBe('ready');
      // The barrier: every process is up before any of them opens the file.
      for (const p of procs) p.stdin.write('go\n');
      const answers = await Promise.all(lines.map(async (l) => (await l.next()).value as string));
      expect(answers).toEqual(Array(6).fill('ok'));
      const store = new SqliteStore({ file });
      await store.init();
      expect(await store.queryAudit({})).toHaveLength(6);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
