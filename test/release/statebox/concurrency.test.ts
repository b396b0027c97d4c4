/**
 * Concurrency proof: 20 concurrent updates to different tasks and issues of one release, from TWO
 * OS processes, against the simulated GitHub (real HTTP) and against the local directory backend.
 * Every one of the 20 is in the final file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStateBoxYaml } from '../../../src/release/statebox/yaml.ts';
import type { StateBoxState } from '../../../src/release/statebox/schema.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/github/index.ts';
import { runRace, twentyOps } from './race.ts';
import type { RaceOp, WorkerOpResult } from './worker.ts';

const R = '4.21.8';
const PATH = '_releases/4.21/statebox/4.21.8.yaml';

function expectAllKept(state: StateBoxState, ops: RaceOp[], results: WorkerOpResult[]) {
  expect(results.filter((r) => r.outcome !== 'written')).toEqual([]);
  expect(results).toHaveLength(20);
  for (const op of ops) {
    if (op.kind === 'task') {
      const task = state.tasks.find((t) => t.name === op.task);
      expect(task?.status, op.task).toBe(op.status);
      expect(task?.result).toContain('[EMAIL_REDACTED]');
    } else {
      expect(state.issues.some((i) => i.issue === op.text && i.blocker === op.blocker), op.text).toBe(true);
    }
  }
  expect(state.tasks).toHaveLength(10);
  expect(state.issues).toHaveLength(10);
}

let gh: GitHubSandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('two processes, 20 concurrent StateBox updates', () => {
  it('simulated GitHub: all 20 survive; conflicts were real (409/422 answered) and merged', async () => {
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
    const ops = twentyOps();
    const results = await runRace({ env: gh.env(), release: R, ops, processes: 2, independent: true });
    const state = parseStateBoxYaml(gh.readFile('z-stream', PATH)!);
    expectAllKept(state, ops, results);
    const puts = gh.calls.filter((c) => c.method === 'PUT');
    expect(puts.filter((c) => c.status === 409 || c.status === 422).length).toBeGreaterThan(0);
    expect(puts.filter((c) => c.status === 200 || c.status === 201)).toHaveLength(20);
    expect(gh.commits({ path: PATH })).toHaveLength(20);
  }, 120_000);

  it('simulated GitHub, one service per process (in-process writes queued): all 20 survive', async () => {
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
    const ops = twentyOps();
    const results = await runRace({ env: gh.env(), release: R, ops, processes: 2, independent: false });
    expectAllKept(parseStateBoxYaml(gh.readFile('z-stream', PATH)!), ops, results);
  }, 120_000);

  it('local directory backend: all 20 survive across two processes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oar-statebox-race-'));
    const ops = twentyOps();
    const results = await runRace({ env: { OAR_STATEBOX_DIR: dir }, release: R, ops, processes: 2, independent: true });
    const state = parseStateBoxYaml(readFileSync(join(dir, PATH), 'utf8'));
    expectAllKept(state, ops, results);
    expect(results.some((r) => r.conflicts > 0)).toBe(true);
  }, 120_000);
});
