/**
 * Bounded concurrency for independent requests (p-limit): a command or job runs what does not
 * depend on each other side by side, never more than `limit` at a time against one service.
 */
import pLimit from 'p-limit';

/** Requests in flight at once against one service from one command or job step. */
export const SERVICE_CONCURRENCY = 4;

/** `fn` over every item, at most `limit` at a time; results in the items' order. Rejects with the first failure. */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return pLimit(Math.max(1, limit)).map(items, fn);
}
