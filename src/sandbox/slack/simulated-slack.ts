/**
 * The simulated Slack and its driver: what a user does in Slack (slash command, message,
 * button click, modal submit/close, opening the App Home) becomes a Socket Mode envelope to the
 * app; what the app does through the Web API is recorded and checked against Slack's limits.
 */
import { manifestBotEvents } from './manifest.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { SimContext, SubscribedEvent } from './context.ts';
import { DEFAULT_CHANNELS, DEFAULT_GROUPS, DEFAULT_USERS, SIM_APP_ID, SIM_BOT, SIM_TEAM, SIM_TOKENS } from './defaults.ts';
import { EventDispatcher, type EventRecord } from './events.ts';
import { FaultRegistry, type Fault } from './faults.ts';
import { SimHttpServer } from './http-server.ts';
import { IdGenerator } from './ids.ts';
import { validateView } from './limits.ts';
import { checkContent, dispatchLogged, editMessage as applyEdit, messageEventBase, postBotMessage, sendMessageEvent } from './messaging.ts';
import {
  VERIFICATION_TOKEN, blockActionsPayload, findElement, richTextBlocks, slashCommandPayload, viewClosedPayload, viewSubmissionPayload,
} from './payloads.ts';
import { Recorder, type WaitOptions } from './recorder.ts';
import { messageJson, type Identity } from './shapes.ts';
import { SocketModeLink, type DisconnectReason } from './socket-link.ts';
import { buildStateValues, type SimpleValue, type StateValues } from './view-state.ts';
import { openModal, replaceView } from './web-api.ts';
import { SlackApiError, Workspace, type Channel } from './workspace.ts';
import type {
  CallRecord, ConnectionInfo, DeliveryResult, EnvelopeRecord, EnvelopeType, InboundFrame, JsonObject, MessageRecord, ProtocolIssue,
  SeedChannel, SeedGroup, SeedUser, StoredFile, ViewRecord,
} from './types.ts';

export interface SimulatedSlackOptions {
  /** TCP port (default 0: ephemeral). The server listens on 127.0.0.1 only. */
  port?: number;
  botToken?: string;
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  botName?: string;
  /** Seed data added to (or, with replaceDefaults, instead of) the default workspace. */
  users?: SeedUser[];
  groups?: SeedGroup[];
  channels?: SeedChannel[];
  replaceDefaults?: boolean;
  /** Ack deadline (Slack: 3000 ms). */
  ackTimeoutMs?: number;
  /** Delays before event retries 1..3 (Slack: at once, 1 min, 5 min). */
  eventRetryDelaysMs?: number[];
  /** Automatic event redeliveries after a missed ack (Slack: 3). */
  maxEventRetries?: number;
  /** trigger_id lifetime (Slack: 3000 ms). */
  triggerTtlMs?: number;
  /** response_url lifetime and uses (Slack: 30 min, 5 uses). */
  responseUrlTtlMs?: number;
  responseUrlMaxUses?: number;
  /** Send `message` events for the bot's own posts, edits and deletions, as Slack does (default true). */
  echoBotMessages?: boolean;
  /** Events the app subscribes to (default: the bot events of manifest.yml). */
  subscribedEvents?: SubscribedEvent[];
  /** Socket Mode connections per app (Slack: 10); one more gets `too_many_websockets`. */
  maxConnections?: number;
  logger?: Logger;
}

export interface SlashCommandInput {
  user: string;
  channel: string;
  /** Default `/oar`. */
  command?: string;
  text?: string;
}

export interface SlashCommandResult extends DeliveryResult {
  triggerId: string;
  responseUrl: string;
  /** The message Slack shows for an ack that carried text/blocks. */
  ackMessage?: MessageRecord;
  /** The Slack error for an ack payload Slack would refuse (e.g. invalid_blocks). */
  ackError?: string;
}

export interface SendMessageInput {
  user: string;
  channel: string;
  text: string;
  /** Reply in this thread (a reply's ts lands in its root thread). */
  threadTs?: string;
}

export interface EventDelivery {
  eventId: string;
  type: string;
  delivery: DeliveryResult;
}

export interface SentMessage {
  channel: string;
  ts: string;
  message: MessageRecord;
  /** One per event sent: `message`, plus `app_mention` when the text mentions the bot. */
  events: EventDelivery[];
}

export interface ClickInput {
  user: string;
  actionId: string;
  /** The message holding the element (or use viewId for an element in a modal / Home tab). */
  messageTs?: string;
  channel?: string;
  viewId?: string;
  /** Selects the button with this value when several share the action_id; for selects, the option value chosen. */
  value?: string;
}

export interface ClickResult extends DeliveryResult {
  triggerId: string;
  responseUrl?: string;
}

export interface SubmitViewInput {
  user: string;
  /** Default: the top modal of the user's stack. */
  viewId?: string;
  /** action_id (or block_id) -> value, converted per element type. */
  values?: Record<string, SimpleValue>;
  /** Raw `state.values`, used as given instead of `values`. */
  stateValues?: StateValues;
}

export interface SubmitViewResult extends DeliveryResult {
  viewId: string;
  triggerId: string;
  responseAction?: string;
  /** `response_action: errors` map (block_id -> message). */
  errors?: Record<string, string>;
  /** Whether the submitted view is still open afterwards. */
  viewOpen: boolean;
  /** Problem with the ack payload Slack would refuse. */
  ackError?: string;
}

export interface CloseViewResult {
  viewId: string;
  /** Whether a view_closed envelope was sent (only with notify_on_close). */
  sent: boolean;
  delivery?: DeliveryResult;
}

export class SimulatedSlack {
  readonly baseUrl: string;
  /** Pass as `clientOptions.slackApiUrl` / SLACK_API_URL (ends with `/`). */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly appId: string;
  readonly #ctx: SimContext;
  readonly #faults: FaultRegistry;
  readonly #http: SimHttpServer;
  #stopped = false;

  /** Use startSimulatedSlack(). */
  constructor(ctx: SimContext, faults: FaultRegistry, http: SimHttpServer, baseUrl: string) {
    this.#ctx = ctx;
    this.#faults = faults;
    this.#http = http;
    this.baseUrl = baseUrl;
    this.apiUrl = `${baseUrl}/api/`;
    this.botToken = ctx.botToken;
    this.appToken = ctx.appToken;
    this.botUserId = ctx.identity.botUserId;
    this.botId = ctx.identity.botId;
    this.teamId = ctx.identity.teamId;
    this.appId = ctx.identity.appId;
  }

  get #ws(): Workspace {
    return this.#ctx.workspace;
  }

  // --- seeding ---------------------------------------------------------------------------------------

  addUser(user: SeedUser): void {
    this.#ws.addUser(user);
  }

  addGroup(group: SeedGroup): void {
    this.#ws.addGroup(group);
  }

  addChannel(channel: SeedChannel): void {
    this.#ws.addChannel(channel);
  }

  users(): SeedUser[] {
    return [...this.#ws.users.values()].map((u) => ({ ...u }));
  }

  groups(): SeedGroup[] {
    return [...this.#ws.groups.values()].map((g) => ({ ...g, users: [...g.users] }));
  }

  channels(): SeedChannel[] {
    return [...this.#ws.channels.values()].filter((c) => !c.isIm).map((c) => ({
      id: c.id, name: c.name, isPrivate: c.isPrivate, ...(c.members ? { members: [...c.members] } : {}),
    }));
  }

  /** The channel id for an id, `#name` or `name`; a user id gives the user's DM with the bot. */
  channelId(ref: string): string {
    return this.#channel(ref).id;
  }

  #user(id: string): SeedUser {
    const u = this.#ws.users.get(id);
    if (!u) throw new Error(`simulated Slack: unknown user ${id}`);
    return u;
  }

  #channel(ref: string): Channel {
    const c = this.#ws.findChannel(ref);
    if (!c) throw new Error(`simulated Slack: unknown channel ${ref}`);
    return c;
  }

  #alive(): void {
    if (this.#stopped) throw new Error('simulated Slack is stopped');
  }

  // --- what users do ---------------------------------------------------------------------------------

  /** A user runs a slash command; resolves when the app acks (or the 3 s deadline passes). */
  async slashCommand(input: SlashCommandInput): Promise<SlashCommandResult> {
    this.#alive();
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    const command = input.command ?? '/oar';
    if (!command.startsWith('/')) throw new Error(`simulated Slack: a slash command starts with /, got ${command}`);
    const triggerId = this.#ws.issueTrigger(user.id);
    const responseUrl = `${this.baseUrl}/response/${this.#ws.issueResponseUrl({ channel: channel.id, user: user.id })}`;
    const payload = slashCommandPayload({ id: this.#ctx.identity, user, channel, command, text: input.text ?? '', responseUrl, triggerId });
    const delivery = await this.#ctx.link.deliver('slash_commands', payload, { acceptsResponsePayload: true });
    const result: SlashCommandResult = { ...delivery, triggerId, responseUrl };
    const ack = delivery.ack;
    if (ack && (ack.text !== undefined || ack.blocks !== undefined)) {
      try {
        const inChannel = ack.response_type === 'in_channel';
        result.ackMessage = structuredClone(postBotMessage(this.#ctx, {
          channel,
          content: checkContent(this.#ctx, ack),
          ephemeral: !inChannel,
          ...(inChannel ? {} : { visibleTo: user.id }),
          source: 'ack',
        }));
      } catch (err) {
        if (!(err instanceof SlackApiError)) throw err;
        result.ackError = err.code;
      }
    }
    return result;
  }

  /** A user posts a message: `message` event, plus `app_mention` when it mentions the bot. */
  async sendMessage(input: SendMessageInput): Promise<SentMessage> {
    this.#alive();
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    if (!this.#ws.isMember(channel, user.id)) throw new Error(`simulated Slack: ${user.id} is not a member of ${channel.id}`);
    let threadTs: string | undefined;
    if (input.threadTs) {
      try {
        threadTs = this.#ws.threadRoot(channel.id, input.threadTs);
      } catch (err) {
        throw new Error(`simulated Slack: no message ${input.threadTs} in ${channel.id} to reply to`, { cause: err });
      }
    }
    const rec = this.#ws.addMessage({
      channel: channel.id, user: user.id, text: input.text, blocks: richTextBlocks(input.text),
      ...(threadTs ? { threadTs } : {}), ephemeral: false, source: 'user',
    });
    const clientMsgId = this.#ctx.ids.envelopeId();
    const dispatched = [];
    const messageEvent = sendMessageEvent(this.#ctx, rec, { ...messageEventBase(this.#ctx, rec), client_msg_id: clientMsgId });
    if (messageEvent) dispatched.push(messageEvent);
    const botIsMember = this.#ws.isMember(channel, this.botUserId);
    if (botIsMember && this.#ctx.subscribedEvents.has('app_mention') && input.text.includes(`<@${this.botUserId}>`)) {
      const base = messageEventBase(this.#ctx, rec);
      delete base.channel_type;
      dispatched.push(dispatchLogged(this.#ctx, { ...base, type: 'app_mention', client_msg_id: clientMsgId }));
    }
    const events = await Promise.all(dispatched.map(async (d) => ({ eventId: d.eventId, type: d.type, delivery: await d.delivery })));
    return { channel: channel.id, ts: rec.ts, message: structuredClone(rec), events };
  }

  /** A user edits their message: a `message_changed` event (it has no top-level `user`). */
  async editMessage(input: { user: string; channel: string; ts: string; text: string }): Promise<EventDelivery | undefined> {
    this.#alive();
    const channel = this.#channel(input.channel);
    const rec = this.#ws.findMessage(input.ts, channel.id);
    if (!rec || rec.deleted || rec.user !== input.user) throw new Error(`simulated Slack: ${input.user} has no message ${input.ts} in ${channel.id}`);
    const d = applyEdit(this.#ctx, rec, { text: input.text, blocks: richTextBlocks(input.text) });
    return d ? { eventId: d.eventId, type: d.type, delivery: await d.delivery } : undefined;
  }

  /** Delivers an event again with retry_attempt + 1 (to test de-duplication). */
  redeliver(eventId: string, reason = 'timeout'): Promise<DeliveryResult> {
    this.#alive();
    return this.#ctx.events.redeliver(eventId, reason);
  }

  /** A user clicks a button (or picks a select option) in a message, modal or Home tab. */
  async clickButton(input: ClickInput): Promise<ClickResult> {
    this.#alive();
    const user = this.#user(input.user);
    const id = this.#ctx.identity;
    const triggerId = this.#ws.issueTrigger(user.id);
    let blocks: readonly JsonObject[];
    let where: string;
    const extra: { container: JsonObject; channel?: Channel; message?: JsonObject; view?: JsonObject; responseUrl?: string; stateValues: StateValues } = {
      container: {}, stateValues: {},
    };
    if (input.viewId) {
      const view = this.#ws.views.get(input.viewId);
      if (!view || !view.open || view.user !== user.id) throw new Error(`simulated Slack: ${user.id} has no open view ${input.viewId}`);
      blocks = view.blocks;
      where = `view ${view.id}`;
      extra.container = { type: 'view', view_id: view.id };
      extra.view = this.#ws.viewPayload(view, id.teamId, id.appId, id.botId);
      extra.stateValues = view.state.values;
    } else if (input.messageTs) {
      const msg = this.#ws.findMessage(input.messageTs, input.channel ? this.#channel(input.channel).id : undefined);
      if (!msg || msg.deleted) throw new Error(`simulated Slack: no message ${input.messageTs}`);
      if (msg.ephemeral && msg.visibleTo !== user.id) throw new Error(`simulated Slack: ephemeral message ${msg.ts} is not visible to ${user.id}`);
      blocks = msg.blocks ?? [];
      where = `message ${msg.ts}`;
      const channel = this.#ws.channels.get(msg.channel)!;
      extra.channel = channel;
      extra.container = { type: 'message', message_ts: msg.ts, channel_id: channel.id, is_ephemeral: msg.ephemeral };
      if (!msg.ephemeral) extra.message = messageJson(msg, id);
      extra.responseUrl = `${this.baseUrl}/response/${this.#ws.issueResponseUrl({ channel: channel.id, user: user.id, sourceTs: msg.ts })}`;
    } else {
      throw new Error('simulated Slack: clickButton needs messageTs or viewId');
    }
    const found = findElement(blocks, input.actionId, input.value);
    if (!found) {
      throw new Error(`simulated Slack: no element with action_id ${input.actionId}${input.value !== undefined ? ` and value ${input.value}` : ''} in ${where}`);
    }
    const action = this.#action(found.block, found.element, input.value);
    const payload = blockActionsPayload({ id, user, action, triggerId, ...extra });
    const delivery = await this.#ctx.link.deliver('interactive', payload, { acceptsResponsePayload: false });
    return { ...delivery, triggerId, ...(extra.responseUrl ? { responseUrl: extra.responseUrl } : {}) };
  }

  #action(block: JsonObject, el: JsonObject, value: string | undefined): JsonObject {
    const base = { action_id: el.action_id, block_id: block.block_id, type: el.type, action_ts: this.#ctx.ids.ts() };
    switch (el.type) {
      case 'button':
        return { ...base, text: el.text, ...(el.value !== undefined ? { value: el.value } : {}), ...(el.style ? { style: el.style } : {}) };
      case 'static_select':
      case 'overflow':
      case 'radio_buttons': {
        const options = (Array.isArray(el.options) ? el.options : []) as JsonObject[];
        const option = options.find((o) => o.value === value);
        if (!option) throw new Error(`simulated Slack: choose one of ${options.map((o) => String(o.value)).join(', ')} for ${String(el.action_id)}`);
        return { ...base, selected_option: option };
      }
      case 'users_select':
        if (!value) throw new Error(`simulated Slack: value (a user id) is required for ${String(el.action_id)}`);
        return { ...base, selected_user: value };
      default:
        throw new Error(`simulated Slack: clickButton does not support ${String(el.type)} elements`);
    }
  }

  /** A user submits a modal; applies the ack's response_action as Slack does. */
  async submitView(input: SubmitViewInput): Promise<SubmitViewResult> {
    this.#alive();
    const user = this.#user(input.user);
    const view = this.#openModal(user.id, input.viewId);
    const values = input.stateValues ?? buildStateValues(view, input.values ?? {});
    view.state = { values: structuredClone(values) };
    const id = this.#ctx.identity;
    const triggerId = this.#ws.issueTrigger(user.id);
    const payload = viewSubmissionPayload({ id, user, view: this.#ws.viewPayload(view, id.teamId, id.appId, id.botId), triggerId });
    const delivery = await this.#ctx.link.deliver('interactive', payload, { acceptsResponsePayload: true });
    const result: SubmitViewResult = { ...delivery, viewId: view.id, triggerId, viewOpen: view.open };
    if (!delivery.acked || this.#stopped) return result;
    const ack = delivery.ack ?? {};
    const action = ack.response_action;
    if (action !== undefined) result.responseAction = String(action);
    if (action === undefined) {
      this.#ws.closeModal(user.id, view.id, 'submitted');
    } else if (action === 'errors') {
      const errors = ack.errors;
      const inputIds = new Set(view.blocks.filter((b) => b.type === 'input').map((b) => String(b.block_id)));
      if (typeof errors !== 'object' || errors === null || Object.values(errors).some((m) => typeof m !== 'string')) {
        result.ackError = 'invalid_errors';
      } else {
        const unknown = Object.keys(errors).filter((k) => !inputIds.has(k));
        if (unknown.length) result.ackError = `errors for unknown input block(s): ${unknown.join(', ')}`;
        view.errors = { ...(errors as Record<string, string>) };
        result.errors = { ...view.errors };
      }
    } else if (action === 'update' || action === 'push') {
      const problems = validateView(ack.view, 'modal');
      if (problems.length) result.ackError = `invalid_blocks: ${problems.join('; ')}`;
      else if (action === 'update') replaceView(this.#ctx, view, ack.view as JsonObject);
      else {
        try {
          openModal(this.#ctx, user.id, ack.view as JsonObject, true);
        } catch (err) {
          if (!(err instanceof SlackApiError)) throw err;
          result.ackError = err.code;
        }
      }
    } else if (action === 'clear') {
      this.#ws.closeModal(user.id, view.id, 'cleared', true);
    } else {
      result.ackError = `unknown response_action ${String(action)}`;
    }
    result.viewOpen = view.open;
    return result;
  }

  /** A user closes a modal (X / Cancel); view_closed goes to the app only with notify_on_close. */
  async closeView(input: { user: string; viewId?: string }): Promise<CloseViewResult> {
    this.#alive();
    const user = this.#user(input.user);
    const view = this.#openModal(user.id, input.viewId);
    this.#ws.closeModal(user.id, view.id, 'closed', view.clear_on_close);
    if (!view.notify_on_close) return { viewId: view.id, sent: false };
    const id = this.#ctx.identity;
    const payload = viewClosedPayload({ id, user, view: this.#ws.viewPayload(view, id.teamId, id.appId, id.botId), isCleared: view.clear_on_close });
    const delivery = await this.#ctx.link.deliver('interactive', payload, { acceptsResponsePayload: false });
    return { viewId: view.id, sent: true, delivery };
  }

  #openModal(user: string, viewId?: string): ViewRecord {
    const stack = this.#ws.modalStack(user);
    const view = viewId ? this.#ws.views.get(viewId) : stack.at(-1);
    if (!view || !view.open || view.type !== 'modal' || view.user !== user) {
      throw new Error(`simulated Slack: ${user} has no open modal${viewId ? ` ${viewId}` : ''}`);
    }
    return view;
  }

  /** A user opens the app's Home tab: app_home_opened (with the published view, if any). */
  async openHome(input: { user: string }): Promise<EventDelivery> {
    this.#alive();
    const user = this.#user(input.user);
    if (!this.#ctx.subscribedEvents.has('app_home_opened')) throw new Error('simulated Slack: the app does not subscribe to app_home_opened');
    const dm = this.#ws.dmChannel(user.id);
    const id = this.#ctx.identity;
    const homeId = this.#ws.homeViews.get(user.id);
    const home = homeId ? this.#ws.views.get(homeId) : undefined;
    const d = dispatchLogged(this.#ctx, {
      type: 'app_home_opened', user: user.id, channel: dm.id, tab: 'home', event_ts: this.#ctx.ids.ts(),
      ...(home ? { view: this.#ws.viewPayload(home, id.teamId, id.appId, id.botId) } : {}),
    });
    return { eventId: d.eventId, type: d.type, delivery: await d.delivery };
  }

  // --- what was recorded -----------------------------------------------------------------------------

  /** Root-level messages of a channel (id, #name or name), or the replies of one thread. */
  messages(channel: string, threadTs?: string, opts: { includeDeleted?: boolean } = {}): MessageRecord[] {
    return structuredClone(this.#ws.listMessages(this.#channel(channel).id, threadTs, opts));
  }

  allMessages(): MessageRecord[] {
    return structuredClone(this.#ws.messages);
  }

  message(ts: string): MessageRecord | undefined {
    const m = this.#ws.findMessage(ts);
    return m ? structuredClone(m) : undefined;
  }

  /** Ephemeral messages shown to a user. */
  ephemeralMessages(user: string): MessageRecord[] {
    return structuredClone(this.#ws.messages.filter((m) => m.ephemeral && m.visibleTo === user));
  }

  /** The user's open modal stack, root first. */
  views(user: string): ViewRecord[] {
    return structuredClone(this.#ws.modalStack(user));
  }

  view(viewId: string): ViewRecord | undefined {
    const v = this.#ws.views.get(viewId);
    return v ? structuredClone(v) : undefined;
  }

  homeView(user: string): ViewRecord | undefined {
    const id = this.#ws.homeViews.get(user);
    return id ? structuredClone(this.#ws.views.get(id)) : undefined;
  }

  /** Every recorded request (Web API, `response_url`, `file_upload`), optionally of one method. */
  calls(method?: string): CallRecord[] {
    const all = this.#ctx.recorder.calls;
    return structuredClone(method ? all.filter((c) => c.method === method) : all);
  }

  envelopes(type?: EnvelopeType): EnvelopeRecord[] {
    const all = this.#ctx.recorder.envelopes;
    return structuredClone(type ? all.filter((e) => e.type === type) : all);
  }

  /** Envelopes whose ack did not arrive within the deadline. */
  missedAcks(): EnvelopeRecord[] {
    return this.envelopes().filter((e) => e.status === 'missed');
  }

  events(): EventRecord[] {
    return structuredClone(this.#ctx.events.all());
  }

  files(): StoredFile[] {
    return [...this.#ws.files.values()].map((f) => ({ ...f, bytes: f.bytes ? Buffer.from(f.bytes) : undefined }));
  }

  connections(): ConnectionInfo[] {
    return this.#ctx.link.connections();
  }

  openConnections(): ConnectionInfo[] {
    return this.#ctx.link.openConnections().map((c) => ({ ...c }));
  }

  /** Frames from the app that were not valid acks (unknown envelope, second ack, bad JSON). */
  protocolIssues(): ProtocolIssue[] {
    return structuredClone(this.#ctx.link.protocolIssues);
  }

  /** Sequence number of the last recorded call; pass as `since` to waitFor. */
  mark(): number {
    return this.#ctx.recorder.lastSeq;
  }

  /**
   * Resolves with the next recorded call matching `match` (a method name or a predicate).
   * With `since` (from mark()), calls recorded after that mark count too, which avoids racing
   * a call that happens before waitFor is reached.
   */
  waitFor(match: string | ((call: CallRecord) => boolean), opts: WaitOptions & { since?: number } = {}): Promise<CallRecord> {
    const pred = typeof match === 'string' ? (c: CallRecord) => c.method === match : match;
    const existing = opts.since === undefined ? [] : this.#ctx.recorder.calls.filter((c) => c.seq > opts.since!);
    const what = typeof match === 'string' ? `a ${match} call` : 'a matching call';
    return this.#ctx.recorder.waitFor('call', pred, existing, what, opts).then((c) => structuredClone(c));
  }

  /** Resolves when the next request for a method reaches the simulator, before it is answered. */
  waitForRequest(method: string, opts: WaitOptions = {}): Promise<{ method: string; at: number }> {
    return this.#ctx.recorder.waitFor('request', (r) => r.method === method, [], `a ${method} request`, opts);
  }

  /** Resolves on the next message posted or changed that matches (existing ones too with `existing: true`). */
  waitForMessage(pred: (m: MessageRecord) => boolean, opts: WaitOptions & { existing?: boolean } = {}): Promise<MessageRecord> {
    const existing = opts.existing ? this.#ws.messages : [];
    return this.#ctx.recorder.waitFor('message', pred, existing, 'a matching message', opts).then((m) => structuredClone(m));
  }

  /** Resolves on the next envelope recorded or changing status (sent, acked, missed) that matches. */
  waitForEnvelope(pred: (e: EnvelopeRecord) => boolean, opts: WaitOptions = {}): Promise<EnvelopeRecord> {
    return this.#ctx.recorder.waitFor('envelope', pred, [], 'a matching envelope', opts).then((e) => structuredClone(e));
  }

  /** Resolves on the next frame the app writes to the socket (after the simulator handled it). */
  waitForAppFrame(pred: (f: InboundFrame) => boolean = () => true, opts: WaitOptions = {}): Promise<InboundFrame> {
    return this.#ctx.recorder.waitFor('inbound', pred, [], 'a frame from the app', opts).then((f) => ({ ...f }));
  }

  /** Resolves when a socket connection with an id greater than `after` is open (default: any). */
  waitForConnection(opts: WaitOptions & { after?: number } = {}): Promise<ConnectionInfo> {
    const after = opts.after ?? 0;
    const pred = (c: ConnectionInfo): boolean => c.open && c.id > after;
    return this.#ctx.recorder.waitFor('connection', pred, this.#ctx.link.openConnections(), 'a socket connection', opts).then((c) => ({ ...c }));
  }

  /** Resolves when the socket connection with this id has closed (at once if it already has). */
  waitForConnectionClosed(id: number, opts: WaitOptions = {}): Promise<ConnectionInfo> {
    const pred = (c: ConnectionInfo): boolean => c.id === id && !c.open;
    return this.#ctx.recorder.waitFor('connection', pred, this.#ctx.link.connections(), `socket connection ${id} to close`, opts).then((c) => ({ ...c }));
  }

  // --- faults ----------------------------------------------------------------------------------------

  injectFault(fault: Fault): void {
    this.#faults.inject(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Sends a `disconnect` message (the client closes and reconnects). Returns the connection ids told. */
  disconnect(reason: DisconnectReason = 'refresh_requested', connectionId?: number): number[] {
    return this.#ctx.link.disconnect(reason, connectionId);
  }

  /** Closes sockets from the server with a close frame. */
  closeSocket(code = 1001, connectionId?: number): number[] {
    return this.#ctx.link.closeSockets(code, connectionId);
  }

  /** Destroys sockets without a close frame (a network drop). */
  dropSocket(connectionId?: number): number[] {
    return this.#ctx.link.dropSockets(connectionId);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#ctx.events.stop();
    await this.#ctx.link.stop();
    this.#ctx.recorder.stop();
    await this.#http.close();
  }
}

function positive(name: string, v: number | undefined, def: number): number {
  const value = v ?? def;
  if (!Number.isFinite(value) || value < 0) throw new Error(`simulated Slack: ${name} must be a non-negative number, got ${v}`);
  return value;
}

export async function startSimulatedSlack(opts: SimulatedSlackOptions = {}): Promise<SimulatedSlack> {
  const logger = opts.logger ?? silentLogger;
  const ids = new IdGenerator();
  const recorder = new Recorder();
  const faults = new FaultRegistry();
  const identity: Identity = {
    teamId: opts.teamId ?? SIM_TEAM.id,
    teamDomain: opts.teamDomain ?? SIM_TEAM.domain,
    appId: opts.appId ?? SIM_APP_ID,
    botUserId: opts.botUserId ?? SIM_BOT.userId,
    botId: opts.botId ?? SIM_BOT.botId,
  };
  const botToken = opts.botToken ?? SIM_TOKENS.bot;
  const appToken = opts.appToken ?? SIM_TOKENS.app;
  if (!botToken.startsWith('xoxb-')) throw new Error('simulated Slack: the bot token must start with xoxb-');
  if (!appToken.startsWith('xapp-')) throw new Error('simulated Slack: the app token must start with xapp-');
  const retryDelays = opts.eventRetryDelaysMs ?? [0, 60_000, 300_000];
  if (retryDelays.length === 0 || retryDelays.some((d) => !(d >= 0))) throw new Error('simulated Slack: eventRetryDelaysMs must be non-negative numbers');
  const workspace = new Workspace({
    ids, recorder,
    botUserId: identity.botUserId,
    botName: opts.botName ?? SIM_BOT.name,
    botRealName: SIM_BOT.realName,
    triggerTtlMs: positive('triggerTtlMs', opts.triggerTtlMs, 3000),
    responseUrlTtlMs: positive('responseUrlTtlMs', opts.responseUrlTtlMs, 30 * 60_000),
    responseUrlMaxUses: positive('responseUrlMaxUses', opts.responseUrlMaxUses, 5),
  });
  for (const u of [...(opts.replaceDefaults ? [] : DEFAULT_USERS), ...(opts.users ?? [])]) workspace.addUser(u);
  for (const c of [...(opts.replaceDefaults ? [] : DEFAULT_CHANNELS), ...(opts.channels ?? [])]) workspace.addChannel(c);
  for (const g of [...(opts.replaceDefaults ? [] : DEFAULT_GROUPS), ...(opts.groups ?? [])]) workspace.addGroup(g);
  const link = new SocketModeLink({
    ids, recorder, faults, logger, appId: identity.appId,
    ackTimeoutMs: positive('ackTimeoutMs', opts.ackTimeoutMs, 3000),
    maxConnections: positive('maxConnections', opts.maxConnections, 10),
  });
  const events = new EventDispatcher({
    link, ids, identity, logger, verificationToken: VERIFICATION_TOKEN,
    retryDelaysMs: retryDelays,
    maxRetries: positive('maxEventRetries', opts.maxEventRetries, 3),
  });
  let baseUrl = '';
  const ctx: SimContext = {
    workspace, ids, recorder, link, events, identity, logger, botToken, appToken,
    baseUrl: () => baseUrl,
    echoBotMessages: opts.echoBotMessages ?? true,
    subscribedEvents: new Set(opts.subscribedEvents ?? manifestBotEvents()),
  };
  const http = new SimHttpServer(ctx, faults);
  const port = await http.listen(opts.port ?? 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
  logger.info({ apiUrl: `${baseUrl}/api/` }, 'simulated slack listening');
  return new SimulatedSlack(ctx, faults, http, baseUrl);
}
