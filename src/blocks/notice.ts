/**
 * Team notices that respect the channel: a long notice (a bug list, a tracker list) becomes a
 * short summary in the channel (its first line, the top items, the count) and the full text in
 * the summary's thread. The texts themselves stay exactly as written (people search for them).
 * Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { RenderedNotice, TeamNotice } from '../commands/notifier.ts';
import type { SlackMessage } from '../integrations/slack-notify.ts';
import { fitText } from '../integrations/slack-limits.ts';
import { buildVerdictNotice } from './prow.ts';

export interface NoticeParts {
  /** What goes in the channel. */
  summary: string;
  /** The full text, for the thread (absent when the notice is short enough as it is). */
  detail?: string;
}

export interface NoticeLimits {
  /** Longest notice posted as it is (characters). */
  maxChars?: number;
  /** Most lines posted as they are. */
  maxLines?: number;
  /** Items shown in the summary. */
  topItems?: number;
}

export function noticeParts(text: string, limits: NoticeLimits = {}): NoticeParts {
  const maxChars = limits.maxChars ?? 1500;
  const maxLines = limits.maxLines ?? 12;
  const top = limits.topItems ?? 5;
  const lines = text.replace(/\n+$/, '').split('\n');
  if (text.length <= maxChars && lines.length <= maxLines) return { summary: text };
  const [head = '', ...rest] = lines;
  const items = rest.filter((l) => l.trim() !== '');
  if (items.length <= top) {
    // One very long line rather than many items: keep its start, the rest is in the thread.
    const cut = text.slice(0, maxChars).replace(/\s+\S*$/, '');
    return { summary: `${cut} …\n_The full text is in the thread._`, detail: text };
  }
  const shown = items.slice(0, top);
  return {
    summary: [head, ...shown, `_…and ${items.length - top} more (${items.length} in all): the full list is in the thread._`].join('\n'),
    detail: text,
  };
}

/**
 * The Block Kit face of a team notice (the renderer the composer wires into the ReleaseNotifier):
 * the summary as a section with a pointer to the thread, the full detail in the thread. The
 * plain `text` of every message stays the original's words, for notifications and search.
 */
export function renderTeamNotice(n: TeamNotice, limits: NoticeLimits = {}): RenderedNotice {
  if (n.verdict && !n.message) return renderTeamNotice(buildVerdictNotice(n.verdict), limits);
  const derived = n.summary === undefined ? noticeParts(n.text, limits) : { summary: n.summary, ...(n.summary !== n.text ? { detail: n.text } : {}) };
  const thread: SlackMessage[] = n.details ?? (derived.detail ? [{ text: derived.detail }] : []);
  const built = (n.message?.blocks ?? []) as KnownBlock[];
  const blocks: KnownBlock[] = n.message ? [...built] : [{ type: 'section', text: { type: 'mrkdwn', text: fitText(derived.summary, 2990) } }];
  if (n.message && thread.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ':speech_balloon: The full detail is in the thread.' }] });
  if (n.message) return { summary: { text: n.message.text, blocks }, thread };
  if (thread.length && n.summary !== undefined) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ':speech_balloon: The full detail is in the thread.' }] });
  return { summary: { text: derived.summary, blocks }, thread };
}
