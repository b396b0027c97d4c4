/**
 * Row -> record mapping shared by both engines. The engines differ only in how a
 * time (SQLite: epoch ms; PostgreSQL: Date) and a JSON column (SQLite: text; PostgreSQL:
 * parsed jsonb) come back, so each passes its own decoder.
 */
import type { AuditEntry, AuditEvent, JobRun, LeaseInfo, LockInfo, PendingConfirmation, PendingState, SlackTarget, Watch, WatchState } from './types.ts';
import { compact } from './common.ts';

export interface Decoder {
  date(v: unknown): Date;
  json(v: unknown): unknown;
}

export type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

export function auditFromRow(r: Row, d: Decoder): AuditEntry {
  return compact({
    id: Number(r.id),
    at: d.date(r.at),
    event: r.event as AuditEvent,
    actorId: String(r.actor_id),
    actorName: str(r.actor_name),
    release: str(r.release_name),
    command: str(r.command),
    options: r.options === null || r.options === undefined ? undefined : (d.json(r.options) as Record<string, unknown>),
    outcome: str(r.outcome),
    durationMs: num(r.duration_ms),
    channel: str(r.channel),
    threadTs: str(r.thread_ts),
    correlationId: str(r.correlation_id),
    detail: str(r.detail),
  });
}

export function lockFromRow(r: Row, d: Decoder): LockInfo {
  return compact({
    key: String(r.lock_key),
    holder: String(r.holder),
    holderName: str(r.holder_name),
    reason: String(r.reason),
    acquiredAt: d.date(r.acquired_at),
    expiresAt: d.date(r.expires_at),
    owner: String(r.owner),
    // Locks taken before heartbeats existed: acquisition was their last sign of life.
    heartbeatAt: d.date(r.heartbeat_at ?? r.acquired_at),
    host: str(r.host),
    frontEnd: str(r.front_end),
  });
}

export function leaseFromRow(r: Row, d: Decoder): LeaseInfo {
  return { name: String(r.name), owner: String(r.owner), expiresAt: d.date(r.expires_at) };
}

export function watchFromRow(r: Row, d: Decoder): Watch {
  return compact({
    id: String(r.id),
    kind: String(r.kind),
    release: String(r.release_name),
    subject: d.json(r.subject) as Record<string, unknown>,
    report: r.report === null || r.report === undefined ? undefined : (d.json(r.report) as SlackTarget),
    state: r.state as WatchState,
    createdAt: d.date(r.created_at),
    nextCheckAt: d.date(r.next_check_at),
    deadline: d.date(r.deadline),
    intervalMs: Number(r.interval_ms),
    attempts: Number(r.attempts),
    lastResult: str(r.last_result),
    dedupKey: str(r.dedup_key),
  });
}

export function pendingFromRow(r: Row, d: Decoder, now?: Date): PendingConfirmation {
  const expiresAt = d.date(r.expires_at);
  let state = r.state as PendingState;
  if (now && state === 'pending' && expiresAt.getTime() <= now.getTime()) state = 'expired';
  return compact({
    id: String(r.id),
    kind: r.kind as PendingConfirmation['kind'],
    actorId: String(r.actor_id),
    release: String(r.release_name),
    command: String(r.command),
    payload: d.json(r.payload) as Record<string, unknown>,
    state,
    createdAt: d.date(r.created_at),
    expiresAt,
    decidedBy: str(r.decided_by),
    outcome: str(r.outcome),
    announcedAt: r.announced_at === null || r.announced_at === undefined ? undefined : d.date(r.announced_at),
    message: r.message === null || r.message === undefined ? undefined : (d.json(r.message) as SlackTarget),
  });
}

export function jobRunFromRow(r: Row, d: Decoder): JobRun {
  return compact({
    id: Number(r.id),
    job: String(r.job),
    startedAt: d.date(r.started_at),
    endedAt: r.ended_at === null || r.ended_at === undefined ? undefined : d.date(r.ended_at),
    outcome: str(r.outcome) as JobRun['outcome'],
    counts: r.counts === null || r.counts === undefined ? undefined : (d.json(r.counts) as Record<string, number>),
    error: str(r.error),
    owner: str(r.owner),
  });
}

export function expiredLockDetail(lock: LockInfo, now: Date, takenBy?: string): string {
  const who = lock.holderName ? `${lock.holder} (${lock.holderName})` : lock.holder;
  const tail = takenBy ? `; taken over by ${takenBy}` : '';
  if (lock.expiresAt > now) {
    const age = Math.round((now.getTime() - lock.heartbeatAt.getTime()) / 1000);
    const where = [lock.owner, lock.host, lock.frontEnd].filter(Boolean).join(', ');
    return `lock ${lock.key} held by ${who} for "${lock.reason}" since ${lock.acquiredAt.toISOString()} (${where}): last heartbeat ${lock.heartbeatAt.toISOString()}, ${age} s ago; holder presumed dead${tail}`;
  }
  return `lock ${lock.key} held by ${who} for "${lock.reason}" since ${lock.acquiredAt.toISOString()} expired at ${lock.expiresAt.toISOString()} (noticed ${now.toISOString()})${tail}`;
}
