/**
 * Jira status vocabulary and issue classification (oar-commands.md 11.1-11.2). Pure functions over
 * JiraIssue. The "is it done?" predicates differ on purpose: keep them distinct.
 */
import type { Logger } from '../../log.ts';
import type { JiraIssue } from './model.ts';

export const JIRA_STATUS = {
  onQa: 'ON_QA',
  verified: 'Verified',
  closed: 'Closed',
  releasePending: 'Release Pending',
  inProgress: 'In Progress',
} as const;

/** `is_finished`: drop candidates, has_finished_all_jiras. */
export function isFinished(status: string): boolean {
  return status === JIRA_STATUS.verified || status === JIRA_STATUS.closed || status === JIRA_STATUS.releasePending;
}

/** The high-severity / can-drop split: Release Pending counts as NOT done here. */
export function isVerifiedOrClosed(status: string): boolean {
  return status === JIRA_STATUS.verified || status === JIRA_STATUS.closed;
}

export function isOnQa(status: string): boolean {
  return status === JIRA_STATUS.onQa;
}

/** Summary starts with `CVE`, or a label does (case-sensitive prefix). */
export function isCveTracker(issue: Pick<JiraIssue, 'summary' | 'labels'>): boolean {
  return issue.summary.startsWith('CVE') || issue.labels.some((l) => l.startsWith('CVE'));
}

/** Why an issue is critical: priority, TestBlocker label, or Release Blocker Approved/Proposed. */
export function criticalReasons(issue: Pick<JiraIssue, 'priority' | 'labels' | 'releaseBlocker'>): string[] {
  const reasons: string[] = [];
  if (issue.priority === 'Critical' || issue.priority === 'Blocker') reasons.push(`priority is ${issue.priority}`);
  if (issue.labels.includes('TestBlocker')) reasons.push('it is labelled TestBlocker');
  if (issue.releaseBlocker === 'Approved' || issue.releaseBlocker === 'Proposed') reasons.push(`Release Blocker is ${issue.releaseBlocker}`);
  return reasons;
}

export function isCritical(issue: Pick<JiraIssue, 'priority' | 'labels' | 'releaseBlocker'>): boolean {
  return criticalReasons(issue).length > 0;
}

/** SFDC counter or links present (opaque on Cloud: present means at least one case). */
export function isCustomerCase(issue: Pick<JiraIssue, 'sfdcCasesCounter' | 'sfdcCasesLinks'>): boolean {
  return issue.sfdcCasesCounter !== null || issue.sfdcCasesLinks !== null;
}

/** Every reason an issue is high severity (CVE tracker, critical, customer case); empty when it is not. */
export function highSeverityReasons(issue: JiraIssue): string[] {
  const reasons: string[] = [];
  if (isCveTracker(issue)) reasons.push('it is a CVE tracker');
  reasons.push(...criticalReasons(issue));
  if (isCustomerCase(issue)) reasons.push('it has customer cases');
  return reasons;
}

export function isHighSeverity(issue: JiraIssue): boolean {
  return highSeverityReasons(issue).length > 0;
}

/**
 * `get_high_severity_and_can_drop_issues`: Verified and Closed issues are neither; any other
 * status (ON_QA, New, POST, Release Pending, ...) is high severity or can be dropped.
 */
export function splitHighSeverityAndCanDrop(issues: readonly JiraIssue[], logger?: Logger): { high: string[]; canDrop: string[] } {
  const high: string[] = [];
  const canDrop: string[] = [];
  for (const issue of issues) {
    if (isVerifiedOrClosed(issue.status)) continue;
    const reasons = highSeverityReasons(issue);
    if (reasons.length > 0) {
      logger?.warn(`jira issue ${issue.key} is high severity: ${reasons.join(', ')}`);
      high.push(issue.key);
    } else canDrop.push(issue.key);
  }
  return { high, canDrop };
}

/** ON_QA CVE trackers. */
export function unverifiedCveIssues(issues: readonly JiraIssue[]): JiraIssue[] {
  return issues.filter((i) => isOnQa(i.status) && isCveTracker(i));
}

/** Keys that are not finished and not CVE trackers: the drop candidates. */
export function unverifiedExcludingCve(issues: readonly JiraIssue[]): string[] {
  return issues.filter((i) => !isFinished(i.status) && !isCveTracker(i)).map((i) => i.key);
}

/**
 * The QA contact's e-mail with the original's warnings (oar-commands.md 9.2): inactive contacts
 * still give their e-mail; no contact (or no visible e-mail) gives `Unknown`.
 */
export function qaContactEmail(issue: Pick<JiraIssue, 'key' | 'qaContact'>, logger?: Logger): string {
  const qa = issue.qaContact;
  if (!qa || !qa.emailAddress) {
    logger?.warn(`jira issue ${issue.key} does not have assigned QA contact, please contact responsible team to find it`);
    return 'Unknown';
  }
  if (qa.active === false) {
    logger?.warn(`jira issue ${issue.key} has assigned QA contact which is not active, please contact responsible team to assign a replacement`);
  }
  return qa.emailAddress;
}
