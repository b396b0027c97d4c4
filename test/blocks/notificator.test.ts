import { describe, expect, it } from 'vitest';
import { notificatorNotice, notificatorSummaryMessage, type NotificatorSummary } from '../../src/blocks/notificator.ts';
import { renderTeamNotice } from '../../src/blocks/notice.ts';

const run = (issues: number, errors = 0): NotificatorSummary => ({
  dryRun: false,
  issues,
  actions: Array.from({ length: issues }, (_, i) => ({ key: `OCPBUGS-${i}`, url: `https://j/browse/OCPBUGS-${i}`, kind: 'QA_CONTACT' as const, recipients: ['Quinn QA'] })),
  premergeVerified: 0,
  noTransition: [],
  waiting: 0,
  errors: Array.from({ length: errors }, (_, i) => ({ key: `OCPBUGS-${i}`, message: 'Jira said 500' })),
});

describe('the Jira notificator run as a team notice', () => {
  it('a short run is the summary message as it is, nothing in a thread', () => {
    const r = renderTeamNotice(notificatorNotice(run(2)));
    expect(r.thread).toEqual([]);
    expect(r.summary).toEqual(notificatorSummaryMessage(run(2)));
  });

  it('a long run keeps the header and counts in the channel; the issue lists go in the thread', () => {
    const r = renderTeamNotice(notificatorNotice(run(30, 2)));
    const channel = JSON.stringify(r.summary.blocks);
    expect(r.summary.text).toBe('Jira ON_QA escalation: 30 notifications sent for 30 ON_QA issues');
    expect(channel).toContain('QA contact (over 24 h in ON_QA): *30*');
    expect(channel).toContain(':warning: *Errors* · 2');
    expect(channel).not.toContain('OCPBUGS-17');
    expect(channel).toContain('The full detail is in the thread.');
    expect(r.thread).toHaveLength(1);
    expect(JSON.stringify(r.thread[0]!.blocks)).toContain('<https://j/browse/OCPBUGS-17|OCPBUGS-17> (Quinn QA)');
  });
});
