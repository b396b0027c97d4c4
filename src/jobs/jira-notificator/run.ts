/**
 * One notificator run (agents.md 3): query the ON_QA issues in pages (changelog and comments
 * included, so 1,000 issues cost about ten search requests), decide per issue, execute what is
 * due, and return a report. Per-issue errors are logged and the remaining issues still run; the
 * run then fails with the original's message.
 */
import { onQaJql, type JiraClient, type JiraIssue, type JiraUser } from '../../integrations/jira.ts';
import { lookupManagerEmail, type LdapDirectory } from '../../integrations/ldap.ts';
import type { Logger } from '../../log.ts';
import { JIRA_FIELDS } from '../../release/tasks.ts';
import { errorText } from '../types.ts';
import { IssueActions, type ActionJira, type IssueAction, type IssueView } from './actions.ts';
import { decide, decisionWrites } from './decide.ts';
import { isPreMergeVerified, type PullRequestLabels } from './premerge.ts';
import { mapLimit } from '../../limit.ts';

export const RUN_ERROR_MESSAGE = 'An error occured while processing the issues. See the logs for details.';

export type NotificatorJira = ActionJira & Pick<JiraClient, 'searchPages' | 'getRemoteLinks' | 'findUserByEmail' | 'browseUrl'>;

export interface NotificatorDeps {
  jira: NotificatorJira;
  /** Manager lookup; without it no manager is ever found (the assignee fallback applies). */
  ldap?: LdapDirectory;
  /** Pre-merge check; without it no issue is pre-merge verified (the original without GITHUB_TOKEN). */
  prLabels?: PullRequestLabels;
  /** Target versions of the query: `4.19.z`, ... */
  targetVersions: readonly string[];
  logger: Logger;
  now: () => Date;
  /** Issues whose writes run at the same time (default 4); per-issue order is kept. */
  concurrency?: number;
}

export interface NotificatorOptions {
  dryRun: boolean;
  /** `YYYY-MM-DD`: only issues that moved to ON_QA after that date. */
  fromDate?: string;
  /** Issues per search page (default: the Jira client's page size). */
  searchBatchSize?: number;
  signal?: AbortSignal;
}

export interface NotificatorReport {
  jql: string;
  dryRun: boolean;
  /** Issues the query returned. */
  issues: number;
  actions: IssueAction[];
  premergeVerified: string[];
  noTransition: string[];
  /** Issues with nothing due yet. */
  waiting: number;
  /** Fallback notifications already sent earlier (assignee / reporter are once per issue). */
  alreadyNotified: number;
  errors: { key: string; message: string }[];
}

/** Fields the notificator reads (agents.md 3.2: Jira Cloud returns only ids unless asked). */
export const NOTIFICATOR_FIELDS: readonly string[] = ['summary', 'status', 'labels', 'assignee', 'reporter', JIRA_FIELDS.qaContact, JIRA_FIELDS.needInfoFrom];

function view(issue: JiraIssue, url: string): IssueView {
  return { key: issue.key, url, labels: issue.labels, qaContact: issue.qaContact, assignee: issue.assignee, reporter: issue.reporter, comments: issue.comments ?? [] };
}


export function reportCounts(r: NotificatorReport): Record<string, number> {
  const count = (k: IssueAction['kind']) => r.actions.filter((a) => a.kind === k).length;
  return {
    issues: r.issues,
    qaContact: count('QA_CONTACT'),
    teamLead: count('TEAM_LEAD'),
    manager: count('MANAGER'),
    assignee: count('ASSIGNEE'),
    reporter: count('REPORTER'),
    labelAdded: count('label-added'),
    labelRemoved: count('label-removed'),
    premergeVerified: r.premergeVerified.length,
    noTransition: r.noTransition.length,
    waiting: r.waiting,
    alreadyNotified: r.alreadyNotified,
    errors: r.errors.length,
  };
}

export async function runJiraNotificator(deps: NotificatorDeps, opts: NotificatorOptions): Promise<NotificatorReport> {
  const log = deps.logger;
  const jql = onQaJql({ versions: deps.targetVersions, ...(opts.fromDate !== undefined ? { fromDate: opts.fromDate } : {}) });
  const report: NotificatorReport = { jql, dryRun: opts.dryRun, issues: 0, actions: [], premergeVerified: [], noTransition: [], waiting: 0, alreadyNotified: 0, errors: [] };
  log.info({ jql, dryRun: opts.dryRun }, 'querying ON_QA issues');

  const issues: JiraIssue[] = [];
  for await (const page of deps.jira.searchPages(jql, {
    fields: NOTIFICATOR_FIELDS,
    changelog: true,
    comments: true,
    operation: 'searching the ON_QA issues',
    ...(opts.searchBatchSize !== undefined ? { pageSize: opts.searchBatchSize } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })) {
    issues.push(...page);
  }
  report.issues = issues.length;

  const managerOf = async (user: JiraUser): Promise<JiraUser | null> => {
    if (!deps.ldap || !user.emailAddress) return null;
    const email = await lookupManagerEmail(deps.ldap, user.emailAddress, log);
    if (!email) return null;
    try {
      return await deps.jira.findUserByEmail(email);
    } catch (e) {
      log.warn({ err: e }, `User was not found for email ${email}: ${errorText(e)}`);
      return null;
    }
  };
  const actions = new IssueActions({ jira: deps.jira, managerOf, dryRun: opts.dryRun, logger: log });
  const now = deps.now();

  await mapLimit(issues, deps.concurrency ?? 4, async (issue) => {
    if (opts.signal?.aborted) {
      report.errors.push({ key: issue.key, message: 'not processed: the run was stopped' });
      return;
    }
    // Reset per issue: the original reused the previous issue's notification after an error.
    const done: IssueAction[] = [];
    try {
      const decision = decide({ key: issue.key, labels: issue.labels, comments: issue.comments ?? [], changelog: issue.changelog ?? [] }, now);
      if (decision.kind === 'no-transition') {
        log.error({ key: issue.key }, `Issue ${issue.key} does not have ON_QA transition date`);
        report.noTransition.push(issue.key);
        return;
      }
      if (!decisionWrites(decision)) {
        if (decision.action.kind === 'wait') log.debug({ key: issue.key }, `Issue ${issue.key}: ${decision.action.reason}`);
        report.waiting++;
        return;
      }
      // Checked only when something is due: nothing would be written otherwise.
      if (deps.prLabels && (await isPreMergeVerified(issue.key, { remoteLinkUrls: async (k) => (await deps.jira.getRemoteLinks(k)).map((l) => l.url), prLabels: deps.prLabels, logger: log }))) {
        log.info({ key: issue.key }, `Issue ${issue.key} is pre-merge verified. Skipping notification.`);
        report.premergeVerified.push(issue.key);
        return;
      }
      const v = view(issue, deps.jira.browseUrl(issue.key));
      if (decision.removeLabel) {
        const removed = await actions.removePendingLabel(v);
        if (removed) done.push(removed);
      }
      const a = decision.action;
      if (a.kind === 'notify') {
        const n = a.step === 'QA_CONTACT' ? await actions.notifyQaContact(v) : a.step === 'TEAM_LEAD' ? await actions.notifyTeamLead(v) : await actions.notifyManager(v);
        if (n) done.push(n);
        else report.alreadyNotified++;
      } else if (a.kind === 'add-label') {
        const added = await actions.addPendingLabel(v);
        if (added) done.push(added);
      }
    } catch (e) {
      log.error({ key: issue.key, err: e }, `An error occured while processing the Issue ${issue.key}: ${errorText(e)}`);
      report.errors.push({ key: issue.key, message: errorText(e) });
    } finally {
      report.actions.push(...done);
    }
  });
  const order = new Map(issues.map((i, n) => [i.key, n]));
  report.actions.sort((x, y) => (order.get(x.key) ?? 0) - (order.get(y.key) ?? 0));
  log.info({ counts: reportCounts(report) }, `notificator run finished${opts.dryRun ? ' (dry run)' : ''}`);
  return report;
}
