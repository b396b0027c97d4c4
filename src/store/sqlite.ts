/**
 * Embedded engine: one SQLite file through Node's built-in node:sqlite (no native addon).
 *
 * WAL mode lets readers run beside the writer; busy_timeout makes a second process on the
 * same file wait for the write lock instead of failing. Every read-modify-write runs in a
 * BEGIN IMMEDIATE transaction, which takes the file's single write lock up front, so two
 * processes never both see a lock, lease or dedup key as free. node:sqlite is synchronous:
 * each method finishes its transaction before returning, so no two transactions of this
 * process interleave.
 */
import pRetry from 'p-retry';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
import { sqliteMigrations } from './migrations/sqlite.ts';
import { checkMigrationList } from './migrations/types.ts';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /** How long a write waits for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const SQLITE_BUSY = 5;
const SQLITE_CONSTRAINT = 19;

const decoder: Decoder = {
  date: (v) => new Date(Number(v)),
  json: (v) => JSON.parse(String(v)) as unknown,
};

const ms = (d: Date): number => d.getTime();
const val = (v: string | number | null | undefined): SQLInputValue => (v === undefined ? null : v);

const MARK_SEEN_SQL = `INSERT INTO dedup (dedup_key, seen_at, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (dedup_key) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
         WHERE dedup.expires_at <= excluded.seen_at
         RETURNING dedup_key`;
const SET_JOB_STATE_SQL = `INSERT INTO job_state (job, state_key, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (job, state_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly file: string;
  readonly #busyTimeoutMs: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  #db: DatabaseSync | undefined;
  #closed = false;
  readonly #stmts = new Map<string, StatementSync>();

  constructor(opts: SqliteStoreOptions) {
    this.file = resolve(opts.file);
    this.#busyTimeoutMs = opts.busyTimeoutMs ?? 5_000;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
  }

  async init(): Promise<void> {
    if (this.#db) return;
    if (this.#closed) throw new StoreError(`SQLite store ${this.file} is closed`);
    // Two processes opening the same new file at once can see SQLITE_BUSY immediately (switching
    // to WAL needs the file to itself, and SQLite does not wait there): retry that, boundedly.
    const db = await pRetry(() => this.#open(), {
      retries: 50,
      minTimeout: 20,
      maxTimeout: 250,
      maxRetryTime: this.#busyTimeoutMs,
      shouldRetry: ({ error }) => isBusy(error),
    });
    try {
      this.#migrate(db);
    } catch (e) {
      db.close();
      if (e instanceof StoreError) throw e;
      throw new StoreError(`SQLite database ${this.file} could not be migrated: ${errorText(e)}`, { cause: e });
    }
    this.#db = db;
  }

  /** Open and check the file. Nothing is written before the file is known to be a healthy SQLite database. */
  #open(): DatabaseSync {
    const dir = dirname(this.file);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the data directory ${dir} (OAR_DATA_DIR): ${errorText(e)}`, { cause: e });
    }
    const untouched = 'The file was left as it is; restore it from a backup, or move it away to start with an empty store.';
    try {
      const st = statSync(this.file, { throwIfNoEntry: false });
      if (st && !st.isFile()) throw new Error('it is not a regular file');
    } catch (e) {
      throw new StoreError(`SQLite database ${this.file} is unusable: ${errorText(e)}. ${untouched}`, { cause: e });
    }
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(this.file, { timeout: this.#busyTimeoutMs });
      db.exec(`PRAGMA busy_timeout = ${this.#busyTimeoutMs}`);
      // Reading the schema reads the header: a file that is not SQLite fails here, before any write.
      db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
      const check = db.prepare('PRAGMA quick_check(1)').get() as Row | undefined;
      const verdict = check ? String(Object.values(check)[0]) : 'no answer';
      if (verdict !== 'ok') throw new Error(`integrity check failed: ${verdict}`);
      const mode = db.prepare('PRAGMA journal_mode = WAL').get() as Row | undefined;
      if (mode && String(Object.values(mode)[0]).toLowerCase() !== 'wal') throw new Error(`cannot switch to WAL mode (got ${String(Object.values(mode)[0])})`);
      // WAL + NORMAL: a commit survives a process crash; only an OS crash may lose the last commits.
      db.exec('PRAGMA synchronous = NORMAL');
      return db;
    } catch (e) {
      db?.close();
      throw new StoreError(`SQLite database ${this.file} cannot be opened: ${sqliteReason(e, this.#busyTimeoutMs)}. ${untouched}`, { cause: e });
    }
  }

  #migrate(db: DatabaseSync): void {
    checkMigrationList(sqliteMigrations);
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const latest = sqliteMigrations.length;
    const before = Number((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as Row | undefined)?.v ?? 0);
    if (before > latest) {
      throw new StoreError(`SQLite database ${this.file} has schema version ${before}, newer than this oar-bot knows (${latest}); upgrade oar-bot or use another OAR_DATA_DIR`);
    }
    for (const m of sqliteMigrations) {
      this.#txOn(db, () => {
        if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        this.#log.info({ engine: 'sqlite', file: this.file, version: m.version, name: m.name }, 'store migration applied');
      });
    }
    this.#log.info({ engine: 'sqlite', file: this.file, schemaVersion: latest }, 'store ready');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stmts.clear();
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }

  async ping(): Promise<boolean> {
    if (!this.#db) return false;
    try {
      this.#db.prepare('SELECT 1').get();
      return true;
    } catch (e) {
      this.#log.warn({ err: e, file: this.file }, 'store ping failed');
      return false;
    }
  }

  // --- plumbing -----------------------------------------------------------------------------------

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#conn().prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #conn(): DatabaseSync {
    if (this.#db) return this.#db;
    throw new StoreError(this.#closed ? `SQLite store ${this.file} is closed` : `SQLite store ${this.file} is not initialised (call init())`);
  }

  #txOn<T>(db: DatabaseSync, fn: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }

  /** Runs one operation; any database failure becomes a StoreError naming the file and the operation. */
  async #run<T>(op: string, fn: (db: DatabaseSync) => T, tx = false): Promise<T> {
    const db = this.#conn();
    try {
      return tx ? this.#txOn(db, () => fn(db)) : fn(db);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError(`SQLite store ${this.file}: ${op} failed: ${sqliteReason(e, this.#busyTimeoutMs)}`, { cause: e });
    }
  }

  #now(now?: Date): Date {
    return now ? requireDate('now', now) : this.#clock();
  }

  // --- audit ----------------------------------------------------------------------------------------

  async audit(entry: AuditEntry): Promise<number> {
    validateAuditEntry(entry);
    const at = entry.at ?? this.#clock();
    return this.#run('writing an audit entry', () => {
      const r = this.#stmt(
        `INSERT INTO audit (at, event, actor_id, actor_name, release_name, command, options, outcome, duration_ms, channel, thread_ts, correlation_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        ms(at), entry.event, entry.actorId, val(entry.actorName), val(entry.release), val(entry.command),
        toJson(maskOptions(entry.options)), val(entry.outcome),
        entry.durationMs === undefined ? null : Math.round(entry.durationMs),
        val(entry.channel), val(entry.threadTs), val(entry.correlationId), val(entry.detail),
      );
      return Number(r.lastInsertRowid);
    });
  }

  async queryAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const { limit } = validateAuditQuery(q);
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    const add = (cond: string, v: SQLInputValue) => { where.push(cond); args.push(v); };
    if (q.release !== undefined) add('release_name = ?', q.release);
    if (q.actorId !== undefined) add('actor_id = ?', q.actorId);
    if (q.command !== undefined) add('command = ?', q.command);
    if (q.event !== undefined) add('event = ?', q.event);
    if (q.since !== undefined) add('at >= ?', ms(q.since));
    if (q.until !== undefined) add('at < ?', ms(q.until));
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    return this.#run('querying the audit log', () => (this.#stmt(sql).all(...args, limit) as Row[]).map((r) => auditFromRow(r, decoder)));
  }

  // --- locks ----------------------------------------------------------------------------------------

  async acquireLock(req: LockRequest): Promise<LockResult> {
    validateLockRequest(req);
    const now = this.#now(req.now);
    const family = lockKeyAndAncestors(req.key);
    const sql = `SELECT * FROM locks WHERE lock_key IN (${family.map(() => '?').join(', ')}) OR substr(lock_key, 1, ?) = ?`;
    return this.#run(`acquiring lock ${req.key}`, () => {
      const rows = (this.#stmt(sql).all(...family, charLength(req.key) + 1, `${req.key}:`) as Row[]).map((r) => lockFromRow(r, decoder));
      const heldBy = blockingLock(rows, req.key, now, req.staleAfterMs);
      if (heldBy) return { acquired: false as const, heldBy };
      for (const stale of rows) this.#dropExpiredLock(stale, now, req.holder);
      const lock = newLock(req, now);
      this.#stmt('INSERT INTO locks (lock_key, holder, holder_name, reason, owner, acquired_at, expires_at, heartbeat_at, host, front_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(lock.key, lock.holder, val(lock.holderName), lock.reason, lock.owner, ms(lock.acquiredAt), ms(lock.expiresAt), ms(lock.heartbeatAt), val(lock.host), val(lock.frontEnd));
      return { acquired: true as const, lock };
    }, true);
  }

  /**
   * Inside a transaction: delete an expired lock (or a live one whose holder's heartbeat went
   * stale) and leave an `expire` / `takeover` audit entry naming its holder.
   */
  #dropExpiredLock(lock: LockInfo, now: Date, takenBy?: string): void {
    this.#stmt('DELETE FROM locks WHERE lock_key = ?').run(lock.key);
    const { release, command } = releaseOfLockKey(lock.key);
    this.#stmt('INSERT INTO audit (at, event, actor_id, actor_name, release_name, command, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(ms(now), lock.expiresAt > now ? 'takeover' : 'expire', lock.holder, val(lock.holderName), val(release), val(command), expiredLockDetail(lock, now, takenBy));
  }

  async releaseLock(key: string, opts: { holder?: string; force?: boolean } = {}): Promise<boolean> {
    const holder = validateReleaseLock(key, opts);
    return this.#run(`releasing lock ${key}`, () => {
      const r = holder === undefined
        ? this.#stmt('DELETE FROM locks WHERE lock_key = ?').run(key)
        : this.#stmt('DELETE FROM locks WHERE lock_key = ? AND holder = ?').run(key, holder);
      return Number(r.changes) > 0;
    });
  }

  async extendLock(key: string, holder: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateLockExtension(key, holder, ttlMs);
    const at = this.#now(now);
    return this.#run(`extending lock ${key}`, () =>
      Number(this.#stmt('UPDATE locks SET expires_at = ?, heartbeat_at = ? WHERE lock_key = ? AND holder = ? AND expires_at > ?').run(ms(at) + ttlMs, ms(at), key, holder, ms(at)).changes) > 0);
  }

  async listLocks(now?: Date): Promise<LockInfo[]> {
    const at = this.#now(now);
    return this.#run('listing locks', () =>
      (this.#stmt('SELECT * FROM locks WHERE expires_at > ? ORDER BY acquired_at, lock_key').all(ms(at)) as Row[]).map((r) => lockFromRow(r, decoder)));
  }

  async releaseLocksOwnedBy(owner: string): Promise<number> {
    requireText('lock owner', owner);
    return this.#run(`releasing the locks of ${owner}`, () => Number(this.#stmt('DELETE FROM locks WHERE owner = ?').run(owner).changes));
  }

  // --- leases ---------------------------------------------------------------------------------------

  async tryLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateLease(name, owner, ttlMs);
    const at = this.#now(now);
    return this.#run(`taking lease ${name}`, () => {
      const row = this.#stmt(
        `INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET
           acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at ELSE excluded.acquired_at END,
           owner = excluded.owner, expires_at = excluded.expires_at
         WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.acquired_at
         RETURNING owner`,
      ).get(name, owner, ms(at), ms(at) + ttlMs);
      return row !== undefined;
    }, true);
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    requireText('lease name', name);
    requireText('lease owner', owner);
    await this.#run(`releasing lease ${name}`, () => this.#stmt('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner));
  }

  async getLease(name: string, now?: Date): Promise<LeaseInfo | undefined> {
    requireText('lease name', name);
    const at = this.#now(now);
    return this.#run(`reading lease ${name}`, () => {
      const row = this.#stmt('SELECT * FROM leases WHERE name = ? AND expires_at > ?').get(name, ms(at)) as Row | undefined;
      return row ? leaseFromRow(row, decoder) : undefined;
    });
  }

  // --- watches --------------------------------------------------------------------------------------

  async addWatch(w: NewWatch): Promise<{ created: true; watch: Watch } | { created: false; existing: Watch }> {
    validateNewWatch(w);
    const createdAt = w.createdAt ?? this.#clock();
    const watch: Watch = {
      id: randomUUID(), kind: w.kind, release: w.release, subject: w.subject, ...(w.report ? { report: w.report } : {}),
      state: 'active', createdAt, nextCheckAt: w.nextCheckAt ?? addMs(createdAt, w.intervalMs), deadline: w.deadline,
      intervalMs: w.intervalMs, attempts: 0, ...(w.dedupKey ? { dedupKey: w.dedupKey } : {}),
    };
    return this.#run(`adding a ${w.kind} watch for ${w.release}`, () => {
      if (w.dedupKey !== undefined) {
        const existing = this.#stmt("SELECT * FROM watches WHERE kind = ? AND dedup_key = ? AND state = 'active'").get(w.kind, w.dedupKey) as Row | undefined;
        if (existing) return { created: false as const, existing: watchFromRow(existing, decoder) };
      }
      this.#stmt(
        `INSERT INTO watches (id, kind, release_name, subject, report, state, created_at, next_check_at, deadline, interval_ms, attempts, dedup_key)
         VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, 0, ?)`,
      ).run(watch.id, watch.kind, watch.release, toJson(watch.subject), toJson(watch.report), ms(watch.createdAt), ms(watch.nextCheckAt), ms(watch.deadline), watch.intervalMs, val(watch.dedupKey));
      return { created: true as const, watch };
    }, true);
  }

  async getWatch(id: string): Promise<Watch | undefined> {
    requireText('watch id', id);
    return this.#run(`reading watch ${id}`, () => {
      const row = this.#stmt('SELECT * FROM watches WHERE id = ?').get(id) as Row | undefined;
      return row ? watchFromRow(row, decoder) : undefined;
    });
  }

  async listWatches(filter: { state?: WatchState; release?: string; kind?: WatchKind } = {}): Promise<Watch[]> {
    if (filter.state !== undefined) requireOneOf('watch state', filter.state, WATCH_STATES);
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (filter.state !== undefined) { where.push('state = ?'); args.push(filter.state); }
    if (filter.release !== undefined) { where.push('release_name = ?'); args.push(filter.release); }
    if (filter.kind !== undefined) { where.push('kind = ?'); args.push(filter.kind); }
    const sql = `SELECT * FROM watches ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return this.#run('listing watches', () => (this.#stmt(sql).all(...args) as Row[]).map((r) => watchFromRow(r, decoder)));
  }

  async claimDueWatches(now: Date, claimMs: number, limit?: number): Promise<Watch[]> {
    const n = validateClaim(now, claimMs, limit);
    return this.#run('claiming due watches', () => {
      const rows = this.#stmt(
        `UPDATE watches SET next_check_at = ?
         WHERE id IN (SELECT id FROM watches WHERE state = 'active' AND next_check_at <= ? ORDER BY next_check_at, id LIMIT ?)
         RETURNING *`,
      ).all(ms(now) + claimMs, ms(now), n) as Row[];
      return rows.map((r) => watchFromRow(r, decoder)).sort(byCreation);
    }, true);
  }

  async updateWatch(id: string, patch: WatchPatch): Promise<boolean> {
    requireText('watch id', id);
    validateWatchPatch(patch);
    const sets: string[] = [];
    const args: SQLInputValue[] = [];
    const set = (col: string, v: SQLInputValue) => { sets.push(`${col} = ?`); args.push(v); };
    if (patch.state !== undefined) set('state', patch.state);
    if (patch.nextCheckAt !== undefined) set('next_check_at', ms(patch.nextCheckAt));
    if (patch.attempts !== undefined) set('attempts', patch.attempts);
    if (patch.lastResult !== undefined) set('last_result', patch.lastResult);
    if (patch.report !== undefined) set('report', toJson(patch.report));
    if (patch.subject !== undefined) set('subject', toJson(patch.subject));
    const sql = sets.length ? `UPDATE watches SET ${sets.join(', ')} WHERE id = ?` : 'SELECT 1 FROM watches WHERE id = ?';
    return this.#run(`updating watch ${id}`, () => {
      if (!sets.length) return this.#stmt(sql).get(id) !== undefined;
      return Number(this.#stmt(sql).run(...args, id).changes) > 0;
    });
  }

  // --- pending confirmations ----------------------------------------------------------------------

  async createPending(p: NewPending): Promise<PendingConfirmation> {
    validateNewPending(p);
    const rec: PendingConfirmation = {
      id: p.id, kind: p.kind, actorId: p.actorId, release: p.release, command: p.command, payload: p.payload,
      state: 'pending', createdAt: p.createdAt ?? this.#clock(), expiresAt: p.expiresAt,
    };
    return this.#run(`creating pending ${p.kind} ${p.id}`, () => {
      try {
        this.#stmt('INSERT INTO pendings (id, kind, actor_id, release_name, command, payload, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(rec.id, rec.kind, rec.actorId, rec.release, rec.command, JSON.stringify(rec.payload), rec.state, ms(rec.createdAt), ms(rec.expiresAt));
      } catch (e) {
        if (sqliteCode(e) === SQLITE_CONSTRAINT) throw new StoreError(`pending ${p.kind} ${p.id} already exists`, { cause: e });
        throw e;
      }
      return rec;
    });
  }

  async getPending(id: string, now?: Date): Promise<PendingConfirmation | undefined> {
    requireText('pending id', id);
    const at = this.#now(now);
    return this.#run(`reading pending ${id}`, () => {
      const row = this.#stmt('SELECT * FROM pendings WHERE id = ?').get(id) as Row | undefined;
      return row ? pendingFromRow(row, decoder, at) : undefined;
    });
  }

  async transitionPending(id: string, from: PendingState, to: PendingState, now?: Date, patch: PendingPatch = {}): Promise<PendingConfirmation | undefined> {
    validateTransition(id, from, to);
    validatePendingPatch(patch);
    const at = this.#now(now);
    return this.#run(`moving pending ${id} from ${from} to ${to}`, () => {
      // Expiry gates only decisions on a pending entry; an approved run may finish after it.
      const row = this.#stmt(
        `UPDATE pendings SET state = ?, decided_by = coalesce(?, decided_by), outcome = coalesce(?, outcome), message = coalesce(?, message)
         WHERE id = ? AND state = ? AND (expires_at > ? OR ? = 'expired' OR state <> 'pending') RETURNING *`,
      ).get(to, val(patch.decidedBy), val(patch.outcome), toJson(patch.message), id, from, ms(at), to) as Row | undefined;
      return row ? pendingFromRow(row, decoder) : undefined;
    });
  }

  async annotatePending(id: string, patch: PendingPatch): Promise<boolean> {
    requireText('pending id', id);
    validatePendingPatch(patch);
    return this.#run(`annotating pending ${id}`, () =>
      Number(this.#stmt('UPDATE pendings SET decided_by = coalesce(?, decided_by), outcome = coalesce(?, outcome), message = coalesce(?, message) WHERE id = ?')
        .run(val(patch.decidedBy), val(patch.outcome), toJson(patch.message), id).changes) > 0);
  }

  async listPendings(filter: { kind?: PendingConfirmation['kind']; state?: PendingState; unannounced?: boolean } = {}, now?: Date): Promise<PendingConfirmation[]> {
    const at = this.#now(now);
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (filter.kind !== undefined) { where.push('kind = ?'); args.push(requireOneOf('pending kind', filter.kind, ['confirmation', 'approval'] as const)); }
    if (filter.state !== undefined) { where.push('state = ?'); args.push(requireOneOf('pending state', filter.state, PENDING_STATES)); }
    if (filter.unannounced) where.push('message IS NULL');
    const sql = `SELECT * FROM pendings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return this.#run('listing pendings', () => (this.#stmt(sql).all(...args) as Row[]).map((r) => pendingFromRow(r, decoder, at)));
  }

  async claimPendingAnnouncement(id: string, now?: Date): Promise<boolean> {
    requireText('pending id', id);
    const at = this.#now(now);
    return this.#run(`claiming the announcement of pending ${id}`, () =>
      Number(this.#stmt('UPDATE pendings SET announced_at = ? WHERE id = ? AND (announced_at IS NULL OR (message IS NULL AND announced_at <= ?))').run(ms(at), id, ms(at) - ANNOUNCE_CLAIM_MS).changes) > 0);
  }

  // --- delivery dedup -------------------------------------------------------------------------------

  async markSeen(key: string, ttlMs: number, now?: Date): Promise<boolean> {
    validateDedup(key, ttlMs);
    const at = this.#now(now);
    return this.#run(`recording delivery ${key}`, () => this.#stmt(MARK_SEEN_SQL).get(key, ms(at), ms(at) + ttlMs) !== undefined, true);
  }

  async claimUnlessJobStates<T = unknown>(req: { job: string; ttlMs: number; now?: Date; items: readonly { stateKey: string; claimKey: string }[] }): Promise<GuardedClaim<T>[]> {
    validateGuardedClaims(req);
    if (req.items.length === 0) return [];
    const at = ms(this.#now(req.now));
    // One IMMEDIATE transaction: no other process records or claims between a read and its claim.
    return this.#run(`claiming ${req.items.length} key(s) of job ${req.job} unless recorded`, () =>
      req.items.map((item): GuardedClaim<T> => {
        const row = this.#stmt('SELECT value FROM job_state WHERE job = ? AND state_key = ?').get(req.job, item.stateKey) as Row | undefined;
        if (row) return { outcome: 'recorded', value: decoder.json(row.value) as T };
        return this.#stmt(MARK_SEEN_SQL).get(item.claimKey, at, at + req.ttlMs) !== undefined ? { outcome: 'claimed' } : { outcome: 'held' };
      }), true);
  }

  // --- job state ------------------------------------------------------------------------------------

  async getJobState<T = unknown>(job: string, key: string): Promise<T | undefined> {
    validateJobStateKey(job, key);
    return this.#run(`reading state ${key} of job ${job}`, () => {
      const row = this.#stmt('SELECT value FROM job_state WHERE job = ? AND state_key = ?').get(job, key) as Row | undefined;
      return row ? (decoder.json(row.value) as T) : undefined;
    });
  }

  async setJobState(job: string, key: string, value: unknown): Promise<void> {
    validateJobStateWrite(job, key, value);
    const json = JSON.stringify(value);
    const at = this.#clock();
    await this.#run(`writing state ${key} of job ${job}`, () => this.#stmt(SET_JOB_STATE_SQL).run(job, key, json, ms(at)));
  }

  async setJobStates(job: string, entries: readonly { key: string; value: unknown }[]): Promise<void> {
    for (const e of entries) validateJobStateWrite(job, e.key, e.value);
    if (entries.length === 0) return;
    const rows = entries.map((e) => [e.key, JSON.stringify(e.value)] as const);
    const at = ms(this.#clock());
    await this.#run(`writing ${entries.length} state key(s) of job ${job}`, () => {
      for (const [key, json] of rows) this.#stmt(SET_JOB_STATE_SQL).run(job, key, json, at);
    }, true);
  }

  async listJobStateKeys(job: string, prefix = ''): Promise<string[]> {
    requireText('job', job);
    return this.#run(`listing state keys of job ${job}`, () =>
      (this.#stmt('SELECT state_key FROM job_state WHERE job = ? AND substr(state_key, 1, ?) = ? ORDER BY state_key').all(job, charLength(prefix), prefix) as Row[]).map((r) => String(r.state_key)));
  }

  // --- job runs -------------------------------------------------------------------------------------

  async recordJobStart(job: string, owner: string, at?: Date): Promise<number> {
    validateJobStart(job, owner);
    const started = this.#now(at);
    return this.#run(`recording the start of job ${job}`, () =>
      Number(this.#stmt('INSERT INTO job_runs (job, owner, started_at) VALUES (?, ?, ?)').run(job, owner, ms(started)).lastInsertRowid));
  }

  async recordJobEnd(id: number, r: { outcome: 'ok' | 'failed' | 'skipped'; counts?: Record<string, number>; error?: string; at?: Date }): Promise<void> {
    validateJobEnd(id, r.outcome);
    const ended = this.#now(r.at);
    await this.#run(`recording the end of job run ${id}`, () => {
      const res = this.#stmt('UPDATE job_runs SET ended_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?')
        .run(ms(ended), r.outcome, toJson(r.counts), val(r.error), id);
      if (Number(res.changes) === 0) throw new StoreError(`job run ${id} does not exist`);
    });
  }

  async lastJobRuns(limitPerJob = 1): Promise<JobRun[]> {
    const n = requireLimit('limitPerJob', limitPerJob, 1, 1_000);
    return this.#run('listing job runs', () =>
      (this.#stmt(
        `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC, id DESC) AS rn FROM job_runs)
         WHERE rn <= ? ORDER BY job, started_at DESC, id DESC`,
      ).all(n) as Row[]).map((r) => jobRunFromRow(r, decoder)));
  }

  // --- housekeeping ---------------------------------------------------------------------------------

  async purgeExpired(now?: Date): Promise<PurgeCounts> {
    const at = this.#now(now);
    return this.#run('purging expired entries', () => {
      const stale = (this.#stmt('SELECT * FROM locks WHERE expires_at <= ?').all(ms(at)) as Row[]).map((r) => lockFromRow(r, decoder));
      for (const l of stale) this.#dropExpiredLock(l, at);
      return {
        locks: stale.length,
        dedup: Number(this.#stmt('DELETE FROM dedup WHERE expires_at <= ?').run(ms(at)).changes),
        pendings: Number(this.#stmt('DELETE FROM pendings WHERE expires_at <= ?').run(ms(at) - PENDING_RETENTION_MS).changes),
        leases: Number(this.#stmt('DELETE FROM leases WHERE expires_at <= ?').run(ms(at)).changes),
      };
    }, true);
  }
}

function sqliteCode(e: unknown): number | undefined {
  const code = (e as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

function sqliteReason(e: unknown, busyTimeoutMs: number): string {
  if (sqliteCode(e) === SQLITE_BUSY) return `the database stayed locked by another process for more than ${busyTimeoutMs} ms`;
  return errorText(e);
}

/** SQLITE_BUSY / SQLITE_LOCKED behind a StoreError from #open. */
function isBusy(e: unknown): boolean {
  const cause = e instanceof Error ? (e.cause as { errcode?: number } | undefined) : undefined;
  return cause?.errcode === 5 || cause?.errcode === 6;
}
