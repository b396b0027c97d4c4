/**
 * Bounded concurrency for independent requests (p-limit): a command or job runs what does not
 * depend on each other side by side, never more than `limit` at a time against one service.
 */
import pLimit from 'p-limit';

/** Requests in flight at once against one service from one command or job step. */
export const SERVICE_CONCURRENCY = 4;

/** `fn` over every item, at most `limit` at a time; results in the items' order. Rejects with the first failure. */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  // No more items than the limit: nothing to hold back, and creating a limiter costs more than the
  // calls (the CKI notifier lists the tests of 1-3 builds per message; issue 22).
  if (items.length <= limit) return Promise.all(items.map(async (item, index) => fn(item, index)));
  return pLimit(Math.max(1, limit)).map(items, fn);
}

/**
 * Tasks that share a key run one at a time, in arrival order; different keys run side by side
 * (the CKI notifier: two events of one checkout never race). A key's lane is dropped once idle.
 *
 * A lane is the tail of a promise chain, not a p-limit: the notifier opens one per message, and
 * creating a limiter (its queue, closures and AsyncResource binding) cost more than the
 * serialisation itself (issue 22). A task on an idle key starts at once, as with p-limit.
 */
export function serialByKey<K>(): { run<T>(key: K, fn: () => Promise<T>): Promise<T>; readonly activeKeys: number } {
  const lanes = new Map<K, { tail: Promise<void>; tasks: number }>();
  const call = <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    run<T>(key: K, fn: () => Promise<T>): Promise<T> {
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { tail: Promise.resolve(), tasks: 0 }));
      const l = lane;
      // The previous task's tail settles only after its bookkeeping below, whatever its outcome.
      const result = ++l.tasks === 1 ? call(fn) : l.tail.then(fn);
      const settled = () => {
        if (--l.tasks === 0) lanes.delete(key);
      };
      // Registered before the caller's handlers: the lane is released before the caller resumes.
      l.tail = result.then(settled, settled);
      return result;
    },
    get activeKeys() {
      return lanes.size;
    },
  };
}
