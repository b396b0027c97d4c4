/** The supervisor of optional subsystems: backoff, status, stop. Fake timers drive the retries. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { partFailure } from '../../src/jobs/cki-notifier/errors.ts';
import { OptionalSubsystem } from '../../src/observability/subsystems.ts';

describe('OptionalSubsystem', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a failing start with doubling backoff up to the cap, then reports ok', async () => {
    let failures = 3;
    const stop = vi.fn(async () => undefined);
    const sub = new OptionalSubsystem({
      name: 'cki-notifier',
      logger: silentLogger,
      minDelayMs: 100,
      maxDelayMs: 300,
      start: async () => {
        if (failures-- > 0) throw partFailure('kafka', new Error('connect ECONNREFUSED 127.0.0.1:9092'));
        return { up: true };
      },
      stop,
    });
    expect(sub.status()).toMatchObject({ status: 'starting', attempts: 0 });
    sub.begin();
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.status()).toMatchObject({ status: 'degraded', attempts: 1, failing: 'kafka', last_error: 'kafka: connect ECONNREFUSED 127.0.0.1:9092', since: '2026-01-01T00:00:00.000Z', next_retry_at: '2026-01-01T00:00:00.100Z' });
    await vi.advanceTimersByTimeAsync(100);
    expect(sub.status()).toMatchObject({ status: 'degraded', attempts: 2, next_retry_at: '2026-01-01T00:00:00.300Z', since: '2026-01-01T00:00:00.000Z' });
    await vi.advanceTimersByTimeAsync(200);
    // 100 * 2^2 = 400 is capped at 300.
    expect(sub.status()).toMatchObject({ attempts: 3, next_retry_at: '2026-01-01T00:00:00.600Z' });
    await vi.advanceTimersByTimeAsync(300);
    expect(sub.status()).toEqual({ name: 'cki-notifier', status: 'ok', attempts: 4, since: '2026-01-01T00:00:00.600Z' });
    expect(sub.instance).toEqual({ up: true });
    await sub.stop();
    expect(stop).toHaveBeenCalledOnce();
    expect(sub.status().status).toBe('stopped');
  });

  it("a refused connection to every address (AggregateError, empty message) still says why in /health's last_error", async () => {
    // What Node throws when each of a host's addresses (IPv4 and IPv6) refuses the connection.
    const refused = new AggregateError([new Error('connect ECONNREFUSED ::1:5672'), new Error('connect ECONNREFUSED 127.0.0.1:5672')]);
    const sub = new OptionalSubsystem({
      name: 'cki-notifier',
      logger: silentLogger,
      start: async () => {
        throw partFailure('rabbitmq', refused);
      },
      stop: async () => undefined,
    });
    sub.begin();
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.status()).toMatchObject({
      status: 'degraded',
      failing: 'rabbitmq',
      last_error: 'rabbitmq: connect ECONNREFUSED ::1:5672; connect ECONNREFUSED 127.0.0.1:5672',
    });
    await sub.stop();
  });

  it('a running subsystem that reports trouble is degraded with its own since and error', async () => {
    let connected = true;
    const sub = new OptionalSubsystem({
      name: 'cki-notifier',
      logger: silentLogger,
      start: async () => ({}),
      stop: async () => undefined,
      health: () => (connected ? { ok: true } : { ok: false, failing: 'rabbitmq', since: '2026-01-01T00:00:05.000Z', error: 'Socket closed' }),
    });
    sub.begin();
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.status().status).toBe('ok');
    connected = false;
    expect(sub.status()).toMatchObject({ status: 'degraded', failing: 'rabbitmq', since: '2026-01-01T00:00:05.000Z', last_error: 'Socket closed' });
    connected = true;
    expect(sub.status().status).toBe('ok');
  });

  it('stop cancels a pending retry, and an attempt that succeeds during stop is stopped at once', async () => {
    const starts = vi.fn(async () => {
      throw new Error('refused');
    });
    const sub = new OptionalSubsystem({ name: 'x', logger: silentLogger, minDelayMs: 50, start: starts, stop: async () => undefined });
    sub.begin();
    await vi.advanceTimersByTimeAsync(0);
    await sub.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts).toHaveBeenCalledOnce();

    let release!: (v: { n: number }) => void;
    const stopped = vi.fn(async () => undefined);
    const slow = new OptionalSubsystem({ name: 'y', logger: silentLogger, start: () => new Promise<{ n: number }>((r) => (release = r)), stop: stopped });
    slow.begin();
    const stopping = slow.stop();
    release({ n: 1 });
    await stopping;
    expect(stopped).toHaveBeenCalledWith({ n: 1 });
    expect(slow.instance).toBeUndefined();
  });
});
