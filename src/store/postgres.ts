/**
 * Server engine: PostgreSQL through a pg Pool, shared by every replica.
 *
 * Races between replicas are settled by the database, never by a read-then-write in the app:
 * - leases, dedup keys and pending transitions are single statements (INSERT ... ON CONFLICT
 *   DO UPDATE ... WHERE, UPDATE ... WHERE state = $from) whose row lock makes the loser see
 *   the winner's row;
 * - lock acquisition checks a key family (release and per-command keys), so it runs in a
 *   transaction holding a transaction-scoped advisory lock for the schema's lock table;
 * - due watches are claimed with FOR UPDATE SKIP LOCKED;
 * - at most one active watch per dedup key is a partial unique index.
 *
 * A lost connection is dropped from the pool (pg does that when a query fails on it, and the
 * pool's error handler covers idle ones); the operation that hit it fails with a StoreError and
 * the next one opens a new connection.
 */
import pg from 'pg';
import type { Pool as PgPool, PoolClient, PoolConfig } from 'pg';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import {
  StoreError,
  type AuditEntry,
  type AuditQuery,
  type GuardedClaim,
  type JobRun,
  type LeaseInfo,
  type LockInfo,
  type LockResult,
  type NewWatch,
  type PendingConfirmation,
  type PendingPatch,
  type PendingState,
  type PurgeCounts,
  type Store,
  type Watch,
  type WatchKind,
  type WatchState,
} from './types.ts';
import {
  ANNOUNCE_CLAIM_MS,
  PENDING_RETENTION_MS,
  PENDING_STATES,
  WATCH_STATES,
  addMs,
  blockingLock,
  byCreation,
  charLength,
  describeTarget,
  errorText,
  lockKeyAndAncestors,
  maskOptions,
  newLock,
  releaseOfLockKey,
  requireDate,
  requireLimit,
  requireOneOf,
  requireText,
  systemClock,
  toJson,
  validateAuditEntry,
  validateAuditQuery,
  validateClaim,
  validateDedup,
  validateGuardedClaims,
  validateJobEnd,
  validateJobStart,
  validateJobStateKey,
  validateJobStateWrite,
  validateLease,
  validateLockExtension,
  validateLockRequest,
  validateNewPending,
  validateNewWatch,
  validatePendingPatch,
  validateReleaseLock,
  validateTransition,
  validateWatchPatch,
  type Clock,
  type LockRequest,
  type NewPending,
  type WatchPatch,
} from './common.ts';
import { auditFromRow, expiredLockDetail, jobRunFromRow, leaseFromRow, lockFromRow, pendingFromRow, watchFromRow, type Decoder, type Row } from './rows.ts';
import { postgresMigrations } from './migrations/postgres.ts';
import { checkMigrationList } from './migrations/types.ts';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /**
   * Schema holding the tables (created if missing). Default: the connection's search_path
   * (normally `public`). Tests and benches use a fresh schema per run.
   */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing (default 5 s). */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout (default 30 s): a stuck query fails instead of hanging a command. */
  statementTimeoutMs?: number;
  /** application_name shown in pg_stat_activity (default oar-bot). */
  applicationName?: string;
  clock?: Clock;
  logger?: Logger;
}

const decoder: Decoder = {
  date: (v) => (v instanceof Date ? v : new Date(String(v))),
  json: (v) => v,
};

/** SQLSTATEs and socket errors that mean "the server or the connection is gone", not "the query was wrong". */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  const msg = errorText(e);
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|not queryable/i.test(msg);
}

/**
 * Takes a dedup key that is absent or expired; RETURNING names the keys taken. markSeen and the
 * claims of claimUnlessJobStates share it, so both mean the same by "seen".
 */
const TAKE_DEDUP_KEYS = `ON CONFLICT (dedup_key) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
       WHERE dedup.expires_at <= excluded.seen_at
       RETURNING dedup_key`;

const MARK_SEEN_SQL = `INSERT INTO dedup (dedup_key, seen_at, expires_at) VALUES ($1, $2, $3)
       ${TAKE_DEDUP_KEYS}`;

/**
 * $1 state keys, $2 claim keys (one item per index), $3 job, $4 now, $5 claim expiry. One statement
 * for the whole batch: an item whose job state exists answers its value and takes no claim; the
 * others take their claim keys in claim-key order (so two replicas' overlapping batches lock rows in
 * the same order and cannot deadlock). Rows come back in the items' order.
 */
const CLAIM_UNLESS_RECORDED_SQL = `WITH item AS (
         SELECT state_key, claim_key, n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(state_key, claim_key, n)),
       rec AS (
         SELECT item.n, job_state.value FROM item JOIN job_state ON job_state.job = $3::text AND job_state.state_key = item.state_key),
       claim AS (
         INSERT INTO dedup (dedup_key, seen_at, expires_at)
         SELECT claim_key, $4::timestamptz, $5::timestamptz FROM item WHERE NOT EXISTS (SELECT 1 FROM rec WHERE rec.n = item.n)
         ORDER BY claim_key COLLATE "C"
         ${TAKE_DEDUP_KEYS})
       SELECT rec.n IS NOT NULL AS recorded, rec.value, claim.dedup_key IS NOT NULL AS claimed
       FROM item LEFT JOIN rec ON rec.n = item.n LEFT JOIN claim ON claim.dedup_key = item.claim_key
       ORDER BY item.n`;

/**
 * $1 job, $2 keys (distinct), $3 JSON texts, $4 updated_at. setJobState is the one-key case. Rows are
 * written in key order, so concurrent batches lock them in the same order and cannot deadlock.
 */
const SET_JOB_STATES_SQL = `INSERT INTO job_state (job, state_key, value, updated_at)
       SELECT $1::text, state_key, value::jsonb, $4::timestamptz FROM unnest($2::text[], $3::text[]) AS t(state_key, value)
       ORDER BY state_key COLLATE "C"
       ON CONFLICT (job, state_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  /** host:port/database, for messages (never the password). */
  readonly target: string;
  readonly schema: string | undefined;
  readonly #pool: PgPool;
  readonly #clock: Clock;
  readonly #log: Logger;
  #ready = false;
  #closed = false;

  constructor(opts: PostgresStoreOptions) {
    this.target = describeTarget(opts.url);
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new TypeError(`schema must match ${SCHEMA_NAME}, got ${JSON.stringify(opts.schema)}`);
    this.schema = opts.schema;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
    const config: PoolConfig = {
      connectionString: opts.url,
      max: opts.maxConnections ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: opts.statementTimeoutMs ?? 30_000,
      application_name: opts.applicationName ?? 'oar-bot',
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    };
    this.#pool = new pg.Pool(config);
    // Without a listener an idle connection killed by the server would crash the process.
    this.#pool.on('error', (err) => {
      this.#log.warn({ err, target: this.target }, 'idle PostgreSQL connection lost; the pool opens a new one on next use');
    });
  }

  async init(): Promise<void> {
    if (this.#ready) return;
    if (this.#closed) throw new StoreError(`PostgreSQL store ${this.target} is closed`);
    checkMigrationList(postgresMigrations);
    const latest = postgresMigrations.length;
    let current = 0;
    try {
      current = await this.#txRaw(async (c) => {
        // Replicas starting together: one migrates, the others wait here and then find nothing to do.
        const scope = this.schema ?? 'default';
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oar-bot:migrate:${scope}`]);
        if (this.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
        const newest = Math.max(0, ...done);
        if (newest > latest) {
          throw new StoreError(`PostgreSQL database ${this.target}${this.schema ? ` (schema ${this.schema})` : ''} has schema version ${newest}, newer than this oar-bot knows (${latest}); upgrade oar-bot`);
        }
        for (const m of postgresMigrations) {
          if (done.has(m.version)) continue;
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          this.#log.info({ engine: 'postgres', target: this.target, version: m.version, name: m.name }, 'store migration applied');
        }
        return latest;
      });
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw this.#error('applying migrations at startup', e);
    }
    this.#ready = true;
    this.#log.info({ engine: 'postgres', target: this.target, schema: this.schema, schemaVersion: current }, 'store ready');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ready = false;
    await this.#pool.end();
  }

  async ping(): Promise<boolean> {
    if (!this.#ready) return false;
    try {
      await this.#pool.query('SELECT 1');
      return true;
    } catch (e) {
      this.#log.warn({ err: e, target: this.target }, 'store ping failed');
      return false;
    }
  }

  // --- plumbing -----------------------------------------------------------------------------------

  #error(op: string, e: unknown): StoreError {
    if (e instanceof StoreError) return e;
    const where = `PostgreSQL at ${this.target}`;
    if (isConnectionError(e)) return new StoreError(`${where} is unreachable (${op}): ${errorText(e)}`, { cause: e });
    return new StoreError(`${where}: ${op} failed: ${errorText(e)}`, { cause: e });
  }

  #check(): void {
    if (this.#ready) return;
    throw new StoreError(this.#closed ? `PostgreSQL store ${this.target} is closed` : `PostgreSQL store ${this.target} is not initialised (call init())`);
  }

  async #q(op: string, sql: string, args: unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    this.#check();
    try {
      const r = await this.#pool.query<Row>(sql, args);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    } catch (e) {
      throw this.#error(op, e);
    }
  }

  /** A transaction on one pooled connection; a connection that failed is destroyed, not reused. */
  async #txRaw<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      broken = isConnectionError(e);
      if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = true;
          this.#log.warn({ err: rollbackError, target: this.target }, 'ROLLBACK failed; dropping the connection');
        }
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async #tx<T>(op: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    this.#check();
    try {
      return await this.#txRaw(fn);
    } catch (e) {
      throw this.#error(op, e);
    }
  }

  #now(now?: Date): Date {
    return now ? requireDate('now', now) : this.#clock();
  }

  // --- audit ----------------------------------------------------------------------------------------

  async audit(entry: AuditEntry): Promise<number> {
    validateAuditEntry(entry);
    const at = entry.at ?? this.#clock();
    const { rows } = await this.#q(
      'writing an audit entry',
      `INSERT INTO audit (at, event, actor_id, actor_name, release_name, command, options, outcome, duration_ms, channel, thread_ts, correlation_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        at, entry.event, entry.actorId, entry.actorName ?? null, entry.release ?? null, entry.command ?? null,
        toJson(maskOptions(entry.options)), entry.outcome ?? null,
        entry.durationMs === undefined ? null : Math.round(entry.durationMs),
        entry.channel ?? null, entry.threadTs ?? null, entry.correlationId ?? null, entry.detail ?? null,
      ],
    );
    return Number(rows[0]!.id);
  }

  async queryAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const { limit } = validateAuditQuery(q);
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (col: string, op: string, v: unknown) => { args.push(v); where.push(`${col} ${op} $${args.length}`); };
    if (q.release !== undefined) add('release_name', '=', q.release);
    if (q.actorId !== undefined) add('actor_id', '=', q.actorId);
    if (q.command !== undefined) add('command', '=', q.command);
    if (q.event !== undefined) add('event', '=', q.event);
    if (q.since !== undefined) add('at', '>=', q.since);
    if (q.until !== undefined) add('at', '<', q.until);
    args.push(limit);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${args.length}`;
    const { rows } = await this.#q('querying the audit log', sql, args);
    return rows.map((r) => auditFromRow(r, decoder));
  }

  // --- locks ----------------------------------------------------------------------------------------

  async acquireLock(req: LockRequest): Promise<LockResult> {
    validateLockRequest(req);
    const now = this.#now(req.now);
    return this.#tx(`acquiring lock ${req.key}`, async (c) => {
      // One advisory lock per schema serialises acquisitions: the family check below reads
      // several rows, and row locks cannot guard a row that does not exist yet.
      await c.query("SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':oar-bot:locks'))");
      const rows = (await c.query<Row>(
        'SELECT * FROM locks WHERE lock_key = ANY($1::text[]) OR left(lock_key, $2) = $3',
        [lockKeyAndAncestors(req.key), charLength(req.key) + 1, `${req.key}:`],
      )).rows.map((r) => lockFromRow(r, decoder));
      const heldBy = blockingLock(rows, req.key, now, req.staleAfterMs);
      if (heldBy) return { acquired: false as const, heldBy };
      for (const stale of rows) await this.#dropExpiredLock(c, stale, now, req.holder);
      const lock = newLock(req, now);
      await c.query(
        'INSERT INTO locks (lock_key, holder, holder_name, reason, owner, acquired_at, expires_at, heartbeat_at, host, front_end) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [lock.key, lock.holder, lock.holderName ?? null, lock.reason, lock.owner, lock.acquiredAt, lock.expiresAt, lock.heartbeatAt, lock.host ?? null, lock.frontEnd ?? null],
      );
      return { acquired: true as const, lock };
    });
  }

  async #dropExpiredLock(c: PoolClient, lock: LockInfo, now: Date, takenBy?: string): Promise<void> {
    await c.query('DELETE FROM locks WHERE lock_key = $1', [lock.key]);
    const { release, command } = releaseOfLockKey(lock.key);
    await c.query(
      'INSERT INTO audit (at, event, actor_id, actor_name, release_name, command, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [now, lock.expiresAt > now ? 'takeover' : 'expire', lock.holder, lock.holderName ?? null, release ?? null, command ?? null, expiredLockDetail(lock, now, takenBy)],
    );
  }

  async releaseLock(key: string, opts: { holder?: string; force?: boolean } = {}): Promise<boolean> {
    const holder = validateReleaseLock(key, opts);
    const r = holder === undefined
      ? await this.#q(`releasing lock ${key}`, 'DELETE FROM locks WHERE lock_key = $1', [key])
      : await this.#q(`releasing lock ${key}`, 'DELETE FROM locks WHERE lock_key = $1 AND holder = $2', [key, holder]);
    return r.rowCount > 0;
  }

  async extendLock(key: string, holder: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateLockExtension(key, holder, ttlMs);
    const at = this.#now(now);
    const r = await this.#q(`extending lock ${key}`, 'UPDATE locks SET expires_at = $1, heartbeat_at = $4 WHERE lock_key = $2 AND holder = $3 AND expires_at > $4', [addMs(at, ttlMs), key, holder, at]);
    return r.rowCount > 0;
  }

  async listLocks(now?: Date): Promise<LockInfo[]> {
    const at = this.#now(now);
    const { rows } = await this.#q('listing locks', 'SELECT * FROM locks WHERE expires_at > $1 ORDER BY acquired_at, lock_key', [at]);
    return rows.map((r) => lockFromRow(r, decoder));
  }

  async releaseLocksOwnedBy(owner: string): Promise<number> {
    requireText('lock owner', owner);
    return (await this.#q(`releasing the locks of ${owner}`, 'DELETE FROM locks WHERE owner = $1', [owner])).rowCount;
  }

  // --- leases ---------------------------------------------------------------------------------------

  async tryLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateLease(name, owner, ttlMs);
    const at = this.#now(now);
    const { rows } = await this.#q(
      `taking lease ${name}`,
      `INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET
         acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at ELSE excluded.acquired_at END,
         owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.acquired_at
       RETURNING owner`,
      [name, owner, at, addMs(at, ttlMs)],
    );
    return rows.length > 0;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    requireText('lease name', name);
    requireText('lease owner', owner);
    await this.#q(`releasing lease ${name}`, 'DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async getLease(name: string, now?: Date): Promise<LeaseInfo | undefined> {
    requireText('lease name', name);
    const at = this.#now(now);
    const { rows } = await this.#q(`reading lease ${name}`, 'SELECT * FROM leases WHERE name = $1 AND expires_at > $2', [name, at]);
    return rows[0] ? leaseFromRow(rows[0], decoder) : undefined;
  }

  // --- watches --------------------------------------------------------------------------------------

  async addWatch(w: NewWatch): Promise<{ created: true; watch: Watch } | { created: false; existing: Watch }> {
    validateNewWatch(w);
    const createdAt = w.createdAt ?? this.#clock();
    const op = `adding a ${w.kind} watch for ${w.release}`;
    const args = [
      randomUUID(), w.kind, w.release, JSON.stringify(w.subject), toJson(w.report), createdAt,
      w.nextCheckAt ?? addMs(createdAt, w.intervalMs), w.deadline, w.intervalMs, w.dedupKey ?? null,
    ];
    // The existing watch can finish between our failed insert and the read: then try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const ins = await this.#q(
        op,
        `INSERT INTO watches (id, kind, release_name, subject, report, state, created_at, next_check_at, deadline, interval_ms, attempts, dedup_key)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'active', $6, $7, $8, $9, 0, $10)
         ON CONFLICT (kind, dedup_key) WHERE state = 'active' AND dedup_key IS NOT NULL DO NOTHING
         RETURNING *`,
        args,
      );
      if (ins.rows[0]) return { created: true, watch: watchFromRow(ins.rows[0], decoder) };
      const ex = await this.#q(op, "SELECT * FROM watches WHERE kind = $1 AND dedup_key = $2 AND state = 'active'", [w.kind, w.dedupKey]);
      if (ex.rows[0]) return { created: false, existing: watchFromRow(ex.rows[0], decoder) };
    }
    throw new StoreError(`PostgreSQL at ${this.target}: ${op} failed: the watch with dedup key ${w.dedupKey ?? ''} kept changing state`);
  }

  async getWatch(id: string): Promise<Watch | undefined> {
    requireText('watch id', id);
    const { rows } = await this.#q(`reading watch ${id}`, 'SELECT * FROM watches WHERE id = $1', [id]);
    return rows[0] ? watchFromRow(rows[0], decoder) : undefined;
  }

  async listWatches(filter: { state?: WatchState; release?: string; kind?: WatchKind } = {}): Promise<Watch[]> {
    if (filter.state !== undefined) requireOneOf('watch state', filter.state, WATCH_STATES);
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (col: string, v: unknown) => { args.push(v); where.push(`${col} = $${args.length}`); };
    if (filter.state !== undefined) add('state', filter.state);
    if (filter.release !== undefined) add('release_name', filter.release);
    if (filter.kind !== undefined) add('kind', filter.kind);
    const { rows } = await this.#q('listing watches', `SELECT * FROM watches ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, args);
    return rows.map((r) => watchFromRow(r, decoder));
  }

  async claimDueWatches(now: Date, claimMs: number, limit?: number): Promise<Watch[]> {
    const n = validateClaim(now, claimMs, limit);
    const { rows } = await this.#q(
      'claiming due watches',
      // The CTE runs once (a plain IN (subquery) may be re-executed and then exceed the LIMIT).
      `WITH due AS (
         SELECT id FROM watches WHERE state = 'active' AND next_check_at <= $1 ORDER BY next_check_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       UPDATE watches w SET next_check_at = $2 FROM due WHERE w.id = due.id
       RETURNING w.*`,
      [now, addMs(now, claimMs), n],
    );
    return rows.map((r) => watchFromRow(r, decoder)).sort(byCreation);
  }

  async updateWatch(id: string, patch: WatchPatch): Promise<boolean> {
    requireText('watch id', id);
    validateWatchPatch(patch);
    const sets: string[] = [];
    const args: unknown[] = [];
    const set = (col: string, v: unknown, cast = '') => { args.push(v); sets.push(`${col} = $${args.length}${cast}`); };
    if (patch.state !== undefined) set('state', patch.state);
    if (patch.nextCheckAt !== undefined) set('next_check_at', patch.nextCheckAt);
    if (patch.attempts !== undefined) set('attempts', patch.attempts);
    if (patch.lastResult !== undefined) set('last_result', patch.lastResult);
    if (patch.report !== undefined) set('report', toJson(patch.report), '::jsonb');
    if (patch.subject !== undefined) set('subject', toJson(patch.subject), '::jsonb');
    args.push(id);
    const sql = sets.length ? `UPDATE watches SET ${sets.join(', ')} WHERE id = $${args.length}` : 'SELECT 1 FROM watches WHERE id = $1';
    return (await this.#q(`updating watch ${id}`, sql, args)).rowCount > 0;
  }

  // --- pending confirmations ----------------------------------------------------------------------

  async createPending(p: NewPending): Promise<PendingConfirmation> {
    validateNewPending(p);
    const createdAt = p.createdAt ?? this.#clock();
    const { rows } = await this.#q(
      `creating pending ${p.kind} ${p.id}`,
      `INSERT INTO pendings (id, kind, actor_id, release_name, command, payload, state, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'pending', $7, $8) ON CONFLICT (id) DO NOTHING RETURNING *`,
      [p.id, p.kind, p.actorId, p.release, p.command, JSON.stringify(p.payload), createdAt, p.expiresAt],
    );
    if (!rows[0]) throw new StoreError(`pending ${p.kind} ${p.id} already exists`);
    return pendingFromRow(rows[0], decoder);
  }

  async getPending(id: string, now?: Date): Promise<PendingConfirmation | undefined> {
    requireText('pending id', id);
    const at = this.#now(now);
    const { rows } = await this.#q(`reading pending ${id}`, 'SELECT * FROM pendings WHERE id = $1', [id]);
    return rows[0] ? pendingFromRow(rows[0], decoder, at) : undefined;
  }

  async transitionPending(id: string, from: PendingState, to: PendingState, now?: Date, patch: PendingPatch = {}): Promise<PendingConfirmation | undefined> {
    validateTransition(id, from, to);
    validatePendingPatch(patch);
    const at = this.#now(now);
    // Expiry gates only decisions on a pending entry; an approved run may finish after it.
    const { rows } = await this.#q(
      `moving pending ${id} from ${from} to ${to}`,
      `UPDATE pendings SET state = $1, decided_by = coalesce($5, decided_by), outcome = coalesce($6, outcome), message = coalesce($7::jsonb, message)
       WHERE id = $2 AND state = $3 AND (expires_at > $4 OR $1 = 'expired' OR state <> 'pending') RETURNING *`,
      [to, id, from, at, patch.decidedBy ?? null, patch.outcome ?? null, toJson(patch.message)],
    );
    return rows[0] ? pendingFromRow(rows[0], decoder) : undefined;
  }

  async annotatePending(id: string, patch: PendingPatch): Promise<boolean> {
    requireText('pending id', id);
    validatePendingPatch(patch);
    const r = await this.#q(
      `annotating pending ${id}`,
      'UPDATE pendings SET decided_by = coalesce($2, decided_by), outcome = coalesce($3, outcome), message = coalesce($4::jsonb, message) WHERE id = $1',
      [id, patch.decidedBy ?? null, patch.outcome ?? null, toJson(patch.message)],
    );
    return r.rowCount > 0;
  }

  async listPendings(filter: { kind?: PendingConfirmation['kind']; state?: PendingState; unannounced?: boolean } = {}, now?: Date): Promise<PendingConfirmation[]> {
    const at = this.#now(now);
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (col: string, v: unknown) => { args.push(v); where.push(`${col} = $${args.length}`); };
    if (filter.kind !== undefined) add('kind', requireOneOf('pending kind', filter.kind, ['confirmation', 'approval'] as const));
    if (filter.state !== undefined) add('state', requireOneOf('pending state', filter.state, PENDING_STATES));
    if (filter.unannounced) where.push('message IS NULL');
    const { rows } = await this.#q('listing pendings', `SELECT * FROM pendings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, args);
    return rows.map((r) => pendingFromRow(r, decoder, at));
  }

  async claimPendingAnnouncement(id: string, now?: Date): Promise<boolean> {
    requireText('pending id', id);
    const at = this.#now(now);
    const r = await this.#q(`claiming the announcement of pending ${id}`, 'UPDATE pendings SET announced_at = $2 WHERE id = $1 AND (announced_at IS NULL OR (message IS NULL AND announced_at <= $3))', [id, at, addMs(at, -ANNOUNCE_CLAIM_MS)]);
    return r.rowCount > 0;
  }

  // --- delivery dedup -------------------------------------------------------------------------------

  async markSeen(key: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateDedup(key, ttlMs);
    const at = this.#now(now);
    const { rows } = await this.#q(`recording delivery ${key}`, MARK_SEEN_SQL, [key, at, addMs(at, ttlMs)]);
    return rows.length > 0;
  }

  async claimUnlessJobStates<T = unknown>(req: { job: string; ttlMs: number; now?: Date; items: readonly { stateKey: string; claimKey: string }[] }): Promise<GuardedClaim<T>[]> {
    validateGuardedClaims(req);
    if (req.items.length === 0) return [];
    const at = this.#now(req.now);
    const { rows } = await this.#q(
      `claiming ${req.items.length} key(s) of job ${req.job} unless recorded`,
      CLAIM_UNLESS_RECORDED_SQL,
      [req.items.map((i) => i.stateKey), req.items.map((i) => i.claimKey), req.job, at, addMs(at, req.ttlMs)],
    );
    if (rows.length !== req.items.length) throw new StoreError(`claiming ${req.items.length} key(s) of job ${req.job} unless recorded: PostgreSQL answered ${rows.length} row(s)`);
    return rows.map((r): GuardedClaim<T> => (r.recorded === true ? { outcome: 'recorded', value: r.value as T } : r.claimed === true ? { outcome: 'claimed' } : { outcome: 'held' }));
  }

  // --- job state ------------------------------------------------------------------------------------

  async getJobState<T = unknown>(job: string, key: string): Promise<T | undefined> {
    validateJobStateKey(job, key);
    const { rows } = await this.#q(`reading state ${key} of job ${job}`, 'SELECT value FROM job_state WHERE job = $1 AND state_key = $2', [job, key]);
    return rows[0] ? (rows[0].value as T) : undefined;
  }

  async setJobState(job: string, key: string, value: unknown): Promise<void> {
    validateJobStateWrite(job, key, value);
    await this.#q(`writing state ${key} of job ${job}`, SET_JOB_STATES_SQL, [job, [key], [JSON.stringify(value)], this.#clock()]);
  }

  async setJobStates(job: string, entries: readonly { key: string; value: unknown }[]): Promise<void> {
    for (const e of entries) validateJobStateWrite(job, e.key, e.value);
    if (entries.length === 0) return;
    // A later entry of a key wins; one statement cannot upsert the same row twice, so only the last one goes.
    const last = new Map(entries.map((e) => [e.key, JSON.stringify(e.value)]));
    await this.#q(`writing ${entries.length} state key(s) of job ${job}`, SET_JOB_STATES_SQL, [job, [...last.keys()], [...last.values()], this.#clock()]);
  }

  async listJobStateKeys(job: string, prefix = ''): Promise<string[]> {
    requireText('job', job);
    const { rows } = await this.#q(
      `listing state keys of job ${job}`,
      'SELECT state_key FROM job_state WHERE job = $1 AND left(state_key, $2) = $3 ORDER BY state_key COLLATE "C"',
      [job, charLength(prefix), prefix],
    );
    return rows.map((r) => String(r.state_key));
  }

  // --- job runs -------------------------------------------------------------------------------------

  async recordJobStart(job: string, owner: string, at?: Date): Promise<number> {
    validateJobStart(job, owner);
    const started = this.#now(at);
    const { rows } = await this.#q(`recording the start of job ${job}`, 'INSERT INTO job_runs (job, owner, started_at) VALUES ($1, $2, $3) RETURNING id', [job, owner, started]);
    return Number(rows[0]!.id);
  }

  async recordJobEnd(id: number, r: { outcome: 'ok' | 'failed' | 'skipped'; counts?: Record<string, number>; error?: string; at?: Date }): Promise<void> {
    validateJobEnd(id, r.outcome);
    const ended = this.#now(r.at);
    const res = await this.#q(
      `recording the end of job run ${id}`,
      'UPDATE job_runs SET ended_at = $1, outcome = $2, counts = $3::jsonb, error = $4 WHERE id = $5',
      [ended, r.outcome, toJson(r.counts), r.error ?? null, id],
    );
    if (res.rowCount === 0) throw new StoreError(`job run ${id} does not exist`);
  }

  async lastJobRuns(limitPerJob = 1): Promise<JobRun[]> {
    const n = requireLimit('limitPerJob', limitPerJob, 1, 1_000);
    const { rows } = await this.#q(
      'listing job runs',
      `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC, id DESC) AS rn FROM job_runs) runs
       WHERE rn <= $1 ORDER BY job COLLATE "C", started_at DESC, id DESC`,
      [n],
    );
    return rows.map((r) => jobRunFromRow(r, decoder));
  }

  // --- housekeeping ---------------------------------------------------------------------------------

  async purgeExpired(now?: Date): Promise<PurgeCounts> {
    const at = this.#now(now);
    return this.#tx('purging expired entries', async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':oar-bot:locks'))");
      const stale = (await c.query<Row>('SELECT * FROM locks WHERE expires_at <= $1', [at])).rows.map((r) => lockFromRow(r, decoder));
      for (const l of stale) await this.#dropExpiredLock(c, l, at);
      return {
        locks: stale.length,
        dedup: (await c.query('DELETE FROM dedup WHERE expires_at <= $1', [at])).rowCount ?? 0,
        pendings: (await c.query('DELETE FROM pendings WHERE expires_at <= $1', [addMs(at, -PENDING_RETENTION_MS)])).rowCount ?? 0,
        leases: (await c.query('DELETE FROM leases WHERE expires_at <= $1', [at])).rowCount ?? 0,
      };
    });
  }
}

export { describeTarget };
