import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { issueStatus, qeSubtaskKeys, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

const approveCalls = (h: ApprovalHarness) => h.world.gitlab.callsTo('POST', /\/merge_requests\/\d+\/approve$/);
const stateChanges = (h: ApprovalHarness) => h.world.errata.changes.filter((c) => c.kind === 'state-changed');

describe('change-advisory-status', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  it('Errata flow: moves every advisory to REL_PREP, closes the QE subtasks, records Pass', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);

    const r = await h.run('change-advisory-status', '4.19.1');

    expect(r.outcome.status).toBe('pass');
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
    for (const key of Object.values(keys)) expect(issueStatus(h.world, key)).toBe('Closed');
    expect(r.log).toContain(`INFO: advisory ${seeded.advisories.rpm} state is updated to REL_PREP`);
    expect(r.log).toContain(`WARNING: RHBA advisory ${seeded.advisories.rpm} does not have secalerts`);
    expect(r.log).toContain(`jira issue ${keys.relPrep} status is updated to Closed`);
    const task = taskOf(await h.statebox('4.19.1'), 'change-advisory-status');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain('task [Change Advisory Status] status is changed to [Pass]');
  });

  it('Errata flow: the Jira reads of the last step are made ahead and not again; one state change per advisory', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);

    const r = await h.run('change-advisory-status', '4.19.1');

    expect(r.outcome.status).toBe('pass');
    expect(h.world.jira.callsTo(`/rest/api/2/issue/${seeded.jiraTicket}`, 'GET')).toHaveLength(1);
    expect(h.world.jira.callsTo('/rest/api/2/search/jql', 'POST')).toHaveLength(1);
    expect(h.world.jira.callsTo(/\/transitions$/, 'GET')).toHaveLength(Object.keys(keys).length);
    expect(h.world.jira.callsTo(/\/transitions$/, 'POST')).toHaveLength(Object.keys(keys).length);
    expect(h.world.errata.callsTo('POST', /\/change_state$/)).toHaveLength(Object.keys(seeded.advisories).length);
  });

  it('without confirmation it only shows the plan: advisories QE -> REL_PREP and subtasks -> Closed, nothing changed', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);

    const r = await h.execute('change-advisory-status', '4.19.1');

    expect(r.kind).toBe('needs-confirmation');
    if (r.kind !== 'needs-confirmation') return;
    expect(r.plan.changes).toEqual(
      expect.arrayContaining([
        { target: `advisory ${seeded.advisories.rpm} (rpm)`, from: 'QE', to: 'REL_PREP' },
        { target: `Jira ${keys.relPrep} ([Fri/Mon] QE moves advisories to REL_PREP)`, from: 'To Do', to: 'Closed' },
      ]),
    );
    expect(r.plan.changes).toHaveLength(4 + 3);
    expect(stateChanges(h)).toHaveLength(0);
    expect(h.world.jira.callsTo(/\/transitions$/, 'POST')).toHaveLength(0);
  });

  it('Konflux flow, payload metadata reachable: approves the MR once, moves the advisories, closes the subtasks', async () => {
    const seeded = h.world.seedRelease('4.19.10', { metadataAccessible: true });

    const plan = await h.execute('change-advisory-status', '4.19.10');
    expect(plan.kind === 'needs-confirmation' && plan.plan.changes.find((c) => c.target === `shipment MR !${seeded.mrIid}`)).toEqual({ target: `shipment MR !${seeded.mrIid}`, from: 'not approved', to: 'approved by oar-bot' });

    const r = await h.run('change-advisory-status', '4.19.10');

    expect(r.outcome.status).toBe('pass');
    expect(approveCalls(h)).toHaveLength(1);
    expect(h.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!.approvedBy).toEqual(['oar-bot']);
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
    expect(r.log).toContain(`Successfully approved MR ${seeded.mrIid}`);
    expect(r.log).toContain('The metadata url is accessible');
  });

  it('-s/--status: only REL_PREP (any case) is accepted; anything else is refused before anything runs', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    await expect(h.execute('change-advisory-status', '4.19.1', { status: 'QE' }, 'c-status-qe')).rejects.toThrow(/--status\/-s: only REL_PREP is supported/);
    expect(h.world.errata.calls).toHaveLength(0);
    const r = await h.run('change-advisory-status', '4.19.1', { status: 'rel_prep' });
    expect(r.outcome.status).toBe('pass');
    expect(h.world.errata.advisory(seeded.advisories.rpm!).state).toBe('REL_PREP');
  });

  it('an advisory still in NEW_FILES refuses the approval: no MR approval, no state change (the plan says why)', async () => {
    const seeded = h.world.seedRelease('4.19.10', { metadataAccessible: true });
    h.world.errata.advisory(seeded.advisories.rhcos!).state = 'NEW_FILES';

    const plan = await h.execute('change-advisory-status', '4.19.10');
    expect(plan.kind).toBe('refused');
    expect(plan.kind === 'refused' && plan.message).toContain(`advisory ${seeded.advisories.rhcos} (rhcos) is in NEW_FILES, not QE`);

    const r = await h.run('change-advisory-status', '4.19.10');
    expect(r.outcome.status).toBe('fail');
    expect(r.log).toContain(`WARNING: cannot change state of advisory ${seeded.advisories.rhcos} from NEW_FILES to REL_PREP, skip`);
    expect(approveCalls(h)).toHaveLength(0);
    expect(stateChanges(h)).toHaveLength(0);
    expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Fail');
  });

  it('a blocking security alert on an RHSA refuses the approval before any advisory moves', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    Object.assign(h.world.errata.advisory(seeded.advisories.rpm!), { type: 'RHSA', securityAlerts: { alerts: [{ id: 'alert-1' }], blocking: true } });

    const r = await h.run('change-advisory-status', '4.19.1');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain(`advisory ${seeded.advisories.rpm} has blocking secalerts, please contact prodsec team`);
    expect(stateChanges(h)).toHaveLength(0);
  });

  it('a closed (not merged) shipment MR is refused: nothing approved, nothing moved', async () => {
    const seeded = h.world.seedRelease('4.19.10', { mrState: 'closed', metadataAccessible: true });

    const r = await h.run('change-advisory-status', '4.19.10');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain(`Shipment MR !${seeded.mrIid} is closed, not merged`);
    expect(stateChanges(h)).toHaveLength(0);
  });

  describe('edge case 1: shipment MR already merged during approval', () => {
    it('1. tolerates the merged MR in the Konflux flow: "state is not open" is kept, not swallowed', async () => {
      const seeded = h.world.seedRelease('4.19.10', { mrState: 'merged', metadataAccessible: true });
      const r = await h.run('change-advisory-status', '4.19.10');
      expect(r.outcome.status).toBe('pass');
      expect(r.log).toContain(`ShipmentData initialization failed (MR likely merged): Gitlab MR ${seeded.mrIid} state is not open`);
    });

    it('2. never builds a shipment (GitLab) client in the Errata flow', async () => {
      h.world.seedRelease('4.19.1');
      const built = vi.spyOn(GitLabClient, 'fromConfig');
      const r = await h.run('change-advisory-status', '4.19.1');
      expect(r.outcome.status).toBe('pass');
      expect(built).not.toHaveBeenCalled();
      expect(h.world.gitlab.calls).toHaveLength(0);
    });

    it('3. skips the GitLab approval when the MR is merged', async () => {
      h.world.seedRelease('4.19.10', { mrState: 'merged', metadataAccessible: true });
      const r = await h.run('change-advisory-status', '4.19.10');
      expect(approveCalls(h)).toHaveLength(0);
      expect(h.world.gitlab.callsTo('GET', /\/approvals$/)).toHaveLength(0);
      expect(r.log).toContain('Shipment MR for 4.19.10 already merged, skipping QE approval step');
    });

    it('4. still moves the advisories and passes when the payload metadata URL is reachable', async () => {
      const seeded = h.world.seedRelease('4.19.10', { mrState: 'merged', metadataAccessible: true });
      const r = await h.run('change-advisory-status', '4.19.10');
      expect(r.outcome.status).toBe('pass');
      for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('REL_PREP');
      expect(stateChanges(h)).toHaveLength(Object.keys(seeded.advisories).length);
      expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('Pass');
    });

    it('5. with an open MR approves exactly once and moves each advisory once', async () => {
      const seeded = h.world.seedRelease('4.19.10', { metadataAccessible: true });
      await h.run('change-advisory-status', '4.19.10');
      expect(approveCalls(h)).toHaveLength(1);
      expect(stateChanges(h)).toHaveLength(Object.keys(seeded.advisories).length);
    });
  });

  describe('edge case 9: MR approval is idempotent and state-checked', () => {
    it('an MR the token already approved is not approved again (re-run and pre-approved)', async () => {
      const seeded = h.world.seedRelease('4.19.10', { metadataAccessible: true });
      h.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!.approvedBy.push('oar-bot');

      const plan = await h.execute('change-advisory-status', '4.19.10');
      expect(plan.kind === 'needs-confirmation' && plan.plan.notes).toContain(`Shipment MR !${seeded.mrIid} is already approved by oar-bot`);
      const r = await h.run('change-advisory-status', '4.19.10');
      const again = await h.run('change-advisory-status', '4.19.10');

      expect(approveCalls(h)).toHaveLength(0);
      expect(r.log).toContain(`INFO: User oar-bot has already approved MR ${seeded.mrIid}`);
      expect(again.outcome.status).toBe('pass');
      expect(again.log).toContain(`advisory ${seeded.advisories.rpm} is already in REL_PREP, skip`);
    });

    it('a GitLab error on approve fails with "Failed to approve merge request due to GitLab error" and moves nothing', async () => {
      const seeded = h.world.seedRelease('4.19.10', { metadataAccessible: true });
      h.world.gitlab.fault({ method: 'POST', path: /\/approve$/, status: 500, body: { message: '500 Internal Server Error' } });

      const r = await h.run('change-advisory-status', '4.19.10');

      expect(r.outcome.status).toBe('fail');
      expect(r.outcome.summary).toContain('Failed to approve merge request due to GitLab error');
      expect(r.log).toContain(`ERROR: Failed to approve MR ${seeded.mrIid}: GitLab API error`);
      expect(approveCalls(h)).toHaveLength(1); // never retried: a retry could approve twice
      expect(stateChanges(h)).toHaveLength(0);
      const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);
      expect(issueStatus(h.world, keys.relPrep)).toBe('To Do');
    });
  });

  describe('payload metadata URL not reachable yet: async approval', () => {
    it('returns In Progress with one async-approval watch for THIS release (defect 10) and leaves the subtasks open (defect 9)', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      // A newer 4.19 release whose metadata IS reachable: the original would have checked it instead.
      h.world.releases.seedRelease({ name: '4.19.11', metadataAccessible: true });
      const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);

      const r = await h.run('change-advisory-status', '4.19.10');

      expect(r.outcome.status).toBe('in_progress');
      expect(r.log).toContain('Payload metadata URL not accessible immediately, scheduling background check...');
      expect(r.log).toContain('Background metadata checker process started. Task status will be updated when metadata URL becomes accessible.');
      expect(approveCalls(h)).toHaveLength(1);
      for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
      for (const key of Object.values(keys)) expect(issueStatus(h.world, key)).toBe('To Do');
      const watches = await h.store.listWatches({ state: 'active', release: '4.19.10' });
      expect(watches).toEqual([expect.objectContaining({ kind: 'async-approval', dedupKey: '4.19.10', intervalMs: h.engine.config.OAR_APPROVAL_CHECK_INTERVAL_MS, subject: { release: '4.19.10' } })]);
      expect(watches[0]!.deadline.getTime() - watches[0]!.createdAt.getTime()).toBe(h.engine.config.OAR_APPROVAL_MAX_WAIT_MS);
      expect(taskOf(await h.statebox('4.19.10'), 'change-advisory-status')?.status).toBe('In Progress');

      // Re-run: one checker per release, and the MR is not approved again.
      const again = await h.run('change-advisory-status', '4.19.10');
      expect(again.outcome.status).toBe('in_progress');
      expect(again.log).toContain('Not all the release resources are approved e.g. ET advisories are not updated yet. Please try again later');
      expect(await h.store.listWatches({ state: 'active', release: '4.19.10' })).toHaveLength(1);
      expect(approveCalls(h)).toHaveLength(1);
    });

    it('the plan says the move is deferred', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      const r = await h.execute('change-advisory-status', '4.19.10');
      expect(r.kind).toBe('needs-confirmation');
      if (r.kind !== 'needs-confirmation') return;
      expect(r.plan.changes).toContainEqual({ target: `advisory ${seeded.advisories.rpm} (rpm)`, from: 'QE', to: 'REL_PREP once the payload metadata URL is reachable' });
      expect(r.plan.notes?.join('\n')).toMatch(/payload metadata URL of 4\.19\.10 is not reachable yet .*checked every 30 min for up to 48 h/);
    });
  });
});
