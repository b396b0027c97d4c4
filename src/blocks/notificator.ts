/**
 * The Jira notificator's run summary for OAR_NOTIFICATOR_CHANNEL: counts per escalation level
 * with links to the issues. Pure: data in, blocks out.
 */
import type { KnownBlock } from '@slack/types';
import { esc } from './outcome.ts';
import { fitText } from '../integrations/slack-limits.ts';

export type SummaryKind = 'QA_CONTACT' | 'TEAM_LEAD' | 'MANAGER' | 'ASSIGNEE' | 'REPORTER' | 'label-added' | 'label-removed';

export interface SummaryAction {
  key: string;
  url: string;
  kind: SummaryKind;
  recipients: string[];
}

export interface NotificatorSummary {
  dryRun: boolean;
  issues: number;
  actions: SummaryAction[];
  premergeVerified: number;
  noTransition: string[];
  waiting: number;
  errors: { key: string; message: string }[];
  /** Browse link of an issue key (for error and no-transition lists). */
  browseUrl?: (key: string) => string;
}

/** Levels in ladder order, with the wording of the original's titles. */
export const SUMMARY_LEVELS: readonly { kind: SummaryKind; title: string }[] = [
  { kind: 'QA_CONTACT', title: 'QA contact (over 24 h in ON_QA)' },
  { kind: 'TEAM_LEAD', title: 'Team lead (over 48 h)' },
  { kind: 'MANAGER', title: 'Manager (over 72 h)' },
  { kind: 'ASSIGNEE', title: 'Assignee (no QA contact or manager)' },
  { kind: 'REPORTER', title: 'Reporter (no QA contact or assignee)' },
  { kind: 'label-added', title: 'Labelled ert:pending-onqa-over-96hrs' },
  { kind: 'label-removed', title: 'Label ert:pending-onqa-over-96hrs removed (new ON_QA cycle)' },
];

const MAX_LINKS = 40;
/** Room for links in one section (3000 characters, minus the title line and the "and N more"). */
const LINK_BUDGET = 2800;

/** Whole links only (a cut link is broken mrkdwn): at most 40, within the section's size. */
function issueLinks(items: { key: string; url: string; who?: string }[]): string {
  const shown: string[] = [];
  let size = 0;
  for (const i of items.slice(0, MAX_LINKS)) {
    const link = `<${i.url}|${esc(i.key)}>${i.who ? ` (${esc(i.who)})` : ''}`;
    if (size + link.length + 2 > LINK_BUDGET) break;
    shown.push(link);
    size += link.length + 2;
  }
  const more = items.length > shown.length ? ` and ${items.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

export function notificationCount(s: Pick<NotificatorSummary, 'actions'>): number {
  return s.actions.filter((a) => a.kind !== 'label-added' && a.kind !== 'label-removed').length;
}

export function notificatorSummaryMessage(s: NotificatorSummary): { text: string; blocks: KnownBlock[] } {
  const n = notificationCount(s);
  const dry = s.dryRun ? ' (dry run: nothing was written)' : '';
  const title = `Jira ON_QA escalation: ${n} notification${n === 1 ? '' : 's'}${s.dryRun ? ' would be sent' : ' sent'} for ${s.issues} ON_QA issue${s.issues === 1 ? '' : 's'}${dry}`;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: fitText(s.dryRun ? 'Jira ON_QA escalation (dry run)' : 'Jira ON_QA escalation', 150) } }];
  const counts = SUMMARY_LEVELS.map((l) => ({ ...l, items: s.actions.filter((a) => a.kind === l.kind) })).filter((l) => l.items.length > 0);
  const overview = [
    `*${s.issues}* ON_QA issue${s.issues === 1 ? '' : 's'}`,
    ...counts.map((l) => `${l.title}: *${l.items.length}*`),
    ...(s.premergeVerified ? [`pre-merge verified (skipped): *${s.premergeVerified}*`] : []),
    `nothing due yet: *${s.waiting}*`,
  ];
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(overview.join('\n'), 2990) } });
  for (const l of counts) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(`*${esc(l.title)}* · ${l.items.length}\n${issueLinks(l.items.map((a) => ({ key: a.key, url: a.url, who: a.recipients.join(', ') || undefined })))}`, 2990) } });
  }
  const link = (key: string) => ({ key, url: s.browseUrl ? s.browseUrl(key) : key });
  if (s.noTransition.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(`:grey_question: *No ON_QA transition in the changelog* · ${s.noTransition.length}\n${issueLinks(s.noTransition.map(link))}`, 2990) } });
  }
  if (s.errors.length) {
    const lines = s.errors.slice(0, 20).map((e) => `• <${link(e.key).url}|${esc(e.key)}>: ${esc(e.message)}`);
    const more = s.errors.length > 20 ? `\n…and ${s.errors.length - 20} more (see the logs)` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(`:warning: *Errors* · ${s.errors.length}\n${lines.join('\n')}${more}`, 2990) } });
  }
  return { text: title, blocks };
}
