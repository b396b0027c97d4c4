/**
 * The deferred approval end to end: change-advisory-status leaves an async-approval watch; the
 * watch poller (src/jobs) with the command's own follow-up (built by the registry from the jobs
 * wiring's FollowUpDeps, as in the bot) resumes change-advisory-status through the runner when the
 * payload metadata URL becomes reachable, times out, or fails — the runner taking the release
 * lock, auditing and recording StateBox, the handler posting the three summaries of agents.md 2.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockKey } from '../../src/commands/locks.ts';
import { describeOptions, parseOptions } from '../../src/commands/options.ts';
import { WATCH_ACTOR } from '../../src/commands/prow-jobs/watch.ts';
import type { FollowUpHandler } from '../../src/commands/types.ts';
import { followUpDeps } from '../../src/jobs/wiring.ts';
import { createWatchPoller, type WatchPoller } from '../../src/jobs/watchers.ts';
import { silentLogger } from '../../src/log.ts';
import { issueStatus, qeSubtaskKeys, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';

const LEAD = '<!subteam^S_QE_REL_419>';

describe('change-advisory-status: the async approval', () => {
  let h: ApprovalHarness;
  let clock: number;
  let poller: WatchPoller;
  let handler: FollowUpHandler;
  /** StateBox writes of the poller itself (the runner records the task; the poller must not). */
  let pollerWrites: string[];

  beforeEach(async () => {
    h = await startApprovalHarness();
    clock = Date.now();
    const { engine, store } = h;
    const handlers = engine.registry.followUps(followUpDeps(engine, store));
    handler = (await handlers.get('async-approval'))!;
    pollerWrites = [];
    poller = createWatchPoller({
      store,
      statebox: { updateTask: async (r, t, st) => void pollerWrites.push(`${r} ${t} ${st}`) },
      slack: async () => engine.services().get('slack'),
      handlers,
      now: () => new Date(clock),
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Start the approval from a Slack thread so the watch reports there. */
  async function startDeferred(release: string) {
    const slack = await h.engine.services().get('slack');
    const root = await slack.post({ channel: '#team-qe-release' }, { text: `/oar ${release} change-advisory-status` });
    h.from = { channel: root.channel, threadTs: root.ts };
    const r = await h.run('change-advisory-status', release);
    expect(r.outcome.status).toBe('in_progress');
    // The watch's clock starts when it was stored.
    clock = Date.now();
    return root;
  }

  /** The audit rows of the watchers' runs of change-advisory-status, oldest first. */
  async function watcherAudit(release: string) {
    return (await h.store.queryAudit({ release, actorId: WATCH_ACTOR.id, command: 'change-advisory-status' })).reverse();
  }

  it('metadata URL still not reachable: the check says so and waits; then reachable: advisories REL_PREP, subtasks closed, Pass, summary posted', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);
    const root = await startDeferred('4.19.10');
    const interval = h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS;

    // First check one interval later: still not reachable, and nothing ran through the runner.
    clock += interval + 1000;
    let s = await poller.pollOnce();
    expect(s.results).toEqual([expect.objectContaining({ kind: 'async-approval', outcome: 'pending' })]);
    expect(s.results[0]!.summary).toContain('Scheduler check #1: Payload metadata URL still not accessible');
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
    expect(await watcherAudit('4.19.10')).toEqual([]);

    // Reachable at the next check.
    h.world.releases.setMetadataAccessible('4.19.10', true);
    clock += interval + 1000;
    s = await poller.pollOnce();
    expect(s.done).toBe(1);

    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
    for (const key of Object.values(keys)) expect(issueStatus(h.world, key)).toBe('Closed');
    const task = taskOf(await h.statebox('4.19.10'), 'change-advisory-status');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain('Scheduler check #2: Checking payload metadata URL accessibility for release 4.19.10');
    expect(task?.result).toContain(`advisory ${seeded.advisories.rpm} state is updated to REL_PREP`);
    expect(task?.result).toContain('Release approval completed. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.');
    // The runner recorded the task; the poller wrote nothing itself.
    expect(pollerWrites).toEqual([]);
    const summary = `Hello ${LEAD}, Release approval completed for 4.19.10. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.`;
    expect(h.posted('#team-qe-release')).toContain(summary);
    const thread = h.slack.messages('#team-qe-release', root.ts).map((m) => m.text);
    expect(thread.join('\n')).toContain('state is updated to REL_PREP');
    expect((await h.store.listWatches({ release: '4.19.10' }))[0]!.state).toBe('done');
  });

  it('the completion is audited as the watchers and runs under the release lock, released afterwards', async () => {
    h.world.seedRelease('4.19.10');
    const root = await startDeferred('4.19.10');
    h.world.releases.setMetadataAccessible('4.19.10', true);
    clock += h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS + 1000;

    expect((await poller.pollOnce()).done).toBe(1);

    const audit = await watcherAudit('4.19.10');
    expect(audit.map((a) => a.event)).toEqual(['confirm', 'intent', 'run']);
    expect(audit[1]).toMatchObject({ actorName: 'watchers', detail: expect.stringContaining(`holding ${lockKey('4.19.10')}`), channel: root.channel, threadTs: root.ts });
    expect(audit[1]!.options).toMatchObject({ asyncApprovalResume: { step: 'complete', check: 1 } });
    expect(audit[2]!.outcome).toMatch(/^pass: Release approval completed/);
    expect(await h.store.listLocks()).toEqual([]);
  });

  it('a held release lock defers the completion to the next check instead of racing it', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    h.world.releases.setMetadataAccessible('4.19.10', true);
    const held = await h.store.acquireLock({ key: lockKey('4.19.10'), holder: 'U_OTHER', holderName: 'someone', reason: 'push-to-cdn-staging', ttlMs: 3_600_000, owner: 'another-process' });
    expect(held.acquired).toBe(true);
    const interval = h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS;

    clock += interval + 1000;
    const s = await poller.pollOnce();

    expect(s.results).toEqual([expect.objectContaining({ outcome: 'pending', summary: expect.stringContaining('the approval completion waits') })]);
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
    expect((await h.store.listWatches({ release: '4.19.10' }))[0]!.state).toBe('active');
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('In Progress');
    expect((await watcherAudit('4.19.10')).map((a) => a.event)).toEqual(['confirm', 'deny']);
    expect(h.posted('#team-qe-release').join('\n')).not.toContain('Release approval');

    // The holder finishes: the next check completes the approval.
    await h.store.releaseLock(lockKey('4.19.10'), { holder: 'U_OTHER' });
    clock += interval + 1000;
    expect((await poller.pollOnce()).done).toBe(1);
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Pass');
  });

  it('the completion runs at most once per watch, even if a replica died before marking it done', async () => {
    h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    h.world.releases.setMetadataAccessible('4.19.10', true);
    const [watch] = await h.store.listWatches({ release: '4.19.10' });
    const ctx = { logger: silentLogger, signal: new AbortController().signal, attempt: 1, now: () => new Date(clock) };

    expect((await handler.poll(watch!, ctx)).status).toBe('Pass');
    // The same watch polled again (its end was never recorded): refused inside the run, under the lock.
    const second = await handler.poll(watch!, { ...ctx, attempt: 2 });

    expect(second).toMatchObject({ done: true, status: 'Fail' });
    expect(second.summary).toMatch(/^Hello <!subteam\^S_QE_REL_419>, Release approval failed for 4.19.10. Error: the approval completion was already started/);
    expect((await watcherAudit('4.19.10')).filter((a) => a.event === 'intent')).toHaveLength(2);
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Fail');
  });

  it('timeout: after OAR_APPROVAL_MAX_WAIT_MS the task is Fail and the timeout summary is posted; nothing moved', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    clock += h.engine.config.OAR_APPROVAL_MAX_WAIT_MS + 60_000;

    const s = await poller.pollOnce();

    expect(s.expired).toBe(1);
    const task = taskOf(await h.statebox('4.19.10'), 'change-advisory-status');
    expect(task?.status).toBe('Fail');
    expect(task?.result).toContain('Timeout reached after 2 days, payload metadata URL still not accessible');
    expect(pollerWrites).toEqual([]);
    expect((await watcherAudit('4.19.10')).map((a) => a.event)).toEqual(['confirm', 'intent', 'failure']);
    expect(h.posted('#team-qe-release')).toContain(`Hello ${LEAD}, Release approval timeout for 4.19.10. Payload metadata URL still not accessible`);
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
  });

  it('error: an advisory left QE meanwhile fails the completion without moving the others; Fail and the error summary', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    h.world.errata.advisory(seeded.advisories.rhcos!).state = 'NEW_FILES';
    h.world.releases.setMetadataAccessible('4.19.10', true);
    clock += h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS + 1000;

    await poller.pollOnce();

    expect(h.world.errata.advisory(seeded.advisories.rpm!).state).toBe('QE');
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Fail');
    const posted = h.posted('#team-qe-release').find((t) => t.includes('Release approval failed'));
    expect(posted).toBe(`Hello ${LEAD}, Release approval failed for 4.19.10. Error: change advisory status failed: advisory ${seeded.advisories.rhcos} (rhcos) is in NEW_FILES, not QE: it cannot be moved to REL_PREP`);
  });

  it('a shipment MR closed while the approval waited: nothing moves, Fail', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    h.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!.state = 'closed';
    h.world.releases.setMetadataAccessible('4.19.10', true);
    clock += h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS + 1000;

    await poller.pollOnce();

    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Fail');
    expect(h.posted('#team-qe-release').join('\n')).toContain(`Release approval failed for 4.19.10. Error: Shipment MR !${seeded.mrIid} was closed (not merged) while the approval waited`);
  });

  it('the resume request is no option a front end can give', async () => {
    h.world.seedRelease('4.19.10');
    const command = h.command('change-advisory-status');
    expect(describeOptions(command).map((o) => o.key)).not.toContain('asyncApprovalResume');
    expect(() => parseOptions(command, ['--async-approval-resume', 'x'])).toThrow(/unknown option --async-approval-resume/);
    // Built in code by someone else than a job: refused before anything changes.
    const r = await h.run('change-advisory-status', '4.19.10', { asyncApprovalResume: { watch: '1', step: 'complete', check: 1 } });
    expect(r.outcome).toMatchObject({ status: 'fail', summary: expect.stringContaining('internal to the watchers') });
  });
});
