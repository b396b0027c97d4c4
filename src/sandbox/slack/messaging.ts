/**
 * Posting, editing and deleting messages (shared by chat.*, response_url posts, command acks and
 * file shares), and the message events Slack sends back to the app about them.
 */
import { messageEventFor } from './manifest.ts';
import { z } from 'zod';
import type { SimContext } from './context.ts';
import type { DispatchedEvent } from './events.ts';
import { LIMITS, assignIds, validateBlocks } from './limits.ts';
import { messageJson } from './shapes.ts';
import { SlackApiError, type Channel, type ResponseUrlRecord } from './workspace.ts';
import type { Block, FileRef, JsonObject, MessageRecord, MessageSource } from './types.ts';

export interface MessageContent {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
}

export interface CheckedContent {
  text: string;
  blocks?: Block[];
  attachments?: unknown[];
}

/** Applies the message limits; throws the Slack error a real workspace would answer. */
export function checkContent(ctx: SimContext, c: MessageContent, opts: { allowEmpty?: boolean } = {}): CheckedContent {
  if (c.text !== undefined && typeof c.text !== 'string') throw new SlackApiError('invalid_arguments', ['[ERROR] must be a string [json-pointer:/text]']);
  const text = c.text ?? '';
  let blocks: Block[] | undefined;
  if (c.blocks !== undefined) {
    const problems = validateBlocks(c.blocks, 'message');
    if (problems.length) throw new SlackApiError('invalid_blocks', problems.map((p) => `[ERROR] ${p}`));
    blocks = assignIds(c.blocks as Block[], () => ctx.ids.blockId());
  }
  if (c.attachments !== undefined && !Array.isArray(c.attachments)) {
    throw new SlackApiError('invalid_attachments', ['[ERROR] must provide an array [json-pointer:/attachments]']);
  }
  // Slack truncates longer text with a warning; the simulator rejects it so the app's splitting is tested.
  if (Array.from(text).length > LIMITS.messageText) {
    throw new SlackApiError('msg_too_long', [`[ERROR] text must be at most ${LIMITS.messageText} characters`]);
  }
  if (!opts.allowEmpty && text.trim() === '' && !blocks?.length && !(c.attachments as unknown[] | undefined)?.length) {
    throw new SlackApiError('no_text');
  }
  return { text, ...(blocks ? { blocks } : {}), ...(c.attachments ? { attachments: c.attachments as unknown[] } : {}) };
}

export interface BotPost {
  channel: Channel;
  content: CheckedContent;
  threadTs?: string;
  replyBroadcast?: boolean;
  metadata?: unknown;
  ephemeral?: boolean;
  visibleTo?: string;
  files?: FileRef[];
  source: MessageSource;
}

export function postBotMessage(ctx: SimContext, post: BotPost): MessageRecord {
  const threadTs = post.threadTs ? ctx.workspace.threadRoot(post.channel.id, post.threadTs) : undefined;
  const rec = ctx.workspace.addMessage({
    channel: post.channel.id,
    user: ctx.identity.botUserId,
    botId: ctx.identity.botId,
    text: post.content.text,
    ...(post.content.blocks ? { blocks: post.content.blocks } : {}),
    ...(post.content.attachments ? { attachments: post.content.attachments } : {}),
    ...(post.metadata !== undefined ? { metadata: post.metadata } : {}),
    ...(post.files ? { files: post.files } : {}),
    ...(threadTs ? { threadTs } : {}),
    ...(threadTs && post.replyBroadcast ? { replyBroadcast: true } : {}),
    ephemeral: post.ephemeral ?? false,
    ...(post.visibleTo ? { visibleTo: post.visibleTo } : {}),
    source: post.source,
  });
  if (!rec.ephemeral && ctx.echoBotMessages) {
    sendMessageEvent(ctx, rec, {
      ...messageEventBase(ctx, rec),
      bot_id: ctx.identity.botId,
      app_id: ctx.identity.appId,
      bot_profile: { id: ctx.identity.botId, app_id: ctx.identity.appId, name: ctx.workspace.opts.botName, team_id: ctx.identity.teamId },
    });
  }
  return rec;
}

/** Replaces the content of an existing message (chat.update, replace_original). */
export function editMessage(ctx: SimContext, rec: MessageRecord, content: CheckedContent): DispatchedEvent | undefined {
  const previous = messageJson(rec, ctx.identity);
  rec.text = content.text;
  if (content.blocks) rec.blocks = content.blocks;
  else delete rec.blocks;
  if (content.attachments) rec.attachments = content.attachments;
  rec.edits += 1;
  rec.editedAt = Date.now();
  ctx.recorder.events.emit('message', rec);
  if (rec.ephemeral) return undefined;
  return sendMessageEvent(ctx, rec, {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: rec.channel,
      channel_type: channelType(ctx, rec.channel),
      ts: ctx.ids.ts(),
      event_ts: ctx.ids.ts(),
      message: messageJson(rec, ctx.identity),
      previous_message: previous,
    });
}

export function deleteMessage(ctx: SimContext, rec: MessageRecord): DispatchedEvent | undefined {
  rec.deleted = true;
  ctx.recorder.events.emit('message', rec);
  if (rec.ephemeral) return undefined;
  return sendMessageEvent(ctx, rec, {
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: rec.channel,
      channel_type: channelType(ctx, rec.channel),
      ts: ctx.ids.ts(),
      deleted_ts: rec.ts,
      event_ts: ctx.ids.ts(),
      previous_message: messageJson(rec, ctx.identity),
    });
}

export function channelType(ctx: SimContext, channelId: string): string {
  const ch = ctx.workspace.channels.get(channelId);
  if (!ch) return 'channel';
  return ch.isIm ? 'im' : ch.isPrivate ? 'group' : 'channel';
}

export function messageEventBase(ctx: SimContext, rec: MessageRecord): JsonObject {
  const e: JsonObject = {
    type: 'message',
    channel: rec.channel,
    user: rec.user,
    text: rec.text,
    ts: rec.ts,
    event_ts: rec.ts,
    team: ctx.identity.teamId,
    channel_type: channelType(ctx, rec.channel),
  };
  if (rec.blocks) e.blocks = rec.blocks;
  if (rec.threadTs) {
    e.thread_ts = rec.threadTs;
    const parent = ctx.workspace.findMessage(rec.threadTs);
    if (parent) e.parent_user_id = parent.user;
  }
  if (rec.files) e.files = rec.files;
  return e;
}

/** Sends a `message` event (any subtype) when the app subscribes and the bot is in the channel. */
export function sendMessageEvent(ctx: SimContext, rec: MessageRecord, event: JsonObject): DispatchedEvent | undefined {
  const ch = ctx.workspace.channels.get(rec.channel);
  if (!ch || !ctx.workspace.isMember(ch, ctx.identity.botUserId)) return undefined;
  if (!ctx.subscribedEvents.has('message') && !ctx.subscribedEvents.has(messageEventFor(ch))) return undefined;
  return dispatchLogged(ctx, event);
}

export function dispatchLogged(ctx: SimContext, event: JsonObject): DispatchedEvent {
  const d = ctx.events.dispatch(event);
  d.delivery.catch((err: unknown) => ctx.logger.error({ err, event: d.eventId }, 'simulated slack: event delivery failed'));
  return d;
}

const boolish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

const responseBodySchema = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: boolish.optional(),
  delete_original: boolish.optional(),
  thread_ts: z.string().optional(),
});

/** A POST to a response_url: new ephemeral/in-channel message, or replace/delete the source message. */
export function applyResponseUrl(ctx: SimContext, r: ResponseUrlRecord, body: unknown): MessageRecord {
  const parsed = responseBodySchema.safeParse(body);
  if (!parsed.success) throw new SlackApiError('invalid_arguments', parsed.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/${i.path.join('/')}]`));
  const b = parsed.data;
  const channel = ctx.workspace.requireChannel(r.channel);
  if (b.delete_original || b.replace_original) {
    const source = r.sourceTs ? ctx.workspace.findMessage(r.sourceTs, channel.id) : undefined;
    if (!source || source.deleted) throw new SlackApiError('message_not_found');
    if (b.delete_original) deleteMessage(ctx, source);
    else editMessage(ctx, source, checkContent(ctx, b));
    return source;
  }
  const content = checkContent(ctx, b);
  const inChannel = b.response_type === 'in_channel';
  return postBotMessage(ctx, {
    channel,
    content,
    ...(b.thread_ts ? { threadTs: b.thread_ts } : {}),
    ephemeral: !inChannel,
    ...(inChannel ? {} : { visibleTo: r.user }),
    source: 'response_url',
  });
}
