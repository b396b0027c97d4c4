/**
 * Building JQL safely: values are quoted, keys validated, so nothing a user typed can change
 * the shape of a query.
 */

/** Jira issue key: project key (letter, then letters/digits/_), dash, number. */
export const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;

export class InvalidIssueKeyError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`"${key}" is not a Jira issue key (expected something like OCPBUGS-12345)`);
    this.name = 'InvalidIssueKeyError';
    this.key = key;
  }
}

export function assertIssueKey(key: string): string {
  if (!ISSUE_KEY.test(key)) throw new InvalidIssueKeyError(key);
  return key;
}

/** A JQL string literal: double-quoted, with `\` and `"` escaped. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `key in (A-1, B-2)`; every key is validated first. */
export function keyInClause(keys: readonly string[]): string {
  if (keys.length === 0) throw new RangeError('keyInClause needs at least one key');
  return `key in (${keys.map(assertIssueKey).join(', ')})`;
}

/** Supported target versions of the ON_QA escalation (agents.md 3.2): 4.12.z through 4.22.z. */
export const ONQA_TARGET_VERSIONS: readonly string[] = Array.from({ length: 11 }, (_, i) => `4.${12 + i}.z`);

/**
 * The notificator's query, exactly as the original builds it (pinned by test_get_on_qa_filter):
 * `project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (4.12.z, ...)`
 * plus ` AND status changed to ON_QA after YYYY-MM-DD` when a start date is given.
 */
export function onQaJql(opts: { versions?: readonly string[]; fromDate?: string } = {}): string {
  const versions = opts.versions ?? ONQA_TARGET_VERSIONS;
  for (const v of versions) {
    if (!/^[\w.-]+$/.test(v)) throw new RangeError(`not a target version: ${JSON.stringify(v)}`);
  }
  let jql = `project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (${versions.join(', ')})`;
  if (opts.fromDate !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.fromDate)) throw new RangeError(`--from-date must be YYYY-MM-DD, got ${JSON.stringify(opts.fromDate)}`);
    jql += ` AND status changed to ON_QA after ${opts.fromDate}`;
  }
  return jql;
}
