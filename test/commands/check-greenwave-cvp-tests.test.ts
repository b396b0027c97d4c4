import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGreenwaveCvpTests as checkGreenwaveCvpTestsDecl } from '../../src/commands/check-greenwave-cvp-tests.ts';
import { cvpIssueDescription, cvpIssueJql, cvpIssueSummary, isSameCvpReport } from '../../src/commands/bugs/cvp.ts';
import { startBugsHarness, taskOf, type BugsHarness } from './update-bug-list.harness.ts';
import { commandOf } from '../../src/commands/index.ts';

const checkGreenwaveCvpTests = commandOf(checkGreenwaveCvpTestsDecl);

const cvp = checkGreenwaveCvpTests;

describe('check-greenwave-cvp-tests: the CVP report (pinned texts)', () => {
  it('builds the description exactly (test__prepare_greenwave_cvp_jira_description)', () => {
    const link = (id: number) => `https://errata.devel.redhat.com/advisory/${id}`;
    const text = cvpIssueDescription(
      '4.19.1',
      [
        { id: '101', nvr: 'ose-cli-container-v4.19.1-1', advisoryId: 151165 },
        { id: '205', nvr: 'ose-tests-container-v4.19.1-2', advisoryId: 151167 },
        { id: '102', nvr: 'ose-installer-container-v4.19.1-1', advisoryId: 151165 },
      ],
      link,
    );
    expect(text).toBe(
      [
        '[4.19.1] Greenwave CVP test failed in the advisories listed below.',
        '',
        'Failed Nvrs in advisory [151165|https://errata.devel.redhat.com/advisory/151165]:',
        '* ose-cli-container-v4.19.1-1 ([test_run/101|https://errata.devel.redhat.com/advisory/151165/test_run/101])',
        '* ose-installer-container-v4.19.1-1 ([test_run/102|https://errata.devel.redhat.com/advisory/151165/test_run/102])',
        '',
        'Failed Nvrs in advisory [151167|https://errata.devel.redhat.com/advisory/151167]:',
        '* ose-tests-container-v4.19.1-2 ([test_run/205|https://errata.devel.redhat.com/advisory/151167/test_run/205])',
        '',
      ].join('\n'),
    );
  });

  it('finds an earlier report by summary (test_is_cvp_issue_reported), brackets stripped for JQL', () => {
    expect(cvpIssueSummary('4.19.1')).toBe('[4.19.1] Greenwave CVP test failures in advisories');
    expect(cvpIssueJql('4.19.1')).toBe('project = "CVP" AND summary ~ "4.19.1 Greenwave CVP test failures in advisories"');
    expect(isSameCvpReport('4.19.1', '[4.19.1] Greenwave CVP test failures in advisories')).toBe(true);
    expect(isSameCvpReport('4.19.1', '4.19.1 greenwave CVP test failures in advisories')).toBe(true);
    expect(isSameCvpReport('4.19.1', '[4.19.10] Greenwave CVP test failures in advisories')).toBe(false);
  });
});

describe('check-greenwave-cvp-tests', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [cvp] });
    h.world.seedRelease('4.19.1', { bugsPerAdvisory: 0 });
    h.world.seedRelease('4.19.2', { bugsPerAdvisory: 0 });
    h.world.errata.advisory(151165).cvpTests = [
      { id: 11, status: 'PASSED', nvr: 'ose-cli-container-v4.19.1-1' },
      { id: 12, status: 'FAILED', nvr: 'ose-installer-container-v4.19.1-1' },
      { id: 13, status: 'WAIVED', nvr: 'ose-tests-container-v4.19.1-1' },
    ];
    h.world.errata.advisory(151167).cvpTests = [{ id: 21, status: 'PENDING', nvr: 'ose-extras-container-v4.19.1-1' }];
    h.world.errata.advisory(151427).cvpTests = [{ id: 31, status: 'PASSED', nvr: 'ose-cli-container-v4.19.2-1' }];
  }, 60_000);
  afterAll(() => h.stop());

  it('reports failures once in a CVP Blocker issue, tells the release leads (#13) and fails the task', async () => {
    const r = await h.run(cvp, '4.19.1');
    expect(r.outcome.status).toBe('fail');
    expect(r.log).toContain('INFO: Greenwave CVP test 12 status is FAILED');
    expect(r.log).toContain("ERROR: Greenwave CVP test 12 status is not ['PASSED', 'WAIVED']");
    expect(r.log).toContain("ERROR: Greenwave CVP test 21 status is not ['PASSED', 'WAIVED']");
    expect(r.log).toContain('INFO: Greenwave CVP tests in advisory 151165 are not all passed');
    expect(r.log).toContain('INFO: advisory 151168 does not have Greenwave CVP tests');
    expect(r.log).toContain('ERROR: NOT all Greenwave CVP tests are passed');

    const created = [...h.world.jira.state.issues.values()].filter((i) => i.key.startsWith('CVP-'));
    expect(created).toHaveLength(1);
    const issue = created[0]!;
    expect(issue.fields.summary).toBe('[4.19.1] Greenwave CVP test failures in advisories');
    expect(issue.fields.issuetype).toEqual({ name: 'Bug' });
    expect(issue.fields.priority).toEqual({ name: 'Blocker' });
    const errata = h.world.errata.url;
    expect(issue.fields.description).toBe(
      // Advisories in ConfigStore order (extras first), each in first-seen order.
      `[4.19.1] Greenwave CVP test failed in the advisories listed below.\n\nFailed Nvrs in advisory [151167|${errata}/advisory/151167]:\n* ose-extras-container-v4.19.1-1 ([test_run/21|${errata}/advisory/151167/test_run/21])\n\nFailed Nvrs in advisory [151165|${errata}/advisory/151165]:\n* ose-installer-container-v4.19.1-1 ([test_run/12|${errata}/advisory/151165/test_run/12])\n`,
    );
    expect(h.posted('#team-qe-release')).toEqual([
      `[4.19.1] Hello <!subteam^S_QE_REL_419>, there are Greenwave CVP failures in advisories. Please contact CVP team. Use the following jira for reference: ${h.world.jira.url}/browse/${issue.key}.`,
    ]);
    const doc = await h.statebox('4.19.1');
    expect(taskOf(doc, 'check-greenwave-cvp-tests')?.status).toBe('Fail');
    expect(doc!.state.issues).toMatchObject([{ issue: `Greenwave CVP test failures reported in ${issue.key}`, blocker: false, related_tasks: ['check-greenwave-cvp-tests'] }]);
  });

  it('does not open a second issue or notify again on a re-run (summary-based de-dup)', async () => {
    const r = await h.run(cvp, '4.19.1');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(/already reported in CVP-1$/);
    expect([...h.world.jira.state.issues.keys()].filter((k) => k.startsWith('CVP-'))).toEqual(['CVP-1']);
    expect(h.world.jira.callsTo('/rest/api/2/issue', 'POST')).toHaveLength(1);
    expect(h.posted('#team-qe-release')).toHaveLength(1);
    expect((await h.statebox('4.19.1'))!.state.issues).toHaveLength(1);
  });

  it('passes when every test is PASSED or WAIVED', async () => {
    const r = await h.run(cvp, '4.19.2');
    expect(r.outcome.status).toBe('pass');
    expect(r.log).toContain('INFO: Greenwave CVP tests in advisory 151427 are all passed');
    expect(taskOf(await h.statebox('4.19.2'), 'check-greenwave-cvp-tests')?.status).toBe('Pass');
  });
});
