import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump, load } from 'js-yaml';
import { updateBugList as updateBugListDecl } from '../../src/commands/update-bug-list.ts';
import type { SeededRelease } from '../../src/sandbox/world.ts';
import { startBugsHarness, taskOf, type BugsHarness } from './update-bug-list.harness.ts';
import { commandOf } from '../../src/commands/index.ts';

const updateBugList = commandOf(updateBugListDecl);

const ubl = updateBugList;
const ON_QA_HEADER = "[4.19.1] Please pay attention to following ON_QA bugs, let's verify them ASAP, thanks for your cooperation";

describe('update-bug-list (Errata flow)', () => {
  let h: BugsHarness;
  let seeded: SeededRelease;
  const link = (key: string) => `<${h.world.jira.url}/browse/${key}|${key}>`;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [ubl] });
    h.slack.addUser({ id: 'U_QELEAD', name: 'qe.lead', real_name: 'QE Lead', email: 'qe-lead@example.com' });
    seeded = h.world.seedRelease('4.19.1');
  }, 60_000);
  afterAll(() => h.stop());

  it('lists every bug in bulk and nudges the QA contacts of the ON_QA ones (#5)', async () => {
    h.world.jira.resetCalls();
    const r = await h.run(ubl, '4.19.1');
    expect(r.outcome.status).toBe('in_progress');
    expect(r.outcome.summary).toBe('8 of 12 bugs of 4.19.1 are not verified yet (8 ON_QA); notified about 8 ON_QA bugs');
    // 12 bugs, one bulk request; nothing per issue.
    expect(h.world.jira.calls).toHaveLength(1);
    expect(h.world.jira.callsTo(/\/rest\/api\/2\/issue\//)).toHaveLength(0);

    const onQa = seeded.bugs.filter((_, i) => i % 3 !== 2);
    const cveKey = seeded.bugs[9]!; // rpm advisory, first bug: the seeded CVE tracker
    expect(h.world.jira.state.issues.get(cveKey)!.fields.summary).toMatch(/^CVE-/);
    const lines = [...onQa].sort().map((k) => `${link(k)} <@U_QELEAD>${k === cveKey ? ' This is a CVE bug and must be verified.' : ''}\n`);
    expect(h.posted('#forum-ocp-qe')).toEqual([`${ON_QA_HEADER}\n${lines.join('')}`]);
    // Eight ON_QA bugs, one QA contact: the run's notifier looks the e-mail up once.
    expect(h.slack.calls('users.lookupByEmail')).toHaveLength(1);

    const task = taskOf(await h.statebox('4.19.1'), 'update-bug-list');
    expect(task?.status).toBe('In Progress');
    expect(task?.result).toContain('found 12 jira issues in 4 advisories');
    expect(r.outcome.sections?.[1]?.lines).toHaveLength(12);
  });

  it('refuses --no-notify with --confirm-droppable, and both flags together', async () => {
    await expect(h.execute(ubl, '4.19.1', { notify: false, confirmDroppable: true })).rejects.toThrow('--no-notify cannot be used together with --confirm-droppable or --notify-managers');
    await expect(h.execute(ubl, '4.19.1', { confirmDroppable: true, notifyManagers: true })).rejects.toThrow('only one of parameters --confirm-droppable or --notify-managers can be used simultaneously');
  });

  it('--no-notify only reports', async () => {
    const before = h.posted('#forum-ocp-qe').length;
    const r = await h.run(ubl, '4.19.1', { notify: false });
    expect(r.outcome.status).toBe('in_progress');
    expect(h.posted('#forum-ocp-qe')).toHaveLength(before);
  });

  it('--confirm-droppable asks about the high-severity ON_QA bugs (#16)', async () => {
    const blocker = seeded.bugs[0]!; // extras, ON_QA
    (h.world.jira.state.issues.get(blocker)!.fields.priority as { name: string }).name = 'Blocker';
    const r = await h.run(ubl, '4.19.1', { confirmDroppable: true });
    expect(r.log).toContain(`WARNING: jira issue ${blocker} is high severity: priority is Blocker`);
    const cveKey = seeded.bugs[9]!;
    const expected = [blocker, cveKey].sort().map((k) => `${link(k)} <@U_QELEAD>${k === cveKey ? ' This is a CVE bug and must be verified.' : ''}\n`);
    expect(h.posted('#forum-ocp-qe').at(-1)).toBe(
      `[4.19.1] The following bugs should be verified in this release. Please confirm whether they can be dropped or if you will verify them soon. Note that CVE issues still require verification. Thank you for your cooperation\n${expected.join('')}`,
    );
  });

  it("--notify-managers sends the unverified CVE trackers to the QA contacts' managers (#16)", async () => {
    h.world.ldap.addPerson({ uid: 'qelead', email: 'qe-lead@example.com', manager: 'boss' }).addPerson({ uid: 'boss', email: 'release.lead@redhat.com' });
    await h.run(ubl, '4.19.1', { notifyManagers: true });
    expect(h.posted('#forum-ocp-qe').at(-1)).toBe(
      `[4.19.1] The following issues must be verified in this release. As the managers of the assigned QA contacts who have not yet verified these Jiras, could you please prioritize their verification or reassign them to other available QA contacts?\n${link(seeded.bugs[9]!)} <@U_LEAD>\n`,
    );
  });

  it('skips bugs the token cannot read, with the original error line', async () => {
    h.world.jira.state.issues.get(seeded.bugs[3]!)!.forbidden = true;
    const r = await h.run(ubl, '4.19.1', { notify: false });
    expect(r.log).toContain(`ERROR: jira token does not have permission to access security bugs ${seeded.bugs[3]}, ignore and continue`);
    expect((r.outcome.data as { unreadable: string[] }).unreadable).toEqual([seeded.bugs[3]]);
    h.world.jira.state.issues.get(seeded.bugs[3]!)!.forbidden = false;
  });

  it('passes when every bug is Verified or Closed', async () => {
    for (const k of seeded.bugs) (h.world.jira.state.issues.get(k)!.fields.status as { name: string }).name = k === seeded.bugs[0] ? 'Closed' : 'Verified';
    const r = await h.run(ubl, '4.19.1');
    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toBe('All 12 bugs of 4.19.1 are Verified or Closed');
    expect(taskOf(await h.statebox('4.19.1'), 'update-bug-list')?.status).toBe('Pass');
  });
});

describe('update-bug-list (Konflux flow and scale)', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [ubl] });
  }, 60_000);
  afterAll(() => h.stop());

  it('adds the shipment YAML keys to the advisory keys, each once', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    // The shipment lists every advisory bug again, plus one of its own.
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-8001', status: 'ON_QA', qaContact: 'qe-lead@example.com' });
    const project = h.world.gitlab.projectByPath('hybrid-platforms/art/ocp-shipment-data')!;
    const branch = project.branches.get('prepare-shipment-4.19.10')!;
    const [path, text] = [...branch].find(([p]) => p.includes('-image.'))!;
    const doc = load(text) as { shipment: { data: { releaseNotes: { issues: { fixed: { id: string; source: string }[] } } } } };
    doc.shipment.data.releaseNotes.issues.fixed.push({ id: 'OCPBUGS-8001', source: 'redhat.atlassian.net' });
    branch.set(path, dump(doc));
    const r = await h.run(ubl, '4.19.10', { notify: false });
    const keys = (r.outcome.data as { bugs: { key: string }[] }).bugs.map((b) => b.key);
    expect(keys).toHaveLength(seeded.bugs.length + 1);
    expect(keys).toContain('OCPBUGS-8001');
    expect(r.log).toContain(`found ${seeded.bugs.length + 1} jira issues in 2 advisories and the shipment MR`);
  });

  it('defect 15: a shipment file that cannot be parsed is skipped, the others still count', async () => {
    const branch = h.world.gitlab.projectByPath('hybrid-platforms/art/ocp-shipment-data')!.branches.get('prepare-shipment-4.19.10')!;
    const extras = [...branch.keys()].find((p) => p.includes('-extras.'))!;
    branch.set(extras, 'shipment: [this is not: valid yaml');
    const r = await h.run(ubl, '4.19.10', { notify: false });
    expect(r.log).toMatch(new RegExp(`WARNING: cannot read Jira issues from shipment file ${extras.replaceAll('.', '\\.')}: `));
    expect((r.outcome.data as { bugs: { key: string }[] }).bugs.map((b) => b.key)).toContain('OCPBUGS-8001');
  });

  it('reads 300 bugs in at most 5 Jira requests, none per issue', async () => {
    h.world.seedRelease('4.19.3', { bugsPerAdvisory: 75 });
    h.world.jira.resetCalls();
    const r = await h.run(ubl, '4.19.3', { notify: false });
    expect((r.outcome.data as { bugs: unknown[] }).bugs).toHaveLength(300);
    expect(h.world.jira.calls.length).toBeLessThanOrEqual(5);
    expect(h.world.jira.callsTo(/\/rest\/api\/2\/issue\//)).toHaveLength(0);
  });
});
