/**
 * Durable watchers of long-running external work (Prow jobs, Jenkins builds, CDN pushes, the
 * async release approval). A watch is a row in the store, so it survives restarts; the poller
 * claims due watches atomically (`claimDueWatches` pushes their next check forward), so two
 * replicas sharing PostgreSQL never poll the same watch at once.
 *
 * Each kind has one handler, provided by the command that declares the kind (its `followUpKinds`
 * and its implementation's `followUps`, commands/types.ts); the poller asks a lookup for it (the
 * command registry's `followUps(deps)`, which loads the owning implementation on first use). A
 * kind nobody declares is left alone ('no-handler') until its deadline.
 *
 * When a poll says done: the StateBox task is set (the watch's `subject.task`, else the handler's
 * `task`), the watch is marked done, the original Slack message (`report.messageTs`) is updated
 * and the outcome is posted in its thread. Past the deadline: expired, task Fail, reported.
 */
import type { Actor, FollowUpContext, FollowUpHandler, FollowUpLookup, FollowUpResult } from '../commands/types.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../limit.ts';
import { silentLogger, type Logger } from '../log.ts';
import { isTaskName, type TaskName } from '../release/tasks.ts';
import type { Store, Watch } from '../store/types.ts';
import { watchEndMessage, type WatchEnd } from '../blocks/watch.ts';
import { errorText, type SlackThreadPoster } from './types.ts';

/** The follow-up contract of commands (src/commands/types.ts), as the poller names it. */
export type WatchPollContext = FollowUpContext;
export type WatchPollResult = FollowUpResult;
export type WatchHandler = FollowUpHandler;

/** Handlers registered by hand, one per kind: a lookup for tests and embeddings (the bot's comes from the command registry). */
export class WatchHandlerRegistry implements FollowUpLookup {
  private readonly handlers = new Map<string, WatchHandler>();

  /** One handler per kind; registering a kind twice is a mistake unless `replace` is said. */
  register(kind: string, handler: WatchHandler, opts: { replace?: boolean } = {}): void {
    if (!/^[a-z][a-z0-9-]*$/.test(kind)) throw new Error(`watch kind ${kind} is not kebab-case`);
    if (this.handlers.has(kind) && !opts.replace) throw new Error(`a handler for watch kind ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  get(kind: string): WatchHandler | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }
}

/** A lookup that knows no kind: every watch is 'no-handler' (a poller wired without commands). */
export const NO_FOLLOW_UPS: FollowUpLookup = { get: () => undefined, kinds: () => [] };

export type WatchStore = Pick<Store, 'claimDueWatches' | 'updateWatch' | 'getWatch' | 'listWatches' | 'audit'>;

export interface WatchPollerDeps {
  store: WatchStore;
  statebox: Pick<StateBoxPort, 'updateTask'>;
  /** Slack for updates and thread replies; undefined: outcomes are only recorded and logged. */
  slack?: () => Promise<SlackThreadPoster | undefined>;
  /** The handler of a watch's kind. Default: none ({@link NO_FOLLOW_UPS}). */
  handlers?: FollowUpLookup;
  logger?: Logger;
  now?: () => Date;
  /** How far a claim pushes a watch's next check (longer than one poll). Default 10 minutes. */
  claimMs?: number;
  /** Watches claimed per round. Default 50. */
  batchSize?: number;
  /** Polls at once. Default 4. */
  concurrency?: number;
}

export type PollOutcome = 'done' | 'expired' | 'pending' | 'error' | 'no-handler' | 'cancelled';

export interface PollSummary {
  claimed: number;
  done: number;
  expired: number;
  pending: number;
  errors: number;
  noHandler: number;
  results: { id: string; kind: string; release: string; outcome: PollOutcome; summary: string }[];
}

export interface CancelResult {
  ok: boolean;
  message: string;
  watch?: Watch;
}

export interface WatchPoller {
  /** Claim the due watches and poll each once. */
  pollOnce(opts?: { signal?: AbortSignal }): Promise<PollSummary>;
  /** Active watches due now, without claiming them (dry run). */
  due(): Promise<Watch[]>;
  /**
   * Poll one watch now if it is active and due (a terminal following its own watch with
   * `--wait` when no bot polls this store). Its next check is pushed forward first, so a poller
   * that starts meanwhile does not pick it up at the same time.
   */
  pollWatch(id: string, opts?: { signal?: AbortSignal; /** Poll even before its next check is due. */ force?: boolean }): Promise<{ outcome: PollOutcome | 'not-due' | 'gone'; summary: string; watch?: Watch }>;
  /** Stop watching (the Slack "cancel" button): audited, reported in the thread. StateBox is left as it is. */
  cancelWatch(id: string, actor: Actor): Promise<CancelResult>;
}

function taskOf(watch: Watch, handler: WatchHandler | undefined): TaskName | undefined {
  const t = watch.subject.task;
  if (typeof t === 'string' && isTaskName(t)) return t;
  return handler?.task;
}

export function createWatchPoller(deps: WatchPollerDeps): WatchPoller {
  const log = (deps.logger ?? silentLogger).child({ component: 'watchers' });
  const now = deps.now ?? (() => new Date());
  const handlers = deps.handlers ?? NO_FOLLOW_UPS;
  const claimMs = deps.claimMs ?? 10 * 60_000;
  const { store } = deps;

  async function report(watch: Watch, end: WatchEnd, extra: Pick<WatchPollResult, 'result' | 'notify'> = {}): Promise<void> {
    const slack = await deps.slack?.().catch((e: unknown) => {
      log.error({ err: e }, 'Slack is not available for watch reports');
      return undefined;
    });
    if (!slack) return;
    const target = watch.report;
    const message = watchEndMessage(watch, end);
    // Each post on its own: one failure must not hide the others.
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        log.error({ err: e, watch: watch.id }, `could not ${what}: ${errorText(e)}`);
      }
    };
    if (target?.channel) {
      if (target.messageTs) await attempt('update the original message', () => slack.update(target.channel, target.messageTs!, message));
      const threadTs = target.threadTs ?? target.messageTs;
      await attempt('post the outcome in the thread', () => slack.post({ channel: target.channel, ...(threadTs ? { threadTs } : {}) }, { text: message.text, blocks: message.blocks }));
      if (extra.result) await attempt('post the result in the thread', () => slack.postOutput({ channel: target.channel, ...(threadTs ? { threadTs } : {}) }, extra.result!, { filename: `${watch.kind}-${watch.release}.log`, title: `${watch.kind} ${watch.release}` }));
    }
    for (const n of extra.notify ?? []) await attempt(`notify ${n.channel}`, () => slack.post({ channel: n.channel }, { text: n.text }));
  }

  /** Ends a watch: StateBox first (a failure leaves the watch active, retried), then the row, then Slack. */
  async function end(watch: Watch, handler: WatchHandler | undefined, state: 'done' | 'expired', res: Omit<WatchPollResult, 'done'>): Promise<PollOutcome> {
    const fresh = await store.getWatch(watch.id);
    if (fresh && fresh.state !== 'active') {
      log.info({ watch: watch.id, state: fresh.state }, 'watch ended elsewhere meanwhile (cancelled?); not reporting again');
      return 'cancelled';
    }
    const task = taskOf(watch, handler);
    const status = state === 'expired' ? 'Fail' : res.status;
    if (task && status) await deps.statebox.updateTask(watch.release, task, status, res.result ?? res.summary);
    await store.updateWatch(watch.id, { state, attempts: watch.attempts + 1, lastResult: `${status ?? state}: ${res.summary}`.slice(0, 4000) });
    log.info({ watch: watch.id, kind: watch.kind, release: watch.release, state, status }, `watch ${state}: ${res.summary}`);
    await report(watch, { state, ...(status ? { status } : {}), summary: res.summary }, res);
    return state;
  }

  async function expire(watch: Watch, handler: WatchHandler | undefined, ctx: WatchPollContext): Promise<PollOutcome> {
    let res: Omit<WatchPollResult, 'done'> | undefined;
    try {
      res = await handler?.onExpire?.(watch, ctx);
    } catch (e) {
      log.warn({ err: e, watch: watch.id }, 'onExpire failed; using the generic timeout text');
    }
    return end(watch, handler, 'expired', res ?? { status: 'Fail', summary: `Stopped watching ${watch.kind} for ${watch.release}: not finished by the deadline ${watch.deadline.toISOString()}` });
  }

  async function pollOne(watch: Watch, signal: AbortSignal): Promise<{ outcome: PollOutcome; summary: string }> {
    const at = now();
    const ctx: WatchPollContext = { logger: log.child({ watch: watch.id, kind: watch.kind, release: watch.release }), signal, attempt: watch.attempts + 1, now };
    const pastDeadline = at.getTime() >= watch.deadline.getTime();
    let handler: WatchHandler | undefined;
    try {
      handler = await handlers.get(watch.kind);
    } catch (e) {
      // The owning command's implementation did not load: try again next interval.
      const summary = `the ${watch.kind} handler could not be loaded: ${errorText(e)}`;
      ctx.logger.error({ err: e }, summary);
      if (pastDeadline) return { outcome: await expire(watch, undefined, ctx), summary };
      await store.updateWatch(watch.id, { lastResult: summary.slice(0, 4000), nextCheckAt: new Date(at.getTime() + watch.intervalMs) });
      return { outcome: 'error', summary };
    }
    if (!handler) {
      if (pastDeadline) return { outcome: await expire(watch, undefined, ctx), summary: 'expired without a handler' };
      const summary = `no handler for watch kind ${watch.kind} in this process`;
      log.warn({ watch: watch.id }, summary);
      await store.updateWatch(watch.id, { nextCheckAt: new Date(at.getTime() + watch.intervalMs), lastResult: summary });
      return { outcome: 'no-handler', summary };
    }
    let res: WatchPollResult;
    try {
      res = await handler.poll(watch, ctx);
    } catch (e) {
      const summary = `poll failed: ${errorText(e)}`;
      ctx.logger.warn({ err: e }, summary);
      if (pastDeadline) return { outcome: await expire(watch, handler, ctx), summary };
      await store.updateWatch(watch.id, { attempts: watch.attempts + 1, lastResult: summary.slice(0, 4000), nextCheckAt: new Date(at.getTime() + watch.intervalMs) });
      return { outcome: 'error', summary };
    }
    if (res.done) {
      try {
        return { outcome: await end(watch, handler, 'done', res), summary: res.summary };
      } catch (e) {
        // Recording failed (StateBox or store down): keep the watch and try again next interval.
        const summary = `finished but could not be recorded: ${errorText(e)}`;
        ctx.logger.error({ err: e }, summary);
        await store.updateWatch(watch.id, { lastResult: summary.slice(0, 4000), nextCheckAt: new Date(at.getTime() + watch.intervalMs) }).catch(() => undefined);
        return { outcome: 'error', summary };
      }
    }
    if (pastDeadline) return { outcome: await expire(watch, handler, ctx), summary: res.summary };
    await store.updateWatch(watch.id, { attempts: watch.attempts + 1, lastResult: res.summary.slice(0, 4000), nextCheckAt: new Date(at.getTime() + watch.intervalMs) });
    return { outcome: 'pending', summary: res.summary };
  }

  return {
    async pollOnce(opts = {}) {
      const signal = opts.signal ?? new AbortController().signal;
      const claimed = await store.claimDueWatches(now(), claimMs, deps.batchSize ?? 50);
      const summary: PollSummary = { claimed: claimed.length, done: 0, expired: 0, pending: 0, errors: 0, noHandler: 0, results: [] };
      await mapLimit(claimed, deps.concurrency ?? SERVICE_CONCURRENCY, async (w) => {
        let r: { outcome: PollOutcome; summary: string };
        try {
          r = await pollOne(w, signal);
        } catch (e) {
          r = { outcome: 'error', summary: errorText(e) };
          log.error({ err: e, watch: w.id }, 'watch poll failed');
        }
        if (r.outcome === 'done') summary.done++;
        else if (r.outcome === 'expired') summary.expired++;
        else if (r.outcome === 'pending') summary.pending++;
        else if (r.outcome === 'no-handler') summary.noHandler++;
        else if (r.outcome === 'error') summary.errors++;
        summary.results.push({ id: w.id, kind: w.kind, release: w.release, outcome: r.outcome, summary: r.summary });
      });
      return summary;
    },
    async pollWatch(id, opts = {}) {
      const watch = await store.getWatch(id);
      if (!watch) return { outcome: 'gone', summary: `There is no watch ${id}.` };
      if (watch.state !== 'active') return { outcome: 'cancelled', summary: watch.lastResult ?? watch.state, watch };
      const at = now();
      if (!opts.force && watch.nextCheckAt.getTime() > at.getTime()) return { outcome: 'not-due', summary: watch.lastResult ?? 'waiting for the next check', watch };
      await store.updateWatch(id, { nextCheckAt: new Date(at.getTime() + claimMs) });
      const r = await pollOne(watch, opts.signal ?? new AbortController().signal);
      return { ...r, watch: (await store.getWatch(id)) ?? watch };
    },
    async due() {
      const at = now().getTime();
      return (await store.listWatches({ state: 'active' })).filter((w) => w.nextCheckAt.getTime() <= at);
    },
    async cancelWatch(id, actor) {
      const watch = await store.getWatch(id);
      if (!watch) return { ok: false, message: `There is no watch ${id}.` };
      if (watch.state !== 'active') return { ok: false, message: `The ${watch.kind} watch of ${watch.release} already ended (${watch.state}).`, watch };
      const who = actor.name ?? actor.id;
      const summary = `Stopped watching ${watch.kind} for ${watch.release} (cancelled by ${who}); the StateBox task is left as it is.`;
      await store.updateWatch(id, { state: 'cancelled', lastResult: summary });
      await store.audit({ event: 'cancel', actorId: actor.id, ...(actor.name ? { actorName: actor.name } : {}), release: watch.release, command: `watch:${watch.kind}`, detail: `watch ${id} cancelled` });
      log.info({ watch: id, actor: actor.id }, summary);
      await report(watch, { state: 'cancelled', summary: actor.via === 'slack' ? summary.replace(who, `<@${actor.id}>`) : summary });
      return { ok: true, message: summary, watch: { ...watch, state: 'cancelled', lastResult: summary } };
    },
  };
}
