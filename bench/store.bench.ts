/**
 * Operational store throughput on both engines:
 * - 10,000 audit() calls, one after the other, each its own committed insert (no batching);
 * - 10,000 acquireLock + releaseLock pairs.
 * Each figure is the median of 3 runs on a fresh database (SQLite: temp dir; PostgreSQL:
 * fresh schema on DATABASE_URL or 127.0.0.1:5432, dropped afterwards).
 *
 * Run: npx node bench/store.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SqliteStore, type Store } from '../src/store/index.ts';
import { PostgresStore } from '../src/store/postgres.ts';
import { emit, median, note } from './lib.ts';

const BENCH = 'store';
const N = 10_000;
const RUNS = 3;
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function insertAudit(store: Store): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    await store.audit({
      event: 'run', actorId: `U${i % 17}`, actorName: 'bench', release: `4.19.${i % 40}`, command: 'take-ownership',
      options: { email: 'qe@example.com', dryRun: false }, outcome: 'Pass', durationMs: i % 1000, channel: 'C0BENCH', threadTs: '1719830000.000100',
    });
  }
  return performance.now() - t0;
}

async function lockPairs(store: Store): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const key = `release:4.19.${i % 40}`;
    const r = await store.acquireLock({ key, holder: 'U1', reason: 'bench', ttlMs: 60_000, owner: 'bench' });
    if (!r.acquired) throw new Error(`lock ${key} unexpectedly held`);
    if (!(await store.releaseLock(key, { holder: 'U1' }))) throw new Error(`lock ${key} was not released`);
  }
  return N / ((performance.now() - t0) / 1000);
}

async function measure(engine: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): Promise<{ insertMs: number; pairsPerS: number }> {
  const inserts: number[] = [];
  const pairs: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const { store, cleanup } = await open();
    try {
      inserts.push(await insertAudit(store));
      pairs.push(await lockPairs(store));
    } finally {
      await store.close();
      await cleanup();
    }
    note(`${engine} run ${run}: ${N} audit inserts ${inserts.at(-1)!.toFixed(0)} ms, ${pairs.at(-1)!.toFixed(0)} lock pairs/s`);
  }
  return { insertMs: median(inserts), pairsPerS: median(pairs) };
}

const sqlite = await measure('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oar-bench-'));
  const store = new SqliteStore({ file: join(dir, 'oar.db') });
  await store.init();
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
emit(BENCH, 'sqlite_insert_10k_ms', sqlite.insertMs, 'ms');
emit(BENCH, 'sqlite_lock_pairs_per_s', sqlite.pairsPerS, 'pairs/s');

let failed = false;
try {
  const postgres = await measure('postgres', async () => {
    const schema = `oar_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const store = new PostgresStore({ url: PG_URL, schema, connectTimeoutMs: 3_000 });
    await store.init();
    return {
      store,
      cleanup: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await c.end();
        }
      },
    };
  });
  emit(BENCH, 'pg_insert_10k_ms', postgres.insertMs, 'ms');
  emit(BENCH, 'pg_lock_pairs_per_s', postgres.pairsPerS, 'pairs/s');
} catch (e) {
  note(`PostgreSQL figures not measured: ${e instanceof Error ? e.message : String(e)}`);
  failed = true;
}
process.exitCode = failed ? 1 : 0;
