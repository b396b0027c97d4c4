/**
 * StateBox group commit: 20 concurrent updates to different tasks and issues of one release,
 * against the simulated GitHub over real HTTP with 100 ms latency on every request. Production
 * retry timings (backoff 0.5 s doubling to 10 s, randomised). Each OS process has one service
 * instance, as the bot does: its changes of one release are committed in groups.
 *
 * Figures (issue 22): writes_single_process (contents-API PUTs for 20 updates in one process,
 * target <= 4), conflicts_single_process (409/422 answers, target 0), writes_two_processes
 * (2 processes x 10, target <= 12), kept (of 20 after the two-process run, target 20), and the
 * same for the local directory backend (`statebox-local`, no latency).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, note } from './lib.ts';
import { parseStateBoxYaml } from '../src/release/statebox/yaml.ts';
import type { StateBoxState } from '../src/release/statebox/schema.ts';
import { startGitHubSandbox } from '../src/sandbox/github/index.ts';
import { runRace, twentyOps } from '../test/release/statebox/race.ts';
import type { RaceOp, WorkerOpResult } from '../test/release/statebox/worker.ts';

const RELEASE = '4.21.8';
const PATH = '_releases/4.21/statebox/4.21.8.yaml';
const LATENCY_MS = 100;
const RETRY = { minRetryDelayMs: 500, maxRetryDelayMs: 10_000 };

function kept(state: StateBoxState, ops: RaceOp[]): number {
  return ops.filter((op) =>
    op.kind === 'task' ? state.tasks.some((t) => t.name === op.task && t.status === op.status) : state.issues.some((i) => i.issue === op.text),
  ).length;
}

function failures(label: string, results: WorkerOpResult[]): void {
  const failed = results.filter((r) => r.outcome === 'error' || r.outcome === 'failed');
  if (failed.length) note(`${label}: ${failed.length} writer(s) failed:`, failed.map((f) => f.error));
}

const ops = twentyOps();

for (const processes of [1, 2]) {
  const gh = await startGitHubSandbox({ branches: ['z-stream'] });
  gh.setLatency(LATENCY_MS);
  try {
    const started = performance.now();
    const results = await runRace({ env: gh.env(), release: RELEASE, ops, processes, independent: false, ...RETRY });
    const ms = performance.now() - started;
    failures(`statebox ${processes} process(es)`, results);
    const puts = gh.calls.filter((c) => c.method === 'PUT');
    const conflicts = puts.filter((c) => c.status === 409 || c.status === 422).length;
    if (processes === 1) {
      emit('statebox', 'writes_single_process', puts.length, 'writes (target <= 4)');
      emit('statebox', 'conflicts_single_process', conflicts, 'conflicts (target 0)');
      emit('statebox', 'wall_single_process_ms', ms, 'ms');
    } else {
      emit('statebox', 'writes_two_processes', puts.length, 'writes (target <= 12)');
      emit('statebox', 'conflicts_two_processes', conflicts, 'conflicts');
      emit('statebox', 'kept', kept(parseStateBoxYaml(gh.readFile('z-stream', PATH)!), ops), 'of 20 (target 20)');
      emit('statebox', 'wall_two_processes_ms', ms, 'ms');
    }
  } finally {
    await gh.close();
  }
}

// Local directory backend (lock file + compare-and-swap + rename), two processes.
const dir = mkdtempSync(join(tmpdir(), 'oar-statebox-bench-'));
try {
  const started = performance.now();
  const results = await runRace({ env: { OAR_STATEBOX_DIR: dir }, release: RELEASE, ops, processes: 2, independent: false, ...RETRY });
  failures('statebox-local', results);
  emit('statebox-local', 'kept', kept(parseStateBoxYaml(readFileSync(join(dir, PATH), 'utf8')), ops), 'of 20 (target 20)');
  emit('statebox-local', 'conflicts_total', results.reduce((n, r) => n + r.conflicts, 0), 'conflicts');
  emit('statebox-local', 'wall_time', performance.now() - started, 'ms');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
