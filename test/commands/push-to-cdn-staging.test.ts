import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { lockKey } from '../../src/commands/locks.ts';
import { describeOptions, parseOptions } from '../../src/commands/options.ts';
import { WATCH_ACTOR } from '../../src/commands/prow-jobs/watch.ts';
import { cdnPushPoller, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

const pushPosts = (h: ApprovalHarness) => h.world.errata.callsTo('POST', /^\/api\/v1\/erratum\/\d+\/push$/);
/** The audit rows of the watchers' runs of push-to-cdn-staging, oldest first. */
const watcherAudit = async (h: ApprovalHarness, release: string) => (await h.store.queryAudit({ release, actorId: WATCH_ACTOR.id, command: 'push-to-cdn-staging' })).reverse();

describe('push-to-cdn-staging', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  it('plan: every advisory and what happens to it; nothing is triggered', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    h.world.errata.setPushJobStatus(seeded.advisories.rpm!, 'cdn_stage', 'COMPLETE');
    h.world.errata.setPushJobStatus(seeded.advisories.image!, 'cdn_stage', 'RUNNING');

    const r = await h.execute('push-to-cdn-staging', '4.19.1');

    expect(r.kind).toBe('needs-confirmation');
    if (r.kind !== 'needs-confirmation') return;
    expect(r.plan.changes).toEqual([
      { target: `advisory ${seeded.advisories.extras} (extras)`, from: 'no push job', to: 'stage push triggered' },
      { target: `advisory ${seeded.advisories.metadata} (metadata)`, from: 'no push job', to: 'stage push triggered' },
    ]);
    expect(r.plan.notes).toEqual(
      expect.arrayContaining([
        `advisory ${seeded.advisories.rpm} (rpm): every stage push is COMPLETE (cdn_stage COMPLETE)`,
        `advisory ${seeded.advisories.image} (image): stage push running (cdn_stage RUNNING)`,
      ]),
    );
    expect(r.plan.summary).toBe('4 advisories: 2 to push, 1 already COMPLETE, 1 running, 0 waiting for a blocking advisory');
    expect(pushPosts(h)).toHaveLength(0);
  });

  it('triggers the stage push of every advisory, leaves a cdn-push watch, records In Progress; a re-run triggers nothing', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const built = vi.spyOn(GitLabClient, 'fromConfig');

    const r = await h.run('push-to-cdn-staging', '4.19.1');

    expect(r.outcome.status).toBe('in_progress');
    expect(pushPosts(h)).toHaveLength(4);
    expect(r.log).toContain(`INFO: no push job found for advisory ${seeded.advisories.rpm}`);
    expect(r.log).toContain(`INFO: push job for advisory ${seeded.advisories.rpm} is triggered`);
    const [watch] = await h.store.listWatches({ state: 'active', release: '4.19.1', kind: 'cdn-push' });
    expect(watch).toMatchObject({ dedupKey: '4.19.1', intervalMs: h.engine.config.OAR_CDN_PUSH_POLL_MS });
    // No task in the subject: the watch's resumed runs record it through the runner, the poller must not.
    expect(watch!.subject.task).toBeUndefined();
    expect((watch!.subject.advisories as { id: number }[]).map((a) => a.id).sort()).toEqual(Object.values(seeded.advisories).sort());
    expect(taskOf(await h.statebox('4.19.1'), 'push-to-cdn-staging')?.status).toBe('In Progress');
    expect(built).not.toHaveBeenCalled();

    const again = await h.run('push-to-cdn-staging', '4.19.1');
    expect(again.outcome.status).toBe('in_progress');
    expect(pushPosts(h)).toHaveLength(4);
    expect(again.log).toContain('push job for target <cdn_stage> is QUEUED');
    expect(await h.store.listWatches({ state: 'active', release: '4.19.1' })).toHaveLength(1);
  });

  it('every push COMPLETE: Pass without triggering; the plan is then empty', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    for (const id of Object.values(seeded.advisories)) h.world.errata.setPushJobStatus(id, 'cdn_stage', 'COMPLETE');

    const plan = await h.execute('push-to-cdn-staging', '4.19.10');
    expect(plan.kind === 'needs-confirmation' && plan.plan.changes).toEqual([{ target: 'StateBox task push-to-cdn-staging', from: 'Not Started', to: 'Pass' }]);
    const r = await h.run('push-to-cdn-staging', '4.19.10');

    expect(r.outcome.status).toBe('pass');
    expect(pushPosts(h)).toHaveLength(0);
    expect(r.log).toContain('push job for target <cdn_stage> is COMPLETE');
    expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.status).toBe('Pass');
    expect(await h.store.listWatches({ release: '4.19.10' })).toHaveLength(0);

    const after = await h.execute('push-to-cdn-staging', '4.19.10');
    expect(after.kind === 'needs-confirmation' && after.plan.empty).toBe(true);
  });

  it('a FAILED push is triggered again (run), with the original warning', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    h.world.errata.setPushJobStatus(seeded.advisories.rpm!, 'cdn_stage', 'FAILED');
    h.world.errata.setPushJobStatus(seeded.advisories.rhcos!, 'cdn_stage', 'COMPLETE');

    const r = await h.run('push-to-cdn-staging', '4.19.10');

    expect(r.log).toContain('WARNING: found failed push job, will trigger again');
    expect(pushPosts(h).map((c) => c.path)).toEqual([`/api/v1/erratum/${seeded.advisories.rpm}/push`]);
    expect(r.outcome.status).toBe('in_progress');
  });

  it('an advisory whose blocking advisory is not pushed yet waits; it is not triggered', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    h.world.errata.seedAdvisory({ id: 99001, state: 'QE' });
    h.world.errata.advisory(seeded.advisories.rhcos!).blockingAdvisories = [99001];

    const r = await h.run('push-to-cdn-staging', '4.19.10');

    expect(r.log).toContain(`WARNING: push jobs of blocking advisory 99001 are not completed yet, will not trigger push job for ${seeded.advisories.rhcos}, please try again later`);
    expect(pushPosts(h).map((c) => c.path)).toEqual([`/api/v1/erratum/${seeded.advisories.rpm}/push`]);
    expect(r.outcome.sections?.[0]?.lines).toContain(`advisory ${seeded.advisories.rhcos} (rhcos): waits for the stage push of blocking advisory 99001`);
  });

  it('an Errata Tool error on one advisory is reported for it; the others are still pushed; Fail', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    h.world.errata.fault({ method: 'POST', path: `/api/v1/erratum/${seeded.advisories.rpm}/push`, status: 422, body: { error: 'Advisory is not ready for push' } });

    const r = await h.run('push-to-cdn-staging', '4.19.10');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain(`push to cdn failed for advisory ${seeded.advisories.rpm}`);
    expect(r.outcome.sections?.[0]?.lines?.join('\n')).toContain('Advisory is not ready for push');
    expect(pushPosts(h)).toHaveLength(2);
    expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.status).toBe('Fail');
  });

  describe('the cdn-push watch', () => {
    const poller = (clock: { now: number }) => cdnPushPoller(h, clock);

    it('is polled until every job is COMPLETE, then records Pass with the job lines', async () => {
      h.world.seedRelease('4.19.10');
      await h.run('push-to-cdn-staging', '4.19.10');
      const clock = { now: Date.now() };
      const p = poller(clock);
      const outcomes: string[] = [];
      for (let i = 0; i < 5 && outcomes.at(-1) !== 'done'; i++) {
        clock.now += h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000;
        outcomes.push(...(await p.pollOnce()).results.map((r) => r.outcome));
      }
      // QUEUED -> RUNNING -> COMPLETE: two pending checks, then done.
      expect(outcomes).toEqual(['pending', 'pending', 'done']);
      // The pending checks only read; the final Pass was recorded by a run through the runner.
      const audit = await watcherAudit(h, '4.19.10');
      expect(audit.map((a) => a.event)).toEqual(['confirm', 'intent', 'run']);
      expect(audit[2]!.outcome).toMatch(/^pass: Every stage push job of 4\.19\.10 is COMPLETE/);
      const task = taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging');
      expect(task?.status).toBe('Pass');
      expect(task?.result).toContain('push job for target <cdn_stage> is COMPLETE');
      expect(task?.result).toContain('task [Push to CDN Staging] status is changed to [Pass]');
      expect(pushPosts(h)).toHaveLength(2);
    });

    it('an advisory that waited for its blocking advisory is pushed by the watch once the blocker is COMPLETE', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      h.world.errata.seedAdvisory({ id: 99001, state: 'QE' });
      h.world.errata.advisory(seeded.advisories.rhcos!).blockingAdvisories = [99001];
      await h.run('push-to-cdn-staging', '4.19.10');
      expect(pushPosts(h)).toHaveLength(1);
      const clock = { now: Date.now() + h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000 };
      const p = poller(clock);

      expect((await p.pollOnce()).pending).toBe(1);
      expect(pushPosts(h)).toHaveLength(1);

      // Waiting for the blocker is a read: nothing ran through the runner.
      expect(await watcherAudit(h, '4.19.10')).toEqual([]);

      h.world.errata.setPushJobStatus(99001, 'cdn_stage', 'COMPLETE');
      clock.now += h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000;
      expect((await p.pollOnce()).pending).toBe(1);
      expect(pushPosts(h).map((c) => c.path)).toEqual([`/api/v1/erratum/${seeded.advisories.rpm}/push`, `/api/v1/erratum/${seeded.advisories.rhcos}/push`]);
      // The trigger ran as push-to-cdn-staging through the runner: audited as the watchers, under the release lock.
      const audit = await watcherAudit(h, '4.19.10');
      expect(audit.map((a) => a.event)).toEqual(['confirm', 'intent', 'run']);
      expect(audit[1]).toMatchObject({ actorName: 'watchers', detail: expect.stringContaining(`holding ${lockKey('4.19.10')}`) });
      expect(audit[1]!.options).toMatchObject({ cdnPushResume: { step: 'check', check: 2 } });
      expect(audit[2]!.outcome).toMatch(/^in_progress: /);
      expect(await h.store.listLocks()).toEqual([]);
      expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.result).toContain(`push job for advisory ${seeded.advisories.rhcos} is triggered`);
      expect((await h.store.listWatches({ release: '4.19.10' })).map((w) => w.state)).toEqual(['active']);
    });

    it('a held release lock defers the background trigger to the next check', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      h.world.errata.seedAdvisory({ id: 99001, state: 'QE' });
      h.world.errata.advisory(seeded.advisories.rhcos!).blockingAdvisories = [99001];
      await h.run('push-to-cdn-staging', '4.19.10');
      h.world.errata.setPushJobStatus(99001, 'cdn_stage', 'COMPLETE');
      const held = await h.store.acquireLock({ key: lockKey('4.19.10'), holder: 'U_OTHER', holderName: 'someone', reason: 'drop-bugs', ttlMs: 3_600_000, owner: 'another-process' });
      expect(held.acquired).toBe(true);
      const clock = { now: Date.now() + h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000 };
      const p = poller(clock);

      const s = await p.pollOnce();

      expect(s.results).toEqual([expect.objectContaining({ outcome: 'pending', summary: expect.stringContaining('the stage pushes of 4.19.10 wait') })]);
      expect(pushPosts(h)).toHaveLength(1);
      expect((await watcherAudit(h, '4.19.10')).map((a) => a.event)).toEqual(['confirm', 'deny']);

      // The holder finishes: the next check triggers the push.
      await h.store.releaseLock(lockKey('4.19.10'), { holder: 'U_OTHER' });
      clock.now += h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000;
      expect((await p.pollOnce()).pending).toBe(1);
      expect(pushPosts(h).map((c) => c.path)).toContain(`/api/v1/erratum/${seeded.advisories.rhcos}/push`);
      expect((await watcherAudit(h, '4.19.10')).map((a) => a.event)).toEqual(['confirm', 'deny', 'confirm', 'intent', 'run']);
    });

    it('at the deadline the task is recorded Fail through the runner, with the timeout text', async () => {
      h.world.seedRelease('4.19.10');
      await h.run('push-to-cdn-staging', '4.19.10');
      const [watch] = await h.store.listWatches({ state: 'active', release: '4.19.10', kind: 'cdn-push' });
      const clock = { now: watch!.deadline.getTime() + 1000 };

      const s = await poller(clock).pollOnce();

      expect(s.expired).toBe(1);
      const text = `Stopped watching cdn-push for 4.19.10: not finished by the deadline ${watch!.deadline.toISOString()}`;
      expect((await h.store.getWatch(watch!.id))?.lastResult).toBe(`Fail: ${text}`);
      expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.status).toBe('Fail');
      expect((await watcherAudit(h, '4.19.10')).map((a) => a.event)).toEqual(['confirm', 'intent', 'failure']);
    });

    it('the resume request is no option a front end can give', async () => {
      h.world.seedRelease('4.19.10');
      const command = h.command('push-to-cdn-staging');
      expect(describeOptions(command).map((o) => o.key)).not.toContain('cdnPushResume');
      expect(() => parseOptions(command, ['--cdn-push-resume', 'x'])).toThrow(/unknown option --cdn-push-resume/);
      // Built in code by someone else than a job: refused before anything is pushed.
      const r = await h.run('push-to-cdn-staging', '4.19.10', { cdnPushResume: { watch: '1', step: 'check', check: 1 } });
      expect(r.outcome).toMatchObject({ status: 'fail', summary: expect.stringContaining('internal to the watchers') });
      expect(pushPosts(h)).toHaveLength(0);
    });

    it('a push that FAILED ends the watch with Fail (it is not re-triggered unattended)', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      await h.run('push-to-cdn-staging', '4.19.10');
      h.world.errata.setPushJobStatus(seeded.advisories.rpm!, 'cdn_stage', 'FAILED');
      const clock = { now: Date.now() + h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000 };

      const s = await poller(clock).pollOnce();

      expect(s.done).toBe(1);
      expect(s.results[0]!.summary).toContain(`Stage push failed for advisory ${seeded.advisories.rpm} of 4.19.10`);
      expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.status).toBe('Fail');
      expect(pushPosts(h)).toHaveLength(2);
    });
  });
});
