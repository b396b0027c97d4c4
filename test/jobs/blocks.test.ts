/** The jobs' Block Kit views: pure functions, checked against Slack's limits (simulated Slack's validator). */
import { describe, expect, it } from 'vitest';
import { notificatorSummaryMessage, type SummaryAction } from '../../src/blocks/notificator.ts';
import { FIRST_STEPS, newReleaseMessage } from '../../src/blocks/detector.ts';
import { rejectedBuildMessage } from '../../src/blocks/result-checker.ts';
import { validateBlocks } from '../../src/sandbox/slack/index.ts';
import { watchCancelButton, watchEndMessage, WATCH_CANCEL_ACTION_ID } from '../../src/blocks/watch.ts';

const action = (i: number, kind: SummaryAction['kind'] = 'QA_CONTACT'): SummaryAction => ({ key: `OCPBUGS-${i}`, url: `https://redhat.atlassian.net/browse/OCPBUGS-${i}`, kind, recipients: ['Quinn <QA>'] });

describe('notificator summary', () => {
  it('counts per level, escaped names, at most 40 links per level', () => {
    const m = notificatorSummaryMessage({
      dryRun: false,
      issues: 120,
      actions: [...Array.from({ length: 45 }, (_, i) => action(i + 1)), action(100, 'MANAGER'), action(101, 'label-added')],
      premergeVerified: 2,
      noTransition: ['OCPBUGS-200'],
      waiting: 70,
      errors: [{ key: 'OCPBUGS-300', message: 'Jira answered 500 <html>' }],
      browseUrl: (k) => `https://redhat.atlassian.net/browse/${k}`,
    });
    expect(m.text).toBe('Jira ON_QA escalation: 46 notifications sent for 120 ON_QA issues');
    const all = JSON.stringify(m.blocks);
    expect(all).toContain('QA contact (over 24 h in ON_QA)* · 45');
    expect(all).toContain('Manager (over 72 h)* · 1');
    expect(all).toContain('Labelled ert:pending-onqa-over-96hrs* · 1');
    expect(all).toMatch(/ and \d+ more/);
    expect(all).not.toContain('…');
    expect(all).toContain('(Quinn &lt;QA&gt;)');
    expect(all).toContain('Jira answered 500 &lt;html&gt;');
    expect(all).toContain('<https://redhat.atlassian.net/browse/OCPBUGS-200|OCPBUGS-200>');
    expect(all).toContain('pre-merge verified (skipped): *2*');
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('at most 40 links in a level when they are short', () => {
    const m = notificatorSummaryMessage({ dryRun: false, issues: 45, actions: Array.from({ length: 45 }, (_, i) => ({ key: `B-${i}`, url: `https://j/${i}`, kind: 'TEAM_LEAD' as const, recipients: [] })), premergeVerified: 0, noTransition: [], waiting: 0, errors: [] });
    const section = JSON.stringify(m.blocks[2]);
    expect(section.match(/<https:\/\/j\//g)).toHaveLength(40);
    expect(section).toContain('<https://j/39|B-39> and 5 more');
  });

  it('says so in a dry run', () => {
    const m = notificatorSummaryMessage({ dryRun: true, issues: 1, actions: [action(1)], premergeVerified: 0, noTransition: [], waiting: 0, errors: [] });
    expect(m.text).toBe('Jira ON_QA escalation: 1 notification would be sent for 1 ON_QA issue (dry run: nothing was written)');
    expect(JSON.stringify(m.blocks[0])).toContain('(dry run)');
  });
});

describe('release detector announcement', () => {
  it('mentions the leads and offers the first steps as buttons that name the release', () => {
    const m = newReleaseMessage({ release: '4.19.37', ystream: '4.19', stable: '4.19.36', reportSummary: 'StateBox is created for 4.19.37', links: [{ label: 'StateBox', url: 'https://github.com/x' }], nextSteps: [...FIRST_STEPS], leadMention: '<!subteam^S1>' });
    expect(m.text).toBe('Hello <!subteam^S1>, new z-stream release 4.19.37 is detected (latest 4.19 stable is 4.19.36); its test report is ready.');
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: { value: string; text: { text: string } }[] };
    expect(actions.elements.map((e) => JSON.parse(e.value))).toEqual([
      { r: '4.19.37', c: 'release-status' },
      { r: '4.19.37', c: 'image-consistency-check' },
      { r: '4.19.37', c: 'check-cve-tracker-bug' },
    ]);
    expect(JSON.stringify(m.blocks)).toContain('take-ownership -e');
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });
  it('has no actions block without next steps', () => {
    const m = newReleaseMessage({ release: '4.19.37', ystream: '4.19', stable: '4.19.36', reportSummary: 'ok', nextSteps: [] });
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(m.text.startsWith('new z-stream release 4.19.37')).toBe(true);
  });
});

describe('rejected build and watch messages stay within Slack limits', () => {
  it('a build with many failed jobs', () => {
    const failedJobs = Array.from({ length: 60 }, (_, i) => ({ shortName: `aws-ipi-${i}-${'x'.repeat(80)}`, jobName: `periodic-${i}`, state: 'failure', url: `https://deck/${i}`, retries: [{ state: 'failure', url: `https://deck/${i}/r1` }, { state: 'success', url: `https://deck/${i}/r2` }], failures: 3 }));
    const m = rejectedBuildMessage({ build: '5.0.0-0.nightly-2026-07-01-125918', arch: 'amd64', release: '5.0', nightly: true, fileName: 'f.json', fileUrl: 'https://github.com/f', totalJobs: 80, failedJobs });
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(m.blocks)).toContain('…and 35 more in the file');
    expect(JSON.stringify(m.blocks)).toContain('5.0 nightly · amd64');
  });
  it('watch end messages', () => {
    const m = watchEndMessage({ kind: 'prow-job', release: '4.19.1', id: 'w1' }, { state: 'expired', summary: 'gave up <now>' });
    expect(m.text).toBe('[Timed out] prow-job 4.19.1: gave up <now>');
    expect(JSON.stringify(m.blocks)).toContain(':alarm_clock: *Timed out*');
    expect(JSON.stringify(m.blocks)).toContain('gave up &lt;now&gt;');
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });
  it('the stop-watching button carries the watch id', () => {
    const b = watchCancelButton('0b4f-watch') as { elements: { action_id: string; value: string }[] };
    expect(b.elements[0]).toMatchObject({ action_id: WATCH_CANCEL_ACTION_ID, value: '0b4f-watch' });
    expect(validateBlocks([b], 'message')).toEqual([]);
  });
});
