/** What the button listeners share: where a click came from, and dropping a click delivered twice. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Store } from '../store/types.ts';
import { EVENT_DEDUP_MS } from './deps.ts';
import type { Where } from './reply.ts';

export async function firstClick(store: Pick<Store, 'markSeen'>, body: BlockAction, action: ButtonAction): Promise<boolean> {
  return store.markSeen(`action:${body.user.id}:${action.action_id}:${action.action_ts}`, EVENT_DEDUP_MS);
}

/** The channel and thread of the clicked message; Home-tab buttons have none (answer in the user's DM). */
export function whereOf(body: BlockAction): Where {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) return { channel: body.user.id };
  const msg = body.message as { ts?: string; thread_ts?: string } | undefined;
  const threadTs = msg?.thread_ts ?? msg?.ts;
  return { channel, ...(threadTs ? { threadTs } : {}) };
}

/** The clicked message was private (an ephemeral answer): it has no ts to thread on. */
export function isEphemeral(body: BlockAction): boolean {
  return Boolean((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
}

export type ButtonArgs = { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; respond?: (m: { text?: string; blocks?: unknown[]; response_type?: string; delete_original?: boolean; replace_original?: boolean }) => Promise<unknown> };
