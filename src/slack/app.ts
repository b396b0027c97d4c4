/**
 * The Slack front end: Bolt 5 in Socket Mode. Listeners only parse, ack, render and hand
 * over to the runner; policy (authorization, confirmation, locks, StateBox, audit) stays in
 * the runner. Every listener acks first, before any I/O that could be slow.
 */
import { randomUUID } from 'node:crypto';
import { App, SocketModeReceiver } from '@slack/bolt';
import type { AllMiddlewareArgs, App as BoltApp, BlockAction, ButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { slackLogger } from '../integrations/slack-logger.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { planMessages } from '../blocks/limits.ts';
import { homeView, type HomeRelease } from '../blocks/home.ts';
import { confirmModal, CONFIRM_BLOCK, loadingModal, messageModal, typedRelease } from '../blocks/modal.ts';
import { errorMessage, resultMessage, runningMessage, textMessage, type ButtonValue, type RunMeta, type SlackMessage } from '../blocks/outcome.ts';
import { WATCH_CANCEL_ACTION_ID } from '../blocks/watch.ts';
import { CommandParser, extractCommandText, ParseError, type Parsed } from '../commands/parser.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { RunRequest, Runner, RunResult } from '../commands/runner.ts';
import type { Actor, AnyCommand } from '../commands/types.ts';
import type { PendingConfirmation, Store } from '../store/types.ts';
import { SlackGroupDirectory } from './groups.ts';
import { registerApprovalActions } from './approval-actions.ts';


export interface SlackMetrics {
  ack(type: 'slash_command' | 'action' | 'view' | 'event', latencyMs: number): void;
  reconnect(): void;
}

export interface SlackFrontEndDeps {
  config: Config;
  logger: Logger;
  registry: CommandRegistry;
  runner: Runner;
  store: Store;
  /** Active releases for the App Home tab. */
  homeReleases?: () => Promise<HomeRelease[]>;
  metrics?: SlackMetrics;
  /** Socket Mode ping timeout (tests use a short one to reconnect fast). */
  clientPingTimeout?: number;
  /** "Stop watching" on a long-running command's message. */
  cancelWatch?: (id: string, actor: Actor) => Promise<{ ok: boolean; message: string }>;
}

export interface SlackFrontEnd {
  app: BoltApp;
  client: WebClient;
  groups: SlackGroupDirectory;
  start(): Promise<void>;
  stop(): Promise<void>;
  connected(): boolean;
  /** Stop taking new work (shutdown): later requests get "restarting, try again in a minute". */
  stopAccepting(): void;
  /** Wait (bounded) until replies of in-flight commands are posted. */
  flush(deadlineMs: number): Promise<boolean>;
}

interface Where {
  channel: string;
  threadTs?: string;
}

const EVENT_DEDUP_MS = 15 * 60_000;

/** `--quiet` / `-q` (a Slack-only flag): answer read-only commands privately. */
export function stripQuiet(text: string): { text: string; quiet: boolean } {
  const re = /(^|\s)(--quiet|-q)(?=\s|$)/g;
  const quiet = re.test(text);
  return { text: quiet ? text.replace(re, '$1').trim() : text, quiet };
}

function boltLogger(logger: Logger) {
  return slackLogger(logger.child({ component: 'bolt' }));
}

export function createSlackFrontEnd(deps: SlackFrontEndDeps): SlackFrontEnd {
  const { config, registry, runner, store } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  if (!config.SLACK_BOT_TOKEN || !config.SLACK_APP_TOKEN) throw new Error('SLACK_BOT_TOKEN and SLACK_APP_TOKEN are required for the Slack front end');
  const slackApiUrl = config.SLACK_API_URL;
  // Interactive replies must not retry for half an hour (the web-api default).
  const clientOptions = { ...(slackApiUrl ? { slackApiUrl } : {}), retryConfig: { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 } };
  const receiver = new SocketModeReceiver({
    appToken: config.SLACK_APP_TOKEN,
    logger: boltLogger(logger),
    ...(deps.clientPingTimeout ? { clientPingTimeout: deps.clientPingTimeout } : {}),
    installerOptions: { clientOptions },
  });
  const app = new App({ token: config.SLACK_BOT_TOKEN, receiver, logger: boltLogger(logger), clientOptions });
  const client = app.client;
  const groups = new SlackGroupDirectory(client);
  const parser = new CommandParser(registry);
  let isConnected = false;
  let accepting = true;
  let botUserId: string | undefined;

  const socket = (receiver as unknown as { client: { on(event: string, fn: () => void): void } }).client;
  socket.on('connected', () => {
    isConnected = true;
    logger.info('socket mode connected');
  });
  socket.on('disconnected', () => {
    isConnected = false;
  });
  socket.on('reconnecting', () => {
    isConnected = false;
    deps.metrics?.reconnect();
    logger.warn('socket mode reconnecting');
  });

  const actorOf = async (userId: string, name?: string): Promise<Actor> => ({ id: userId, name, via: 'slack' });

  const metaOf = (p: Extract<Parsed, { kind: 'command' }>, actorId: string, correlationId?: string): RunMeta => ({ actorId, command: p.command.name, release: p.release, correlationId });

  async function ephemeral(where: Where, user: string, msg: SlackMessage): Promise<void> {
    try {
      await client.chat.postEphemeral({ channel: where.channel, user, text: msg.text, blocks: msg.blocks, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
    } catch (e) {
      logger.warn({ err: e, channel: where.channel }, 'ephemeral reply failed');
    }
  }

  /** Post a message, split into thread replies when it exceeds Slack's limits. Never fails on size. */
  async function postLong(where: Where, msg: SlackMessage, updateTs?: string): Promise<string | undefined> {
    const parts = planMessages(msg);
    let rootTs = updateTs;
    for (const [i, part] of parts.entries()) {
      if (i === 0 && updateTs) {
        await client.chat.update({ channel: where.channel, ts: updateTs, text: part.text, blocks: part.blocks });
      } else {
        const r = await client.chat.postMessage({ channel: where.channel, text: part.text, blocks: part.blocks, ...(where.threadTs ?? rootTs ? { thread_ts: where.threadTs ?? rootTs } : {}) });
        rootTs ??= r.ts;
      }
    }
    return rootTs;
  }

  /** Run a (non-confirmation) command: a first message, progress edits, the final result. */
  const inflight = new Set<Promise<unknown>>();
  type Consent = Pick<RunRequest, 'confirmation' | 'approval'>;
  function runVisible(p: Extract<Parsed, { kind: 'command' }>, actor: Actor, where: Where, consent: Consent = {}, respond?: (m: SlackMessage) => Promise<void>): Promise<RunResult> {
    const run = runVisibleNow(p, actor, where, consent, respond);
    inflight.add(run);
    void run.finally(() => inflight.delete(run)).catch(() => undefined);
    return run;
  }

  async function runVisibleNow(p: Extract<Parsed, { kind: 'command' }>, actor: Actor, where: Where, consent: Consent, respond?: (m: SlackMessage) => Promise<void>): Promise<RunResult> {
    const correlationId = randomUUID().slice(0, 12);
    const meta = metaOf(p, actor.id, correlationId);
    let root: { channel: string; ts: string } | undefined;
    try {
      const r = await client.chat.postMessage({ channel: where.channel, ...runningMessage(meta), ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
      if (r.ts && r.channel) root = { channel: r.channel, ts: r.ts };
    } catch (e) {
      logger.warn({ err: e, channel: where.channel }, 'could not post in the channel; answering privately');
    }
    let pending = Promise.resolve();
    let lastProgress = '';
    const progress = (m: string) => {
      lastProgress = m;
      if (!root) return;
      const target = root;
      // Serialise edits; coalesce bursts to the latest text.
      pending = pending.then(async () => {
        if (lastProgress !== m) return;
        await client.chat.update({ channel: target.channel, ts: target.ts, ...runningMessage(meta, m) }).catch((e: unknown) => logger.debug({ err: e }, 'progress update failed'));
      });
    };
    const threadTs = where.threadTs ?? root?.ts;
    const result = await runner.execute({
      command: p.command,
      release: p.release,
      options: p.options,
      actor,
      slack: { channel: where.channel, ...(threadTs ? { threadTs } : {}), ...(root ? { messageTs: root.ts } : {}) },
      correlationId,
      text: p.text,
      progress,
      ...consent,
    });
    await pending;
    const msg = resultMessage(result, meta);
    try {
      if (root) await postLong({ channel: root.channel, threadTs: threadTs }, msg, root.ts);
      else if (respond) await respond(msg);
      else await ephemeral(where, actor.id, msg);
    } catch (e) {
      logger.error({ err: e, correlationId }, 'could not post the result');
      await ephemeral(where, actor.id, errorMessage(`The result could not be posted (${(e as Error).message}); see the audit log, correlation id ${correlationId}.`));
    }
    return result;
  }

  /** Critical commands: a modal opened at once, then filled with the plan. */
  async function openConfirmation(p: Extract<Parsed, { kind: 'command' }>, actor: Actor, where: Where, triggerId: string): Promise<void> {
    const pendingId = randomUUID();
    const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal({ pendingId, command: p.command.name, release: p.release }) });
    const viewId = opened.view?.id;
    const expiresAt = new Date(Date.now() + config.OAR_CONFIRM_TTL_MS);
    await store.createPending({
      id: pendingId,
      kind: 'confirmation',
      actorId: actor.id,
      release: p.release,
      command: p.command.name,
      payload: { options: p.options, channel: where.channel, threadTs: where.threadTs ?? null, text: p.text },
      expiresAt,
    });
    const r = await runner.execute({ command: p.command, release: p.release, options: p.options, actor, text: p.text, slack: { channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) } });
    const view = r.kind === 'needs-confirmation' ? confirmModal({ pendingId, command: p.command.name, release: p.release, expiresAt }, r.plan) : messageModal('Cannot run', resultMessage(r, metaOf(p, actor.id)).text);
    if (viewId) await client.views.update({ view_id: viewId, view });
  }

  async function handleParsed(p: Parsed, actor: Actor, where: Where, opts: { triggerId?: string; respond?: (m: SlackMessage) => Promise<void>; quiet?: boolean }): Promise<void> {
    if (p.kind === 'version') {
      await ephemeral(where, actor.id, errorMessage('oar-bot v0.1.0', undefined, ':robot_face:'));
      return;
    }
    if (p.kind === 'help') {
      const help = registry.get('help')!;
      const r = await runner.execute({ command: help, release: '', options: p.topic ? { topic: p.topic } : {}, actor });
      const text = r.kind === 'done' ? ((r.outcome.data as { text?: string } | undefined)?.text ?? r.outcome.summary) : 'help is not available';
      const msg = textMessage(p.topic ? `/oar help ${p.topic}` : 'oar-bot commands you may run', text);
      if (opts.respond) await opts.respond(msg);
      else await ephemeral(where, actor.id, msg);
      return;
    }
    const pre = await runner.preflight({ command: p.command, release: p.release, options: p.options, actor });
    if (!pre.ok) {
      const msg = resultMessage(pre.result, metaOf(p, actor.id));
      if (opts.respond) await opts.respond(msg);
      else await ephemeral(where, actor.id, msg);
      return;
    }
    if (pre.needsConfirmation) {
      if (opts.triggerId) {
        await openConfirmation(p, actor, where, opts.triggerId);
        return;
      }
      // No trigger_id (a typed message): offer a button that opens the modal.
      const pendingId = randomUUID();
      await store.createPending({ id: pendingId, kind: 'confirmation', actorId: actor.id, release: p.release, command: p.command.name, payload: { options: p.options, channel: where.channel, threadTs: where.threadTs ?? null, text: p.text, viaButton: true }, expiresAt: new Date(Date.now() + config.OAR_CONFIRM_TTL_MS) });
      await client.chat.postMessage({
        channel: where.channel,
        ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
        text: `${p.command.name} on ${p.release} is critical: review and confirm`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: \`${p.command.name}\` on *${p.release}* is critical. <@${actor.id}>, review what will change and confirm.` } },
          { type: 'actions', elements: [{ type: 'button', action_id: 'oar_confirm_open', text: { type: 'plain_text', text: 'Review and confirm' }, style: 'danger', value: pendingId }] },
        ],
      });
      return;
    }
    if (opts.quiet && pre.safety === 'read') {
      // --quiet: a read-only answer only the caller sees, nothing posted in the channel.
      const r = await runner.execute({ command: p.command, release: p.release, options: p.options, actor, text: p.text, slack: where });
      const msg = resultMessage(r, metaOf(p, actor.id, r.correlationId));
      if (opts.respond) await opts.respond(msg);
      else await ephemeral(where, actor.id, msg);
      return;
    }
    await runVisible(p, actor, where, {}, opts.respond);
  }

  function parseErrorMessage(e: unknown): SlackMessage {
    if (e instanceof ParseError) return errorMessage(e.message);
    logger.error({ err: e }, 'unexpected parse failure');
    return errorMessage('Something went wrong reading that command; it was not run.');
  }

  // ---- /oar ------------------------------------------------------------------------------------
  app.command('/oar', async ({ command, ack, respond }) => {
    const t0 = performance.now();
    if (!accepting) {
      await ack({ response_type: 'ephemeral', text: 'oar-bot is restarting, try again in a minute.' });
      deps.metrics?.ack('slash_command', performance.now() - t0);
      return;
    }
    let parsed: Parsed;
    const { text: slashText, quiet } = stripQuiet(command.text);
    try {
      parsed = parser.parseSlash(slashText);
    } catch (e) {
      const msg = parseErrorMessage(e);
      await ack({ response_type: 'ephemeral', text: msg.text, blocks: msg.blocks });
      deps.metrics?.ack('slash_command', performance.now() - t0);
      return;
    }
    await ack();
    deps.metrics?.ack('slash_command', performance.now() - t0);
    const reply = async (m: SlackMessage) => {
      await respond({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
    };
    // The work starts on the next turn of the event loop, so a burst of commands is acked
    // first instead of queueing each ack behind the previous command's work.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const actor = await actorOf(command.user_id, command.user_name);
      await handleParsed(parsed, actor, { channel: command.channel_id }, { triggerId: command.trigger_id, respond: reply, quiet });
    } catch (e) {
      logger.error({ err: e }, '/oar failed');
      await reply(errorMessage(`Something went wrong: ${(e as Error).message.split('\n')[0]}`)).catch(() => undefined);
    }
  });

  // ---- messages and mentions ---------------------------------------------------------------------
  type ChatEvent = { type: string; text?: string; user?: string; bot_id?: string; subtype?: string; channel: string; ts: string; thread_ts?: string };
  async function onChat(event: ChatEvent, eventId: string | undefined, isMention: boolean): Promise<void> {
    if (event.bot_id || event.subtype || !event.user || event.user === botUserId) return;
    // Detection reads the raw text (Slack escaping never touches `oar` or a mention); only a
    // command is normalised, by the parser, after its length check.
    const text = event.text ?? '';
    const mention = /^<@([^>|]+)(?:\|[^>]*)?>/.exec(text.trim());
    if (mention && botUserId && mention[1] !== botUserId) return; // addressed to someone else
    const commandText = extractCommandText(text);
    if (commandText === undefined && !(isMention && mention)) return; // unrelated chatter
    // Slack redelivers; message + app_mention arrive for the same ts: handle each message once.
    if (eventId && !(await store.markSeen(`event:${eventId}`, EVENT_DEDUP_MS))) return;
    if (!(await store.markSeen(`msg:${event.channel}:${event.ts}`, EVENT_DEDUP_MS))) return;
    const where = { channel: event.channel, threadTs: event.thread_ts ?? event.ts };
    if (!accepting) {
      await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: 'oar-bot is restarting, try again in a minute.' });
      return;
    }
    if (commandText === undefined) {
      await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: "I'm ERT Release Bot. Try `/oar help`, or `oar -r 4.19.1 release-status`." });
      return;
    }
    const actor = await actorOf(event.user);
    let parsed: Parsed;
    const { text: lineText, quiet } = stripQuiet(commandText);
    try {
      parsed = parser.parseLine(lineText);
    } catch (e) {
      await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, ...parseErrorMessage(e) });
      return;
    }
    await handleParsed(parsed, actor, where, { quiet });
  }

  app.event('message', async ({ event, body }) => {
    deps.metrics?.ack('event', 0);
    await onChat(event as unknown as ChatEvent, (body as { event_id?: string }).event_id, false).catch((e: unknown) => logger.error({ err: e }, 'message handling failed'));
  });
  app.event('app_mention', async ({ event, body }) => {
    await onChat(event as unknown as ChatEvent, (body as { event_id?: string }).event_id, true).catch((e: unknown) => logger.error({ err: e }, 'mention handling failed'));
  });

  // ---- buttons --------------------------------------------------------------------------------------
  async function firstClick(body: BlockAction, action: ButtonAction): Promise<boolean> {
    return store.markSeen(`action:${body.user.id}:${action.action_id}:${action.action_ts}`, EVENT_DEDUP_MS);
  }

  function whereOf(body: BlockAction): Where | undefined {
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return undefined;
    const msg = body.message as { ts?: string; thread_ts?: string } | undefined;
    return { channel, threadTs: msg?.thread_ts ?? msg?.ts };
  }

  app.action(/^oar_run_\d+$/, async ({ ack, body, action }) => {
    const t0 = performance.now();
    await ack();
    deps.metrics?.ack('action', performance.now() - t0);
    const b = body as BlockAction;
    const a = action as ButtonAction;
    if (!(await firstClick(b, a))) return;
    const actor = await actorOf(b.user.id, b.user.name);
    let value: ButtonValue;
    try {
      value = JSON.parse(a.value ?? '') as ButtonValue;
    } catch {
      return;
    }
    const def: AnyCommand | undefined = registry.get(value.c);
    if (!def) return;
    const argv = [...(value.r && def.scope !== 'none' ? ['-r', value.r] : []), value.c, ...(value.a ?? [])];
    // Home tab buttons have no channel: answer in a DM with the user.
    const where = whereOf(b) ?? { channel: b.user.id };
    try {
      const parsed = parser.parseArgv(def.group, argv);
      await handleParsed(parsed, actor, where, { triggerId: b.trigger_id });
    } catch (e) {
      await ephemeral(where, actor.id, parseErrorMessage(e));
    }
  });

  app.action(WATCH_CANCEL_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const b = body as BlockAction;
    const a = action as ButtonAction;
    const where = whereOf(b) ?? { channel: b.user.id };
    if (!(await firstClick(b, a))) return;
    if (!deps.cancelWatch) {
      await ephemeral(where, b.user.id, errorMessage('Watches are not handled by this oar-bot process.'));
      return;
    }
    const r = await deps.cancelWatch(a.value ?? '', await actorOf(b.user.id, b.user.name));
    const msg = errorMessage(r.message, undefined, r.ok ? ':octagonal_sign:' : ':warning:');
    if (r.ok && where.threadTs) await client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: `<@${b.user.id}>: ${r.message}` });
    else await ephemeral(where, b.user.id, msg);
  });

  app.action('oar_confirm_open', async ({ ack, body, action }) => {
    await ack();
    const b = body as BlockAction;
    const a = action as ButtonAction;
    const where = whereOf(b) ?? { channel: b.user.id };
    const pending = await store.getPending(a.value ?? '');
    if (!pending || pending.state !== 'pending' || pending.expiresAt < new Date()) {
      await ephemeral(where, b.user.id, errorMessage('This confirmation has expired or was already used; run the command again.'));
      return;
    }
    if (pending.actorId !== b.user.id) {
      await ephemeral(where, b.user.id, errorMessage(`Only <@${pending.actorId}>, who asked for it, can confirm this.`));
      return;
    }
    const def = registry.get(pending.command);
    if (!def) return;
    const opened = await client.views.open({ trigger_id: b.trigger_id, view: loadingModal({ pendingId: pending.id, command: def.name, release: pending.release }) });
    const r = await runner.execute({ command: def, release: pending.release, options: (pending.payload.options ?? {}) as Record<string, unknown>, actor: await actorOf(b.user.id, b.user.name) });
    const view = r.kind === 'needs-confirmation' ? confirmModal({ pendingId: pending.id, command: def.name, release: pending.release, expiresAt: pending.expiresAt }, r.plan) : messageModal('Cannot run', resultMessage(r, { actorId: b.user.id, command: def.name, release: pending.release }).text);
    if (opened.view?.id) await client.views.update({ view_id: opened.view.id, view });
  });

  registerApprovalActions(app, { approvals: runner.approvals, logger, firstClick, track: (p) => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  } });

  async function runPending(pending: PendingConfirmation, actor: Actor): Promise<void> {
    const def = registry.get(pending.command);
    if (!def) return;
    const payload = pending.payload as { options?: Record<string, unknown>; channel?: string; threadTs?: string | null; text?: string };
    const parsed: Extract<Parsed, { kind: 'command' }> = { kind: 'command', group: def.group, command: def, release: pending.release, options: payload.options ?? {}, debug: false, text: payload.text ?? def.name };
    const where: Where = { channel: payload.channel ?? actor.id, ...(payload.threadTs ? { threadTs: payload.threadTs } : {}) };
    // A command in OAR_SECOND_APPROVAL comes back as pending-approval: the runner stored and announced the request.
    await runVisible(parsed, actor, where, { confirmation: { id: pending.id } });
  }

  // ---- confirmation modal ----------------------------------------------------------------------------
  app.view('oar_confirm', async ({ ack, view, body }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t0 = performance.now();
    const pending = await store.getPending(view.private_metadata);
    const user = body.user.id;
    if (!pending || pending.expiresAt < new Date() || pending.state === 'expired') {
      await ack({ response_action: 'update', view: messageModal('Expired', 'This confirmation expired; nothing was changed. Run the command again to get a fresh plan.') });
      deps.metrics?.ack('view', performance.now() - t0);
      if (pending && pending.state === 'pending') {
        await store.transitionPending(pending.id, 'pending', 'expired');
        await runner.recordConfirmationEnd('expire', { actor: await actorOf(user, body.user.name), release: pending.release, command: pending.command });
      }
      return;
    }
    if (pending.actorId !== user) {
      await ack({ response_action: 'errors', errors: { [CONFIRM_BLOCK]: `Only <@${pending.actorId}> can confirm this.` } });
      return;
    }
    const typed = typedRelease(view.state.values as Record<string, Record<string, { value?: string | null }>>);
    if (typed !== pending.release) {
      await ack({ response_action: 'errors', errors: { [CONFIRM_BLOCK]: `Type ${pending.release} exactly to confirm.` } });
      return;
    }
    const confirmed = await store.transitionPending(pending.id, 'pending', 'confirmed');
    if (!confirmed) {
      await ack({ response_action: 'update', view: messageModal('Already handled', 'This confirmation was already used; the command runs once.') });
      return;
    }
    await ack();
    deps.metrics?.ack('view', performance.now() - t0);
    const actor = await actorOf(user, body.user.name);
    await runPending(confirmed, actor).catch((e: unknown) => logger.error({ err: e }, 'confirmed command failed'));
  });

  app.view({ callback_id: 'oar_confirm', type: 'view_closed' }, async ({ ack, view, body }) => {
    await ack();
    const pending = await store.getPending(view.private_metadata);
    if (pending && (await store.transitionPending(pending.id, 'pending', 'cancelled'))) {
      await runner.recordConfirmationEnd('cancel', { actor: await actorOf(body.user.id, body.user.name), release: pending.release, command: pending.command });
    }
  });

  // ---- App Home ---------------------------------------------------------------------------------------
  app.event('app_home_opened', async ({ event }) => {
    if ((event as { tab?: string }).tab && (event as { tab?: string }).tab !== 'home') return;
    let releases: HomeRelease[] = [];
    let error: string | undefined;
    try {
      releases = (await deps.homeReleases?.()) ?? [];
    } catch (e) {
      error = `Could not load releases: ${(e as Error).message.split('\n')[0]}`;
      logger.warn({ err: e }, 'home releases failed');
    }
    await client.views.publish({ user_id: event.user, view: homeView(releases, { updatedAt: new Date(), ...(error ? { error } : {}) }) });
  });

  app.error(async (e) => {
    logger.error({ err: e }, 'unhandled Slack listener error');
  });

  return {
    app,
    client,
    groups,
    async start() {
      const auth = await client.auth.test();
      botUserId = auth.user_id;
      await app.start();
      isConnected = true;
      logger.info({ botUserId }, 'Slack front end started');
    },
    async stop() {
      accepting = false;
      await app.stop();
      isConnected = false;
    },
    connected: () => isConnected,
    stopAccepting() {
      accepting = false;
    },
    async flush(deadlineMs: number) {
      if (inflight.size === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((r) => {
        timer = setTimeout(() => r(false), deadlineMs);
      });
      const r = await Promise.race([Promise.allSettled([...inflight]).then(() => true as const), timeout]);
      clearTimeout(timer);
      return r;
    },
  };
}

export type { RunRequest };
