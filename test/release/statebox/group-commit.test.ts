/**
 * Group commit: changes of one release submitted to one service instance are applied in
 * submission order on one read and written once per round trip; each caller gets its own result
 * (or its own error). Across processes nothing is lost and every task's last write wins (5.6).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteOptions } from '../../../src/release/statebox/backend.ts';
import { StateBoxError } from '../../../src/release/statebox/errors.ts';
import { StateBoxService } from '../../../src/release/statebox/service.ts';
import { parseStateBoxYaml } from '../../../src/release/statebox/yaml.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/github/index.ts';
import { CountingBackend, localService, type LocalFixture } from './helpers.ts';
import { runRace } from './race.ts';
import type { RaceOp } from './worker.ts';

const R = '4.19.1';

/** Holds every write until `release()` is called, so changes can be queued behind one in flight. */
class GatedBackend extends CountingBackend {
  private gate: Promise<void> | undefined;
  private open: () => void = () => undefined;
  writeStarted: Promise<void>;
  private onWriteStarted: () => void = () => undefined;
  constructor(inner: CountingBackend['inner']) {
    super(inner);
    this.writeStarted = new Promise((r) => (this.onWriteStarted = r));
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.gate = undefined;
    this.open();
  }
  override async write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }> {
    this.onWriteStarted();
    if (this.gate) await this.gate;
    return super.write(release, text, opts);
  }
}

/** A local service whose release already has a StateBox (take-ownership passed); counters reset. */
function withStateBox(): { get(): LocalFixture } {
  let fx: LocalFixture;
  beforeEach(async () => {
    fx = localService();
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    fx.backend.reads = 0;
    fx.backend.writes = 0;
  });
  afterEach(() => fx.cleanup());
  return { get: () => fx };
}

describe('group commit in one process', () => {
  const current = withStateBox();
  let fx: LocalFixture;
  beforeEach(() => {
    fx = current.get();
  });

  it('changes submitted together are applied in submission order and written once; each caller gets its own result', async () => {
    const first = fx.service.updateTask(R, 'image-consistency-check', 'In Progress');
    const second = fx.service.updateTask(R, 'image-consistency-check', 'Fail', '2025-11-27T21:55:00Z: failed');
    const third = fx.service.updateTask(R, 'image-consistency-check', 'Pass');
    const demote = fx.service.updateTask(R, 'image-consistency-check', 'In Progress');
    const issue = fx.service.addIssue(R, 'payload blocked', { blocker: true, relatedTasks: ['image-consistency-check'] });
    const [a, b, c, d, e] = await Promise.all([first, second, third, demote, issue]);
    expect([a.previousStatus, b.previousStatus, c.previousStatus]).toEqual([null, 'In Progress', 'Fail']);
    expect([a.task.status, b.task.status, c.task.status]).toEqual(['In Progress', 'Fail', 'Pass']);
    // The pass-kept rule sees the state the earlier changes of the group made.
    expect(d).toMatchObject({ written: false, skipped: 'pass-kept', previousStatus: 'Pass' });
    expect(e.created).toBe(true);
    expect(fx.backend.writes).toBe(1);
    // Based on the document this service wrote last: no read before the write.
    expect(fx.backend.reads).toBe(0);
    const stored = await fx.service.get(R);
    expect(stored!.state.tasks.find((t) => t.name === 'image-consistency-check')?.status).toBe('Pass');
    expect(stored!.state.issues.map((i) => i.issue)).toEqual(['payload blocked']);
  });

  it('a change that fails rejects alone, with its own error, and leaves the others and the document intact', async () => {
    const before = fx.service.updateTask(R, 'stage-testing', 'In Progress');
    const missing = fx.service.resolveIssue(R, 'no such issue', 'done');
    const after = fx.service.addIssue(R, 'kept issue');
    const results = await Promise.allSettled([before, missing, after]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason as StateBoxError;
    expect(err).toBeInstanceOf(StateBoxError);
    expect(err.message).toMatch(/Issue not found: 'no such issue'/);
    expect(fx.backend.writes).toBe(1);
    const stored = (await fx.service.get(R))!.state;
    expect(stored.tasks.find((t) => t.name === 'stage-testing')?.status).toBe('In Progress');
    expect(stored.issues.map((i) => i.issue)).toEqual(['kept issue']);
  });

  it('changes queued while a write is in flight are committed together by the next turn', async () => {
    const gated = new GatedBackend(fx.backend.inner);
    const svc = new StateBoxService({ backend: gated, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
    const head = svc.updateTask(R, 'stage-testing', 'In Progress');
    await gated.writeStarted;
    const queued = ['check-cve-tracker-bug', 'push-to-cdn-staging', 'image-signed-check', 'analyze-candidate-build'].map((t) => svc.updateTask(R, t, 'Pass'));
    gated.release();
    const all = await Promise.all([head, ...queued]);
    expect(all.every((r) => r.written)).toBe(true);
    expect(gated.writes).toBe(2);
    const stored = (await svc.get(R))!.state;
    expect(stored.tasks.map((t) => t.name)).toEqual(['take-ownership', 'stage-testing', 'check-cve-tracker-bug', 'push-to-cdn-staging', 'image-signed-check', 'analyze-candidate-build']);
  });

  it('a group whose write keeps failing rejects every change in it; the next group still runs', async () => {
    const failing = new (class extends CountingBackend {
      failures = 1;
      override async write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }> {
        if (this.failures-- > 0) throw new StateBoxError('storage', 'disk gone', { release });
        return super.write(release, text, opts);
      }
    })(fx.backend.inner);
    const svc = new StateBoxService({ backend: failing, minRetryDelayMs: 1 });
    const group = await Promise.allSettled([svc.updateTask(R, 'stage-testing', 'Pass'), svc.addIssue(R, 'lost with the group')]);
    expect(group.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(((group[0] as PromiseRejectedResult).reason as Error).message).toBe('disk gone');
    await svc.addIssue(R, 'next group');
    const stored = (await svc.get(R))!.state;
    expect(stored.issues.map((i) => i.issue)).toEqual(['next group']);
    expect(stored.tasks.find((t) => t.name === 'stage-testing')).toBeUndefined();
  });
});

describe('group commit across two processes (simulated GitHub with latency)', () => {
  let gh: GitHubSandbox | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  it('nothing is lost, each process writes its group once, and every task ends with its last submitted status', async () => {
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
    gh.setLatency(20);
    const release = '4.21.8';
    const path = '_releases/4.21/statebox/4.21.8.yaml';
    const tasksOf = [
      ['take-ownership', 'check-cve-tracker-bug', 'push-to-cdn-staging'],
      ['image-signed-check', 'image-consistency-check', 'stage-testing'],
    ];
    const byProcess: RaceOp[][] = [0, 1].map((p) => [
      ...tasksOf[p]!.flatMap((task): RaceOp[] => [
        { kind: 'task', task, status: 'In Progress' },
        { kind: 'task', task, status: 'Fail', result: `2025-11-27T21:5${p}:00Z: failed in p${p}` },
      ]),
      { kind: 'task', task: 'analyze-candidate-build', status: p ? 'Fail' : 'Pass', result: `2025-11-27T21:4${p}:00Z: shared task by p${p}` },
      { kind: 'issue', text: `p${p} issue a`, blocker: p === 0, relatedTasks: p === 0 ? ['stage-testing'] : [] },
      { kind: 'issue', text: `p${p} issue b` },
    ]);
    // runRace deals ops round-robin: even indexes go to process 0, odd ones to process 1.
    const interleaved = byProcess[0]!.flatMap((op, i) => [op, byProcess[1]![i]!]);
    const results = await runRace({ env: gh.env(), release, ops: interleaved, processes: 2, independent: false, minRetryDelayMs: 10, maxRetryDelayMs: 50 });
    expect(results.filter((r) => r.outcome === 'error')).toEqual([]);
    const state = parseStateBoxYaml(gh.readFile('z-stream', path)!);
    for (const task of tasksOf.flat()) expect(state.tasks.find((t) => t.name === task)?.status, task).toBe('Fail');
    // A task both processes wrote holds one process's whole entry, never a mix (5.6: whole task entry wins).
    const shared = state.tasks.find((t) => t.name === 'analyze-candidate-build')!;
    expect([`Pass|shared task by p0`, `Fail|shared task by p1`]).toContain(`${shared.status}|${shared.result?.replace(/^.*: /, '')}`);
    expect(state.issues.map((i) => i.issue).sort()).toEqual(['p0 issue a', 'p0 issue b', 'p1 issue a', 'p1 issue b']);
    // One group per process: two commits, however many conflicts it took.
    expect(gh.commits({ path })).toHaveLength(2);
    const puts = gh.calls.filter((c) => c.method === 'PUT').map((c) => c.status);
    expect(puts.filter((s) => s < 300)).toHaveLength(2);
    expect(puts.filter((s) => s >= 300).every((s) => s === 409 || s === 422)).toBe(true);
  }, 60_000);
});

describe('writes based on the document the service last read or wrote', () => {
  const current = withStateBox();
  let fx: LocalFixture;
  beforeEach(() => {
    fx = current.get();
  });

  it('another writer changed the file since: the refused write re-reads at once and keeps both changes', async () => {
    const other = localService({ backend: fx.backend.inner });
    await other.service.addIssue(R, 'from another process');
    const res = await fx.service.updateTask(R, 'stage-testing', 'In Progress');
    expect(res.written).toBe(true);
    expect([fx.backend.writes, fx.backend.reads]).toEqual([2, 1]);
    const stored = (await fx.service.get(R))!.state;
    expect(stored.issues.map((i) => i.issue)).toEqual(['from another process']);
    expect(stored.tasks.map((t) => t.name)).toEqual(['take-ownership', 'stage-testing']);
  });

  it('a change that looks like a no-op or fails against the remembered document is decided on a fresh read', async () => {
    const other = localService({ backend: fx.backend.inner });
    await other.service.addIssue(R, 'added elsewhere');
    await other.service.updateTask(R, 'take-ownership', 'Fail');
    // Remembered: take-ownership Pass and no issue. Fresh: Fail, and the issue exists.
    const pass = await fx.service.updateTask(R, 'take-ownership', 'Pass');
    expect(pass).toMatchObject({ written: true, previousStatus: 'Fail' });
    await other.service.addIssue(R, 'added later');
    const resolved = await fx.service.resolveIssue(R, 'added later', 'fixed');
    expect(resolved.resolved).toBe(true);
    const stored = (await fx.service.get(R))!.state;
    expect(stored.tasks.find((t) => t.name === 'take-ownership')?.status).toBe('Pass');
    expect(stored.issues.find((i) => i.issue === 'added later')).toMatchObject({ resolved: true, resolution: 'fixed' });
  });
});
