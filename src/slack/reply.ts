/**
 * Posting helpers shared by the listeners: a private (ephemeral) reply, a post or update that
 * never fails on size (long content is split into thread replies, blocks/limits.ts), and a
 * team notice whose detail goes into the thread.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../log.ts';
import { planMessages } from '../integrations/slack-limits.ts';
import type { SlackMessage } from '../blocks/outcome.ts';

export interface Where {
  channel: string;
  threadTs?: string;
}

type Client = Pick<WebClient, 'chat'>;

export const threadOf = (where: Where): { thread_ts?: string } => (where.threadTs ? { thread_ts: where.threadTs } : {});

/** A reply only `user` sees. Failures are logged, never thrown: a lost private hint must not fail the caller. */
export async function ephemeral(client: Client, logger: Logger, where: Where, user: string, msg: SlackMessage): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel: where.channel, user, text: msg.text, blocks: msg.blocks, ...threadOf(where) });
  } catch (e) {
    logger.warn({ err: e, channel: where.channel }, 'ephemeral reply failed');
  }
}

/** Post a message (or replace `updateTs`), split into thread replies when it exceeds Slack's limits. Returns the root ts. */
export async function postLong(client: Client, where: Where, msg: SlackMessage, updateTs?: string): Promise<string | undefined> {
  const parts = planMessages(msg);
  let rootTs = updateTs;
  for (const [i, part] of parts.entries()) {
    if (i === 0 && updateTs) {
      await client.chat.update({ channel: where.channel, ts: updateTs, text: part.text, blocks: part.blocks });
    } else {
      const thread = where.threadTs ?? rootTs;
      const r = await client.chat.postMessage({ channel: where.channel, text: part.text, blocks: part.blocks, ...(thread ? { thread_ts: thread } : {}) });
      rootTs ??= r.ts;
    }
  }
  return rootTs;
}

/** Answer through `respond` (slash commands) when there is one, else privately in the channel. */
export async function answer(client: Client, logger: Logger, where: Where, user: string, msg: SlackMessage, respond?: (m: SlackMessage) => Promise<void>): Promise<void> {
  if (respond) await respond(msg);
  else await ephemeral(client, logger, where, user, msg);
}
