import { vi } from 'vitest';

/**
 * Drive a promise that sleeps on fake timers while its HTTP calls still need real I/O turns:
 * alternate small fake-time steps with a real event-loop turn until it settles.
 */
export async function settleWithFakeTime<T>(promise: Promise<T>, opts: { stepMs?: number; maxMs?: number } = {}): Promise<T> {
  const step = opts.stepMs ?? 250;
  const max = opts.maxMs ?? 10 * 60_000;
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let t = 0; t <= max && !settled; t += step) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!settled) await vi.advanceTimersByTimeAsync(step);
  }
  return tracked;
}
