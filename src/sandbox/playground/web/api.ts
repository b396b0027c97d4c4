/**
 * The playground page's JSON API over the simulated Slack's driver: what a person sees in a
 * channel (messages, threads, ephemeral replies, the open modal, the App Home) and what they do
 * (type a slash command or a message, click a button, submit or close a modal, open the Home
 * tab, run a scheduled job now). Plus the services panel's feed (activity.ts).
 *
 * Transport-free so it is unit-tested without HTTP; server.ts maps routes onto it.
 */
import { z } from 'zod';
import type { SimulatedSlack } from '../../slack/index.ts';
import type { JsonObject, MessageRecord, ViewRecord } from '../../slack/index.ts';
import type { SimulatedWorld } from '../../world.ts';
import { ServiceActivity, type ActivityEntry } from './activity.ts';

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export interface PersonaInfo {
  id: string;
  /** What the persona may do, in words. */
  role: string;
}

/** Runs a scheduled job now (the lead wires the scheduler's runNow). */
export type JobRunner = (name: string) => Promise<unknown>;

export interface JobControls {
  run: JobRunner;
  /** Names of the jobs to offer; default none (the page then shows a free-text field). */
  names?: () => string[] | Promise<string[]>;
}

export interface PlaygroundApiDeps {
  slack: SimulatedSlack;
  /** The services behind the services panel (omit: the panel stays empty). */
  world?: Pick<SimulatedWorld, 'errata' | 'gitlab' | 'jenkins' | 'prow' | 'github' | 'jira'>;
  /** Users offered by the user switcher, first is the default (default: every non-bot user). */
  personas?: readonly PersonaInfo[];
  jobs?: JobControls;
  /** Example commands shown under the composer. */
  examples?: readonly string[];
  /** The channel the page opens first (default: the first channel). */
  defaultChannel?: string;
}

export interface UiUser {
  id: string;
  name: string;
  realName: string;
  role?: string;
  isBot: boolean;
}

export interface UiChannel {
  id: string;
  name: string;
  isDm: boolean;
}

export interface UiMessage {
  ts: string;
  threadTs?: string;
  user: string;
  author: string;
  isBot: boolean;
  text: string;
  blocks: unknown[];
  ephemeral: boolean;
  edited: boolean;
  replyCount: number;
  files: { id: string; name: string; title: string; size: number }[];
}

export interface UiView {
  id: string;
  type: 'modal' | 'home';
  callbackId?: string;
  title?: string;
  submit?: string;
  close?: string;
  blocks: unknown[];
  errors?: Record<string, string>;
  hash: string;
  /** Changes whenever the view's content or errors change (the page re-renders then, keeping typed input otherwise). */
  version: string;
}

export interface Workspace {
  team: string;
  bot: { id: string; name: string };
  users: UiUser[];
  personas: PersonaInfo[];
  channels: UiChannel[];
  groups: { id: string; handle: string }[];
  defaultChannel: string;
  examples: readonly string[];
  jobs: boolean;
}

export interface Snapshot {
  user: string;
  channel: UiChannel;
  messages: UiMessage[];
  thread: { root: UiMessage; replies: UiMessage[] } | null;
  /** The top of the user's modal stack. */
  modal: UiView | null;
  modalDepth: number;
  home: UiView | null;
  activity: ActivityEntry[];
  jobs: string[] | null;
}

const userId = z.string().regex(/^[UW][A-Z0-9_]+$/, 'a Slack user id like U_LEAD');
const ts = z.string().regex(/^\d+\.\d+$/, 'a message ts like 1700000000.000100');

export const SendSchema = z.strictObject({
  user: userId,
  channel: z.string().min(1),
  text: z.string().trim().min(1, 'type a command or a message').max(4000),
  threadTs: ts.optional(),
});

export const ClickSchema = z
  .strictObject({
    user: userId,
    actionId: z.string().min(1).max(255),
    value: z.string().max(2000).optional(),
    messageTs: ts.optional(),
    channel: z.string().min(1).optional(),
    viewId: z.string().min(1).optional(),
  })
  .refine((b) => Boolean(b.messageTs) !== Boolean(b.viewId), 'give either messageTs or viewId');

const simpleValue = z.union([z.string(), z.array(z.string()), z.null()]);
export const SubmitSchema = z.strictObject({
  user: userId,
  viewId: z.string().min(1).optional(),
  values: z.record(z.string(), simpleValue).default({}),
});

export const CloseSchema = z.strictObject({ user: userId, viewId: z.string().min(1).optional() });
export const HomeSchema = z.strictObject({ user: userId });
export const RunJobSchema = z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a job name like jira-notificator') });

/** What Slack's client does to typed text: &, <, > escaped, @handles and e-mail addresses linked. */
export function slackifyMessageText(text: string, handles: ReadonlyMap<string, string>): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .replace(/(^|\s)@([A-Za-z0-9._-]+)/g, (m, pre: string, handle: string) => {
      const id = handles.get(handle.toLowerCase());
      return id ? `${pre}<@${id}>` : m;
    })
    .replace(/(^|\s)([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})(?=\s|$)/g, (_m, pre: string, addr: string) => `${pre}<mailto:${addr}|${addr}>`);
}

/** Slash command text: Slack escapes &, < and > (it links nothing unless the command asks it to). */
export function slackifyCommandText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new ApiError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

/** Driver misuse (unknown user, a message the user cannot see...) is the caller's mistake: 400. */
async function driver<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, (e as Error).message);
  }
}

function textOf(obj: JsonObject | undefined): string | undefined {
  const t = obj?.text;
  return typeof t === 'string' ? t : undefined;
}

export class PlaygroundApi {
  readonly #slack: SimulatedSlack;
  readonly #deps: PlaygroundApiDeps;
  readonly #activity: ServiceActivity | undefined;
  #jobs: JobControls | undefined;

  constructor(deps: PlaygroundApiDeps) {
    this.#slack = deps.slack;
    this.#deps = deps;
    this.#jobs = deps.jobs;
    this.#activity = deps.world ? new ServiceActivity(deps.world) : undefined;
  }

  /** Wire (or replace) the "run now" affordance after start: the scheduler may be built later. */
  setJobs(jobs: JobControls | undefined): void {
    this.#jobs = jobs;
  }

  #userNames(): Map<string, string> {
    return new Map(this.#slack.users().map((u) => [u.id, u.real_name || u.name]));
  }

  workspace(): Workspace {
    const users = this.#slack.users().filter((u) => !u.deleted);
    const personas = this.#personas();
    const roles = new Map(personas.map((p) => [p.id, p.role]));
    const channels: UiChannel[] = this.#slack
      .channels()
      .filter((c) => !c.isPrivate)
      .map((c) => ({ id: c.id, name: c.name, isDm: false }));
    return {
      team: 'OAR playground',
      bot: { id: this.#slack.botUserId, name: users.find((u) => u.id === this.#slack.botUserId)?.name ?? 'oar-bot' },
      users: users.map((u) => ({ id: u.id, name: u.name, realName: u.real_name, isBot: Boolean(u.isBot), ...(roles.has(u.id) ? { role: roles.get(u.id) } : {}) })),
      personas,
      channels,
      groups: this.#slack.groups().map((g) => ({ id: g.id, handle: g.handle })),
      defaultChannel: this.#deps.defaultChannel ?? channels[0]?.id ?? '',
      examples: this.#deps.examples ?? [],
      jobs: Boolean(this.#jobs),
    };
  }

  #personas(): PersonaInfo[] {
    if (this.#deps.personas?.length) return [...this.#deps.personas];
    return this.#slack
      .users()
      .filter((u) => !u.isBot && !u.deleted && u.id !== this.#slack.botUserId)
      .map((u) => ({ id: u.id, role: '' }));
  }

  /** The DM with the bot is per user: another user's DM is never shown. */
  #resolveChannel(user: string, ref: string): UiChannel {
    if (/^D[UW]/.test(ref) || ref === 'dm') {
      const id = this.#slack.channelId(user);
      return { id, name: 'oar-bot', isDm: true };
    }
    const id = this.#slack.channelId(ref);
    const c = this.#slack.channels().find((x) => x.id === id);
    if (!c) throw new ApiError(404, `unknown channel ${ref}`);
    if (c.members && !c.members.includes(user)) throw new ApiError(403, `${user} is not a member of #${c.name}`);
    return { id: c.id, name: c.name, isDm: false };
  }

  async snapshot(q: { user?: string; channel?: string; thread?: string }): Promise<Snapshot> {
    const user = parse(userId, q.user);
    if (!this.#slack.users().some((u) => u.id === user)) throw new ApiError(404, `unknown user ${user}`);
    const channel = await driver(() => this.#resolveChannel(user, q.channel || this.workspace().defaultChannel));
    const names = this.#userNames();
    const all = this.#slack.allMessages();
    const visible = (m: MessageRecord) => !m.deleted && (!m.ephemeral || m.visibleTo === user);
    const replies = new Map<string, number>();
    for (const m of all) if (m.threadTs && m.threadTs !== m.ts && m.channel === channel.id && visible(m)) replies.set(m.threadTs, (replies.get(m.threadTs) ?? 0) + 1);
    const ui = (m: MessageRecord): UiMessage => ({
      ts: m.ts,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
      user: m.user,
      author: names.get(m.user) ?? m.user,
      isBot: Boolean(m.botId) || m.user === this.#slack.botUserId,
      text: m.text,
      blocks: m.blocks ?? [],
      ephemeral: m.ephemeral,
      edited: m.edits > 0,
      replyCount: replies.get(m.ts) ?? 0,
      files: (m.files ?? []).map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.size })),
    });
    const messages = this.#slack.messages(channel.id).filter(visible).map(ui);
    let thread: Snapshot['thread'] = null;
    if (q.thread) {
      const root = this.#slack.message(q.thread);
      if (root && root.channel === channel.id && visible(root)) {
        thread = { root: ui(root), replies: this.#slack.messages(channel.id, root.ts).filter(visible).map(ui) };
      }
    }
    const stack = this.#slack.views(user);
    const top = stack.at(-1);
    const home = this.#slack.homeView(user);
    return {
      user,
      channel,
      messages,
      thread,
      modal: top ? uiView(top) : null,
      modalDepth: stack.length,
      home: home ? uiView(home) : null,
      activity: this.#activity?.entries() ?? [],
      jobs: this.#jobs ? [...((await this.#jobs.names?.()) ?? [])] : null,
    };
  }

  /** `/oar ...` becomes a slash command; anything else a message (with `@oar-bot` as a real mention). */
  async send(body: unknown): Promise<{ kind: 'slash' | 'message'; acked: boolean; outcome: string; ts?: string; ackError?: string }> {
    const b = parse(SendSchema, body);
    const text = b.text.trim();
    if (text.startsWith('/')) {
      const command = text.split(/\s+/, 1)[0]!;
      const channel = await driver(() => this.#resolveChannel(b.user, b.channel));
      const r = await driver(() => this.#slack.slashCommand({ user: b.user, channel: channel.id, command, text: slackifyCommandText(text.slice(command.length).trim()) }));
      return { kind: 'slash', acked: r.acked, outcome: r.outcome, ...(r.ackError ? { ackError: r.ackError } : {}) };
    }
    const handles = new Map<string, string>([['oar', this.#slack.botUserId]]);
    for (const u of this.#slack.users()) handles.set(u.name.toLowerCase(), u.id);
    const channel = await driver(() => this.#resolveChannel(b.user, b.channel));
    const r = await driver(() =>
      this.#slack.sendMessage({ user: b.user, channel: channel.id, text: slackifyMessageText(text, handles), ...(b.threadTs ? { threadTs: b.threadTs } : {}) }),
    );
    const delivered = r.events.filter((e) => e.delivery.acked);
    const outcome = r.events.length === 0 ? 'not_sent' : (r.events.find((e) => !e.delivery.acked)?.delivery.outcome ?? 'acked');
    return { kind: 'message', acked: r.events.length > 0 && delivered.length === r.events.length, outcome, ts: r.ts };
  }

  async click(body: unknown): Promise<{ acked: boolean; outcome: string }> {
    const b = parse(ClickSchema, body);
    const r = await driver(() =>
      this.#slack.clickButton({
        user: b.user,
        actionId: b.actionId,
        ...(b.value !== undefined ? { value: b.value } : {}),
        ...(b.messageTs ? { messageTs: b.messageTs } : {}),
        ...(b.channel ? { channel: b.channel } : {}),
        ...(b.viewId ? { viewId: b.viewId } : {}),
      }),
    );
    return { acked: r.acked, outcome: r.outcome };
  }

  async submit(body: unknown): Promise<{ acked: boolean; outcome: string; viewOpen: boolean; errors?: Record<string, string>; ackError?: string }> {
    const b = parse(SubmitSchema, body);
    const r = await driver(() => this.#slack.submitView({ user: b.user, values: b.values, ...(b.viewId ? { viewId: b.viewId } : {}) }));
    return { acked: r.acked, outcome: r.outcome, viewOpen: r.viewOpen, ...(r.errors ? { errors: r.errors } : {}), ...(r.ackError ? { ackError: r.ackError } : {}) };
  }

  async close(body: unknown): Promise<{ sent: boolean }> {
    const b = parse(CloseSchema, body);
    const r = await driver(() => this.#slack.closeView({ user: b.user, ...(b.viewId ? { viewId: b.viewId } : {}) }));
    return { sent: r.sent };
  }

  async openHome(body: unknown): Promise<{ acked: boolean; outcome: string }> {
    const b = parse(HomeSchema, body);
    const r = await driver(() => this.#slack.openHome({ user: b.user }));
    return { acked: r.delivery.acked, outcome: r.delivery.outcome };
  }

  async runJob(body: unknown): Promise<{ job: string; result: unknown }> {
    const b = parse(RunJobSchema, body);
    if (!this.#jobs) throw new ApiError(404, 'no job runner is wired into this playground');
    const names = (await this.#jobs.names?.()) ?? [];
    if (names.length && !names.includes(b.name)) throw new ApiError(404, `unknown job ${b.name}; jobs: ${names.join(', ')}`);
    return { job: b.name, result: await this.#jobs.run(b.name) };
  }

  /** A file on the simulated GitHub (the StateBox links in the services panel). */
  githubFile(q: { branch?: string; path?: string }): string {
    if (!this.#deps.world) throw new ApiError(404, 'no simulated GitHub in this playground');
    const branch = parse(z.string().regex(/^[\w.-]+$/), q.branch);
    const path = parse(z.string().min(1).max(500).refine((p) => !p.split('/').includes('..'), 'no .. segments'), q.path);
    const text = this.#deps.world.github.readFile(branch, path);
    if (text === undefined) throw new ApiError(404, `no file ${path} on ${branch}`);
    return text;
  }
}

export function uiView(v: ViewRecord): UiView {
  const title = textOf(v.title);
  const submit = textOf(v.submit);
  const close = textOf(v.close);
  return {
    id: v.id,
    type: v.type,
    ...(v.callback_id ? { callbackId: v.callback_id } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(submit !== undefined ? { submit } : {}),
    ...(close !== undefined ? { close } : {}),
    blocks: v.blocks,
    ...(v.errors ? { errors: v.errors } : {}),
    hash: v.hash,
    version: `${v.id}:${v.hash}:${v.updatedAt}:${JSON.stringify(v.errors ?? {})}`,
  };
}
