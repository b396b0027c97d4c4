/**
 * Process lifecycle: graceful shutdown on SIGTERM/SIGINT, and the guards that decide what an
 * unhandled rejection or an uncaught exception does to the process.
 *
 * Signals, exit and the clock are injected so tests drive them without ending the test process.
 */
import type { Logger } from '../log.ts';
import type { Lifecycle } from './health.ts';

// --- graceful shutdown --------------------------------------------------------------------------

/** The time left for the whole shutdown (OAR_SHUTDOWN_GRACE_MS from the first signal). */
export interface Deadline {
  /** Epoch ms at which the grace period ends. */
  readonly at: number;
  remainingMs(): number;
}

export interface ShutdownStep {
  name: string;
  run(deadline: Deadline): unknown;
}

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

export interface SignalSource {
  on(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  off(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Run in order; a step that throws is logged and the next one still runs. */
  steps: readonly ShutdownStep[];
  /** OAR_SHUTDOWN_GRACE_MS: what the steps share, mostly the drain of in-flight commands. */
  graceMs: number;
  /**
   * Extra time after the grace period for the steps after the drain (release locks, close the
   * store and the server). When it passes too the process exits 1. Default 10 s. Keep
   * grace + this below the pod's terminationGracePeriodSeconds.
   */
  hardLimitExtraMs?: number;
  exit: (code: number) => void;
  signals?: SignalSource;
  now?: () => number;
}

export interface ShutdownHandle {
  /** `starting`/`running` until a shutdown begins, then `stopping` (feeds /health). */
  state(): Lifecycle;
  /** Begin the shutdown without a signal (e.g. a fatal error); resolves after `exit` was called. */
  shutdown(reason: string, exitCode?: number): Promise<void>;
  /** Remove the signal listeners (tests; a second install). */
  uninstall(): void;
}

/** 128 + signal number, the shell convention for "terminated by signal". */
const SIGNAL_EXIT: Record<ShutdownSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export function installShutdown(opts: ShutdownOptions): ShutdownHandle {
  const { logger, exit } = opts;
  const now = opts.now ?? Date.now;
  const signals: SignalSource = opts.signals ?? (process as unknown as SignalSource); // process emits these signals; its listener overloads are wider than SignalSource's
  let running: Promise<void> | undefined;

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    if (running) return running;
    const startedAt = now();
    const deadline: Deadline = { at: startedAt + opts.graceMs, remainingMs: () => Math.max(0, startedAt + opts.graceMs - now()) };
    const hardMs = opts.graceMs + (opts.hardLimitExtraMs ?? 10_000);
    logger.info({ reason, graceMs: opts.graceMs, steps: opts.steps.map((s) => s.name) }, 'shutdown started');
    const hard = setTimeout(() => {
      logger.error({ reason, afterMs: hardMs }, 'shutdown did not finish in time; exiting now');
      exit(1);
    }, hardMs);
    hard.unref?.();
    running = (async () => {
      let failed = 0;
      for (const step of opts.steps) {
        const t0 = now();
        try {
          const result: unknown = await step.run(deadline);
          logger.info({ step: step.name, durationMs: now() - t0, ...(result !== undefined ? { result } : {}) }, 'shutdown step done');
        } catch (e) {
          failed++;
          logger.error({ err: e, step: step.name, durationMs: now() - t0 }, 'shutdown step failed; continuing');
        }
      }
      clearTimeout(hard);
      logger.info({ reason, durationMs: now() - startedAt, failedSteps: failed }, 'shutdown complete');
      exit(exitCode);
    })();
    return running;
  };

  const onSignal = (signal: ShutdownSignal) => {
    if (running) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      exit(SIGNAL_EXIT[signal]);
      return;
    }
    void shutdown(signal, 0);
  };
  // Node passes the signal name to the listener; the listeners are per signal anyway.
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);

  return {
    state: () => (running ? 'stopping' : 'running'),
    shutdown,
    uninstall: () => {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
    },
  };
}

/** The pieces of the bot a shutdown stops (structural, so tests hand in fakes). */
export interface ShutdownParts {
  /** This process's lock owner id (Runner.instanceId). */
  instanceId: string;
  logger?: Logger;
  /**
   * The Slack front end. It already refuses new work ("restarting") from the first instant; its
   * Socket Mode connection stays open through the drain so those requests are still acked, and
   * closes once the replies of the drained (or interrupted) commands are posted.
   */
  slack?: { stop(): unknown; flush?(deadlineMs: number): Promise<boolean> };
  /**
   * The runner refuses new work and waits for in-flight commands until the deadline; then
   * `interrupt` aborts the rest, whose pipelines restore their StateBox task, release their
   * lock and report the interruption (drained again, briefly, for that).
   */
  runner?: { drain(deadlineMs: number): Promise<{ finished: boolean; remaining: number }>; interrupt?(reason: string): number };
  /** How long interrupted commands get to record their interruption (default 5 s). */
  interruptSettleMs?: number;
  /** How long closing the Slack connection may take (default 5 s). */
  slackStopMs?: number;
  store?: { releaseLocksOwnedBy(owner: string): Promise<number>; close(): Promise<void> };
  /** Scheduled jobs (cron tasks, watchers, lease renewal). */
  jobs?: { stop(): unknown };
  cki?: { stop(): Promise<void> };
  http?: { close(): Promise<void> };
}

/**
 * The bot's shutdown order (new work is already refused everywhere): drain in-flight commands
 * and interrupt those the grace period did not cover, post their replies, close the Slack
 * connection, release the locks this process still holds, stop jobs and the CKI consumer,
 * close the store, close the HTTP server last so probes answer until the end.
 */
export function standardShutdownSteps(parts: ShutdownParts): ShutdownStep[] {
  const steps: ShutdownStep[] = [];
  const { slack, runner, store, jobs, cki, http } = parts;
  // Wrapped so only the drain and lock counts reach the step log, not whatever a stop() returns.
  const quietly = (fn: () => unknown) => async () => {
    await fn();
  };
  if (runner) {
    steps.push({
      name: 'drain-commands',
      run: async (deadline) => {
        const r = await runner.drain(deadline.remainingMs());
        if (r.finished || !runner.interrupt) {
          if (!r.finished) parts.logger?.warn({ remaining: r.remaining }, 'grace period over with commands still running; their locks are released next');
          return r;
        }
        const interrupted = runner.interrupt('the grace period of the shutdown ran out');
        parts.logger?.warn({ interrupted }, 'grace period over: commands still running were interrupted');
        const settled = await runner.drain(parts.interruptSettleMs ?? 5_000);
        return { ...r, interrupted, settled: settled.finished };
      },
    });
  }
  if (slack?.flush) steps.push({ name: 'flush-slack-replies', run: async (deadline) => ({ flushed: await slack.flush!(Math.max(1_000, deadline.remainingMs())) }) });
  if (slack) {
    // Closing the Socket Mode connection can wait forever on a link that is reconnecting; the
    // locks and the store must still be handled, so the close gets a bounded time.
    steps.push({
      name: 'stop-slack',
      run: async () => {
        let timer: NodeJS.Timeout | undefined;
        const bounded = new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), parts.slackStopMs ?? 5_000);
        });
        const r = await Promise.race([Promise.resolve(slack.stop()).then(() => 'closed' as const), bounded]);
        clearTimeout(timer);
        if (r === 'timeout') parts.logger?.warn('the Slack connection did not close in time; continuing the shutdown');
        return r === 'timeout' ? { closed: false } : undefined;
      },
    });
  }
  if (store) steps.push({ name: 'release-locks', run: async () => ({ released: await store.releaseLocksOwnedBy(parts.instanceId) }) });
  if (jobs) steps.push({ name: 'stop-jobs', run: quietly(() => jobs.stop()) });
  if (cki) steps.push({ name: 'stop-cki-notifier', run: quietly(() => cki.stop()) });
  if (store) steps.push({ name: 'close-store', run: quietly(() => store.close()) });
  if (http) steps.push({ name: 'close-http', run: quietly(() => http.close()) });
  return steps;
}

// --- process guards -----------------------------------------------------------------------------

export type GuardEvent = 'unhandledRejection' | 'uncaughtException';
export type ErrorKind = 'unhandled_rejection' | 'uncaught_exception';

export interface GuardSource {
  on(event: GuardEvent, listener: (error: unknown, detail?: unknown) => void): unknown;
  off(event: GuardEvent, listener: (error: unknown, detail?: unknown) => void): unknown;
}

export interface GuardOptions {
  logger: Logger;
  metrics?: { unhandledError(kind: ErrorKind): void };
  /** Called once, for the first fatal error: shut down (non-zero exit). */
  onFatal: (error: unknown, kind: ErrorKind) => void;
  source?: GuardSource;
  classify?: (kind: ErrorKind, error: unknown) => 'fatal' | 'survivable';
}

/** System errors that mean a server cannot listen: nothing can reach the process any more. */
const LISTEN_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL']);
const RESOURCE_CODES = new Set(['ENOMEM', 'ERR_MEMORY_ALLOCATION_FAILED', 'ERR_WORKER_OUT_OF_MEMORY']);

/**
 * The rule:
 * - an error marked `fatal: true` (e.g. HttpListenError), a server that cannot listen, or
 *   memory exhaustion: fatal, whatever the kind;
 * - an unhandled rejection: survivable. It belongs to one promise chain (a job run, a
 *   notification); the rest of the process is unaffected. Logged and counted;
 * - an uncaught exception with a system error code (ECONNRESET, EPIPE, ...): survivable, an
 *   operational failure of one socket whose owner forgot an error listener;
 * - any other uncaught exception: fatal. A programming error thrown from a callback leaves
 *   state half-updated (Node's own guidance is not to resume), so the process drains and exits
 *   non-zero and the platform restarts it.
 */
export function classifyProcessError(kind: ErrorKind, error: unknown): 'fatal' | 'survivable' {
  const e = error as { fatal?: unknown; code?: unknown; syscall?: unknown } | null | undefined;
  if (e && typeof e === 'object') {
    if (e.fatal === true) return 'fatal';
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && LISTEN_CODES.has(code) && e.syscall === 'listen') return 'fatal';
    if (code && RESOURCE_CODES.has(code)) return 'fatal';
    if (kind === 'uncaught_exception' && code && /^E[A-Z]+$/.test(code)) return 'survivable';
  }
  return kind === 'unhandled_rejection' ? 'survivable' : 'fatal';
}

export function installProcessGuards(opts: GuardOptions): { uninstall(): void } {
  const source: GuardSource = opts.source ?? (process as unknown as GuardSource); // process emits these events; its listener overloads are wider than GuardSource's
  const classify = opts.classify ?? classifyProcessError;
  let fatalSeen = false;
  const handle = (kind: ErrorKind) => (error: unknown, detail?: unknown) => {
    opts.metrics?.unhandledError(kind);
    const verdict = classify(kind, error);
    const context = { err: error, kind, ...(kind === 'uncaught_exception' && typeof detail === 'string' ? { origin: detail } : {}) };
    if (verdict === 'survivable') {
      opts.logger.error(context, kind === 'unhandled_rejection' ? 'unhandled promise rejection (process keeps serving)' : 'uncaught exception from an I/O error (process keeps serving)');
      return;
    }
    opts.logger.fatal(context, 'fatal error: the process cannot keep serving; shutting down');
    if (fatalSeen) return;
    fatalSeen = true;
    opts.onFatal(error, kind);
  };
  const onRejection = handle('unhandled_rejection');
  const onException = handle('uncaught_exception');
  source.on('unhandledRejection', onRejection);
  source.on('uncaughtException', onException);
  return {
    uninstall: () => {
      source.off('unhandledRejection', onRejection);
      source.off('uncaughtException', onException);
    },
  };
}
