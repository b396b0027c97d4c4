/**
 * The notify actions of agents.md 3.7: who gets which comment, the "Need Info From" updates and
 * their order, the fallbacks (no QA contact → assignee (+ their manager) once → reporter once;
 * no manager → assignee), and the pending label.
 *
 * Dry run writes nothing at all (the original still changed labels: defect fixed) and returns
 * the same records, so the report says what would have happened.
 */
import type { JiraClient, JiraComment, JiraUser } from '../../integrations/jira.ts';
import type { Logger } from '../../log.ts';
import { hasNotification } from './decide.ts';
import {
  NOTIFICATION_INFO,
  PENDING_LABEL,
  assigneeText,
  managerText,
  qaContactText,
  reporterText,
  teamLeadText,
  type MissingContact,
  type NotificationType,
} from './notifications.ts';

export type ActionKind = NotificationType | 'label-added' | 'label-removed';

export interface IssueAction {
  key: string;
  url: string;
  kind: ActionKind;
  /** Display names of the people mentioned / asked for info. */
  recipients: string[];
  /** The comment posted (or that would be posted). */
  text?: string;
  dryRun: boolean;
}

/** What the actions need to know about an issue. */
export interface IssueView {
  key: string;
  url: string;
  labels: readonly string[];
  qaContact: JiraUser | null;
  assignee: JiraUser | null;
  reporter: JiraUser | null;
  comments: readonly JiraComment[];
}

export type ActionJira = Pick<JiraClient, 'addComment' | 'addNeedInfoFrom' | 'addLabels' | 'removeLabels'>;

export interface ActionDeps {
  jira: ActionJira;
  /** The user's manager as a Jira user (LDAP, then Jira user search), or null. */
  managerOf(user: JiraUser): Promise<JiraUser | null>;
  dryRun: boolean;
  logger: Logger;
}

export function userLabel(u: JiraUser): string {
  return u.displayName ?? u.emailAddress ?? u.accountId ?? u.name ?? 'unknown user';
}

export class IssueActions {
  private readonly deps: ActionDeps;

  constructor(deps: ActionDeps) {
    this.deps = deps;
  }

  private record(issue: IssueView, kind: ActionKind, recipients: JiraUser[], text?: string): IssueAction {
    return { key: issue.key, url: issue.url, kind, recipients: recipients.map(userLabel), ...(text !== undefined ? { text } : {}), dryRun: this.deps.dryRun };
  }

  private async send(issue: IssueView, type: NotificationType, text: string): Promise<void> {
    const label = NOTIFICATION_INFO[type].label;
    if (this.deps.dryRun) {
      this.deps.logger.info({ key: issue.key, type }, `Skipping sending - ${label} - notification to Issue - ${issue.key}: ${text}`);
      return;
    }
    this.deps.logger.info({ key: issue.key, type }, `Sending - ${label} - notification to Issue - ${issue.key}: ${text}`);
    await this.deps.jira.addComment(issue.key, text);
  }

  /** One edit-issue request however many users: an escalation is a comment plus this write. */
  private async needInfo(issue: IssueView, users: JiraUser | JiraUser[]): Promise<void> {
    if (this.deps.dryRun) return;
    await this.deps.jira.addNeedInfoFrom(issue.key, users);
  }

  async removePendingLabel(issue: IssueView): Promise<IssueAction | null> {
    if (!issue.labels.includes(PENDING_LABEL)) return null;
    this.deps.logger.info({ key: issue.key, dryRun: this.deps.dryRun }, `${this.deps.dryRun ? 'Would remove' : 'Removing'} label ${PENDING_LABEL} from ${issue.key}`);
    if (!this.deps.dryRun) await this.deps.jira.removeLabels(issue.key, [PENDING_LABEL]);
    return this.record(issue, 'label-removed', []);
  }

  async addPendingLabel(issue: IssueView): Promise<IssueAction | null> {
    if (issue.labels.includes(PENDING_LABEL)) {
      this.deps.logger.info({ key: issue.key }, `${issue.key} already has label ${PENDING_LABEL}`);
      return null;
    }
    this.deps.logger.info({ key: issue.key, dryRun: this.deps.dryRun }, `${this.deps.dryRun ? 'Would add' : 'Adding'} label ${PENDING_LABEL} to ${issue.key}`);
    if (!this.deps.dryRun) await this.deps.jira.addLabels(issue.key, [PENDING_LABEL]);
    return this.record(issue, 'label-added', []);
  }

  async notifyQaContact(issue: IssueView): Promise<IssueAction | null> {
    const qa = issue.qaContact;
    if (!qa) return this.notifyAssignees(issue, 'QA contact');
    const text = qaContactText(qa);
    await this.send(issue, 'QA_CONTACT', text);
    await this.needInfo(issue, qa);
    return this.record(issue, 'QA_CONTACT', [qa], text);
  }

  async notifyTeamLead(issue: IssueView): Promise<IssueAction | null> {
    const qa = issue.qaContact;
    // The original falls back with "QA contact" here too; the Team-Lead wording is never produced.
    if (!qa) return this.notifyAssignees(issue, 'QA contact');
    const text = teamLeadText(qa);
    await this.send(issue, 'TEAM_LEAD', text);
    await this.needInfo(issue, qa);
    return this.record(issue, 'TEAM_LEAD', [qa], text);
  }

  async notifyManager(issue: IssueView): Promise<IssueAction | null> {
    const qa = issue.qaContact;
    if (!qa) return this.notifyAssignees(issue, 'QA contact');
    const manager = await this.deps.managerOf(qa);
    if (!manager) return this.notifyAssignees(issue, 'Manager');
    const text = managerText(manager);
    await this.send(issue, 'MANAGER', text);
    await this.needInfo(issue, manager);
    return this.record(issue, 'MANAGER', [manager], text);
  }

  /** Once per issue lifetime. Need-info is written before the comment (the original's order). */
  async notifyAssignees(issue: IssueView, missing: MissingContact): Promise<IssueAction | null> {
    if (hasNotification(issue.comments, 'ASSIGNEE')) {
      this.deps.logger.info({ key: issue.key }, `Assignee of Issue ${issue.key} has already been notified`);
      return null;
    }
    const assignee = issue.assignee;
    if (!assignee) return this.notifyReporter(issue);
    const recipients = [assignee];
    const manager = await this.deps.managerOf(assignee);
    if (manager) recipients.push(manager);
    await this.needInfo(issue, recipients);
    const text = assigneeText(recipients, missing);
    await this.send(issue, 'ASSIGNEE', text);
    return this.record(issue, 'ASSIGNEE', recipients, text);
  }

  /** Once per issue lifetime. */
  async notifyReporter(issue: IssueView): Promise<IssueAction | null> {
    if (hasNotification(issue.comments, 'REPORTER')) {
      this.deps.logger.info({ key: issue.key }, `Reporter of Issue ${issue.key} has already been notified`);
      return null;
    }
    const reporter = issue.reporter;
    if (!reporter) {
      this.deps.logger.warn({ key: issue.key }, `Issue ${issue.key} has no QA contact, assignee or reporter to notify`);
      return null;
    }
    const text = reporterText(reporter);
    await this.needInfo(issue, reporter);
    await this.send(issue, 'REPORTER', text);
    return this.record(issue, 'REPORTER', [reporter], text);
  }
}
