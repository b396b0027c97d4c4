/**
 * Commands typed as messages: `oar -r 4.19.1 …` in a channel or thread, after an @mention, or
 * in the bot's DM. `message` and `app_mention` arrive for the same ts; each message runs once.
 */
import { extractCommandText, type Parsed } from '../commands/parser.ts';
import { actorOf, EVENT_DEDUP_MS, type ListenerDeps } from './deps.ts';
import { dispatch, parseErrorMessage, stripQuiet } from './dispatch.ts';

export interface ChatEvent {
  type: string;
  text?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

export const GREETING = "I'm oar-bot, the OpenShift z-stream release QE bot. Try `/oar help`, or `/oar 4.19.1` for a release's status.";

export async function onChat(deps: ListenerDeps, event: ChatEvent, eventId: string | undefined, isMention: boolean): Promise<void> {
  const { client, store, lifecycle } = deps;
  const botUserId = lifecycle.botUserId;
  if (event.bot_id || event.subtype || !event.user || event.user === botUserId) return;
  // Detection reads the raw text (Slack escaping never touches `oar` or a mention); only a
  // command is normalised, by the parser, after its length check.
  const text = event.text ?? '';
  const mention = /^<@([^>|]+)(?:\|[^>]*)?>/.exec(text.trim());
  if (mention && botUserId && mention[1] !== botUserId) return; // addressed to someone else
  const commandText = extractCommandText(text);
  if (commandText === undefined && !(isMention && mention)) return; // unrelated chatter
  if (eventId && !(await store.markSeen(`event:${eventId}`, EVENT_DEDUP_MS))) return;
  if (!(await store.markSeen(`msg:${event.channel}:${event.ts}`, EVENT_DEDUP_MS))) return;
  const where = { channel: event.channel, threadTs: event.thread_ts ?? event.ts };
  if (!lifecycle.accepting) {
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: 'oar-bot is restarting, try again in a minute.' });
    return;
  }
  if (commandText === undefined) {
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: GREETING });
    return;
  }
  const actor = actorOf(event.user);
  let parsed: Parsed;
  const { text: lineText, quiet } = stripQuiet(commandText);
  try {
    parsed = deps.parser.parseLine(lineText);
  } catch (e) {
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, ...parseErrorMessage(deps, e) });
    return;
  }
  await dispatch(deps, parsed, actor, where, { quiet });
}
