/**
 * In-memory workspace state: users, user groups, channels, messages, views, trigger ids,
 * response URLs and uploaded files. No I/O; the Web API handlers and the driver mutate it.
 */
import { z } from 'zod';
import { compareTs, type IdGenerator } from './ids.ts';
import type { Recorder } from './recorder.ts';
import type { JsonObject, MessageRecord, SeedChannel, SeedGroup, SeedUser, StoredFile, ViewRecord } from './types.ts';

/** A Web API failure: `{ok:false, error: code, response_metadata:{messages}}`. */
export class SlackApiError extends Error {
  readonly code: string;
  readonly messages: string[] | undefined;
  constructor(code: string, messages?: string[]) {
    super(messages?.length ? `${code}: ${messages.join('; ')}` : code);
    this.name = 'SlackApiError';
    this.code = code;
    this.messages = messages;
  }
}

const userSchema = z.object({
  id: z.string().regex(/^[UW][A-Z0-9_]+$/, 'user ids start with U or W, then upper-case letters, digits or _'),
  name: z.string().min(1),
  real_name: z.string().min(1),
  email: z.email(),
  isBot: z.boolean().optional(),
  deleted: z.boolean().optional(),
  tz: z.string().optional(),
});
const groupSchema = z.object({
  id: z.string().regex(/^S[A-Z0-9_]+$/, 'user group ids start with S'),
  handle: z.string().regex(/^[a-z0-9._-]+$/, 'handles are lower-case letters, digits, . _ -'),
  name: z.string().min(1),
  users: z.array(z.string()),
  description: z.string().optional(),
});
const channelSchema = z.object({
  id: z.string().regex(/^[CG][A-Z0-9_]+$/, 'channel ids start with C (public) or G (private)'),
  name: z.string().regex(/^[a-z0-9._-]+$/, 'channel names are lower-case letters, digits, . _ - (no #)'),
  isPrivate: z.boolean().optional(),
  members: z.array(z.string()).optional(),
});

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  /** For DMs: the human on the other side. */
  imUser?: string;
  /** Undefined: every user is a member (bot included). */
  members?: Set<string>;
  createdAt: number;
}

export interface TriggerRecord {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
}

export interface ResponseUrlRecord {
  id: string;
  channel: string;
  user: string;
  /** The message a block action came from, for replace_original / delete_original. */
  sourceTs?: string;
  issuedAt: number;
  uses: number;
}

export interface WorkspaceOptions {
  ids: IdGenerator;
  recorder: Recorder;
  botUserId: string;
  botName: string;
  botRealName: string;
  triggerTtlMs: number;
  responseUrlTtlMs: number;
  responseUrlMaxUses: number;
}

export class Workspace {
  readonly users = new Map<string, SeedUser>();
  readonly groups = new Map<string, SeedGroup>();
  readonly channels = new Map<string, Channel>();
  readonly messages: MessageRecord[] = [];
  readonly views = new Map<string, ViewRecord>();
  /** Per user: the open modal stack, root first. */
  readonly modalStacks = new Map<string, string[]>();
  readonly homeViews = new Map<string, string>();
  readonly files = new Map<string, StoredFile>();
  readonly #triggers = new Map<string, TriggerRecord>();
  readonly #responseUrls = new Map<string, ResponseUrlRecord>();
  readonly #byTs = new Map<string, MessageRecord>();
  readonly opts: WorkspaceOptions;

  constructor(opts: WorkspaceOptions) {
    this.opts = opts;
    this.users.set(opts.botUserId, {
      id: opts.botUserId, name: opts.botName, real_name: opts.botRealName, email: `${opts.botName}@bots.invalid`, isBot: true,
    });
  }

  // --- seeding -------------------------------------------------------------------------------------

  addUser(user: SeedUser): void {
    const u = userSchema.parse(user);
    this.users.set(u.id, u);
  }

  addGroup(group: SeedGroup): void {
    const g = groupSchema.parse(group);
    for (const id of g.users) if (!this.users.has(id)) throw new Error(`user group ${g.handle}: unknown user ${id}`);
    const clash = [...this.groups.values()].find((x) => x.handle === g.handle && x.id !== g.id);
    if (clash) throw new Error(`user group handle ${g.handle} is already used by ${clash.id}`);
    this.groups.set(g.id, g);
  }

  addChannel(channel: SeedChannel): void {
    const c = channelSchema.parse(channel);
    const clash = [...this.channels.values()].find((x) => x.name === c.name && x.id !== c.id);
    if (clash) throw new Error(`channel name ${c.name} is already used by ${clash.id}`);
    this.channels.set(c.id, {
      id: c.id, name: c.name, isPrivate: c.isPrivate ?? c.id.startsWith('G'), isIm: false,
      members: c.members ? new Set(c.members) : undefined, createdAt: Date.now(),
    });
  }

  // --- lookups -------------------------------------------------------------------------------------

  /** The DM channel between the bot and a user (created on first use). */
  dmChannel(userId: string): Channel {
    const id = `D${userId}`;
    let ch = this.channels.get(id);
    if (!ch) {
      ch = { id, name: id, isPrivate: true, isIm: true, imUser: userId, members: new Set([userId, this.opts.botUserId]), createdAt: Date.now() };
      this.channels.set(id, ch);
    }
    return ch;
  }

  /** Resolves a channel reference as Slack does: id, `#name`, `name`, or a user id (its DM). */
  findChannel(ref: string): Channel | undefined {
    const direct = this.channels.get(ref);
    if (direct) return direct;
    if (/^[UW]/.test(ref) && this.users.has(ref)) return this.dmChannel(ref);
    if (ref.startsWith('D') && this.users.has(ref.slice(1))) return this.dmChannel(ref.slice(1));
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name && !c.isIm);
  }

  requireChannel(ref: string): Channel {
    const ch = this.findChannel(ref);
    if (!ch) throw new SlackApiError('channel_not_found');
    return ch;
  }

  isMember(channel: Channel, userId: string): boolean {
    return channel.members === undefined || channel.members.has(userId);
  }

  requireUser(id: string): SeedUser {
    const u = this.users.get(id);
    if (!u) throw new SlackApiError('user_not_found');
    return u;
  }

  // --- messages ------------------------------------------------------------------------------------

  findMessage(ts: string, channel?: string): MessageRecord | undefined {
    const m = this.#byTs.get(ts);
    if (!m || (channel !== undefined && m.channel !== channel)) return undefined;
    return m;
  }

  /**
   * The root ts for a reply: a reply to a reply lands in the root thread, as in Slack.
   * An unknown thread_ts is an error here (Slack would post to the channel instead), so that
   * replies to a wrong ts show up in tests.
   */
  threadRoot(channel: string, threadTs: string): string {
    const parent = this.findMessage(threadTs, channel);
    if (!parent || parent.deleted || parent.ephemeral) throw new SlackApiError('thread_not_found');
    return parent.threadTs ?? parent.ts;
  }

  addMessage(msg: Omit<MessageRecord, 'ts' | 'postedAt' | 'edits' | 'deleted'>): MessageRecord {
    const rec: MessageRecord = { ...msg, ts: this.opts.ids.ts(), postedAt: Date.now(), edits: 0, deleted: false };
    this.messages.push(rec);
    this.#byTs.set(rec.ts, rec);
    this.opts.recorder.events.emit('message', rec);
    return rec;
  }

  /** Root-level messages of a channel, or the replies of one thread; oldest first. */
  listMessages(channel: string, threadTs?: string, opts: { includeDeleted?: boolean } = {}): MessageRecord[] {
    return this.messages
      .filter((m) => m.channel === channel && (opts.includeDeleted || !m.deleted))
      .filter((m) => (threadTs === undefined ? m.threadTs === undefined || m.replyBroadcast === true : m.threadTs === threadTs && m.ts !== threadTs))
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  // --- trigger ids ---------------------------------------------------------------------------------

  issueTrigger(user: string): string {
    const id = this.opts.ids.triggerId();
    this.#triggers.set(id, { id, user, issuedAt: Date.now(), used: false });
    return id;
  }

  /** Single use, valid for triggerTtlMs (3 s in Slack). */
  consumeTrigger(id: string): TriggerRecord {
    const t = this.#triggers.get(id);
    if (!t) throw new SlackApiError('invalid_trigger_id');
    if (t.used) throw new SlackApiError('exchanged_trigger_id');
    if (Date.now() - t.issuedAt > this.opts.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    t.used = true;
    return t;
  }

  // --- response URLs -------------------------------------------------------------------------------

  issueResponseUrl(ctx: Omit<ResponseUrlRecord, 'id' | 'issuedAt' | 'uses'>): string {
    const id = this.opts.ids.secret();
    this.#responseUrls.set(id, { ...ctx, id, issuedAt: Date.now(), uses: 0 });
    return id;
  }

  /** 5 uses within 30 minutes, as in Slack. */
  useResponseUrl(id: string): ResponseUrlRecord {
    const r = this.#responseUrls.get(id);
    if (!r || Date.now() - r.issuedAt > this.opts.responseUrlTtlMs) throw new SlackApiError('expired_url');
    if (r.uses >= this.opts.responseUrlMaxUses) throw new SlackApiError('used_url');
    r.uses += 1;
    return r;
  }

  // --- views ---------------------------------------------------------------------------------------

  modalStack(user: string): ViewRecord[] {
    return (this.modalStacks.get(user) ?? []).map((id) => this.views.get(id)!).filter((v) => v.open);
  }

  /** Closes the top modal (or the whole stack) of a user. */
  closeModal(user: string, viewId: string, reason: NonNullable<ViewRecord['closedReason']>, whole = false): void {
    const stack = this.modalStacks.get(user) ?? [];
    const idx = stack.indexOf(viewId);
    if (idx < 0) return;
    const closing = whole ? stack.splice(0) : stack.splice(idx);
    for (const id of closing) {
      const v = this.views.get(id);
      if (v && v.open) {
        v.open = false;
        v.closedReason = reason;
        v.updatedAt = Date.now();
      }
    }
  }

  findView(viewId?: string, externalId?: string): ViewRecord | undefined {
    if (viewId) return this.views.get(viewId);
    if (externalId) return [...this.views.values()].find((v) => v.external_id === externalId && v.open);
    return undefined;
  }

  /** The view object as Slack returns it from views.* and puts into payloads. */
  viewPayload(v: ViewRecord, teamId: string, appId: string, botId: string): JsonObject {
    return {
      id: v.id,
      team_id: teamId,
      type: v.type,
      blocks: v.blocks,
      private_metadata: v.private_metadata ?? '',
      callback_id: v.callback_id ?? '',
      state: v.state,
      hash: v.hash,
      title: v.title,
      clear_on_close: v.clear_on_close,
      notify_on_close: v.notify_on_close,
      close: v.close ?? null,
      submit: v.submit ?? null,
      previous_view_id: v.previous_view_id,
      root_view_id: v.root_view_id,
      app_id: appId,
      external_id: v.external_id ?? '',
      app_installed_team_id: teamId,
      bot_id: botId,
    };
  }
}
