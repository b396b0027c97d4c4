/**
 * Durable watchers: the handler registry, polling, completion (StateBox + Slack), deadlines,
 * cancellation, a restart on the same SQLite file, and two replicas sharing PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from '../../src/config/env.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { Runner, TERMINAL_AUTHORIZER } from '../../src/commands/runner.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStore, type NewWatch, type Store, type Watch } from '../../src/store/index.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { asyncApprovalWatch, createAsyncApprovalHandler } from '../../src/commands/approval/async-approval.ts';
import { ASYNC_APPROVAL_KIND } from '../../src/commands/change-advisory-status.ts';
import { createWatchPoller, WatchHandlerRegistry, type WatchHandler, type WatchPollResult } from '../../src/jobs/watchers.ts';
import { watchersJob } from '../../src/jobs/watchers-job.ts';
import { jobActor } from '../../src/jobs/types.ts';
import { openPgTestStore, openTestStore, PG_TEST_URL, type SqliteTestStore } from '../helpers/store.ts';
import { counter, deferred, SlackRecorder } from './helpers.ts';

const MIN = 60_000;
const T0 = new Date('2026-07-06T10:00:00Z');

function newWatch(extra: Partial<NewWatch> = {}): NewWatch {
  return {
    kind: 'prow-job',
    release: '4.19.37',
    subject: { jobId: 'abc-123' },
    report: { channel: 'C1', threadTs: '1700000000.000100', messageTs: '1700000000.000200' },
    intervalMs: 5 * MIN,
    deadline: new Date(T0.getTime() + 120 * MIN),
    createdAt: T0,
    nextCheckAt: T0,
    ...extra,
  };
}

describe('watch handler registry', () => {
  it('one handler per kind, registered with one call', () => {
    const r = new WatchHandlerRegistry();
    const h: WatchHandler = { poll: async () => ({ done: false, summary: '' }) };
    r.register('jenkins-build', h);
    expect(r.get('jenkins-build')).toBe(h);
    expect(() => r.register('jenkins-build', h)).toThrow(/already registered/);
    r.register('jenkins-build', { ...h }, { replace: true });
    expect(r.get('jenkins-build')).not.toBe(h);
    expect(() => r.register('Prow Job', h)).toThrow(/kebab-case/);
    expect(r.kinds()).toEqual(['jenkins-build']);
  });
});

describe('watch poller', () => {
  let store: SqliteTestStore;
  let clock: Date;
  let statebox: MemoryStateBox;
  let slack: SlackRecorder;
  let handlers: WatchHandlerRegistry;
  let answers: WatchPollResult[];
  let polls: { id: string; attempt: number }[];

  beforeEach(async () => {
    store = await openTestStore();
    clock = T0;
    statebox = new MemoryStateBox();
    slack = new SlackRecorder();
    handlers = new WatchHandlerRegistry();
    answers = [];
    polls = [];
    handlers.register('prow-job', {
      task: 'image-consistency-check',
      async poll(w, ctx) {
        polls.push({ id: w.id, attempt: ctx.attempt });
        const a = answers.shift();
        if (!a) throw new Error('Prow answered 502');
        return a;
      },
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const poller = (s: Pick<Store, 'claimDueWatches' | 'updateWatch' | 'getWatch' | 'listWatches' | 'audit'> = store) => createWatchPoller({ store: s, statebox, slack: async () => slack, handlers, logger: silentLogger, now: () => clock });
  const add = async (extra: Partial<NewWatch> = {}) => {
    const r = await store.addWatch(newWatch(extra));
    if (!r.created) throw new Error('not created');
    return r.watch;
  };

  it('a pending poll pushes the next check by the interval; nothing is polled before it is due', async () => {
    const w = await add();
    answers.push({ done: false, summary: 'job is pending' });
    const s = await poller().pollOnce();
    expect(s).toMatchObject({ claimed: 1, pending: 1 });
    expect(polls).toEqual([{ id: w.id, attempt: 1 }]);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active', attempts: 1, lastResult: 'job is pending', nextCheckAt: new Date(T0.getTime() + 5 * MIN) });
    expect((await poller().pollOnce()).claimed).toBe(0);
    expect(slack.posts).toEqual([]);
    expect(statebox.updates).toEqual([]);
  });

  it('done: sets the StateBox task, marks the watch done, updates the original message and replies in the thread', async () => {
    const w = await add();
    answers.push({ done: true, status: 'Pass', summary: 'Prow job finished: success', result: 'line 1\nline 2' });
    const s = await poller().pollOnce();
    expect(s.done).toBe(1);
    expect(statebox.updates).toEqual([{ release: '4.19.37', task: 'image-consistency-check', status: 'Pass', result: 'line 1\nline 2' }]);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'done', lastResult: 'Pass: Prow job finished: success' });
    expect(slack.posts.map((p) => `${p.op} ${p.channel} ${p.op === 'update' ? p.ts : p.threadTs}`)).toEqual(['update C1 1700000000.000200', 'post C1 1700000000.000100', 'output C1 1700000000.000100']);
    expect(slack.posts[0]!.text).toBe('[Pass] prow-job 4.19.37: Prow job finished: success');
    expect(slack.posts[1]!.threadTs).toBe('1700000000.000100');
    expect(slack.posts[2]!.text).toBe('line 1\nline 2');
    expect((await poller().pollOnce()).claimed).toBe(0);
  });

  it("the watch's subject.task takes precedence over the handler's task", async () => {
    await add({ subject: { jobId: 'x', task: 'stage-testing' } });
    answers.push({ done: true, status: 'Fail', summary: 'failed' });
    await poller().pollOnce();
    expect(statebox.updates).toEqual([{ release: '4.19.37', task: 'stage-testing', status: 'Fail', result: 'failed' }]);
  });

  it('past the deadline: expired, task Fail, reported', async () => {
    const w = await add({ deadline: new Date(T0.getTime() + 10 * MIN) });
    answers.push({ done: false, summary: 'pending' }, { done: false, summary: 'still pending' });
    await poller().pollOnce();
    clock = new Date(T0.getTime() + 10 * MIN);
    const s = await poller().pollOnce();
    expect(s.expired).toBe(1);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'expired', attempts: 2 });
    expect(statebox.updates[0]).toMatchObject({ task: 'image-consistency-check', status: 'Fail' });
    expect(statebox.updates[0]!.result).toMatch(/not finished by the deadline 2026-07-06T10:10:00.000Z/);
    expect(slack.posts[0]!.text).toMatch(/^\[Timed out\] prow-job 4.19.37/);
  });

  it('a poll error keeps the watch active and retries at the next interval', async () => {
    const w = await add();
    const s = await poller().pollOnce();
    expect(s.errors).toBe(1);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active', attempts: 1, lastResult: 'poll failed: Prow answered 502' });
    clock = new Date(T0.getTime() + 5 * MIN);
    answers.push({ done: true, status: 'Pass', summary: 'ok' });
    expect((await poller().pollOnce()).done).toBe(1);
    expect(polls.map((p) => p.attempt)).toEqual([1, 2]);
  });

  it('a kind without a handler stays active (another replica or version may have it)', async () => {
    const w = await add({ kind: 'cdn-push' });
    const s = await poller().pollOnce();
    expect(s.noHandler).toBe(1);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active', lastResult: 'no handler for watch kind cdn-push in this process' });
  });

  it('when StateBox cannot be written the watch stays active and completes on a later poll', async () => {
    const w = await add();
    let failing = true;
    statebox.updateTask = async function (release, task, status, result) {
      if (failing) throw new Error('GitHub is down');
      return MemoryStateBox.prototype.updateTask.call(this, release, task, status, result);
    };
    answers.push({ done: true, status: 'Pass', summary: 'ok' });
    expect((await poller().pollOnce()).errors).toBe(1);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active' });
    expect(slack.posts).toEqual([]);
    failing = false;
    clock = new Date(T0.getTime() + 5 * MIN);
    answers.push({ done: true, status: 'Pass', summary: 'ok' });
    expect((await poller().pollOnce()).done).toBe(1);
    expect(statebox.updates).toHaveLength(1);
  });

  it('cancelWatch: audited, reported in the thread; a poll finishing afterwards does not report', async () => {
    const gate = deferred<WatchPollResult>();
    const polled = counter();
    handlers.register('jenkins-build', { task: 'stage-testing', poll: () => { polled.tick(); return gate.promise; } });
    const w = await add({ kind: 'jenkins-build' });
    const p = poller();
    const polling = p.pollOnce();
    await polled.reached(1);
    const c = await p.cancelWatch(w.id, { id: 'U42', name: 'alice', via: 'slack' });
    expect(c.ok).toBe(true);
    expect(c.message).toBe('Stopped watching jenkins-build for 4.19.37 (cancelled by alice); the StateBox task is left as it is.');
    gate.resolve({ done: true, status: 'Pass', summary: 'build finished' });
    const s = await polling;
    expect(s.results[0]!.outcome).toBe('cancelled');
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'cancelled' });
    expect(statebox.updates).toEqual([]);
    expect(slack.posts.filter((p2) => p2.op === 'post').map((p2) => p2.text)).toEqual(['[Cancelled] jenkins-build 4.19.37: Stopped watching jenkins-build for 4.19.37 (cancelled by <@U42>); the StateBox task is left as it is.']);
    expect((await store.queryAudit({ event: 'cancel' }))[0]).toMatchObject({ actorId: 'U42', release: '4.19.37', command: 'watch:jenkins-build' });
    expect((await p.cancelWatch(w.id, { id: 'U42', via: 'slack' })).ok).toBe(false);
    expect((await p.cancelWatch('nope', { id: 'U42', via: 'slack' })).message).toBe('There is no watch nope.');
  });

  it('as a job: a dry run lists the due watches without claiming them', async () => {
    const w = await add();
    const p = poller();
    const job = watchersJob({ config: testConfig(), poller: p });
    const ctx = (dryRun: boolean) => ({ dryRun, trigger: 'manual' as const, params: {}, signal: new AbortController().signal, logger: silentLogger, actor: jobActor('watchers'), now: () => clock });
    const dry = await job.run(ctx(true));
    expect(dry.counts).toEqual({ due: 1 });
    expect(dry.lines![0]).toContain(`watch ${w.id}`);
    expect((await store.getWatch(w.id))!.nextCheckAt).toEqual(T0);
    answers.push({ done: false, summary: 'pending' });
    const live = await job.run(ctx(false));
    expect(live.counts).toMatchObject({ claimed: 1, pending: 1 });
  });

  it('survives a restart: a new poller on the same SQLite file resumes the watch and completes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-watch-restart-'));
    try {
      const file = join(dir, 'oar.db');
      const first = new SqliteStore({ file });
      await first.init();
      const { watch } = (await first.addWatch(newWatch())) as { watch: Watch };
      answers.push({ done: false, summary: 'pending' });
      expect((await poller(first).pollOnce()).pending).toBe(1);
      await first.close();

      // "Restart": a new process opens the same file and registers its handlers again.
      const second = new SqliteStore({ file });
      await second.init();
      clock = new Date(T0.getTime() + 5 * MIN);
      answers.push({ done: true, status: 'Pass', summary: 'finished after the restart' });
      const s = await poller(second).pollOnce();
      expect(s.done).toBe(1);
      expect(await second.getWatch(watch.id)).toMatchObject({ state: 'done', attempts: 2 });
      expect(statebox.updates).toEqual([{ release: '4.19.37', task: 'image-consistency-check', status: 'Pass', result: 'finished after the restart' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two replicas sharing PostgreSQL', () => {
  it('never poll the same watch at once', async () => {
    const a = await openPgTestStore();
    const b = new PostgresStore({ url: PG_TEST_URL, schema: a.schema });
    try {
      await b.init();
      for (let i = 0; i < 20; i++) await a.addWatch(newWatch({ subject: { jobId: `job-${i}` } }));
      const inFlight = new Map<string, number>();
      const polled = counter();
      const polledBy: Record<string, string[]> = {};
      const gate = deferred();
      const make = (name: string, store: Store) => {
        // Each replica is its own process with its own registry.
        const handlers = new WatchHandlerRegistry();
        handlers.register('prow-job', {
          async poll(w) {
            inFlight.set(w.id, (inFlight.get(w.id) ?? 0) + 1);
            (polledBy[w.id] ??= []).push(name);
            polled.tick();
            if (inFlight.get(w.id)! > 1) throw new Error(`watch ${w.id} polled twice at once`);
            await gate.promise;
            inFlight.set(w.id, inFlight.get(w.id)! - 1);
            return { done: true, status: 'Pass', summary: `done by ${name}` };
          },
        });
        return createWatchPoller({ store, statebox: new MemoryStateBox(), handlers, logger: silentLogger, now: () => T0, batchSize: 5, concurrency: 5 });
      };
      const pa = make('a', a);
      const pb = make('b', b);
      // Both replicas claim while the other's polls are still running.
      const r1 = pa.pollOnce();
      await polled.reached(5);
      const r2 = pb.pollOnce();
      await polled.reached(10);
      // And race each other for the rest.
      const rest = [pa.pollOnce(), pb.pollOnce(), pa.pollOnce(), pb.pollOnce()];
      await polled.reached(20);
      expect(Object.keys(polledBy)).toHaveLength(20);
      gate.resolve();
      const summaries = await Promise.all([r1, r2, ...rest]);
      expect(summaries.reduce((n, s) => n + s.claimed, 0)).toBe(20);
      expect(Object.values(polledBy).every((who) => who.length === 1)).toBe(true);
      expect(new Set(Object.values(polledBy).flat())).toEqual(new Set(['a', 'b']));
      expect(await a.listWatches({ state: 'done' })).toHaveLength(20);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('async approval (change-advisory-status, oar-commands 10.4)', () => {
  let store: SqliteTestStore;
  let clock: Date;
  let statebox: MemoryStateBox;
  let slack: SlackRecorder;
  let handlers: WatchHandlerRegistry;
  let runner: Runner;
  let accessible: boolean;
  let completions: string[];
  let completeError: Error | undefined;
  const config = testConfig();
  const THREAD = { channel: 'C-THREAD', threadTs: '1700000000.000500' };

  /**
   * A stand-in for change-advisory-status (the real one runs against the simulated world in
   * test/commands/change-advisory-status-async.test.ts): it schedules the watch, and the watch
   * resumes it through the runner with the internal resume request.
   */
  const approve = defineCommand({
    name: 'change-advisory-status',
    group: 'oar',
    summary: 'fake approval',
    examples: [],
    safety: 'critical',
    task: 'change-advisory-status',
    scope: 'zstream',
    options: z.looseObject({}),
    // The runner stores only the kinds a command declares (string: this fake provides no handler factory).
    followUpKinds: [{ kind: ASYNC_APPROVAL_KIND as string, summary: 'waits for the payload metadata URL' }],
    async run(ctx, options) {
      const resume = options.asyncApprovalResume as { step: 'complete' | 'timeout' } | undefined;
      if (!resume) {
        ctx.log.info('Background metadata checker process started. Task status will be updated when metadata URL becomes accessible.');
        return { status: 'in_progress', summary: 'scheduled', watch: asyncApprovalWatch(ctx.release, ctx.config, { now: ctx.now() }) };
      }
      if (resume.step === 'timeout') {
        ctx.log.warn('Timeout reached after 2 days, payload metadata URL still not accessible');
        return { status: 'fail', summary: 'timeout' };
      }
      if (completeError) {
        ctx.log.error(`Release approval failed with error: ${completeError.message}`);
        return { status: 'fail', summary: completeError.message };
      }
      completions.push(ctx.release);
      ctx.log.info('advisory 169348 moved to REL_PREP');
      return { status: 'pass', summary: 'Release approval completed.' };
    },
  });

  beforeEach(async () => {
    store = await openTestStore();
    clock = T0;
    statebox = new MemoryStateBox();
    slack = new SlackRecorder();
    accessible = false;
    completions = [];
    completeError = undefined;
    runner = new Runner({ config, store, statebox, services: new LazyServices({}), configStores: { get: async () => { throw new Error('none'); } }, authorizer: TERMINAL_AUTHORIZER, now: () => clock });
    handlers = new WatchHandlerRegistry();
    handlers.register(ASYNC_APPROVAL_KIND, createAsyncApprovalHandler({
      checkMetadata: async (release) => ({ accessible, reason: accessible ? 'The metadata url is accessible' : 'The metadata url is not accessible (HTTP 404)', lines: [`Checking accessiblity of metadata url https://example.com/${release}`] }),
      execute: (req) => runner.execute(req),
      command: (name) => (name === approve.name ? approve : undefined),
      releaseLeadMention: async () => '<!subteam^S419>',
      releaseChannel: async () => '#qe-release',
    }));
  });
  afterEach(async () => {
    await store.close();
  });

  const poller = () => createWatchPoller({ store, statebox, slack: async () => slack, handlers, logger: silentLogger, now: () => clock });
  const schedule = async (release = '4.19.37') => {
    const r = await store.addWatch({ ...asyncApprovalWatch(release, config, { now: T0, report: THREAD }) });
    if (!r.created) throw new Error('not created');
    return r.watch;
  };

  it('one watch per release, checked every 30 minutes (the first check after 30 minutes), up to 2 days', async () => {
    const w = await schedule();
    expect(w).toMatchObject({ kind: 'async-approval', dedupKey: '4.19.37', intervalMs: 30 * MIN, nextCheckAt: new Date(T0.getTime() + 30 * MIN), deadline: new Date(T0.getTime() + 2 * 24 * 60 * MIN) });
    // No task on the watch: the resumed run records it, the poller must not write it again.
    expect(w.subject).toEqual({ release: '4.19.37' });
    const again = await store.addWatch(asyncApprovalWatch('4.19.37', config, { now: T0 }));
    expect(again.created).toBe(false);
    expect((await store.addWatch(asyncApprovalWatch('4.19.38', config, { now: T0 }))).created).toBe(true);
  });

  it('completes once the payload metadata URL is reachable, through the runner: task Pass with the log, audited, thread and release channel told', async () => {
    const w = await schedule();
    expect((await poller().pollOnce()).claimed).toBe(0);
    clock = new Date(T0.getTime() + 30 * MIN);
    const first = await poller().pollOnce();
    expect(first.results[0]!.summary).toBe('Scheduler check #1: Payload metadata URL still not accessible (The metadata url is not accessible (HTTP 404))');
    expect(statebox.updates).toEqual([]);
    accessible = true;
    clock = new Date(T0.getTime() + 60 * MIN);
    expect((await poller().pollOnce()).done).toBe(1);
    expect(completions).toEqual(['4.19.37']);
    const done = 'Hello <!subteam^S419>, Release approval completed for 4.19.37. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.';
    // Both writes are the runner's (In Progress at the start, Pass at the end); none is the poller's.
    expect(statebox.updates.map((u) => [u.task, u.status])).toEqual([['change-advisory-status', 'In Progress'], ['change-advisory-status', 'Pass']]);
    expect(statebox.updates[1]!.result).toContain('advisory 169348 moved to REL_PREP');
    const audit = (await store.queryAudit({ release: '4.19.37', command: 'change-advisory-status' })).reverse();
    expect(audit.map((a) => [a.event, a.actorId])).toEqual([['confirm', 'job:watchers'], ['intent', 'job:watchers'], ['run', 'job:watchers']]);
    expect(audit[1]).toMatchObject({ channel: 'C-THREAD', options: { asyncApprovalResume: { watch: w.id, step: 'complete', check: 2 } } });
    expect(await store.listLocks()).toEqual([]);
    expect(slack.in('C-THREAD').every((p) => p.threadTs === THREAD.threadTs)).toBe(true);
    expect(slack.in('C-THREAD').map((p) => p.op)).toEqual(['post', 'output']);
    expect(slack.in('C-THREAD')[0]!.text).toBe(`[Pass] async-approval 4.19.37: ${done}`);
    expect(slack.in('#qe-release').map((p) => p.text)).toEqual([done]);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'done' });
    // Never twice for the same release.
    clock = new Date(T0.getTime() + 5 * 60 * MIN);
    await poller().pollOnce();
    expect(completions).toEqual(['4.19.37']);
  });

  it('failure and timeout use the original wording and the runner sets the task to Fail', async () => {
    await schedule();
    accessible = true;
    completeError = new Error('Errata refused the state change: advisory 169348 has unfinished bugs');
    clock = new Date(T0.getTime() + 30 * MIN);
    await poller().pollOnce();
    expect(slack.in('#qe-release')[0]!.text).toBe('Hello <!subteam^S419>, Release approval failed for 4.19.37. Error: Errata refused the state change: advisory 169348 has unfinished bugs');
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'Fail']);

    await schedule('4.20.28');
    accessible = false;
    clock = new Date(T0.getTime() + 2 * 24 * 60 * MIN);
    expect((await poller().pollOnce()).expired).toBe(1);
    expect(slack.in('#qe-release')[1]!.text).toBe('Hello <!subteam^S419>, Release approval timeout for 4.20.28. Payload metadata URL still not accessible');
    const timeout = statebox.updates.filter((u) => u.release === '4.20.28');
    expect(timeout.map((u) => [u.task, u.status])).toEqual([['change-advisory-status', 'In Progress'], ['change-advisory-status', 'Fail']]);
    expect(timeout[1]!.result).toContain('Timeout reached after 2 days, payload metadata URL still not accessible');
  });

  it('a command returning the watch gets it registered by the runner and reported in the thread it was started from', async () => {
    const req = { command: approve, release: '4.19.37', options: {}, actor: { id: 'U1', via: 'slack' as const }, slack: { channel: 'C-START', threadTs: '1700000000.000900' } };
    await runner.execute({ ...req, confirmation: { id: 'c1' } });
    const second = await runner.execute({ ...req, confirmation: { id: 'c2' } });
    expect(second.kind === 'done' && second.log).toContain('already watching async-approval for 4.19.37');
    expect(await store.listWatches({ kind: 'async-approval' })).toHaveLength(1);
    accessible = true;
    clock = new Date(T0.getTime() + 30 * MIN);
    expect((await poller().pollOnce()).done).toBe(1);
    expect(slack.in('C-START').map((p) => p.threadTs)).toEqual(['1700000000.000900', '1700000000.000900']);
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'In Progress', 'In Progress', 'In Progress', 'In Progress', 'Pass']);
  });
});
