/** Pure helpers that read what a previous run left in a StateBox task. */
import { describe, expect, it } from 'vitest';
import { buildNumberOf, checkedJobIds, concludedStatus, stageBuildUrls, triggeredJobIds } from '../../src/commands/prow-jobs/task-record.ts';
import { jenkinsTriggeredText, prowJobTriggeredText, unhealthyAdvisoriesText } from '../../src/commands/prow-jobs/notify.ts';
import { mergeRequestIid } from '../../src/commands/image-consistency-check.run.ts';

const line = (level: string, msg: string) => `2026-06-01T10:00:00Z: ${level}: ${msg}`;

describe('concludedStatus (spec 3.6 rules on the stored result, plus [Not Started])', () => {
  it('reads the marker on the last line', () => {
    for (const s of ['Pass', 'Fail', 'In Progress', 'Not Started'] as const) {
      expect(concludedStatus({ status: 'In Progress', result: `${line('INFO', 'x')}\n${line('INFO', `task [Image Consistency Check] status is changed to [${s}]`)}` })).toBe(s);
    }
  });

  it('falls back to ": ERROR:" → Fail, else In Progress; a stored Pass always wins', () => {
    expect(concludedStatus({ status: 'In Progress', result: `${line('ERROR', 'boom')}\n${line('INFO', 'sent slack message to #x')}` })).toBe('Fail');
    expect(concludedStatus({ status: 'In Progress', result: line('INFO', 'sent slack message to #x') })).toBe('In Progress');
    expect(concludedStatus({ status: 'Pass', result: line('INFO', 'task [X] status is changed to [Fail]') })).toBe('Pass');
  });

  it('no result: only a hand-set Fail means something (the runner pre-run write leaves In Progress without text)', () => {
    expect(concludedStatus(null)).toBeNull();
    expect(concludedStatus({ status: 'In Progress', result: null })).toBeNull();
    expect(concludedStatus({ status: 'Fail', result: '' })).toBe('Fail');
  });
});

describe('job ids in stored results', () => {
  const result = [
    line('INFO', 'Triggered image consistency check Prow job: aaa-1'),
    line('INFO', 'Checking image consistency check Prow job status for job ID: bbb-2'),
    line('INFO', 'Previously triggered image consistency check Prow job: ccc-3'),
    line('INFO', 'Triggered image consistency check Prow job: aaa-1'),
  ].join('\n');

  it('the duplicate-trigger guard regex (spec 15 "not pinned"): trigger and carried-forward lines, newest last, unique', () => {
    expect(triggeredJobIds(result)).toEqual(['ccc-3', 'aaa-1']);
    expect(checkedJobIds(result)).toEqual(['bbb-2']);
    expect(triggeredJobIds(null)).toEqual([]);
  });

  it('stage build URLs and numbers; queue sentences are not builds', () => {
    const r = [line('INFO', 'triggered stage pipeline job: <https://jenkins.example/job/zstreams/job/Stage-Pipeline/123/>'), line('INFO', 'triggered stage pipeline job: <a new job triggered by you is pending, you can check queue item link: https://j/queue/item/4/api/json>')].join('\n');
    expect(stageBuildUrls(r)).toEqual(['https://jenkins.example/job/zstreams/job/Stage-Pipeline/123']);
    expect(buildNumberOf('https://jenkins.example/job/zstreams/job/Stage-Pipeline/123/')).toBe(123);
  });

  it('merge request iid from the shipment MR URL', () => {
    expect(mergeRequestIid('https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/2041')).toBe(2041);
    expect(mergeRequestIid('https://gitlab.cee.redhat.com/x')).toBe(0);
  });
});

describe('notification texts (spec 12 #7, #11, #12)', () => {
  it('match the original', () => {
    expect(prowJobTriggeredText('4.19.10', '<!subteam^S1>', 'job-x', 'https://prow/view/1')).toBe('[4.19.10] Hello <!subteam^S1>, triggered Prow job [job-x], url is https://prow/view/1');
    expect(jenkinsTriggeredText('4.19.1', '<!subteam^S1>', 'Stage-Pipeline', { buildUrl: 'https://j/1/', message: 'https://j/1/' })).toBe('[4.19.1] Hello <!subteam^S1>, triggered jenkins build for job [Stage-Pipeline], url is https://j/1/');
    expect(jenkinsTriggeredText('4.19.1', '@g', 'Stage-Pipeline', { message: 'polling queue item q timeout, please check build url in this item manually' })).toBe('[4.19.1] Hello @g, polling queue item q timeout, please check build url in this item manually');
    expect(unhealthyAdvisoriesText('@g', [{ errata_id: 5, ad_grade: 'D', unhealthy_builds: [{ nvr: 'n-1-1', arch: 'amd64', grade: 'D' }] }], 'https://errata.devel.redhat.com/')).toBe(
      'Hello @g, Found unhealthy advisories, please check if this is a known issue before ping artist in channel #forum-ocp-release, thanks\nAdvisory <https://errata.devel.redhat.com/advisory/5|5> has grade D with unhealthy builds:\nn-1-1 build for architecture amd64 has grade D\n',
    );
  });
});
