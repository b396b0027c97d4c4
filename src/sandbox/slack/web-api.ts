/**
 * The Web API methods the app uses, with Slack's argument handling, limits and error codes.
 * Handlers return the success body (without `ok`) or throw SlackApiError.
 */
import { z } from 'zod';
import type { SimContext } from './context.ts';
import { assignIds, LIMITS, validateView } from './limits.ts';
import { checkContent, deleteMessage, editMessage, postBotMessage } from './messaging.ts';
import { channelJson, groupJson, messageJson, userJson } from './shapes.ts';
import { SlackApiError } from './workspace.ts';
import type { Block, JsonObject, ViewRecord, ViewType } from './types.ts';

export interface MethodDef {
  /** Which token the method takes: the bot token, or the app-level token. */
  token: 'bot' | 'app';
  handle: (args: JsonObject, ctx: SimContext) => JsonObject;
}

const boolish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');
const id = z.string().min(1);

function parse<T extends z.ZodType>(schema: T, args: JsonObject): z.output<T> {
  const r = schema.safeParse(args);
  if (r.success) return r.data;
  throw new SlackApiError('invalid_arguments', r.error.issues.map((i) => {
    const path = i.path.join('/');
    return i.code === 'invalid_type' && args[String(i.path[0])] === undefined
      ? `[ERROR] missing required field: ${path}`
      : `[ERROR] ${i.message} [json-pointer:/${path}]`;
  }));
}

// --- chat.* ----------------------------------------------------------------------------------------

const postMessageArgs = z.looseObject({
  channel: id,
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  thread_ts: z.string().optional(),
  reply_broadcast: boolish.optional(),
  metadata: z.unknown().optional(),
});

function postMessage(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(postMessageArgs, args);
  const channel = ctx.workspace.requireChannel(a.channel);
  if (channel.isPrivate && !ctx.workspace.isMember(channel, ctx.identity.botUserId)) throw new SlackApiError('not_in_channel');
  const content = checkContent(ctx, a);
  const rec = postBotMessage(ctx, {
    channel,
    content,
    ...(a.thread_ts ? { threadTs: a.thread_ts } : {}),
    ...(a.reply_broadcast ? { replyBroadcast: true } : {}),
    ...(a.metadata !== undefined ? { metadata: a.metadata } : {}),
    source: 'api',
  });
  return { channel: channel.id, ts: rec.ts, message: messageJson(rec, ctx.identity) };
}

const updateArgs = z.looseObject({ channel: id, ts: id, text: z.string().optional(), blocks: z.unknown().optional(), attachments: z.unknown().optional() });

/** The bot's own message that chat.update / chat.delete may change; `notOwn` is the error for someone else's. */
function ownMessage(ctx: SimContext, channelId: string, ts: string, notOwn: 'cant_update_message' | 'cant_delete_message') {
  const rec = ctx.workspace.findMessage(ts, channelId);
  // Ephemeral messages are not in the channel history: chat.update and chat.delete cannot find them.
  if (!rec || rec.deleted || rec.ephemeral) throw new SlackApiError('message_not_found');
  if (rec.user !== ctx.identity.botUserId) throw new SlackApiError(notOwn);
  return rec;
}

function update(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(updateArgs, args);
  const channel = ctx.workspace.requireChannel(a.channel);
  const rec = ownMessage(ctx, channel.id, a.ts, 'cant_update_message');
  // Omitted blocks keep the current ones; an explicit [] clears them.
  const content = checkContent(ctx, { text: a.text ?? rec.text, blocks: a.blocks ?? rec.blocks, attachments: a.attachments ?? rec.attachments });
  editMessage(ctx, rec, content);
  return { channel: channel.id, ts: rec.ts, text: rec.text, message: messageJson(rec, ctx.identity) };
}

const ephemeralArgs = postMessageArgs.extend({ user: id });

function postEphemeral(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(ephemeralArgs, args);
  const channel = ctx.workspace.requireChannel(a.channel);
  ctx.workspace.requireUser(a.user);
  if (!ctx.workspace.isMember(channel, a.user)) throw new SlackApiError('user_not_in_channel');
  if (channel.isPrivate && !ctx.workspace.isMember(channel, ctx.identity.botUserId)) throw new SlackApiError('not_in_channel');
  const rec = postBotMessage(ctx, {
    channel,
    content: checkContent(ctx, a),
    ...(a.thread_ts ? { threadTs: a.thread_ts } : {}),
    ephemeral: true,
    visibleTo: a.user,
    source: 'api',
  });
  return { message_ts: rec.ts };
}

const deleteArgs = z.looseObject({ channel: id, ts: id });

function chatDelete(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(deleteArgs, args);
  const channel = ctx.workspace.requireChannel(a.channel);
  const rec = ownMessage(ctx, channel.id, a.ts, 'cant_delete_message');
  deleteMessage(ctx, rec);
  return { channel: channel.id, ts: rec.ts };
}

const permalinkArgs = z.looseObject({ channel: id, message_ts: id });

function getPermalink(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(permalinkArgs, args);
  const channel = ctx.workspace.requireChannel(a.channel);
  const rec = ctx.workspace.findMessage(a.message_ts, channel.id);
  if (!rec || rec.deleted || rec.ephemeral) throw new SlackApiError('message_not_found');
  const p = `p${rec.ts.replace('.', '')}`;
  const thread = rec.threadTs ? `?thread_ts=${rec.threadTs}&cid=${channel.id}` : '';
  return { channel: channel.id, permalink: `https://${ctx.identity.teamDomain}.slack.com/archives/${channel.id}/${p}${thread}` };
}

// --- views.* ---------------------------------------------------------------------------------------

function checkView(ctx: SimContext, view: unknown, expected: ViewType): JsonObject {
  const problems = validateView(view, expected);
  if (problems.length) throw new SlackApiError('invalid_blocks', problems.map((p) => `[ERROR] ${p}`));
  if (Buffer.byteLength(JSON.stringify(view)) > LIMITS.viewBytes) throw new SlackApiError('view_too_large');
  const v = view as JsonObject;
  if (typeof v.external_id === 'string' && v.external_id) {
    const dup = [...ctx.workspace.views.values()].find((x) => x.open && x.external_id === v.external_id);
    if (dup) throw new SlackApiError('duplicate_external_id');
  }
  return v;
}

function viewContent(ctx: SimContext, v: JsonObject): Pick<ViewRecord, 'callback_id' | 'external_id' | 'private_metadata' | 'title' | 'submit' | 'close' | 'blocks' | 'notify_on_close' | 'clear_on_close'> {
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const obj = (x: unknown): JsonObject | undefined => (typeof x === 'object' && x !== null ? (x as JsonObject) : undefined);
  const out: ReturnType<typeof viewContent> = {
    blocks: assignIds(v.blocks as Block[], () => ctx.ids.blockId()),
    notify_on_close: v.notify_on_close === true,
    clear_on_close: v.clear_on_close === true,
  };
  const fields = { callback_id: str(v.callback_id), external_id: str(v.external_id), private_metadata: str(v.private_metadata), title: obj(v.title), submit: obj(v.submit), close: obj(v.close) };
  for (const [k, val] of Object.entries(fields)) if (val !== undefined) (out as Record<string, unknown>)[k] = val;
  return out;
}

/** Creates a modal as root of a new stack (views.open) or on top of the user's stack (views.push). */
export function openModal(ctx: SimContext, user: string, view: JsonObject, push: boolean): ViewRecord {
  const stack = ctx.workspace.modalStacks.get(user) ?? [];
  const openStack = stack.filter((vid) => ctx.workspace.views.get(vid)?.open);
  if (!push && openStack.length) {
    // A new views.open replaces whatever modal stack the user had.
    ctx.workspace.closeModal(user, openStack[0]!, 'replaced', true);
  }
  const current = push ? openStack : [];
  if (push && current.length >= 3) throw new SlackApiError('push_limit_reached');
  const rootId = current[0] ?? null;
  const previous = current.at(-1) ?? null;
  const now = Date.now();
  const rec: ViewRecord = {
    id: ctx.ids.viewId(),
    type: 'modal',
    user,
    ...viewContent(ctx, view),
    hash: ctx.ids.viewHash(),
    root_view_id: null,
    previous_view_id: previous,
    state: { values: {} },
    open: true,
    openedAt: now,
    updatedAt: now,
  };
  rec.root_view_id = rootId ?? rec.id;
  ctx.workspace.views.set(rec.id, rec);
  ctx.workspace.modalStacks.set(user, [...current, rec.id]);
  return rec;
}

/** Replaces a view's content (views.update, response_action update). */
export function replaceView(ctx: SimContext, rec: ViewRecord, view: JsonObject): void {
  const content = viewContent(ctx, view);
  for (const k of ['callback_id', 'external_id', 'private_metadata', 'title', 'submit', 'close'] as const) delete rec[k];
  Object.assign(rec, content);
  rec.hash = ctx.ids.viewHash();
  rec.updatedAt = Date.now();
  delete rec.errors;
}

const viewsOpenArgs = z.looseObject({ trigger_id: id, view: z.unknown() });

function viewsOpen(push: boolean) {
  return (args: JsonObject, ctx: SimContext): JsonObject => {
    const a = parse(viewsOpenArgs, args);
    const view = checkView(ctx, a.view, 'modal');
    const trigger = ctx.workspace.consumeTrigger(a.trigger_id);
    const rec = openModal(ctx, trigger.user, view, push);
    return { view: ctx.workspace.viewPayload(rec, ctx.identity.teamId, ctx.identity.appId, ctx.identity.botId) };
  };
}

const viewsUpdateArgs = z.looseObject({ view_id: z.string().optional(), external_id: z.string().optional(), view: z.unknown(), hash: z.string().optional() });

function viewsUpdate(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(viewsUpdateArgs, args);
  if (!a.view_id && !a.external_id) throw new SlackApiError('invalid_arguments', ['[ERROR] either view_id or external_id is required']);
  const rec = ctx.workspace.findView(a.view_id, a.external_id);
  if (!rec || !rec.open) throw new SlackApiError('not_found');
  if (a.hash !== undefined && a.hash !== rec.hash) throw new SlackApiError('hash_conflict');
  const view = a.view as JsonObject;
  // The same external_id on the view being updated is no duplicate.
  const ext = typeof view?.external_id === 'string' ? view.external_id : undefined;
  if (ext && ext === rec.external_id) {
    const problems = validateView(view, rec.type);
    if (problems.length) throw new SlackApiError('invalid_blocks', problems.map((p) => `[ERROR] ${p}`));
  } else {
    checkView(ctx, view, rec.type);
  }
  replaceView(ctx, rec, view);
  return { view: ctx.workspace.viewPayload(rec, ctx.identity.teamId, ctx.identity.appId, ctx.identity.botId) };
}

const publishArgs = z.looseObject({ user_id: id, view: z.unknown(), hash: z.string().optional() });

function viewsPublish(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(publishArgs, args);
  ctx.workspace.requireUser(a.user_id);
  const existingId = ctx.workspace.homeViews.get(a.user_id);
  const existing = existingId ? ctx.workspace.views.get(existingId) : undefined;
  if (a.hash !== undefined && existing && a.hash !== existing.hash) throw new SlackApiError('hash_conflict');
  const problems = validateView(a.view, 'home');
  if (problems.length) throw new SlackApiError('invalid_blocks', problems.map((p) => `[ERROR] ${p}`));
  if (Buffer.byteLength(JSON.stringify(a.view)) > LIMITS.viewBytes) throw new SlackApiError('view_too_large');
  const view = a.view as JsonObject;
  let rec = existing;
  if (rec) replaceView(ctx, rec, view);
  else {
    const now = Date.now();
    rec = {
      id: ctx.ids.viewId(), type: 'home', user: a.user_id, ...viewContent(ctx, view), hash: ctx.ids.viewHash(),
      root_view_id: null, previous_view_id: null, state: { values: {} }, open: true, openedAt: now, updatedAt: now,
    };
    rec.root_view_id = rec.id;
    ctx.workspace.views.set(rec.id, rec);
    ctx.workspace.homeViews.set(a.user_id, rec.id);
  }
  return { view: ctx.workspace.viewPayload(rec, ctx.identity.teamId, ctx.identity.appId, ctx.identity.botId) };
}

// --- users, user groups, conversations --------------------------------------------------------------

function usersInfo(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ user: id }), args);
  return { user: userJson(ctx.workspace.requireUser(a.user), ctx.identity.teamId) };
}

function lookupByEmail(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ email: id }), args);
  const email = a.email.toLowerCase();
  const u = [...ctx.workspace.users.values()].find((x) => x.email.toLowerCase() === email && !x.deleted);
  if (!u) throw new SlackApiError('users_not_found');
  return { user: userJson(u, ctx.identity.teamId) };
}

function usergroupsList(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ include_users: boolish.optional() }), args);
  return { usergroups: [...ctx.workspace.groups.values()].map((g) => groupJson(g, ctx.identity.teamId, a.include_users ?? false)) };
}

function usergroupUsers(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ usergroup: id }), args);
  const g = ctx.workspace.groups.get(a.usergroup);
  if (!g) throw new SlackApiError('no_such_subteam');
  return { users: [...g.users] };
}

function visibleChannel(ctx: SimContext, ref: string) {
  const ch = ctx.workspace.requireChannel(ref);
  // A private channel the bot is not in does not exist as far as the bot can tell.
  if (ch.isPrivate && !ctx.workspace.isMember(ch, ctx.identity.botUserId)) throw new SlackApiError('channel_not_found');
  return ch;
}

function conversationsInfo(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ channel: id }), args);
  const ch = visibleChannel(ctx, a.channel);
  return { channel: channelJson(ch, ctx.identity.botUserId, ctx.workspace.isMember(ch, ctx.identity.botUserId)) };
}

function conversationsReplies(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ channel: id, ts: id }), args);
  const ch = visibleChannel(ctx, a.channel);
  const parent = ctx.workspace.findMessage(a.ts, ch.id);
  if (!parent || parent.deleted || parent.ephemeral) throw new SlackApiError('thread_not_found');
  const root = parent.threadTs ? ctx.workspace.findMessage(parent.threadTs, ch.id) ?? parent : parent;
  const replies = ctx.workspace.listMessages(ch.id, root.ts).filter((m) => !m.ephemeral);
  const rootJson = messageJson(root, ctx.identity);
  if (replies.length) {
    rootJson.thread_ts = root.ts;
    rootJson.reply_count = replies.length;
  }
  return { messages: [rootJson, ...replies.map((m) => messageJson(m, ctx.identity))], has_more: false };
}

function conversationsHistory(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({ channel: id, limit: z.coerce.number().int().positive().optional() }), args);
  const ch = visibleChannel(ctx, a.channel);
  const msgs = ctx.workspace.listMessages(ch.id).filter((m) => !m.ephemeral).reverse().slice(0, a.limit ?? 100);
  return { messages: msgs.map((m) => messageJson(m, ctx.identity)), has_more: false };
}

// --- files (upload v2 flow) ------------------------------------------------------------------------

function getUploadUrl(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(z.looseObject({
    filename: id,
    length: z.coerce.number().int().positive(),
    alt_txt: z.string().optional(),
    alt_text: z.string().optional(),
    snippet_type: z.string().optional(),
  }), args);
  const fileId = ctx.ids.fileId();
  const altText = a.alt_txt ?? a.alt_text;
  ctx.workspace.files.set(fileId, {
    id: fileId, name: a.filename, title: a.filename, declaredLength: a.length, bytes: undefined, completed: false,
    ...(altText ? { altText } : {}), ...(a.snippet_type ? { snippetType: a.snippet_type } : {}),
  });
  return { upload_url: `${ctx.baseUrl()}/upload/v1/${fileId}`, file_id: fileId };
}

const completeArgs = z.looseObject({
  files: z.array(z.object({ id, title: z.string().optional() })).min(1),
  channel_id: z.string().optional(),
  channels: z.string().optional(),
  thread_ts: z.string().optional(),
  initial_comment: z.string().optional(),
  blocks: z.unknown().optional(),
});

function completeUpload(args: JsonObject, ctx: SimContext): JsonObject {
  const a = parse(completeArgs, args);
  const files = a.files.map((f) => {
    const stored = ctx.workspace.files.get(f.id);
    if (!stored || stored.completed) throw new SlackApiError('file_not_found', [`[ERROR] unknown or already completed file ${f.id}`]);
    if (!stored.bytes) throw new SlackApiError('file_not_found', [`[ERROR] no content was uploaded for file ${f.id}`]);
    return { stored, title: f.title };
  });
  const channelRef = a.channel_id ?? a.channels;
  const channel = channelRef ? ctx.workspace.requireChannel(channelRef) : undefined;
  if (channel?.isPrivate && !ctx.workspace.isMember(channel, ctx.identity.botUserId)) throw new SlackApiError('not_in_channel');
  // Check everything before changing anything.
  const content = channel ? checkContent(ctx, { text: a.initial_comment, blocks: a.blocks }, { allowEmpty: true }) : undefined;
  if (channel && a.thread_ts) ctx.workspace.threadRoot(channel.id, a.thread_ts);
  for (const { stored, title } of files) {
    stored.completed = true;
    if (title) stored.title = title;
    if (channel) stored.channel = channel.id;
  }
  if (channel && content) {
    const rec = postBotMessage(ctx, {
      channel,
      content,
      ...(a.thread_ts ? { threadTs: a.thread_ts } : {}),
      files: files.map(({ stored }) => ({ id: stored.id, name: stored.name, title: stored.title, size: stored.bytes!.length })),
      source: 'file',
    });
    for (const { stored } of files) if (rec.threadTs) stored.threadTs = rec.threadTs;
  }
  return {
    files: files.map(({ stored }) => ({
      id: stored.id, name: stored.name, title: stored.title, size: stored.bytes!.length, mimetype: 'text/plain',
      user: ctx.identity.botUserId, created: Math.floor(Date.now() / 1000),
      permalink: `https://${ctx.identity.teamDomain}.slack.com/files/${ctx.identity.botUserId}/${stored.id}/${stored.name}`,
    })),
  };
}

// --- auth and Socket Mode --------------------------------------------------------------------------

function authTest(_args: JsonObject, ctx: SimContext): JsonObject {
  return {
    url: `https://${ctx.identity.teamDomain}.slack.com/`,
    team: ctx.identity.teamDomain,
    user: ctx.workspace.opts.botName,
    team_id: ctx.identity.teamId,
    user_id: ctx.identity.botUserId,
    bot_id: ctx.identity.botId,
    is_enterprise_install: false,
  };
}

function connectionsOpen(_args: JsonObject, ctx: SimContext): JsonObject {
  const ticket = ctx.link.issueTicket();
  return { url: `${ctx.baseUrl().replace(/^http/, 'ws')}/link?ticket=${ticket}&app_id=${ctx.identity.appId}` };
}

export const METHODS: Readonly<Record<string, MethodDef>> = {
  'auth.test': { token: 'bot', handle: authTest },
  'apps.connections.open': { token: 'app', handle: connectionsOpen },
  'chat.postMessage': { token: 'bot', handle: postMessage },
  'chat.update': { token: 'bot', handle: update },
  'chat.postEphemeral': { token: 'bot', handle: postEphemeral },
  'chat.delete': { token: 'bot', handle: chatDelete },
  'chat.getPermalink': { token: 'bot', handle: getPermalink },
  'views.open': { token: 'bot', handle: viewsOpen(false) },
  'views.push': { token: 'bot', handle: viewsOpen(true) },
  'views.update': { token: 'bot', handle: viewsUpdate },
  'views.publish': { token: 'bot', handle: viewsPublish },
  'users.info': { token: 'bot', handle: usersInfo },
  'users.lookupByEmail': { token: 'bot', handle: lookupByEmail },
  'usergroups.list': { token: 'bot', handle: usergroupsList },
  'usergroups.users.list': { token: 'bot', handle: usergroupUsers },
  'conversations.info': { token: 'bot', handle: conversationsInfo },
  'conversations.replies': { token: 'bot', handle: conversationsReplies },
  'conversations.history': { token: 'bot', handle: conversationsHistory },
  'files.getUploadURLExternal': { token: 'bot', handle: getUploadUrl },
  'files.completeUploadExternal': { token: 'bot', handle: completeUpload },
};
