/**
 * What a finished (or expired, or cancelled) watch says in Slack: the replacement of the
 * original "running" message, and the thread reply. Pure.
 */
import type { KnownBlock } from '@slack/types';
import { escMrkdwn as esc } from './format.ts';
import { fitText } from '../integrations/slack-limits.ts';
import { WATCH_CANCEL_ACTION_ID } from './action-ids.ts';
import type { WatchedRun, WatchEnd } from '../commands/watch-end.ts';

export type { WatchEnd };

const EMOJI = { Pass: ':white_check_mark:', Fail: ':x:', expired: ':alarm_clock:', cancelled: ':no_entry_sign:', done: ':information_source:' } as const;

export function watchEndEmoji(end: WatchEnd): string {
  if (end.state === 'cancelled') return EMOJI.cancelled;
  if (end.state === 'expired') return EMOJI.expired;
  return end.status ? EMOJI[end.status] : EMOJI.done;
}

export function watchEndMessage(watch: WatchedRun, end: WatchEnd): { text: string; blocks: KnownBlock[] } {
  const word = end.state === 'cancelled' ? 'Cancelled' : end.state === 'expired' ? 'Timed out' : (end.status ?? 'Done');
  const head = `${watchEndEmoji(end)} *${word}* · \`${esc(watch.kind)}\`${watch.release ? ` on *${esc(watch.release)}*` : ''}\n${esc(end.summary)}`;
  return {
    text: `[${word}] ${watch.kind}${watch.release ? ` ${watch.release}` : ''}: ${end.summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: fitText(head, 2990) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `watch ${esc(watch.id)}` }] },
    ],
  };
}

/** action_id of the "Stop watching" button; the Slack action handler calls `poller.cancelWatch(value, actor)`. */
export { WATCH_CANCEL_ACTION_ID };

/** A "Stop watching" button for a message that reports a watched run (value: the watch id). */
export function watchCancelButton(watchId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: `oar_watch_${watchId}`.slice(0, 255),
    elements: [{ type: 'button', action_id: WATCH_CANCEL_ACTION_ID, text: { type: 'plain_text', text: 'Stop watching' }, value: watchId, style: 'danger', confirm: { title: { type: 'plain_text', text: 'Stop watching?' }, text: { type: 'mrkdwn', text: 'oar-bot stops polling this run. The StateBox task is left as it is; re-run the command to check it later.' }, confirm: { type: 'plain_text', text: 'Stop watching' }, deny: { type: 'plain_text', text: 'Keep watching' } } }],
  };
}
