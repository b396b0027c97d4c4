import type { LockInfo } from '../store/types.ts';

/** The lock the runner takes per release is the store's key for it; named here so `unlock` finds it without loading the runner. */
export { lockKey } from '../store/common.ts';

/** Who holds a lock, for what, since when, from where, and how long ago it last showed a sign of life. */
export function describeLock(l: LockInfo, now: Date = new Date()): string {
  const who = l.holderName ? `${l.holderName} (${l.holder})` : l.holder;
  const age = Math.max(0, Math.round((now.getTime() - l.heartbeatAt.getTime()) / 1000));
  const where = [l.frontEnd && `via ${l.frontEnd}`, l.host && `on ${l.host}`].filter(Boolean).join(' ');
  return `${l.key.replace(/^release:/, '')} is locked by ${who} for ${l.reason} since ${l.acquiredAt.toISOString()}${where ? ` (${where})` : ''}; last heartbeat ${age} s ago`;
}
