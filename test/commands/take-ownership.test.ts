import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { ReleaseNotifier } from '../../src/commands/notifier.ts';
import { qeSubtaskKeys, startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

const OWNER = 'new-owner@example.com';
const LEAD = '<!subteam^S_QE_REL_419>';

function seedOwner(h: ApprovalHarness, opts: { gitlab?: boolean } = {}) {
  h.world.jira.state.addUser({ accountId: 'acc-new-owner', displayName: 'New Owner', emailAddress: OWNER, name: 'new-owner' });
  if (opts.gitlab !== false) h.world.gitlab.seedUser({ username: 'new-owner', email: OWNER });
}

const field = (h: ApprovalHarness, key: string, name: string) => h.world.jira.state.issues.get(key)!.fields[name] as Record<string, unknown> | null;

describe('take-ownership', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  it('--dry-run: the plan lists each advisory owner and QE subtask it would change, and nothing changes', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const r = await h.execute('take-ownership', '4.19.1', { email: OWNER, dryRun: true });
    expect(r.kind).toBe('done');
    if (r.kind !== 'done') return;
    expect(r.outcome.summary).toBe(`Dry run: Make ${OWNER} the QE owner of 4.19.1`);
    const lines = r.outcome.sections?.find((s) => s.title === 'Would change')?.lines ?? [];
    expect(lines).toContain(`advisory ${seeded.advisories.rpm} (rpm) QE owner: qe-lead@example.com → ${OWNER}`);
    expect(lines.filter((l) => l.startsWith('Jira '))).toHaveLength(3);
    expect(h.world.errata.advisory(seeded.advisories.rpm!).qeEmail).toBe('qe-lead@example.com');
    expect(h.world.errata.changes).toHaveLength(0);
    expect(taskOf(await h.statebox('4.19.1'), 'take-ownership')).toBeNull();
  });

  it('Errata flow: sets the QE owner of every advisory, assigns and starts the QE subtasks, posts notice #3, records Pass', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    seedOwner(h);
    const gitlabBuilt = vi.spyOn(GitLabClient, 'fromConfig');

    const r = await h.run('take-ownership', '4.19.1', { email: OWNER });

    expect(r.outcome.status).toBe('pass');
    for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).qeEmail).toBe(OWNER);
    const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);
    for (const key of Object.values(keys)) expect(field(h, key, 'assignee')?.accountId).toBe('acc-new-owner');
    expect(field(h, keys.verification, 'status')?.name).toBe('In Progress');
    expect(field(h, keys.onQaNotify, 'status')?.name).toBe('In Progress');
    expect(field(h, keys.relPrep, 'status')?.name).toBe('To Do');

    // defect 5: an Errata-flow release never builds the GitLab client
    expect(gitlabBuilt).not.toHaveBeenCalled();
    expect(h.world.gitlab.calls).toHaveLength(0);

    const [notice] = h.posted('#team-qe-release');
    expect(notice).toBeDefined();
    const lines = notice!.split('\n');
    expect(lines[0]).toBe(`Hello ${LEAD}, owner of [4.19.1] advisories and jira subtasks are changed to ${OWNER}`);
    expect(lines[1]).toBe('Updated advisories:');
    expect(lines[2]).toBe(Object.values(seeded.advisories).map((id) => `<${h.world.errata.url}/advisory/${id}|${id}> `).join(''));
    expect(lines[3]).toBe('Updated jira subtasks:');
    expect(lines[4]).toContain(`/browse/${keys.relPrep}|${keys.relPrep}> `);
    expect(notice).not.toContain('abnormal');
    expect(h.posted('#forum-ocp-art')).toHaveLength(0);

    const task = taskOf(await h.statebox('4.19.1'), 'take-ownership');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain(`QA Owner of advisory ${seeded.advisories.rpm} is updated to [EMAIL_REDACTED]`);
    expect(task?.result).toContain(`jira issue ${keys.verification} is updated to In Progress`);
    expect(task?.result?.split('\n').at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: INFO: task \[Take Ownership\] status is changed to \[Pass\]$/);
    expect(task?.result).not.toContain(OWNER);
  });

  it("reads Slack's user groups once, alongside the work: asked for before any advisory or subtask changes, used by the notice", async () => {
    h.world.seedRelease('4.19.1');
    seedOwner(h);
    const original = ReleaseNotifier.prototype.prefetchMentions;
    const changesWhenAsked: number[] = [];
    const spy = vi.spyOn(ReleaseNotifier.prototype, 'prefetchMentions').mockImplementation(function (this: ReleaseNotifier) {
      changesWhenAsked.push(h.world.errata.changes.length + h.world.jira.callsTo(/\/assignee$/, 'PUT').length);
      original.call(this);
    });
    try {
      const r = await h.run('take-ownership', '4.19.1', { email: OWNER });
      expect(r.outcome.status).toBe('pass');
      expect(changesWhenAsked).toEqual([0]);
      expect(h.slack.calls('usergroups.list')).toHaveLength(1);
      expect(h.posted('#team-qe-release')[0]).toContain(`Hello ${LEAD}, owner of [4.19.1]`);
      // Ownership reads each advisory's state and QE owner, never its builds.
      expect(h.world.errata.callsTo('GET', /\/builds(\.json)?$/)).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('Konflux flow: comments "QE Release Lead is @<username>" once, posts notice #15 with the MR, and a re-run changes nothing', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    seedOwner(h);

    const first = await h.run('take-ownership', '4.19.10', { email: OWNER });
    expect(first.outcome.status).toBe('pass');
    const mr = h.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!;
    expect(mr.notes.map((n) => n.body)).toEqual(['QE Release Lead is @new-owner']);
    const [notice] = h.posted('#team-qe-release');
    const lines = notice!.split('\n');
    expect(lines[0]).toBe(`[4.19.10] Hello ${LEAD}, owner of advisories and jira subtasks are changed to ${OWNER}`);
    expect(lines[1]).toMatch(/^Shipment merge request: <.+\/-\/merge_requests\/\d+\|mr>$/);
    expect(lines[2]).toBe('Updated advisories:');
    expect(lines[4]).toBe('Updated jira subtasks:');

    const ownerPuts = h.world.errata.callsTo('PUT', /^\/api\/v1\/erratum\/\d+$/).length;
    const assigns = h.world.jira.callsTo(/\/assignee$/, 'PUT').length;
    const transitions = h.world.jira.callsTo(/\/transitions$/, 'POST').length;
    expect(ownerPuts).toBe(2);
    expect(assigns).toBe(3);
    expect(transitions).toBe(2);

    const second = await h.run('take-ownership', '4.19.10', { email: OWNER });
    expect(second.outcome.status).toBe('pass');
    expect(mr.notes.map((n) => n.body)).toEqual(['QE Release Lead is @new-owner']);
    expect(h.world.errata.callsTo('PUT', /^\/api\/v1\/erratum\/\d+$/)).toHaveLength(ownerPuts);
    expect(h.world.jira.callsTo(/\/assignee$/, 'PUT')).toHaveLength(assigns);
    expect(h.world.jira.callsTo(/\/transitions$/, 'POST')).toHaveLength(transitions);
    expect(second.log).toContain('already has the comment "QE Release Lead is @new-owner"');
  });

  it('edge case 9: an e-mail without a GitLab user fails with "No GitLab user found for email" and changes nothing', async () => {
    h.world.seedRelease('4.19.10');
    seedOwner(h, { gitlab: false });

    const r = await h.run('take-ownership', '4.19.10', { email: OWNER });

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain(`Failed to add QE release lead comments: No GitLab user found for email: ${OWNER}`);
    expect(h.world.errata.callsTo('PUT', /^\/api\/v1\/erratum\/\d+$/)).toHaveLength(0);
    expect(h.world.gitlab.callsTo('POST', /\/notes$/)).toHaveLength(0);
    expect(h.world.jira.callsTo(/\/assignee$/, 'PUT')).toHaveLength(0);
    expect(taskOf(await h.statebox('4.19.10'), 'take-ownership')?.status).toBe('Fail');
  });

  it('an e-mail Jira does not know fails before any advisory changes', async () => {
    h.world.seedRelease('4.19.1');

    const r = await h.run('take-ownership', '4.19.1', { email: OWNER });

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe(`take ownership of advisory and jira subtasks failed: Jira has no user with e-mail ${OWNER}, so the QE subtasks were not assigned`);
    expect(h.world.errata.callsTo('PUT', /^\/api\/v1\/erratum\/\d+$/)).toHaveLength(0);
    expect(h.posted('#team-qe-release')).toHaveLength(0);
  });

  it('advisories in NEW_FILES: WARNING line, StateBox blocker for push-to-cdn-staging, notice #4 to ART; re-run keeps one blocker', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    seedOwner(h);
    h.world.errata.advisory(seeded.advisories.image!).state = 'NEW_FILES';

    const r = await h.run('take-ownership', '4.19.1', { email: OWNER });

    expect(r.outcome.status).toBe('pass');
    expect(r.log).toMatch(/: WARNING: advisory state is not QE, it is NEW_FILES/);
    const text = `Advisories in abnormal state (NEW_FILES instead of QE): ${seeded.advisories.image}`;
    expect(r.outcome.blockers).toContain(text);
    let issues = (await h.statebox('4.19.1'))!.state.issues;
    expect(issues).toEqual([expect.objectContaining({ issue: text, blocker: true, resolved: false, related_tasks: ['push-to-cdn-staging'] })]);
    const [art] = h.posted('#forum-ocp-art');
    expect(art).toBe(`Hello <!subteam^S_ART_TEAM>, Can you help to check following [4.19.1] advisories, issue: state is NEW_FILES, thanks\n<${h.world.errata.url}/advisory/${seeded.advisories.image}|${seeded.advisories.image}> \n`);
    expect(h.posted('#team-qe-release')[0]).toContain(`Found some abnormal advisories that state is not QE\n<${h.world.errata.url}/advisory/${seeded.advisories.image}|${seeded.advisories.image}> `);

    await h.run('take-ownership', '4.19.1', { email: OWNER });
    issues = (await h.statebox('4.19.1'))!.state.issues;
    expect(issues).toHaveLength(1);
  });

  it('300 attached bugs: no Jira request per bug; the QE subtasks come in one bulk search', async () => {
    const seeded = h.world.seedRelease('4.19.1', { bugsPerAdvisory: 75 });
    expect(seeded.bugs).toHaveLength(300);
    seedOwner(h);
    h.world.jira.resetCalls();

    const r = await h.run('take-ownership', '4.19.1', { email: OWNER });

    expect(r.outcome.status).toBe('pass');
    const calls = h.world.jira.calls;
    expect(calls.filter((c) => /OCPBUGS-/.test(c.path) || JSON.stringify(c.body ?? '').includes('OCPBUGS-'))).toHaveLength(0);
    expect(calls.filter((c) => c.path === `/rest/api/2/issue/${seeded.jiraTicket}`)).toHaveLength(1);
    expect(calls.filter((c) => c.path.startsWith('/rest/api/2/search'))).toHaveLength(1);
    // ticket + bulk subtasks + user search + 3 assignments + 2 x (transitions list + transition)
    expect(calls.length).toBeLessThanOrEqual(10);
  });

  it('an invalid e-mail is refused before anything runs', async () => {
    h.world.seedRelease('4.19.1');
    await expect(h.execute('take-ownership', '4.19.1', { email: 'not-an-email' })).rejects.toThrow(/--email\/-e: must be an e-mail address/);
    expect(h.world.errata.calls).toHaveLength(0);
  });

  it('Slack unavailable: the ownership is still taken, the outcome says the notice was not sent', async () => {
    await h.stop();
    h = await startApprovalHarness({ omitEnv: ['SLACK_BOT_TOKEN'] });
    const seeded = h.world.seedRelease('4.19.1');
    seedOwner(h);

    const r = await h.run('take-ownership', '4.19.1', { email: OWNER });

    expect(r.outcome.status).toBe('pass');
    expect(h.world.errata.advisory(seeded.advisories.rpm!).qeEmail).toBe(OWNER);
    expect(r.outcome.blockers?.join('\n')).toMatch(/Slack notices were not sent: SLACK_BOT_TOKEN is missing/);
  });
});
