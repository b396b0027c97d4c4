import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrataClient, noneAuth } from '../../../src/integrations/errata/index.ts';
import { JiraClient } from '../../../src/integrations/jira.ts';
import { startErrataSimulator, type ErrataSimulator } from '../../../src/sandbox/errata/index.ts';
import { startJiraSandbox, type JiraSandbox } from '../../../src/sandbox/jira/index.ts';
import { checkRelPrep, loadReleaseAdvisories, moveAdvisoriesToRelPrep } from '../../../src/commands/approval/advisories.ts';
import { LineCollector } from '../../../src/commands/approval/log.ts';
import { abnormalAdvisoriesText, errataOwnershipText, konfluxOwnershipText } from '../../../src/commands/approval/notices.ts';
import { decidePush } from '../../../src/commands/approval/push.ts';
import { resolveJiraUser } from '../../../src/commands/approval/subtasks.ts';

describe('approval helpers against the simulated Errata Tool', () => {
  let sim: ErrataSimulator;
  let errata: ErrataClient;
  beforeEach(async () => {
    sim = await startErrataSimulator({ pushProgression: 'manual' });
    errata = new ErrataClient({ baseUrl: sim.url, auth: noneAuth(), retries: 0 });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('A.7: microshift is excluded and DROPPED_NO_SHIP advisories are skipped, without even reading microshift', async () => {
    sim.seedAdvisory({ id: 1, state: 'QE' });
    sim.seedAdvisory({ id: 2, state: 'QE' });
    sim.seedAdvisory({ id: 3, state: 'DROPPED_NO_SHIP' });
    const ads = await loadReleaseAdvisories(errata, { rpm: 1, microshift: 2, image: 3 });
    expect(ads.map((a) => [a.impetus, a.id])).toEqual([['rpm', 1]]);
    expect(sim.callsTo('GET', '/api/v1/erratum/2')).toHaveLength(0);
  });

  it('the REL_PREP check sorts advisories and a problem stops the move before any state change', async () => {
    sim.seedAdvisory({ id: 1, state: 'QE' });
    sim.seedAdvisory({ id: 2, state: 'REL_PREP' });
    sim.seedAdvisory({ id: 3, state: 'NEW_FILES' });
    const ads = await loadReleaseAdvisories(errata, { rpm: 1, image: 2, extras: 3 });
    const check = await checkRelPrep(errata, ads, undefined, { alerts: 'skip' });
    expect(check.toMove.map((a) => a.id)).toEqual([1]);
    expect(check.done.map((a) => a.id)).toEqual([2]);
    expect(check.problems).toEqual(['advisory 3 (extras) is in NEW_FILES, not QE: it cannot be moved to REL_PREP']);
    const log = new LineCollector();
    await expect(moveAdvisoriesToRelPrep(errata, ads, log)).rejects.toThrow(/advisory 3 \(extras\) is in NEW_FILES/);
    expect(sim.changes.filter((c) => c.kind === 'state-changed')).toHaveLength(0);
  });

  it('11.11: RHSA alerts are refreshed and a blocking one refuses; an RHSA without alert information is only a warning', async () => {
    sim.seedAdvisory({ id: 1, state: 'QE', type: 'RHSA', securityAlerts: null });
    sim.seedAdvisory({ id: 2, state: 'QE', type: 'RHSA', securityAlerts: { alerts: [{ id: 'a' }], blocking: true } });
    const log = new LineCollector();
    const ok = await checkRelPrep(errata, await loadReleaseAdvisories(errata, { rpm: 1 }), log, { alerts: 'refresh' });
    expect(ok.problems).toEqual([]);
    expect(log.lines).toContain('Cannot find alerts for advisory 1');
    const blocked = await checkRelPrep(errata, await loadReleaseAdvisories(errata, { rpm: 2 }), log, { alerts: 'refresh' });
    expect(blocked.problems).toEqual(['advisory 2 has blocking secalerts, please contact prodsec team']);
    // The plan reads the stored alerts: no refresh POST.
    const before = sim.callsTo('POST', /security_alerts\/refresh$/).length;
    const planned = await checkRelPrep(errata, await loadReleaseAdvisories(errata, { rpm: 2 }), undefined, { alerts: 'read' });
    expect(planned.problems).toHaveLength(1);
    expect(sim.callsTo('POST', /security_alerts\/refresh$/)).toHaveLength(before);
  });

  it('11.9: a shipped blocking advisory does not block; a blocker with running pushes does; plan never triggers', async () => {
    sim.seedAdvisory({ id: 10, state: 'SHIPPED_LIVE' });
    sim.seedAdvisory({ id: 11, state: 'QE' });
    sim.setPushJobStatus(11, 'cdn_stage', 'RUNNING');
    sim.seedAdvisory({ id: 1, state: 'QE' });
    const free = await decidePush(errata, { id: 1, impetus: 'rpm', blockingAdvisories: [10] }, 'plan');
    expect(free.outcome).toBe('would-trigger');
    const blocked = await decidePush(errata, { id: 1, impetus: 'rpm', blockingAdvisories: [10, 11] }, 'run');
    expect(blocked).toMatchObject({ outcome: 'blocked', blockedBy: [11] });
    expect(sim.callsTo('POST', /\/push$/)).toHaveLength(0);
  });

  it('11.9: newest job per target decides; a COMPLETE target next to a FAILED one is re-triggered in run, reported in poll', async () => {
    sim.seedAdvisory({ id: 1, state: 'QE', stageTargets: ['cdn_stage', 'cdn_docker_stage'] });
    sim.setPushJobStatus(1, 'cdn_stage', 'COMPLETE');
    sim.setPushJobStatus(1, 'cdn_docker_stage', 'FAILED');
    const polled = await decidePush(errata, { id: 1, impetus: 'image', blockingAdvisories: [] }, 'poll');
    expect(polled.outcome).toBe('failed');
    expect(sim.callsTo('POST', /\/push$/)).toHaveLength(0);
    const run = await decidePush(errata, { id: 1, impetus: 'image', blockingAdvisories: [] }, 'run');
    expect(run.outcome).toBe('triggered');
    expect(sim.advisory(1).pushJobs.filter((j) => j.target === 'cdn_docker_stage').map((j) => j.status)).toEqual(['FAILED', 'QUEUED']);
    expect(sim.advisory(1).pushJobs.filter((j) => j.target === 'cdn_stage')).toHaveLength(1);
  });
});

describe('resolveJiraUser', () => {
  let jira: JiraSandbox;
  let client: JiraClient;
  beforeEach(async () => {
    jira = await startJiraSandbox();
    client = new JiraClient({ baseUrl: jira.url, auth: { type: 'basic', email: 'bot@example.com', apiToken: 't' }, retries: 0 });
  });
  afterEach(async () => {
    await jira.close();
  });

  it('takes the exact e-mail match, never merely the first result for the local part', async () => {
    jira.state.addUser({ accountId: 'acc-jdoe2', displayName: 'J Doe Two', emailAddress: 'jdoe@example.com.other', name: 'jdoe2' });
    jira.state.addUser({ accountId: 'acc-jdoe', displayName: 'J Doe', emailAddress: 'jdoe@example.com', name: 'jdoe' });
    expect((await resolveJiraUser(client, 'jdoe@example.com')).accountId).toBe('acc-jdoe');
  });

  it('an unknown e-mail is a clear error', async () => {
    await expect(resolveJiraUser(client, 'nobody@example.com')).rejects.toThrow('Jira has no user with e-mail nobody@example.com, so the QE subtasks were not assigned');
  });
});

describe('Slack notice texts (oar-commands 12)', () => {
  const n = {
    release: '4.19.1',
    lead: '<!subteam^S1>',
    email: 'x@example.com',
    advisories: [{ text: '1', url: 'https://e/advisory/1' }, { text: '2', url: 'https://e/advisory/2' }],
    subtasks: [{ text: 'ART-1', url: 'https://j/browse/ART-1' }],
    abnormal: [] as { text: string; url: string }[],
  };
  it('#3 Errata flow', () => {
    expect(errataOwnershipText(n)).toBe(
      'Hello <!subteam^S1>, owner of [4.19.1] advisories and jira subtasks are changed to x@example.com\nUpdated advisories:\n<https://e/advisory/1|1> <https://e/advisory/2|2> \nUpdated jira subtasks:\n<https://j/browse/ART-1|ART-1> ',
    );
  });
  it('#15 Konflux flow with the MR and the abnormal block; no subtask block when there is none', () => {
    expect(konfluxOwnershipText({ ...n, subtasks: [], abnormal: [n.advisories[1]!], mrUrl: 'https://g/mr/1' })).toBe(
      '[4.19.1] Hello <!subteam^S1>, owner of advisories and jira subtasks are changed to x@example.com\nShipment merge request: <https://g/mr/1|mr>\nUpdated advisories:\n<https://e/advisory/1|1> <https://e/advisory/2|2> \nFound some abnormal advisories that state is not QE\n<https://e/advisory/2|2> ',
    );
  });
  it('#4 to ART', () => {
    expect(abnormalAdvisoriesText('<!subteam^ART>', '4.19.1', [n.advisories[0]!])).toBe('Hello <!subteam^ART>, Can you help to check following [4.19.1] advisories, issue: state is NEW_FILES, thanks\n<https://e/advisory/1|1> \n');
  });
});
