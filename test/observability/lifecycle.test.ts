import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyProcessError, installProcessGuards, installShutdown, standardShutdownSteps, type GuardSource, type ShutdownSignal, type SignalSource } from '../../src/observability/lifecycle.ts';
import { HttpListenError } from '../../src/observability/http-server.ts';
import { createMetrics, createMetricsRegistry } from '../../src/observability/metrics.ts';
import { jsonLineSink } from '../helpers/log.ts';

function capture() {
  const { stream, lines } = jsonLineSink();
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A signal source the test fires by hand instead of `process`. */
function signalSource() {
  const emitter = new EventEmitter();
  const source: SignalSource & { fire(s: ShutdownSignal): void; count(): number } = {
    on: (s, l) => emitter.on(s, l),
    off: (s, l) => emitter.off(s, l),
    fire: (s) => emitter.emit(s, s),
    count: () => emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT'),
  };
  return source;
}

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('installShutdown', () => {
  it('runs the standard steps in order: in-flight commands finish (Slack still connected) before Slack closes and locks are released', async () => {
    const order: string[] = [];
    const inflight = deferred<{ finished: boolean; remaining: number }>();
    const drainStarted = deferred();
    let drainDeadline = -1;
    const exits: number[] = [];
    const signals = signalSource();
    const { logger, lines } = capture();
    let clock = 1_000;
    const steps = standardShutdownSteps({
      instanceId: 'oar-test',
      logger,
      slack: { stop: async () => { order.push('slack.stop'); } },
      runner: {
        drain: (ms) => {
          drainDeadline = ms;
          order.push('runner.drain');
          drainStarted.resolve();
          return inflight.promise.then((r) => { order.push('in-flight command finished'); return r; });
        },
      },
      store: {
        releaseLocksOwnedBy: async (owner) => { order.push(`store.releaseLocksOwnedBy(${owner})`); return 1; },
        close: async () => { order.push('store.close'); },
      },
      jobs: { stop: () => { order.push('jobs.stop'); } },
      cki: { stop: async () => { order.push('cki.stop'); } },
      http: { close: async () => { order.push('http.close'); } },
    });
    const handle = installShutdown({ logger, steps, graceMs: 60_000, exit: (c) => exits.push(c), signals, now: () => clock });
    expect(handle.state()).toBe('running');

    signals.fire('SIGTERM');
    expect(handle.state()).toBe('stopping');
    await drainStarted.promise;
    expect(order).toEqual(['runner.drain']);
    expect(drainDeadline).toBe(60_000);
    // Nothing after the drain may run while a command is still in flight: the Slack connection
    // stays open so requests arriving meanwhile are acked with "restarting".
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(order).toEqual(['runner.drain']);
    clock += 2_500;
    inflight.resolve({ finished: true, remaining: 0 });
    await handle.shutdown('again');
    expect(order).toEqual([
      'runner.drain',
      'in-flight command finished',
      'slack.stop',
      'store.releaseLocksOwnedBy(oar-test)',
      'jobs.stop',
      'cki.stop',
      'store.close',
      'http.close',
    ]);
    expect(exits).toEqual([0]);
    const stepLines = lines.filter((l) => l.msg === 'shutdown step done');
    expect(stepLines.map((l) => l.step)).toEqual(['drain-commands', 'stop-slack', 'release-locks', 'stop-jobs', 'stop-cki-notifier', 'close-store', 'close-http']);
    expect(stepLines[0]).toMatchObject({ step: 'drain-commands', durationMs: 2_500, result: { finished: true, remaining: 0 } });
    expect(stepLines[2]).toMatchObject({ result: { released: 1 } });
    handle.uninstall();
    expect(signals.count()).toBe(0);
  });

  it('logs a failing step and still runs the rest, exiting 0', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const { logger, lines } = capture();
    const handle = installShutdown({
      logger,
      signals: signalSource(),
      graceMs: 1_000,
      exit: (c) => exits.push(c),
      steps: [
        { name: 'a', run: () => { order.push('a'); } },
        { name: 'b', run: async () => { throw new Error('store already closed'); } },
        { name: 'c', run: () => { order.push('c'); } },
      ],
    });
    await handle.shutdown('test');
    expect(order).toEqual(['a', 'c']);
    expect(exits).toEqual([0]);
    const failed = lines.find((l) => l.msg === 'shutdown step failed; continuing');
    expect(failed).toMatchObject({ step: 'b', err: { message: 'store already closed' } });
    expect(lines.at(-1)).toMatchObject({ msg: 'shutdown complete', failedSteps: 1 });
  });

  it('gives the drain the time left of the grace period, and logs commands cut off', async () => {
    const clock = 3_000;
    const { logger, lines } = capture();
    let asked = -1;
    const steps = standardShutdownSteps({
      instanceId: 'x',
      logger,
      runner: { drain: async (ms) => { asked = ms; return { finished: false, remaining: 2 }; } },
    });
    await installShutdown({ logger, steps, graceMs: 10_000, exit: () => {}, signals: signalSource(), now: () => clock }).shutdown('test');
    expect(asked).toBe(10_000);
    expect(lines.find((l) => l.remaining === 2)?.msg).toMatch(/grace period over/);
  });

  it('grace period over: interrupts the commands still running, waits for them to record it, then flushes Slack replies and closes Slack', async () => {
    const order: string[] = [];
    const { logger, lines } = capture();
    const drains: number[] = [];
    const steps = standardShutdownSteps({
      instanceId: 'x',
      logger,
      interruptSettleMs: 4_000,
      slack: { stop: () => { order.push('slack.stop'); }, flush: async (ms) => { order.push(`slack.flush(${ms})`); return true; } },
      runner: {
        drain: async (ms) => {
          drains.push(ms);
          order.push('runner.drain');
          return drains.length === 1 ? { finished: false, remaining: 1 } : { finished: true, remaining: 0 };
        },
        interrupt: (reason) => { order.push(`runner.interrupt(${reason})`); return 1; },
      },
    });
    await installShutdown({ logger, steps, graceMs: 6_000, exit: () => {}, signals: signalSource(), now: () => 0 }).shutdown('SIGTERM');
    expect(order).toEqual(['runner.drain', 'runner.interrupt(the grace period of the shutdown ran out)', 'runner.drain', 'slack.flush(6000)', 'slack.stop']);
    expect(drains).toEqual([6_000, 4_000]);
    expect(lines.find((l) => l.step === 'drain-commands')).toMatchObject({ result: { finished: false, remaining: 1, interrupted: 1, settled: true } });
  });

  it('a Slack connection that never closes does not hold the rest of the shutdown', async () => {
    const order: string[] = [];
    const { logger, lines } = capture();
    const steps = standardShutdownSteps({
      instanceId: 'x',
      logger,
      slackStopMs: 10,
      slack: { stop: () => new Promise(() => undefined) },
      store: { releaseLocksOwnedBy: async () => { order.push('release-locks'); return 0; }, close: async () => { order.push('close-store'); } },
    });
    await installShutdown({ logger, steps, graceMs: 1_000, exit: () => {}, signals: signalSource() }).shutdown('test');
    expect(order).toEqual(['release-locks', 'close-store']);
    expect(lines.find((l) => l.step === 'stop-slack')).toMatchObject({ result: { closed: false } });
  });

  it('runs the same steps for a programmatic (fatal) shutdown with its exit code, once', async () => {
    const exits: number[] = [];
    let runs = 0;
    const handle = installShutdown({ logger: pino({ level: 'silent' }), signals: signalSource(), graceMs: 1_000, exit: (c) => exits.push(c), steps: [{ name: 'a', run: () => { runs++; } }] });
    const first = handle.shutdown('fatal: uncaught exception', 1);
    const second = handle.shutdown('again', 0);
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(exits).toEqual([1]);
    expect(handle.state()).toBe('stopping');
  });

  it('exits at once with a non-zero code on a second signal', async () => {
    const exits: number[] = [];
    const signals = signalSource();
    const hang = deferred();
    installShutdown({ logger: pino({ level: 'silent' }), signals, graceMs: 60_000, exit: (c) => exits.push(c), steps: [{ name: 'drain', run: () => hang.promise }] });
    signals.fire('SIGTERM');
    await Promise.resolve();
    expect(exits).toEqual([]);
    signals.fire('SIGINT');
    expect(exits).toEqual([130]);
    signals.fire('SIGTERM');
    expect(exits).toEqual([130, 143]);
  });

  it('exits 1 when the steps outlast grace plus the hard limit', async () => {
    vi.useFakeTimers();
    const exits: number[] = [];
    const signals = signalSource();
    installShutdown({ logger: pino({ level: 'silent' }), signals, graceMs: 5_000, hardLimitExtraMs: 1_000, exit: (c) => exits.push(c), steps: [{ name: 'close-store', run: () => new Promise(() => {}) }] });
    signals.fire('SIGTERM');
    await vi.advanceTimersByTimeAsync(5_999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
  });
});

describe('installProcessGuards', () => {
  function guardSource() {
    const emitter = new EventEmitter();
    return Object.assign(emitter as unknown as GuardSource, { emitter });
  }

  it('logs and counts an unhandled rejection from a job without ending the process', async () => {
    const source = guardSource();
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const { logger, lines } = capture();
    const fatal: unknown[] = [];
    installProcessGuards({ logger, metrics, onFatal: (e) => fatal.push(e), source });
    source.emitter.emit('unhandledRejection', new Error('Jira did not answer searching ON_QA bugs: 503'), Promise.resolve());
    source.emitter.emit('unhandledRejection', 'a string reason', Promise.resolve());
    expect(fatal).toEqual([]);
    expect(lines.filter((l) => l.kind === 'unhandled_rejection')).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 50, kind: 'unhandled_rejection', err: { message: 'Jira did not answer searching ON_QA bugs: 503' } });
    expect(await metrics.registry.metrics()).toContain('oar_unhandled_errors_total{kind="unhandled_rejection"} 2');
  });

  it('treats an uncaught I/O error as survivable and a programming error as fatal (onFatal once)', async () => {
    const source = guardSource();
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const { logger, lines } = capture();
    const fatal: unknown[] = [];
    const guards = installProcessGuards({ logger, metrics, onFatal: (e, kind) => fatal.push([kind, (e as Error).message]), source });
    source.emitter.emit('uncaughtException', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'uncaughtException');
    expect(fatal).toEqual([]);
    source.emitter.emit('uncaughtException', new TypeError("Cannot read properties of undefined (reading 'ts')"), 'uncaughtException');
    source.emitter.emit('uncaughtException', new TypeError('again'), 'uncaughtException');
    expect(fatal).toEqual([['uncaught_exception', "Cannot read properties of undefined (reading 'ts')"]]);
    expect(lines.filter((l) => l.level === 60)).toHaveLength(2);
    expect(lines.find((l) => l.level === 60)).toMatchObject({ origin: 'uncaughtException' });
    expect(await metrics.registry.metrics()).toContain('oar_unhandled_errors_total{kind="uncaught_exception"} 3');
    guards.uninstall();
    expect(source.emitter.listenerCount('uncaughtException')).toBe(0);
    expect(source.emitter.listenerCount('unhandledRejection')).toBe(0);
  });

  it('classifies listen failures and errors marked fatal as fatal in either kind', () => {
    const listen = Object.assign(new Error('listen EADDRINUSE: address already in use :::8080'), { code: 'EADDRINUSE', syscall: 'listen' });
    expect(classifyProcessError('uncaught_exception', listen)).toBe('fatal');
    expect(classifyProcessError('unhandled_rejection', listen)).toBe('fatal');
    expect(classifyProcessError('unhandled_rejection', new HttpListenError('0.0.0.0', 8080, listen))).toBe('fatal');
    expect(classifyProcessError('unhandled_rejection', new Error('job failed'))).toBe('survivable');
    expect(classifyProcessError('uncaught_exception', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe('survivable');
    expect(classifyProcessError('uncaught_exception', new RangeError('Invalid array length'))).toBe('fatal');
    expect(classifyProcessError('uncaught_exception', Object.assign(new Error('oom'), { code: 'ERR_MEMORY_ALLOCATION_FAILED' }))).toBe('fatal');
  });
});
