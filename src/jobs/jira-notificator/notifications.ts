/**
 * The notificator's comment vocabulary (agents.md 3.4, oar-commands.md 8.2): notification types
 * in detection order, titles, and the exact comment texts. Pure.
 */
import { mentions, type JiraUser } from '../../integrations/jira.ts';

export const NOTIFICATION_PREFIX = 'Errata Reliability Team Notification';
export const PENDING_LABEL = 'ert:pending-onqa-over-96hrs';

/** Detection goes through this list in order: the order matters. */
export const NOTIFICATION_TYPES = ['QA_CONTACT', 'TEAM_LEAD', 'MANAGER', 'ASSIGNEE', 'REPORTER'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_INFO: Readonly<Record<NotificationType, { hours: number; label: string }>> = {
  QA_CONTACT: { hours: 24, label: 'QA Contact Action Request' },
  TEAM_LEAD: { hours: 48, label: 'Team Lead Action Request' },
  MANAGER: { hours: 72, label: 'Manager Action Request' },
  ASSIGNEE: { hours: 24, label: 'Assignee Action Request' },
  REPORTER: { hours: 24, label: 'Reporter Action Request' },
};

/** Which contact is missing, in the assignee comment. */
export type MissingContact = 'QA contact' | 'Team Lead' | 'Manager';

/** `Errata Reliability Team Notification - <label>\nThis issue has been in the ON_QA state for over <hours> hours.\n` */
export function notificationTitle(type: NotificationType): string {
  const { label, hours } = NOTIFICATION_INFO[type];
  return `${NOTIFICATION_PREFIX} - ${label}\nThis issue has been in the ON_QA state for over ${hours} hours.\n`;
}

/** The first type (in enum order) whose label text occurs in the body, or null. */
export function notificationType(body: string): NotificationType | null {
  return NOTIFICATION_TYPES.find((t) => body.includes(NOTIFICATION_INFO[t].label)) ?? null;
}

export function qaContactText(qa: JiraUser): string {
  return `${notificationTitle('QA_CONTACT')}${mentions([qa])}Please verify the Issue as soon as possible.`;
}

/** Sent to the QA contact again: real team-lead routing does not exist (agents.md 3.4). */
export function teamLeadText(qa: JiraUser): string {
  return `${notificationTitle('TEAM_LEAD')}${mentions([qa])}Please verify the Issue as soon as possible or arrange a reassignment with your team lead.`;
}

export function managerText(manager: JiraUser): string {
  return `${notificationTitle('MANAGER')}${mentions([manager])}Please prioritize the Issue verification or consider reassigning it to another available QA Contact.`;
}

export function missingContactMessage(missing: MissingContact): string {
  if (missing === 'QA contact') return 'The QA contact is missing.';
  return `There has been no response from the QA contact and the ${missing} is not listed in Jira.`;
}

export function assigneeText(users: readonly JiraUser[], missing: MissingContact): string {
  return `${notificationTitle('ASSIGNEE')}${mentions(users)}${missingContactMessage(missing)} Could you please help us identify someone who could verify the issue?`;
}

export function reporterText(reporter: JiraUser): string {
  return `${notificationTitle('REPORTER')}${mentions([reporter])}This issue has no QA contact or assignee. Could you please assign someone who can verify the issue?`;
}
