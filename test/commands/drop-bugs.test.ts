import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dump, load } from 'js-yaml';
import { dropBugs as dropBugsDecl } from '../../src/commands/drop-bugs.ts';
import { approvalsToRequest } from '../../src/commands/bugs/approvals.ts';
import { classifyBug, decideBug } from '../../src/commands/bugs/drop-plan.ts';
import type { Plan } from '../../src/commands/types.ts';
import { toJiraIssue } from '../../src/integrations/jira/model.ts';
import type { IssueSeed } from '../../src/sandbox/jira/index.ts';
import { SHIPMENT_PROJECT, type SimulatedWorld } from '../../src/sandbox/world.ts';
import { startBugsHarness, taskOf, type BugsHarness } from './update-bug-list.harness.ts';
import { commandOf } from '../../src/commands/index.ts';
import { ErrataClient } from '../../src/integrations/errata/index.ts';
import { ConfigStore } from '../../src/release/configstore.ts';
import { GitHubStateBoxBackend } from '../../src/release/statebox/github-backend.ts';
import { LocalStateBoxBackend } from '../../src/release/statebox/local-backend.ts';

const dropBugs = commandOf(dropBugsDecl);

const drop = dropBugs;

/**
 * Edge case 8 (tests/test_jira.py::test_get_high_severity_and_can_drop_issues): 24 keyed cases of
 * the high-severity / droppable split, and what drop-bugs does with each.
 */
type Case = { seed: Omit<IssueSeed, 'key'>; cls: 'high' | 'can-drop' | 'done'; action: 'drop' | 'keep'; why: RegExp };
const CASES: Record<string, Case> = {
  'OCPBUGS-7001': { seed: { status: 'ON_QA' }, cls: 'can-drop', action: 'drop', why: /^ON_QA, not verified$/ },
  'OCPBUGS-7002': { seed: { status: 'ON_QA', priority: 'Blocker' }, cls: 'high', action: 'keep', why: /high severity \(priority is Blocker\)/ },
  'OCPBUGS-7003': { seed: { status: 'ON_QA', priority: 'Critical' }, cls: 'high', action: 'keep', why: /high severity \(priority is Critical\)/ },
  'OCPBUGS-7004': { seed: { status: 'ON_QA', priority: 'Major', labels: ['TestBlocker'] }, cls: 'high', action: 'keep', why: /labelled TestBlocker/ },
  'OCPBUGS-7005': { seed: { status: 'ON_QA', priority: 'Major', releaseBlocker: 'Approved' }, cls: 'high', action: 'keep', why: /Release Blocker is Approved/ },
  'OCPBUGS-7006': { seed: { status: 'ON_QA', priority: 'Major', releaseBlocker: 'Proposed' }, cls: 'high', action: 'keep', why: /Release Blocker is Proposed/ },
  'OCPBUGS-7007': { seed: { status: 'ON_QA', priority: 'Major', releaseBlocker: 'Rejected', sfdcCasesCounter: null, sfdcCasesLinks: null }, cls: 'can-drop', action: 'drop', why: /not verified/ },
  'OCPBUGS-7008': { seed: { status: 'ON_QA', sfdcCasesCounter: 'gAAAAABo-opaque-counter' }, cls: 'high', action: 'keep', why: /customer cases/ },
  'OCPBUGS-7009': { seed: { status: 'ON_QA', sfdcCasesLinks: 'gAAAAABo-opaque-links' }, cls: 'high', action: 'keep', why: /customer cases/ },
  'OCPBUGS-7010': { seed: { status: 'ON_QA', summary: 'CVE-2026-1111 golang: flaw' }, cls: 'high', action: 'keep', why: /CVE tracker: CVE trackers are never dropped/ },
  'OCPBUGS-7011': { seed: { status: 'ON_QA', labels: ['CVE-2026-2222'] }, cls: 'high', action: 'keep', why: /CVE trackers are never dropped/ },
  'OCPBUGS-7012': { seed: { status: 'ON_QA', labels: ['cve-lowercase'], summary: 'cve mentioned in lower case' }, cls: 'can-drop', action: 'drop', why: /not verified/ },
  'OCPBUGS-7013': { seed: { status: 'New', priority: 'Blocker' }, cls: 'high', action: 'keep', why: /^New, high severity/ },
  'OCPBUGS-7014': { seed: { status: 'New' }, cls: 'can-drop', action: 'drop', why: /^New, not verified$/ },
  'OCPBUGS-7015': { seed: { status: 'ASSIGNED' }, cls: 'can-drop', action: 'drop', why: /^ASSIGNED, not verified$/ },
  'OCPBUGS-7016': { seed: { status: 'POST', priority: 'Critical' }, cls: 'high', action: 'keep', why: /^POST, high severity/ },
  'OCPBUGS-7017': { seed: { status: 'MODIFIED' }, cls: 'can-drop', action: 'drop', why: /^MODIFIED, not verified$/ },
  'OCPBUGS-7018': { seed: { status: 'Release Pending' }, cls: 'can-drop', action: 'keep', why: /^Release Pending: already finished$/ },
  'OCPBUGS-7019': { seed: { status: 'Release Pending', priority: 'Blocker' }, cls: 'high', action: 'keep', why: /^Release Pending: already finished \(high severity: priority is Blocker\)$/ },
  'OCPBUGS-7020': { seed: { status: 'Verified', priority: 'Blocker' }, cls: 'done', action: 'keep', why: /^Verified: already finished$/ },
  'OCPBUGS-7021': { seed: { status: 'Verified' }, cls: 'done', action: 'keep', why: /^Verified: already finished$/ },
  'OCPBUGS-7022': { seed: { status: 'Closed', summary: 'CVE-2026-3333 closed tracker', sfdcCasesCounter: 'gAAAA' }, cls: 'done', action: 'keep', why: /^Closed: already finished$/ },
  'OCPBUGS-7023': { seed: { status: 'Closed' }, cls: 'done', action: 'keep', why: /^Closed: already finished$/ },
  'OCPBUGS-7024': { seed: { status: 'ON_QA', priority: null as unknown as string, labels: ['TestBlockerish'] }, cls: 'can-drop', action: 'drop', why: /not verified/ },
};
const KEYS = Object.keys(CASES);

function seedCases(world: SimulatedWorld) {
  for (const [key, c] of Object.entries(CASES)) {
    const issue = world.jira.state.seedIssue({ key, summary: `bug ${key}`, ...c.seed });
    if (c.seed.priority === null) issue.fields.priority = null;
  }
}

function seedIssueShape(key: string, c: Case) {
  const f: Record<string, unknown> = {
    summary: c.seed.summary ?? `bug ${key}`,
    status: { name: c.seed.status },
    priority: c.seed.priority === undefined ? { name: 'Normal' } : c.seed.priority === null ? null : { name: c.seed.priority },
    labels: c.seed.labels ?? [],
    customfield_10847: c.seed.releaseBlocker ? { value: c.seed.releaseBlocker } : null,
    customfield_10978: c.seed.sfdcCasesCounter ?? null,
    customfield_10979: c.seed.sfdcCasesLinks ?? null,
  };
  return toJiraIssue({ id: key, key, fields: f });
}

describe('drop-bugs: edge case 8, high-severity vs droppable (24 keyed cases)', () => {
  it('classifies each case as the pinned test does', () => {
    expect(KEYS).toHaveLength(24);
    for (const [key, c] of Object.entries(CASES)) {
      expect(classifyBug(seedIssueShape(key, c)), key).toBe(c.cls);
      const d = decideBug(key, seedIssueShape(key, c));
      expect(d.action, key).toBe(c.action);
      expect(d.reason, key).toMatch(c.why);
    }
    expect(classifyBug(undefined)).toBe('unreadable');
    expect(decideBug('OCPBUGS-1', undefined)).toMatchObject({ action: 'keep', reason: expect.stringMatching(/not readable/) });
  });
});

describe('drop-bugs (Errata flow)', () => {
  let h: BugsHarness;
  const EXTRAS = 151167;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [drop] });
    h.world.seedRelease('4.19.1', { bugsPerAdvisory: 0 });
    seedCases(h.world);
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-7099', status: 'ON_QA', forbidden: true });
    h.world.errata.advisory(EXTRAS).jiraIssues = [...KEYS, 'OCPBUGS-7099'];
    h.world.errata.advisory(EXTRAS).bugIds = ['2000001'];
  }, 60_000);
  afterAll(() => h.stop());

  it('edge case 8: the plan lists the bugs to drop per advisory and the ones kept with why (all 24 cases), changing nothing', async () => {
    const r = await h.execute(drop, '4.19.1');
    expect(r.kind).toBe('needs-confirmation');
    const plan = (r as { plan: Plan }).plan;
    const dropKeys = KEYS.filter((k) => CASES[k]!.action === 'drop');
    expect(plan.summary).toBe(`drop ${dropKeys.length} bugs from 4.19.1: ${dropKeys.join(', ')}`);
    expect(plan.changes).toEqual(dropKeys.map((k) => ({ target: `${k} in advisory ${EXTRAS} (extras)`, from: CASES[k]!.seed.status, to: 'dropped' })));
    for (const k of KEYS.filter((key) => CASES[key]!.action === 'keep')) {
      const note = plan.notes?.find((n) => n.startsWith(`${k} in advisory ${EXTRAS} (extras): kept, `));
      expect(note, k).toBeDefined();
      expect(note!.slice(`${k} in advisory ${EXTRAS} (extras): kept, `.length), k).toMatch(CASES[k]!.why);
    }
    expect(plan.notes).toContain(`OCPBUGS-7099 in advisory ${EXTRAS} (extras): kept, not readable with the Jira token (a security bug?): never dropped`);
    // The plan changed nothing.
    expect(h.world.errata.callsTo('PUT', /\/api\/v1\/erratum\//)).toHaveLength(0);
    expect(h.world.errata.advisory(EXTRAS).jiraIssues).toHaveLength(25);
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const r = await h.run(drop, '4.19.1', { dryRun: true });
    expect(r.outcome.status).toBe('info');
    expect(r.outcome.summary).toMatch(/^Dry run: drop 7 bugs from 4\.19\.1/);
    expect(h.world.errata.callsTo('PUT', /\/api\/v1\/erratum\//)).toHaveLength(0);
    expect(await h.statebox('4.19.1')).toBeNull();
  });

  it('drops exactly the droppable bugs, keeps Bugzilla ids, and tells the leads and docs (#8/#9)', async () => {
    const r = await h.run(drop, '4.19.1');
    expect(r.outcome.status).toBe('pass');
    const dropKeys = KEYS.filter((k) => CASES[k]!.action === 'drop');
    expect((r.outcome.data as { dropped: string[] }).dropped).toEqual(dropKeys);
    const adv = h.world.errata.advisory(EXTRAS);
    expect(adv.jiraIssues).toEqual([...KEYS.filter((k) => CASES[k]!.action === 'keep'), 'OCPBUGS-7099']);
    expect(adv.bugIds).toEqual(['2000001']);
    for (const k of dropKeys) expect(r.log).toContain(`INFO: jira issue ${k} is ${CASES[k]!.seed.status}, it will be dropped from advisory ${EXTRAS}`);
    expect(r.log).toContain(`INFO: not verified and non cve track bugs are dropped from advisory ${EXTRAS}`);
    expect(r.log).toContain('INFO: there is no bug in advisory 151165 that can be dropped');

    const jira = h.world.jira.url;
    const high = ['OCPBUGS-7002', 'OCPBUGS-7003', 'OCPBUGS-7004', 'OCPBUGS-7005', 'OCPBUGS-7006', 'OCPBUGS-7008', 'OCPBUGS-7009', 'OCPBUGS-7010', 'OCPBUGS-7011', 'OCPBUGS-7013', 'OCPBUGS-7016', 'OCPBUGS-7019'];
    const dropped = `[4.19.1] Hello <!subteam^S_QE_REL_419> <!subteam^S_DOCS>, following bugs are dropped from advisories and shipment data\n${dropKeys.map((k) => `<${jira}/browse/${k}|${k}>\n`).join('')}`;
    const kept = `[4.19.1] Hello <!subteam^S_QE_REL_419>, following bugs are Critical/Blocker/Customer Case/CVE Tracker, if any of them can be dropped, do it manually. CVE can not be dropped. Thanks\n${high.map((k) => `<${jira}/browse/${k}|${k}>\n`).join('')}`;
    // A long notice: a summary in the channel (its first line, the top items), the full text in its thread.
    const [summary] = h.posted('#team-qe-release');
    expect(summary).toMatch(/^\[4\.19\.1\] Hello <!subteam\^S_QE_REL_419> <!subteam\^S_DOCS>, following bugs are dropped/);
    expect(summary).toContain('the full list is in the thread');
    expect(h.noticeTexts('#team-qe-release')).toEqual([`${dropped}\n${kept}`]);
    expect(taskOf(await h.statebox('4.19.1'), 'drop-bugs')?.status).toBe('Pass');
  });

  it('is idempotent: the next plan is empty and a confirmed re-run changes nothing', async () => {
    const r = await h.execute(drop, '4.19.1');
    expect(r.kind === 'needs-confirmation' && r.plan.empty).toBe(true);
    const puts = h.world.errata.callsTo('PUT', /\/api\/v1\/erratum\//).length;
    const again = await h.run(drop, '4.19.1');
    expect(again.outcome.summary).toBe('No bug of 4.19.1 had to be dropped');
    expect(h.world.errata.callsTo('PUT', /\/api\/v1\/erratum\//)).toHaveLength(puts);
    expect(h.posted('#team-qe-release')).toHaveLength(1);
  });

  it('defect 13: matches keys exactly (dropping OCPBUGS-1 leaves OCPBUGS-12 and OCPBUGS-123)', async () => {
    h.world.seedRelease('4.19.2', { bugsPerAdvisory: 0 });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-1', status: 'ON_QA' });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-12', status: 'Verified' });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-123', status: 'ON_QA', priority: 'Blocker' });
    h.world.errata.advisory(151429).jiraIssues = ['OCPBUGS-12', 'OCPBUGS-1', 'OCPBUGS-123'];
    const r = await h.run(drop, '4.19.2');
    expect((r.outcome.data as { dropped: string[] }).dropped).toEqual(['OCPBUGS-1']);
    expect(h.world.errata.advisory(151429).jiraIssues).toEqual(['OCPBUGS-12', 'OCPBUGS-123']);
  });

  it('defect 14: asks docs and ProdSec again for the approvals the drop took away (#10)', async () => {
    h.world.seedRelease('4.19.3', { bugsPerAdvisory: 0 });
    const RPM = 151749;
    const adv = h.world.errata.advisory(RPM);
    Object.assign(adv, { type: 'RHSA', docComplete: true, securityApproved: true, jiraIssues: ['OCPBUGS-31'] });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-31', status: 'ON_QA' });
    // Errata Tool takes approvals away when the bug list changes.
    const record = h.world.errata.server.record.bind(h.world.errata.server);
    const spy = vi.spyOn(h.world.errata.server, 'record').mockImplementation((kind, subject, detail) => {
      if (kind === 'advisory-updated' && detail?.jiraIssues && subject === `advisory ${RPM}`) Object.assign(adv, { docComplete: false, securityApproved: null });
      record(kind, subject, detail);
    });
    const reads = vi.spyOn(ErrataClient.prototype, 'getErratum');
    const stateboxReads = [vi.spyOn(LocalStateBoxBackend.prototype, 'read'), vi.spyOn(GitHubStateBoxBackend.prototype, 'read')];
    try {
      const r = await h.run(drop, '4.19.3');
      expect(r.log).toContain(`INFO: request doc and prodsec advisories are: [${RPM}] and [${RPM}]`);
      // The approvals after the change come from the update's answer: the advisory is read once.
      expect(reads.mock.calls.filter(([id]) => id === RPM)).toHaveLength(1);
      // One StateBox read serves the run (the runner's status read, In Progress, the result).
      expect(stateboxReads.reduce((n, s) => n + s.mock.calls.length, 0)).toBe(1);
    } finally {
      spy.mockRestore();
      reads.mockRestore();
      for (const s of stateboxReads) s.mockRestore();
    }
    expect(adv.textReady).toBe(true);
    expect(adv.securityApproved).toBe(false);
    expect(h.posted('#ocp-approvers')).toEqual([
      `[4.19.3] Hello <!subteam^S_DOCS>, Could you approve doc for advisories:[${RPM}], thanks!\n[4.19.3] Hello prodsec@example.com, Could you approve Prodsec for advisories:[${RPM}], thanks!`,
    ]);
  });
  it('several ProdSec e-mails become user mentions through the run\'s notifier, each looked up once', async () => {
    const seeded = h.world.seedRelease('4.19.5', { bugsPerAdvisory: 0 });
    const RPM = seeded.advisories.rpm!;
    const adv = h.world.errata.advisory(RPM);
    Object.assign(adv, { type: 'RHSA', docComplete: true, securityApproved: true, jiraIssues: ['OCPBUGS-51'] });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-51', status: 'ON_QA' });
    h.slack.addUser({ id: 'U_PS1', name: 'ps.one', real_name: 'ProdSec One', email: 'ps1@example.com' });
    const record = h.world.errata.server.record.bind(h.world.errata.server);
    const spy = vi.spyOn(h.world.errata.server, 'record').mockImplementation((kind, subject, detail) => {
      if (kind === 'advisory-updated' && detail?.jiraIssues && subject === `advisory ${RPM}`) Object.assign(adv, { securityApproved: null });
      record(kind, subject, detail);
    });
    const prodsec = vi.spyOn(ConfigStore.prototype, 'prodsecId').mockReturnValue('ps1@example.com, nobody@example.com, ps1@example.com');
    const before = h.slack.calls('users.lookupByEmail').length;
    try {
      await h.run(drop, '4.19.5');
    } finally {
      spy.mockRestore();
      prodsec.mockRestore();
    }
    expect(h.posted('#ocp-approvers').at(-1)).toBe(`[4.19.5] Hello <@U_PS1> nobody@example.com <@U_PS1>, Could you approve Prodsec for advisories:[${RPM}], thanks!`);
    expect(h.slack.calls('users.lookupByEmail').slice(before).map((c) => JSON.stringify(c)).filter((c) => c.includes('ps1'))).toHaveLength(1);
  });
});


describe('drop-bugs (Konflux flow: shipment YAML)', () => {
  let h: BugsHarness;
  let mrIid: number;
  const fork = 'oar-bot/ocp-shipment-data';
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [drop] });
    mrIid = h.world.seedRelease('4.19.10', { bugsPerAdvisory: 0 }).mrIid!;
    h.world.gitlab.seedProject(fork);
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-1', status: 'ON_QA' });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-12', status: 'Verified' });
    h.world.jira.state.seedIssue({ key: 'OCPBUGS-123', status: 'MODIFIED', labels: ['CVE-2026-9'] });
    const branch = h.world.gitlab.projectByPath(SHIPMENT_PROJECT)!.branches.get('prepare-shipment-4.19.10')!;
    const [path, text] = [...branch].find(([p]) => p.includes('-image.'))!;
    const doc = load(text) as { shipment: { data: { releaseNotes: { issues: { fixed: { id: string; source: string }[] } } } } };
    doc.shipment.data.releaseNotes.issues.fixed = ['OCPBUGS-12', 'OCPBUGS-1', 'OCPBUGS-123'].map((id) => ({ id, source: 'redhat.atlassian.net' }));
    branch.set(path, dump(doc));
  }, 60_000);
  afterAll(() => h.stop());

  it('plans per shipment MR', async () => {
    const r = await h.execute(drop, '4.19.10');
    const plan = (r as { plan: Plan }).plan;
    expect(plan.changes).toEqual([{ target: `OCPBUGS-1 in shipment MR !${mrIid}`, from: 'ON_QA', to: 'dropped' }]);
    expect(plan.notes).toContain(`OCPBUGS-123 in shipment MR !${mrIid}: kept, MODIFIED CVE tracker: CVE trackers are never dropped`);
  });

  it('defect 13: opens a drop-bugs MR from the configured fork that removes exactly OCPBUGS-1', async () => {
    const r = await h.run(drop, '4.19.10');
    expect(r.outcome.status).toBe('pass');
    expect((r.outcome.data as { dropped: string[] }).dropped).toEqual(['OCPBUGS-1']);
    const mr = h.world.gitlab.mergeRequests.find((m) => m.title === '4.19.10 drop bugs')!;
    expect(mr).toBeDefined();
    expect(mr.targetBranch).toBe('prepare-shipment-4.19.10');
    const forkFiles = h.world.gitlab.projectByPath(fork)!.branches.get(mr.sourceBranch)!;
    const edited = [...forkFiles].find(([p]) => p.includes('-image.'))![1];
    expect(edited).not.toMatch(/id: OCPBUGS-1$/m);
    expect(edited).toMatch(/id: OCPBUGS-12$/m);
    expect(edited).toMatch(/id: OCPBUGS-123$/m);
    expect(mr.mergeWhenPipelineSucceeds).toBe(true);
    const shipment = h.world.gitlab.mergeRequests.find((m) => m.iid === mrIid && m.title === 'Shipment for 4.19.10')!;
    expect(shipment.notes.map((n) => n.body)).toContain(`Drop bug in MR: ${r.outcome.links?.[0]?.url}`);
    expect(r.log).toMatch(/INFO: Created drop bugs MR: /);
  });

  it('re-reads the open drop-bugs MR, so a re-run has nothing left to drop', async () => {
    const r = await h.execute(drop, '4.19.10');
    expect(r.kind === 'needs-confirmation' && r.plan.empty).toBe(true);
    expect((r as { plan: Plan }).plan.notes?.[0]).toMatch(/^An open drop-bugs MR exists: /);
    const again = await h.run(drop, '4.19.10');
    expect(again.outcome.summary).toBe('No bug of 4.19.10 had to be dropped');
    expect(h.world.gitlab.mergeRequests.filter((m) => m.title === '4.19.10 drop bugs')).toHaveLength(1);
  });
});

describe('drop-bugs: approvals to request again (defect 14)', () => {
  const st = (o: Partial<Parameters<typeof approvalsToRequest>[0][number]>) => ({ id: 1, type: 'RHSA', docComplete: false, textReady: false, securityApproved: null, ...o });
  it('re-requests ProdSec only when it was approved before and is neither approved nor requested now', () => {
    expect(approvalsToRequest([st({ securityApproved: true })], new Map([[1, st({ securityApproved: null })]]))).toEqual({ doc: [], prodsec: [1] });
    expect(approvalsToRequest([st({ securityApproved: true })], new Map([[1, st({ securityApproved: false })]]))).toEqual({ doc: [], prodsec: [] });
    expect(approvalsToRequest([st({ securityApproved: true })], new Map([[1, st({ securityApproved: true })]]))).toEqual({ doc: [], prodsec: [] });
    expect(approvalsToRequest([st({ type: 'RHBA', securityApproved: true })], new Map([[1, st({ type: 'RHBA', securityApproved: null })]]))).toEqual({ doc: [], prodsec: [] });
  });
  it('re-requests doc approval only when it was approved and is not requested now', () => {
    expect(approvalsToRequest([st({ docComplete: true })], new Map([[1, st({ docComplete: false })]]))).toEqual({ doc: [1], prodsec: [] });
    expect(approvalsToRequest([st({ docComplete: true })], new Map([[1, st({ docComplete: false, textReady: true })]]))).toEqual({ doc: [], prodsec: [] });
    expect(approvalsToRequest([st({ docComplete: false })], new Map([[1, st({ docComplete: false })]]))).toEqual({ doc: [], prodsec: [] });
  });
});

describe('drop-bugs (Konflux flow without OAR_SHIPMENT_FORK)', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [drop], omitEnv: ['OAR_SHIPMENT_FORK'] });
  }, 60_000);
  afterAll(() => h.stop());

  it('says so in the plan and refuses to run before changing anything', async () => {
    const seeded = h.world.seedRelease('4.19.10', { bugsPerAdvisory: 2 });
    const rhcos = h.world.errata.advisory(153981);
    const before = [...rhcos.jiraIssues];
    const r = await h.execute(drop, '4.19.10');
    expect((r as { plan: Plan }).plan.notes).toContain('OAR_SHIPMENT_FORK is not set: bugs cannot be dropped from the shipment (a drop-bugs MR is opened from that fork).');
    const run = await h.run(drop, '4.19.10');
    expect(run.outcome.status).toBe('fail');
    expect(run.outcome.summary).toMatch(/^OAR_SHIPMENT_FORK is not set: .*nothing was dropped$/);
    expect(rhcos.jiraIssues).toEqual(before);
    expect(before).toContain(seeded.bugs[0]); // rhcos comes first: an ON_QA bug it would drop
    expect(h.world.errata.callsTo('PUT', /\/api\/v1\/erratum\//)).toHaveLength(0);
    expect(taskOf(await h.statebox('4.19.10'), 'drop-bugs')?.status).toBe('Fail');
  });
});
