/**
 * The Greenwave CVP report (spec 11.6, pinned by test__prepare_greenwave_cvp_jira_description and
 * test_is_cvp_issue_reported): the CVP Jira issue's summary, the JQL that finds an earlier report,
 * and the wiki-markup description. Pure.
 */
import { jqlString } from '../../integrations/jira/jql.ts';

export const CVP_PROJECT = 'CVP';
export const CVP_PASSING = ['PASSED', 'WAIVED'] as const;

export function isCvpPassing(status: string): boolean {
  return (CVP_PASSING as readonly string[]).includes(status);
}

export function cvpIssueSummary(release: string): string {
  return `[${release}] Greenwave CVP test failures in advisories`;
}

/** Square brackets are stripped for the text search (they are JQL reserved characters). */
export function cvpIssueJql(release: string): string {
  return `project = ${jqlString(CVP_PROJECT)} AND summary ~ ${jqlString(cvpIssueSummary(release).replace(/[[\]]/g, ''))}`;
}

const normalise = (s: string) => s.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Jira's `~` is a word search (a `4.19.1` query may also hit other summaries that contain those
 * words); a hit counts as this release's report only when its summary is the same text.
 */
export function isSameCvpReport(release: string, summary: string): boolean {
  return normalise(summary) === normalise(cvpIssueSummary(release));
}

export interface FailedCvpTest {
  id: string;
  nvr: string | undefined;
  /** relationships.errata.id; falls back to the advisory that was checked. */
  advisoryId: number;
}

/**
 * Line 1, blank line, then per advisory (first-seen order) `Failed Nvrs in advisory [<id>|<link>]:`,
 * one bullet per test, and an empty line.
 */
export function cvpIssueDescription(release: string, tests: readonly FailedCvpTest[], advisoryUrl: (id: number) => string, newline = '\n'): string {
  const lines = [`[${release}] Greenwave CVP test failed in the advisories listed below.`, ''];
  const byAdvisory = new Map<number, FailedCvpTest[]>();
  for (const t of tests) {
    const list = byAdvisory.get(t.advisoryId) ?? [];
    list.push(t);
    byAdvisory.set(t.advisoryId, list);
  }
  for (const [id, list] of byAdvisory) {
    const link = advisoryUrl(id);
    lines.push(`Failed Nvrs in advisory [${id}|${link}]:`);
    for (const t of list) lines.push(`* ${t.nvr ?? 'unknown'} ([test_run/${t.id}|${link}/test_run/${t.id}])`);
    lines.push('');
  }
  return lines.join(newline);
}
