/**
 * Engine-independent rules of the store: argument validation, the lock key hierarchy,
 * defensive masking of audit options and small helpers both engines share.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { maskSecrets } from '../secrets.ts';
import type { AuditEntry, AuditEvent, AuditQuery, LockInfo, NewWatch, PendingConfirmation, PendingPatch, PendingState, SlackTarget, Watch, WatchState } from './types.ts';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const AUDIT_EVENTS: readonly AuditEvent[] = ['propose', 'confirm', 'cancel', 'run', 'deny', 'failure', 'unlock', 'approve', 'expire', 'reject', 'takeover', 'intent'];
export const PENDING_STATES: readonly PendingState[] = ['pending', 'confirmed', 'cancelled', 'expired', 'approved', 'rejected', 'executed'];
/** Pendings stay readable this long after their expiry (a waiting client reads the end state), then purgeExpired drops them. */
export const PENDING_RETENTION_MS = 24 * 3600_000;
/** A claimed announcement that never recorded its message (the poster failed or died) may be claimed again after this. */
export const ANNOUNCE_CLAIM_MS = 120_000;
export const WATCH_STATES: readonly WatchState[] = ['active', 'done', 'failed', 'cancelled', 'expired'];

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 10_000;
export const DEFAULT_CLAIM_LIMIT = 50;

/** A replica/process identity for lock owners and leases: host, pid and a random suffix (pids repeat across containers). */
export function defaultOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

export function requireTtl(name: string, ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0) throw new RangeError(`${name} must be a positive whole number of milliseconds, got ${String(ms)}`);
  return ms;
}

export function requireDate(name: string, d: unknown): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError(`${name} must be a valid Date`);
  return d;
}

export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new TypeError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function requireLimit(name: string, n: number | undefined, def: number, max: number): number {
  if (n === undefined) return def;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive whole number, got ${String(n)}`);
  return Math.min(n, max);
}

export function addMs(d: Date, ms: number): Date {
  return new Date(d.getTime() + ms);
}

/**
 * Lock keys form a hierarchy on ':' so a release-wide lock and a per-command lock on the
 * same release exclude each other. These are the keys a new lock on `key` conflicts with,
 * besides its own descendants: itself and every proper ancestor (`release:4.19.1:x` ->
 * `release:4.19.1:x`, `release:4.19.1`, `release`).
 */
export function lockKeyAndAncestors(key: string): string[] {
  const parts = key.split(':');
  const out: string[] = [];
  for (let i = parts.length; i >= 1; i--) out.push(parts.slice(0, i).join(':'));
  return out;
}

/** The lock key of a release, or of one command on it (`release:4.19.1`, `release:4.19.1:take-ownership`). */
export function lockKey(release: string, command?: string): string {
  requireText('release', release);
  if (release.includes(':') || command?.includes(':')) throw new TypeError('release and command must not contain ":" (it separates lock key levels)');
  return command === undefined ? `release:${release}` : `release:${release}:${requireText('command', command)}`;
}

/** Length in code points, which is what SQLite substr() and PostgreSQL left() count (JS .length counts UTF-16 units). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The release named by a lock key (`release:<release>[:<command>]`), for audit entries. */
export function releaseOfLockKey(key: string): { release?: string; command?: string } {
  const m = /^release:([^:]+)(?::(.+))?$/.exec(key);
  if (!m) return {};
  return { release: m[1], ...(m[2] ? { command: m[2] } : {}) };
}

/**
 * Callers mask secrets before auditing; this is the second line of defence for option
 * names that are obviously secret, so a forgotten mask never lands in the audit table.
 */
export function maskOptions(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return options === undefined ? undefined : (maskSecrets(options) as Record<string, unknown>);
}

export function validateAuditQuery(q: AuditQuery): { limit: number } {
  if (q.event !== undefined) requireOneOf('event', q.event, AUDIT_EVENTS);
  if (q.since !== undefined) requireDate('since', q.since);
  if (q.until !== undefined) requireDate('until', q.until);
  return { limit: requireLimit('limit', q.limit, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT) };
}

/** JSON text of a value; undefined stays undefined (SQL NULL). */
export function toJson(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v);
}

export { describeError as errorText } from '../describe-error.ts';

/** Drop undefined fields so records compare cleanly and optional properties stay absent. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

// --- argument validation shared by both engines (throws before any SQL runs) -------------------


export interface LockRequest { key: string; holder: string; holderName?: string; reason: string; ttlMs: number; owner: string; now?: Date; host?: string; frontEnd?: string; staleAfterMs?: number }

export function validateLockRequest(req: LockRequest): void {
  requireText('lock key', req.key);
  if (req.key.split(':').some((p) => p === '')) throw new TypeError(`lock key ${JSON.stringify(req.key)} has an empty segment`);
  requireText('lock holder', req.holder);
  requireText('lock reason', req.reason);
  requireText('lock owner', req.owner);
  requireTtl('lock ttlMs', req.ttlMs);
  if (req.staleAfterMs !== undefined) requireTtl('lock staleAfterMs', req.staleAfterMs);
  if (req.now !== undefined) requireDate('now', req.now);
}

export function validateAuditEntry(e: AuditEntry): void {
  requireOneOf('audit event', e.event, AUDIT_EVENTS);
  requireText('audit actorId', e.actorId);
  if (e.at !== undefined) requireDate('audit at', e.at);
  if (e.durationMs !== undefined && (!Number.isFinite(e.durationMs) || e.durationMs < 0)) throw new RangeError(`audit durationMs must be a non-negative number, got ${String(e.durationMs)}`);
  if (e.options !== undefined && (e.options === null || typeof e.options !== 'object' || Array.isArray(e.options))) throw new TypeError('audit options must be an object');
}

function requireRecord(name: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${name} must be an object`);
  return v as Record<string, unknown>;
}

function validateReport(r: SlackTarget | undefined): void {
  if (r === undefined) return;
  requireRecord('watch report', r);
  requireText('watch report channel', r.channel);
}

export function validateNewWatch(w: NewWatch): void {
  requireText('watch kind', w.kind);
  requireText('watch release', w.release);
  requireRecord('watch subject', w.subject);
  validateReport(w.report);
  requireTtl('watch intervalMs', w.intervalMs);
  requireDate('watch deadline', w.deadline);
  if (w.createdAt !== undefined) requireDate('watch createdAt', w.createdAt);
  if (w.nextCheckAt !== undefined) requireDate('watch nextCheckAt', w.nextCheckAt);
  if (w.dedupKey !== undefined) requireText('watch dedupKey', w.dedupKey);
}

export type WatchPatch = Partial<Pick<Watch, 'state' | 'nextCheckAt' | 'attempts' | 'lastResult' | 'report' | 'subject'>>;

export function validateWatchPatch(p: WatchPatch): void {
  if (p.state !== undefined) requireOneOf('watch state', p.state, WATCH_STATES);
  if (p.nextCheckAt !== undefined) requireDate('watch nextCheckAt', p.nextCheckAt);
  if (p.attempts !== undefined && (!Number.isInteger(p.attempts) || p.attempts < 0)) throw new RangeError(`watch attempts must be a non-negative integer, got ${String(p.attempts)}`);
  if (p.lastResult !== undefined && typeof p.lastResult !== 'string') throw new TypeError('watch lastResult must be a string');
  validateReport(p.report);
  if (p.subject !== undefined) requireRecord('watch subject', p.subject);
}

export type NewPending = Omit<PendingConfirmation, 'state' | 'createdAt'> & { createdAt?: Date };

export function validateNewPending(p: NewPending): void {
  requireText('pending id', p.id);
  requireOneOf('pending kind', p.kind, ['confirmation', 'approval'] as const);
  requireText('pending actorId', p.actorId);
  requireText('pending release', p.release);
  requireText('pending command', p.command);
  requireRecord('pending payload', p.payload);
  requireDate('pending expiresAt', p.expiresAt);
  if (p.createdAt !== undefined) requireDate('pending createdAt', p.createdAt);
}

export function validateTransition(id: string, from: unknown, to: unknown): void {
  requireText('pending id', id);
  requireOneOf('from state', from, PENDING_STATES);
  requireOneOf('to state', to, PENDING_STATES);
  if (from === to) throw new TypeError(`a pending transition must change the state (both are ${String(from)})`);
}

export const JOB_OUTCOMES = ['ok', 'failed', 'skipped'] as const;

/** Checks a releaseLock call; returns the holder the delete must match, or undefined for a forced unlock. */
export function validateReleaseLock(key: string, opts: { holder?: string; force?: boolean }): string | undefined {
  requireText('lock key', key);
  if (!opts.force && opts.holder === undefined) throw new TypeError('releaseLock needs the holder, or force: true for an explicit unlock');
  return opts.force ? undefined : requireText('lock holder', opts.holder);
}

export function validateLockExtension(key: string, holder: string, ttlMs: number): void {
  requireText('lock key', key);
  requireText('lock holder', holder);
  requireTtl('lock ttlMs', ttlMs);
}

export function validateLease(name: string, owner: string, ttlMs: number): void {
  requireText('lease name', name);
  requireText('lease owner', owner);
  requireTtl('lease ttlMs', ttlMs);
}

/** Checks a claimDueWatches call; returns the batch size. */
export function validateClaim(now: Date, claimMs: number, limit: number | undefined): number {
  requireDate('now', now);
  requireTtl('claimMs', claimMs);
  return requireLimit('limit', limit, DEFAULT_CLAIM_LIMIT, 1_000);
}

export function validateDedup(key: string, ttlMs: number): void {
  requireText('dedup key', key);
  requireTtl('dedup ttlMs', ttlMs);
}

export function validateJobStateKey(job: string, key: string): void {
  requireText('job', job);
  requireText('job state key', key);
}

/** Checks a claimUnlessJobStates call. */
export function validateGuardedClaims(req: { job: string; ttlMs: number; items: readonly { stateKey: string; claimKey: string }[] }): void {
  requireText('job', req.job);
  requireTtl('claim ttlMs', req.ttlMs);
  const seen = new Set<string>();
  for (const item of req.items) {
    requireText('job state key', item.stateKey);
    requireText('claim key', item.claimKey);
    if (seen.has(item.claimKey)) throw new TypeError(`claim key ${item.claimKey} appears twice in one call`);
    seen.add(item.claimKey);
  }
}

export function validateJobStateWrite(job: string, key: string, value: unknown): void {
  validateJobStateKey(job, key);
  if (value === undefined) throw new TypeError('job state value must not be undefined');
}

export function validateJobStart(job: string, owner: string): void {
  requireText('job', job);
  requireText('job owner', owner);
}

export function validateJobEnd(id: number, outcome: unknown): void {
  if (!Number.isInteger(id) || id <= 0) throw new RangeError(`job run id must be a positive integer, got ${String(id)}`);
  requireOneOf('job outcome', outcome, JOB_OUTCOMES);
}

// --- decisions shared by both engines (made on rows the engine read inside its transaction) ------

/**
 * The live lock that stops a new lock on `key`, among the locks of its family (the key, its
 * ancestors and descendants): the one on the key itself first, so the message names it.
 */
export function blockingLock(family: readonly LockInfo[], key: string, now: Date, staleAfterMs?: number): LockInfo | undefined {
  const live = family.filter((l) => l.expiresAt > now && !heartbeatIsStale(l, now, staleAfterMs));
  return live.find((l) => l.key === key) ?? live[0];
}

/** A lock whose holder stopped renewing its heartbeat for longer than `staleAfterMs` (it died). */
export function heartbeatIsStale(l: LockInfo, now: Date, staleAfterMs: number | undefined): boolean {
  return staleAfterMs !== undefined && now.getTime() - l.heartbeatAt.getTime() >= staleAfterMs;
}

/** The lock a successful acquisition records. */
export function newLock(req: LockRequest, now: Date): LockInfo {
  return {
    key: req.key, holder: req.holder, ...(req.holderName ? { holderName: req.holderName } : {}),
    reason: req.reason, acquiredAt: now, expiresAt: addMs(now, req.ttlMs), owner: req.owner, heartbeatAt: now,
    ...(req.host ? { host: req.host } : {}), ...(req.frontEnd ? { frontEnd: req.frontEnd } : {}),
  };
}

export function validatePendingPatch(p: PendingPatch): void {
  if (p.decidedBy !== undefined) requireText('pending decidedBy', p.decidedBy);
  if (p.outcome !== undefined && typeof p.outcome !== 'string') throw new TypeError('pending outcome must be a string');
  validateReport(p.message);
}

/** Claimed watches in creation order (ties by id), whatever order the engine returned them in. */
export function byCreation(a: Watch, b: Watch): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}

/** host:port/database of a postgres URL, without credentials (pure: no `pg` needed). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : '/'}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
