/**
 * The deferred approval end to end: change-advisory-status leaves an async-approval watch; the
 * watch poller (src/jobs) with the async-approval handler and this command's completion function
 * (approval/completion.ts) finishes it when the payload metadata URL becomes reachable, times out,
 * or fails — recording StateBox and posting the three summaries of agents.md 2.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApprovalCompletion } from '../../src/commands/approval/completion.ts';
import { createAsyncApprovalHandler } from '../../src/commands/approval/async-approval.ts';
import { createWatchPoller, WatchHandlerRegistry, type WatchPoller } from '../../src/jobs/watchers.ts';
import { issueStatus, qeSubtaskKeys, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';

const LEAD = '<!subteam^S_QE_REL_419>';

describe('change-advisory-status: the async approval', () => {
  let h: ApprovalHarness;
  let clock: number;
  let poller: WatchPoller;

  beforeEach(async () => {
    h = await startApprovalHarness();
    clock = Date.now();
    const { engine, store } = h;
    const handlers = new WatchHandlerRegistry();
    const configStore = (r: string) => engine.configStores.get(r);
    handlers.register(
      'async-approval',
      createAsyncApprovalHandler({
        store,
        completeApproval: createApprovalCompletion({ services: (r) => engine.services(r), configStores: engine.configStores }),
        checkMetadata: async (r) => (await engine.services(r).get('payloadMetadata'))(r),
        releaseChannel: async (r) => (await configStore(r)).slackChannel('qe-release'),
        releaseLeadMention: async (r) => (await engine.services(r).get('slack')).userGroupMention((await configStore(r)).releaseLeadGroup()!),
      }),
    );
    poller = createWatchPoller({
      store,
      statebox: { updateTask: async (r, t, s, res) => void (await engine.statebox.updateTask(r, t, s, res ?? null)) },
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

  it('metadata URL still not reachable: the check says so and waits; then reachable: advisories REL_PREP, subtasks closed, Pass, summary posted', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);
    const root = await startDeferred('4.19.10');
    const interval = h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS;

    // First check one interval later: still not reachable.
    clock += interval + 1000;
    let s = await poller.pollOnce();
    expect(s.results).toEqual([expect.objectContaining({ kind: 'async-approval', outcome: 'pending' })]);
    expect(s.results[0]!.summary).toContain('Scheduler check #1: Payload metadata URL still not accessible');
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');

    // Reachable at the next check.
    h.world.releases.setMetadataAccessible('4.19.10', true);
    clock += interval + 1000;
    s = await poller.pollOnce();
    expect(s.done).toBe(1);

    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
    for (const key of Object.values(keys)) expect(issueStatus(h.world, key)).toBe('Closed');
    const task = taskOf(await h.statebox('4.19.10'), 'change-advisory-status');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain(`advisory ${seeded.advisories.rpm} state is updated to REL_PREP`);
    const summary = `Hello ${LEAD}, Release approval completed for 4.19.10. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.`;
    expect(h.posted('#team-qe-release')).toContain(summary);
    const thread = h.slack.messages('#team-qe-release', root.ts).map((m) => m.text);
    expect(thread.join('\n')).toContain('state is updated to REL_PREP');
    expect((await h.store.listWatches({ release: '4.19.10' }))[0]!.state).toBe('done');
  });

  it('timeout: after OAR_APPROVAL_MAX_WAIT_MS the task is Fail and the timeout summary is posted; nothing moved', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    await startDeferred('4.19.10');
    clock += h.engine.config.OAR_APPROVAL_MAX_WAIT_MS + 60_000;

    const s = await poller.pollOnce();

    expect(s.expired).toBe(1);
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Fail');
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
});
