/** Jira status predicates and issue classification (oar-commands.md 11.1-11.2). */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  enhancedSearchSchema,
  highSeverityReasons,
  isCritical,
  isCustomerCase,
  isCveTracker,
  isFinished,
  isOnQa,
  isVerifiedOrClosed,
  qaContactEmail,
  splitHighSeverityAndCanDrop,
  toJiraIssue,
  unverifiedCveIssues,
  unverifiedExcludingCve,
  type JiraIssue,
} from '../../src/integrations/jira.ts';

function issue(over: Partial<JiraIssue> & { key: string }): JiraIssue {
  return {
    id: '1', summary: 'A bug', status: 'ON_QA', priority: 'Major', issueType: 'Bug', labels: [], components: [], fixVersions: [],
    assignee: null, reporter: null, qaContact: null, releaseBlocker: null, sfdcCasesCounter: null, sfdcCasesLinks: null,
    needInfoFrom: [], subtasks: [], fields: {}, ...over,
  };
}

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(String(chunk)).msg as string); cb(); } }));
  return { logger, lines };
}

describe('status predicates stay distinct', () => {
  it.each([
    ['Verified', true, true],
    ['Closed', true, true],
    ['Release Pending', true, false],
    ['ON_QA', false, false],
    ['MODIFIED', false, false],
  ])('%s: finished=%s, verified-or-closed=%s', (status, finished, done) => {
    expect(isFinished(status)).toBe(finished);
    expect(isVerifiedOrClosed(status)).toBe(done);
  });
  it('ON_QA is exact', () => {
    expect(isOnQa('ON_QA')).toBe(true);
    expect(isOnQa('on_qa')).toBe(false);
  });
});

describe('classification', () => {
  it('CVE tracker by summary or label prefix (case-sensitive)', () => {
    expect(isCveTracker({ summary: 'CVE-2025-1 golang', labels: [] })).toBe(true);
    expect(isCveTracker({ summary: 'x', labels: ['CVE-2025-1'] })).toBe(true);
    expect(isCveTracker({ summary: 'cve-2025-1', labels: ['cve'] })).toBe(false);
  });

  it('critical by priority, TestBlocker, or Release Blocker Approved/Proposed', () => {
    expect(isCritical({ priority: 'Blocker', labels: [], releaseBlocker: null })).toBe(true);
    expect(isCritical({ priority: 'Major', labels: ['TestBlocker'], releaseBlocker: null })).toBe(true);
    expect(isCritical({ priority: 'Major', labels: [], releaseBlocker: 'Proposed' })).toBe(true);
    expect(isCritical({ priority: 'Major', labels: [], releaseBlocker: 'Rejected' })).toBe(false);
  });

  it('customer case when either SFDC field is present, even opaque', () => {
    expect(isCustomerCase({ sfdcCasesCounter: 'qP7Q0tTyUq4Tj3JHnFyJNw==', sfdcCasesLinks: null })).toBe(true);
    expect(isCustomerCase({ sfdcCasesCounter: 0, sfdcCasesLinks: null })).toBe(true);
    expect(isCustomerCase({ sfdcCasesCounter: null, sfdcCasesLinks: null })).toBe(false);
  });

  it('splits high severity and can-drop like test_get_high_severity_and_can_drop_issues', () => {
    const { logger, lines } = capture();
    const result = splitHighSeverityAndCanDrop([
      issue({ key: 'OCPBUGS-1', status: 'ON_QA', priority: 'Blocker' }),
      issue({ key: 'OCPBUGS-2', status: 'New', priority: 'Blocker' }),
      issue({ key: 'OCPBUGS-3', status: 'ON_QA', priority: 'Major', releaseBlocker: 'Rejected' }),
      issue({ key: 'OCPBUGS-4', status: 'Closed', priority: 'Blocker' }),
      issue({ key: 'OCPBUGS-5', status: 'Verified' }),
      issue({ key: 'OCPBUGS-6', status: 'Release Pending' }),
    ], logger);
    expect(result).toEqual({ high: ['OCPBUGS-1', 'OCPBUGS-2'], canDrop: ['OCPBUGS-3', 'OCPBUGS-6'] });
    expect(lines).toEqual(['jira issue OCPBUGS-1 is high severity: priority is Blocker', 'jira issue OCPBUGS-2 is high severity: priority is Blocker']);
  });

  it('works on the recorded search payload', () => {
    const raw = enhancedSearchSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/jira/search-jql-page1.json', import.meta.url), 'utf8')));
    const [bug, cve] = raw.issues.map((r) => toJiraIssue(r));
    expect(highSeverityReasons(bug!)).toEqual([]);
    expect(highSeverityReasons(cve!)).toEqual(['it is a CVE tracker', 'priority is Critical', 'it has customer cases']);
    expect(unverifiedCveIssues([bug!, cve!]).map((i) => i.key)).toEqual(['OCPBUGS-60001']);
    expect(unverifiedExcludingCve([bug!, cve!, issue({ key: 'OCPBUGS-9', status: 'Release Pending' })])).toEqual(['OCPBUGS-59288']);
  });
});

describe('QA contact e-mail', () => {
  it('warns about inactive and missing contacts with the original words', () => {
    const { logger, lines } = capture();
    expect(qaContactEmail(issue({ key: 'OCPBUGS-1', qaContact: { emailAddress: 'qa@redhat.com', active: true } }), logger)).toBe('qa@redhat.com');
    expect(qaContactEmail(issue({ key: 'OCPBUGS-2', qaContact: { emailAddress: 'old@redhat.com', active: false } }), logger)).toBe('old@redhat.com');
    expect(qaContactEmail(issue({ key: 'OCPBUGS-3' }), logger)).toBe('Unknown');
    expect(lines).toEqual([
      'jira issue OCPBUGS-2 has assigned QA contact which is not active, please contact responsible team to assign a replacement',
      'jira issue OCPBUGS-3 does not have assigned QA contact, please contact responsible team to find it',
    ]);
  });
});
