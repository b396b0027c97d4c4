/**
 * The per-issue decision of the escalation ladder (agents.md 3.6 steps 2-4), as a pure function
 * of the issue (comments, changelog, labels) and the time. Executing it is actions.ts.
 *
 * Escalation state comes only from Jira comments created at or after the latest ON_QA
 * transition, so a new ON_QA cycle restarts the ladder.
 */
import type { JiraComment, JiraHistory } from '../../integrations/jira.ts';
import { NOTIFICATION_PREFIX, PENDING_LABEL, notificationTitle, notificationType, type NotificationType } from './notifications.ts';
import { isMoreThan24WeekdayHours, parseJiraInstant, type JiraInstant } from './time.ts';

/** The ladder steps that are notifications (assignee/reporter are fallbacks, not steps). */
export type LadderStep = 'QA_CONTACT' | 'TEAM_LEAD' | 'MANAGER';

export type Decision =
  | { kind: 'no-transition' }
  | {
      kind: 'ladder';
      transition: JiraInstant;
      /** The issue is in a new cycle (no QA_CONTACT notification yet) and still carries the label. */
      removeLabel: boolean;
      action:
        | { kind: 'notify'; step: LadderStep }
        | { kind: 'add-label' }
        /** Everyone was notified, the label is already there: log only. */
        | { kind: 'label-present' }
        | { kind: 'wait'; reason: string };
    };

export interface DecisionInput {
  key: string;
  labels: readonly string[];
  comments: readonly JiraComment[];
  changelog: readonly JiraHistory[];
}

/** Latest `created` of a changelog history with an item status → ON_QA, or null. */
export function latestOnQaTransition(changelog: readonly JiraHistory[]): JiraInstant | null {
  let best: JiraInstant | null = null;
  for (const h of changelog) {
    if (!h.items.some((i) => i.field === 'status' && i.toString === 'ON_QA')) continue;
    const at = parseJiraInstant(h.created);
    if (!best || at.ms > best.ms) best = at;
  }
  return best;
}

/**
 * Latest notification per type among comments that start with the prefix and were created at or
 * after `since`. Prefixed comments of no recognisable type are kept under `null` (no effect).
 */
export function latestNotificationDates(comments: readonly JiraComment[], since: JiraInstant): Map<NotificationType | null, JiraInstant> {
  const out = new Map<NotificationType | null, JiraInstant>();
  for (const c of comments) {
    if (!c.body.startsWith(NOTIFICATION_PREFIX)) continue;
    const at = parseJiraInstant(c.created);
    if (at.ms < since.ms) continue;
    const type = notificationType(c.body);
    const prev = out.get(type);
    if (!prev || at.ms > prev.ms) out.set(type, at);
  }
  return out;
}

/** Any comment (any date, any cycle) starting with the type's title: the once-per-issue guard. */
export function hasNotification(comments: readonly JiraComment[], type: NotificationType): boolean {
  const title = notificationTitle(type);
  return comments.some((c) => c.body.startsWith(title));
}

function wait(reason: string) {
  return { kind: 'wait' as const, reason };
}

export function decide(issue: DecisionInput, now: Date): Decision {
  const transition = latestOnQaTransition(issue.changelog);
  if (!transition) return { kind: 'no-transition' };
  const dates = latestNotificationDates(issue.comments, transition);
  const qa = dates.get('QA_CONTACT');
  if (!qa) {
    const removeLabel = issue.labels.includes(PENDING_LABEL);
    const action = isMoreThan24WeekdayHours(transition, now) ? { kind: 'notify' as const, step: 'QA_CONTACT' as const } : wait('less than 24 hour from transition to ON_QA');
    return { kind: 'ladder', transition, removeLabel, action };
  }
  const teamLead = dates.get('TEAM_LEAD');
  if (!teamLead) {
    const action = isMoreThan24WeekdayHours(qa, now) ? { kind: 'notify' as const, step: 'TEAM_LEAD' as const } : wait('less than 24 weekday hours since the QA contact notification');
    return { kind: 'ladder', transition, removeLabel: false, action };
  }
  const manager = dates.get('MANAGER');
  if (!manager) {
    const action = isMoreThan24WeekdayHours(teamLead, now) ? { kind: 'notify' as const, step: 'MANAGER' as const } : wait('less than 24 weekday hours since the team lead notification');
    return { kind: 'ladder', transition, removeLabel: false, action };
  }
  if (!isMoreThan24WeekdayHours(manager, now)) return { kind: 'ladder', transition, removeLabel: false, action: wait('less than 24 weekday hours since the manager notification') };
  return { kind: 'ladder', transition, removeLabel: false, action: issue.labels.includes(PENDING_LABEL) ? { kind: 'label-present' } : { kind: 'add-label' } };
}

/** Whether executing the decision writes anything to Jira (only then the pre-merge check is worth its requests). */
export function decisionWrites(d: Decision): boolean {
  return d.kind === 'ladder' && (d.removeLabel || d.action.kind === 'notify' || d.action.kind === 'add-label');
}
