import type { LockInfo } from '../store/types.ts';

/** The lock the runner takes per release; a module of its own so `unlock` names it without loading the runner. */
export function lockKey(release: string): string {
  return `release:${release}`;
}

/** Who holds a lock, for what, since when, from where, and how long ago it last showed a sign of life. */
export function describeLock(l: LockInfo, now: Date = new Date()): string {
  const who = l.holderName ? `${l.holderName} (${l.holder})` : l.holder;
  const age = Math.max(0, Math.round((now.getTime() - l.heartbeatAt.getTime()) / 1000));
  const where = [l.frontEnd && `via ${l.frontEnd}`, l.host && `on ${l.host}`].filter(Boolean).join(' ');
  return `${l.key.replace(/^release:/, '')} is locked by ${who} for ${l.reason} since ${l.acquiredAt.toISOString()}${where ? ` (${where})` : ''}; last heartbeat ${age} s ago`;
}
