/**
 * Bounded concurrency for independent requests (p-limit): a command or job runs what does not
 * depend on each other side by side, never more than `limit` at a time against one service.
 */
import pLimit, { type LimitFunction } from 'p-limit';

/** Requests in flight at once against one service from one command or job step. */
export const SERVICE_CONCURRENCY = 4;

/** `fn` over every item, at most `limit` at a time; results in the items' order. Rejects with the first failure. */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return pLimit(Math.max(1, limit)).map(items, fn);
}

/**
 * Tasks that share a key run one at a time, in arrival order; different keys run side by side
 * (the CKI notifier: two events of one checkout never race). A key's lane is dropped once idle.
 */
export function serialByKey<K>(): { run<T>(key: K, fn: () => Promise<T>): Promise<T>; readonly activeKeys: number } {
  const lanes = new Map<K, { limit: LimitFunction; tasks: number }>();
  return {
    run<T>(key: K, fn: () => Promise<T>): Promise<T> {
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { limit: pLimit(1), tasks: 0 }));
      const l = lane;
      l.tasks++;
      return l.limit(fn).finally(() => {
        if (--l.tasks === 0) lanes.delete(key);
      });
    },
    get activeKeys() {
      return lanes.size;
    },
  };
}
