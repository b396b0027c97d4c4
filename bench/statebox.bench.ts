/**
 * The 20-writer StateBox race: 20 updates to different tasks and issues of one release, from two
 * OS processes, every writer with its own service instance (no in-process queue), against the
 * simulated GitHub over real HTTP and against the local directory backend. Production retry
 * timings (backoff 0.5 s doubling to 10 s, randomised).
 *
 * Figures: kept (of 20, target 20), attempts_median (target <= 3), attempts_max, wall time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, median, note } from './lib.ts';
import { parseStateBoxYaml } from '../src/release/statebox/yaml.ts';
import type { StateBoxState } from '../src/release/statebox/schema.ts';
import { startGitHubSandbox } from '../src/sandbox/github/index.ts';
import { runRace, twentyOps } from '../test/release/statebox/race.ts';
import type { RaceOp, WorkerOpResult } from '../test/release/statebox/worker.ts';

const RELEASE = '4.21.8';
const PATH = '_releases/4.21/statebox/4.21.8.yaml';

function kept(state: StateBoxState, ops: RaceOp[]): number {
  return ops.filter((op) =>
    op.kind === 'task' ? state.tasks.some((t) => t.name === op.task && t.status === op.status) : state.issues.some((i) => i.issue === op.text),
  ).length;
}

function report(bench: string, state: StateBoxState, ops: RaceOp[], results: WorkerOpResult[], ms: number): void {
  const attempts = results.map((r) => r.attempts);
  const failed = results.filter((r) => r.outcome !== 'written');
  if (failed.length) note(`${bench}: ${failed.length} writer(s) failed:`, failed.map((f) => f.error));
  emit(bench, 'kept', kept(state, ops), 'of 20');
  emit(bench, 'attempts_median', median(attempts), 'attempts');
  emit(bench, 'attempts_max', Math.max(...attempts), 'attempts');
  emit(bench, 'conflicts_total', results.reduce((n, r) => n + r.conflicts, 0), 'conflicts');
  emit(bench, 'wall_time', ms, 'ms');
}

const ops = twentyOps();

// Simulated GitHub over real HTTP.
const gh = await startGitHubSandbox({ branches: ['z-stream'] });
try {
  const started = performance.now();
  const results = await runRace({ env: gh.env(), release: RELEASE, ops, processes: 2, independent: true, minRetryDelayMs: 500, maxRetryDelayMs: 10_000 });
  report('statebox', parseStateBoxYaml(gh.readFile('z-stream', PATH)!), ops, results, performance.now() - started);
} finally {
  await gh.close();
}

// Local directory backend (lock file + compare-and-swap + rename).
const dir = mkdtempSync(join(tmpdir(), 'oar-statebox-bench-'));
try {
  const started = performance.now();
  const results = await runRace({ env: { OAR_STATEBOX_DIR: dir }, release: RELEASE, ops, processes: 2, independent: true, minRetryDelayMs: 500, maxRetryDelayMs: 10_000 });
  report('statebox-local', parseStateBoxYaml(readFileSync(join(dir, PATH), 'utf8')), ops, results, performance.now() - started);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
