/** The clock of the lru-cache caches that expire entries (ConfigStore, Slack user groups). */

/**
 * lru-cache's clock options for a millisecond clock (Date.now by default, so fake timers drive
 * expiry: lru-cache keeps the `performance` it found at load, which fake timers replace). The
 * clock is read on every look-up (no 1 ms debounce timer), and shifted by 1 ms because lru-cache
 * takes a start time of 0 for "no TTL" (only differences count).
 */
export function cacheClock(now: () => number): { perf: { now: () => number }; ttlResolution: number } {
  return { perf: { now: () => now() + 1 }, ttlResolution: 0 };
}
