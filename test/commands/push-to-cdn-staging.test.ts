import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { cdnPushPoller, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

const pushPosts = (h: ApprovalHarness) => h.world.errata.callsTo('POST', /^\/api\/v1\/erratum\/\d+\/push$/);

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
    expect(watch).toMatchObject({ dedupKey: '4.19.1', intervalMs: h.engine.config.OAR_CDN_PUSH_POLL_MS, subject: { task: 'push-to-cdn-staging' } });
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

      h.world.errata.setPushJobStatus(99001, 'cdn_stage', 'COMPLETE');
      clock.now += h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000;
      expect((await p.pollOnce()).pending).toBe(1);
      expect(pushPosts(h).map((c) => c.path)).toEqual([`/api/v1/erratum/${seeded.advisories.rpm}/push`, `/api/v1/erratum/${seeded.advisories.rhcos}/push`]);
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
