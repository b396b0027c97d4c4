import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { createScheduler, UnknownJobError, type SchedulerDeps } from '../../src/jobs/scheduler.ts';
import type { JobDefinition, JobOutcome, JobRunContext } from '../../src/jobs/types.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { counter, deferred, SlackRecorder } from './helpers.ts';

const OPS = 'C-OPS';

function job(name: string, run: JobDefinition['run'], schedule = '*/30 * * * *'): JobDefinition {
  return { name, description: `${name} job`, schedule, scheduleVar: 'OAR_CRON_TEST', run };
}

describe('scheduler', () => {
  let store: SqliteTestStore;
  let clock: Date;
  const config = testConfig({ OAR_OPS_CHANNEL: OPS });

  beforeEach(async () => {
    store = await openTestStore();
    clock = new Date('2026-07-06T10:00:00Z');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  function make(jobs: JobDefinition[], extra: Partial<SchedulerDeps> = {}) {
    const ops = new SlackRecorder();
    const metrics: { job: string; outcome: JobOutcome }[] = [];
    const scheduler = createScheduler({
      config,
      store,
      jobs,
      owner: 'replica-a',
      ops,
      metrics: { jobRun: (j, outcome) => metrics.push({ job: j, outcome }) },
      now: () => clock,
      ...extra,
    });
    return { scheduler, ops, metrics };
  }

  it('runs a job on a tick and records the run with its counts', async () => {
    const seen: JobRunContext[] = [];
    const { scheduler, metrics } = make([job('demo', async (ctx) => { seen.push(ctx); return { summary: 'did 3 things', counts: { done: 3 } }; })]);
    const r = await scheduler.tick('demo');
    expect(r.outcome).toBe('ok');
    expect(seen[0]!.trigger).toBe('schedule');
    expect(seen[0]!.dryRun).toBe(false);
    expect(seen[0]!.actor).toEqual({ id: 'job:demo', name: 'demo', via: 'job' });
    const runs = await store.lastJobRuns(5);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ job: 'demo', outcome: 'ok', counts: { done: 3 }, owner: 'replica-a' });
    expect(metrics).toEqual([{ job: 'demo', outcome: 'ok' }]);
  });

  it('runs a job only on the replica that holds its lease', async () => {
    const gate = deferred();
    const started = counter();
    let runs = 0;
    const def = job('exclusive', async () => {
      runs++;
      started.tick();
      await gate.promise;
      return { summary: 'ok' };
    });
    const a = make([def]).scheduler;
    const b = make([def], { owner: 'replica-b' }).scheduler;
    const first = a.tick('exclusive');
    await started.reached(1);
    const second = await b.tick('exclusive');
    expect(second.outcome).toBe('skipped');
    expect(second.error).toMatch(/runs on replica replica-a/);
    gate.resolve();
    expect((await first).outcome).toBe('ok');
    // The lease is kept for a cool-down: a late fire on the other replica does not run it again.
    expect((await b.tick('exclusive')).outcome).toBe('skipped');
    clock = new Date(clock.getTime() + 61_000);
    expect((await b.tick('exclusive')).outcome).toBe('ok');
    expect(runs).toBe(2);
    expect((await store.lastJobRuns(5)).map((r) => r.owner).sort()).toEqual(['replica-a', 'replica-b']);
  });

  it('reports a failure streak to the ops channel once, and the recovery once', async () => {
    let fail = true;
    const { scheduler, ops, metrics } = make([job('flaky', async () => {
      if (fail) throw new Error('Jira is not reachable');
      return { summary: 'fine' };
    })]);
    for (let i = 0; i < 3; i++) {
      const r = await scheduler.tick('flaky');
      expect(r.outcome).toBe('failed');
      expect(r.error).toBe('Jira is not reachable');
      clock = new Date(clock.getTime() + 30 * 60_000);
    }
    expect(ops.in(OPS)).toHaveLength(1);
    expect(ops.in(OPS)[0]!.text).toContain('Scheduled job *flaky* failed');
    expect(ops.in(OPS)[0]!.text).toContain('Jira is not reachable');
    const status = (await scheduler.list())[0]!;
    expect(status.failing).toMatchObject({ failures: 3, reported: true, since: '2026-07-06T10:00:00.000Z' });
    expect(status.lastRun).toMatchObject({ outcome: 'failed', error: 'Jira is not reachable' });

    fail = false;
    await scheduler.tick('flaky');
    clock = new Date(clock.getTime() + 30 * 60_000);
    await scheduler.tick('flaky');
    expect(ops.in(OPS)).toHaveLength(2);
    expect(ops.in(OPS)[1]!.text).toContain('recovered after 3 failed runs');
    expect((await scheduler.list())[0]!.failing).toBeUndefined();
    expect(metrics.map((m) => m.outcome)).toEqual(['failed', 'failed', 'failed', 'ok', 'ok']);

    // A new streak is reported again.
    fail = true;
    clock = new Date(clock.getTime() + 30 * 60_000);
    await scheduler.tick('flaky');
    expect(ops.in(OPS)).toHaveLength(3);
  });

  it('retries the failure report on the next failure when Slack was down', async () => {
    const { scheduler, ops } = make([job('broken', async () => { throw new Error('boom'); })]);
    ops.failNext(1);
    await scheduler.tick('broken');
    expect(ops.posts).toHaveLength(0);
    clock = new Date(clock.getTime() + 30 * 60_000);
    await scheduler.tick('broken');
    expect(ops.in(OPS)).toHaveLength(1);
    clock = new Date(clock.getTime() + 30 * 60_000);
    await scheduler.tick('broken');
    expect(ops.in(OPS)).toHaveLength(1);
  });

  it('a failing job neither rejects its tick nor disturbs another job', async () => {
    const { scheduler } = make([
      job('bad', async () => { throw new TypeError('cannot read properties of undefined'); }),
      job('good', async () => ({ summary: 'good' })),
    ]);
    const [bad, good] = await Promise.all([scheduler.tick('bad'), scheduler.tick('good')]);
    expect(bad.outcome).toBe('failed');
    expect(good.outcome).toBe('ok');
  });

  it('a report with an error counts as a failed run but keeps its counts', async () => {
    const { scheduler } = make([job('partial', async () => ({ summary: '2 of 3', counts: { done: 2, errors: 1 }, error: 'An error occured while processing the issues. See the logs for details.' }))]);
    const r = await scheduler.tick('partial');
    expect(r.outcome).toBe('failed');
    expect((await store.lastJobRuns(1))[0]).toMatchObject({ outcome: 'failed', counts: { done: 2, errors: 1 }, error: 'An error occured while processing the issues. See the logs for details.' });
  });

  it('runNow passes parameters and the actor; a dry run is not recorded and does not move the streak', async () => {
    const seen: JobRunContext[] = [];
    const { scheduler, ops } = make([job('manual', async (ctx) => {
      seen.push(ctx);
      if (ctx.dryRun) throw new Error('dry run failed');
      return { summary: 'ok' };
    })]);
    const dry = await scheduler.runNow('manual', { dryRun: true, params: { fromDate: '2025-07-01' }, actor: { id: 'U1', via: 'slack' } });
    expect(dry).toMatchObject({ outcome: 'failed', dryRun: true });
    expect(seen[0]).toMatchObject({ dryRun: true, trigger: 'manual', params: { fromDate: '2025-07-01' }, actor: { id: 'U1' } });
    expect(await store.lastJobRuns(5)).toHaveLength(0);
    expect(ops.posts).toHaveLength(0);
    expect(await store.getLease('manual')).toBeUndefined();
    const live = await scheduler.runNow('manual');
    expect(live.outcome).toBe('ok');
    expect(live.runId).toBeGreaterThan(0);
  });

  it('refuses unknown jobs and a second run of a job already running here', async () => {
    const gate = deferred();
    const started = counter();
    const { scheduler } = make([job('slow', async () => { started.tick(); await gate.promise; return { summary: 'ok' }; })]);
    await expect(scheduler.runNow('nope')).rejects.toBeInstanceOf(UnknownJobError);
    const first = scheduler.runNow('slow');
    await started.reached(1);
    expect((await scheduler.list())[0]!.running).toBe(true);
    const second = await scheduler.runNow('slow', { dryRun: true });
    expect(second).toMatchObject({ outcome: 'skipped' });
    expect(second.error).toMatch(/already running on this replica/);
    gate.resolve();
    expect((await first).outcome).toBe('ok');
  });

  it('rejects an invalid cron expression naming its variable, and an unknown time zone', () => {
    expect(() => make([job('x', async () => ({ summary: '' }), 'every hour')])).toThrow(/OAR_CRON_TEST of job x is not a valid cron expression/);
    expect(() => createScheduler({ config: testConfig({ OAR_TIMEZONE: 'Mars/Olympus' }), store, jobs: [], owner: 'a' })).toThrow(/OAR_TIMEZONE is not a known time zone/);
  });

  it('renews the lease while a job runs and aborts the run when the lease is lost', async () => {
    vi.useFakeTimers({ now: new Date('2026-07-06T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const gate = deferred();
    const aborted: unknown[] = [];
    const { scheduler } = make([{ ...job('long', async (ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.push(ctx.signal.reason));
      await gate.promise;
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      return { summary: 'ok' };
    }), leaseTtlMs: 3_000 }], { now: () => new Date() });
    const run = scheduler.tick('long');
    await vi.advanceTimersByTimeAsync(10_000);
    // Without renewals the 3 s lease would have expired long ago.
    expect((await store.getLease('long', new Date()))?.owner).toBe('replica-a');
    expect(await store.tryLease('long', 'replica-b', 3_000, new Date())).toBe(false);

    // Another replica takes it (e.g. this one was paused past the TTL): the next renewal fails.
    await store.releaseLease('long', 'replica-a');
    expect(await store.tryLease('long', 'replica-b', 60_000, new Date())).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(String(aborted[0])).toMatch(/lost the lease of long/);
    gate.resolve();
    const r = await run;
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/lost the lease/);
  });

  it('fires jobs from cron in OAR_TIMEZONE, without overlap, and lists next runs', async () => {
    vi.useFakeTimers({ now: new Date('2026-07-06T09:59:00Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const runs: string[] = [];
    const gate = deferred();
    const tokyo = createScheduler({
      config: testConfig({ OAR_TIMEZONE: 'Asia/Tokyo' }),
      store,
      owner: 'replica-a',
      enabled: true,
      jobs: [
        job('half-hourly', async (ctx) => { runs.push(ctx.now().toISOString()); await gate.promise; return { summary: 'ok' }; }),
        job('tokyo-morning', async () => ({ summary: 'ok' }), '0 9 * * *'),
      ],
    });
    const listed = await tokyo.list();
    expect(listed.find((j) => j.name === 'tokyo-morning')!.nextRun?.toISOString()).toBe('2026-07-07T00:00:00.000Z');
    expect(listed.find((j) => j.name === 'half-hourly')!.nextRun?.toISOString()).toBe('2026-07-06T10:00:00.000Z');
    tokyo.start();
    await vi.advanceTimersByTimeAsync(90_000);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.startsWith('2026-07-06T10:00')).toBe(true);
    // 10:30 fires while the 10:00 run still holds: noOverlap skips it.
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(runs).toHaveLength(1);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.startsWith('2026-07-06T11:00')).toBe(true);
    await tokyo.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs).toHaveLength(2);
  });

  it('does not start cron tasks when jobs are disabled', async () => {
    vi.useFakeTimers({ now: new Date('2026-07-06T09:59:00Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    let runs = 0;
    const s = createScheduler({ config: testConfig(), store, owner: 'a', jobs: [job('off', async () => { runs++; return { summary: 'ok' }; })] });
    s.start();
    await vi.advanceTimersByTimeAsync(2 * 3600_000);
    expect(runs).toBe(0);
    await s.stop();
  });

  it('stop() waits for running jobs, aborts them after the deadline, and frees the leases', async () => {
    const gate = deferred();
    const started = counter();
    let finished = false;
    const { scheduler } = make([
      job('patient', async () => { started.tick(); await gate.promise; finished = true; return { summary: 'ok' }; }),
      job('stubborn', async (ctx) => {
        started.tick();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        throw new Error(String(ctx.signal.reason));
      }),
    ]);
    const p1 = scheduler.tick('patient');
    const p2 = scheduler.tick('stubborn');
    await started.reached(2);
    expect((await scheduler.list()).filter((j) => j.running)).toHaveLength(2);
    let stopped = false;
    const stop = scheduler.stop({ deadlineMs: 50 }).then(() => (stopped = true));
    expect((await p2).error).toMatch(/shutting down/);
    expect(stopped).toBe(false);
    gate.resolve();
    await stop;
    expect(finished).toBe(true);
    expect((await p1).outcome).toBe('ok');
    expect(await store.getLease('patient', clock)).toBeUndefined();
    expect((await scheduler.tick('patient')).outcome).toBe('skipped');
  });
});
