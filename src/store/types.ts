/**
 * The operational store: oar-bot's own state (release progress itself lives in StateBox).
 * One interface, two engines (embedded SQLite via node:sqlite, PostgreSQL via pg).
 * Every method is safe under concurrent replicas: exactly one caller wins a lock,
 * a lease or a dedup key.
 *
 * Time: every expiry is decided by the clock value passed as `now` (default: the store's
 * clock, normally `new Date()`), so tests use explicit dates instead of sleeping.
 * Failures of the database itself surface as `StoreError` (fail closed); malformed
 * arguments (empty key, non-positive TTL) throw `TypeError`/`RangeError` and change nothing.
 */

export type AuditEvent = 'propose' | 'confirm' | 'cancel' | 'run' | 'deny' | 'failure' | 'unlock' | 'approve' | 'expire' | 'reject' | 'takeover' | 'intent';

export interface AuditEntry {
  id?: number;
  at?: Date;
  event: AuditEvent;
  /** Slack user id, `cli:<user>` or `mcp:<client>`. */
  actorId: string;
  actorName?: string;
  release?: string;
  command?: string;
  /** Options with secrets already masked by the caller. */
  options?: Record<string, unknown>;
  outcome?: string;
  durationMs?: number;
  channel?: string;
  threadTs?: string;
  correlationId?: string;
  detail?: string;
}

export interface AuditQuery {
  release?: string;
  actorId?: string;
  command?: string;
  event?: AuditEvent;
  since?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  /** Newest first; default 100, at most 10,000. */
  limit?: number;
}

export interface LockInfo {
  /**
   * `release:<release>` or `release:<release>:<command>`. Keys are hierarchical on `:`:
   * a live `release:4.19.1` blocks `release:4.19.1:<any command>` and vice versa.
   */
  key: string;
  holder: string;
  holderName?: string;
  reason: string;
  acquiredAt: Date;
  expiresAt: Date;
  /** Process/replica that holds it (released on shutdown). */
  owner: string;
  /** Last heartbeat of the holder (acquisition counts as one). A stale heartbeat means the holder died. */
  heartbeatAt: Date;
  /** Host the holding process runs on, and the front end the command came from (slack, cli, mcp, job). */
  host?: string;
  frontEnd?: string;
}

export type LockResult = { acquired: true; lock: LockInfo } | { acquired: false; heldBy: LockInfo };

export interface LeaseInfo {
  name: string;
  owner: string;
  expiresAt: Date;
}

/** A follow-up kind (kebab-case). The commands own the kinds (their declarations' `followUpKinds`); the store only keeps them. */
export type WatchKind = string;
export type WatchState = 'active' | 'done' | 'failed' | 'cancelled' | 'expired';

export interface SlackTarget {
  channel: string;
  threadTs?: string;
  messageTs?: string;
}

export interface Watch {
  id: string;
  kind: WatchKind;
  release: string;
  /** What to poll: kind-specific (job id, build number, advisory ids...). */
  subject: Record<string, unknown>;
  report?: SlackTarget;
  state: WatchState;
  createdAt: Date;
  nextCheckAt: Date;
  deadline: Date;
  intervalMs: number;
  attempts: number;
  lastResult?: string;
  /** Uniqueness: at most one active watch per (kind, dedupKey), e.g. one async approval per release. */
  dedupKey?: string;
}

export interface NewWatch {
  kind: WatchKind;
  /** Default: the store's clock. */
  createdAt?: Date;
  release: string;
  subject: Record<string, unknown>;
  report?: SlackTarget;
  intervalMs: number;
  deadline: Date;
  /** First check; default now + interval. */
  nextCheckAt?: Date;
  dedupKey?: string;
}

/**
 * Confirmations: pending -> confirmed | cancelled | expired. Second-person approvals:
 * pending -> approved (claimed by the process that runs it) -> executed, or pending -> rejected | expired.
 */
export type PendingState = 'pending' | 'confirmed' | 'cancelled' | 'expired' | 'approved' | 'rejected' | 'executed';

export interface PendingConfirmation {
  /** Unique id (never user+channel). */
  id: string;
  kind: 'confirmation' | 'approval';
  actorId: string;
  release: string;
  command: string;
  /** Parsed options and context needed to run once confirmed. */
  payload: Record<string, unknown>;
  state: PendingState;
  createdAt: Date;
  expiresAt: Date;
  /** Who approved or rejected it. */
  decidedBy?: string;
  /** The approved run's result in one line (`pass: ...`), or why it was rejected. */
  outcome?: string;
  /** When a replica claimed the announcement in Slack, and the message it posted. */
  announcedAt?: Date;
  message?: SlackTarget;
}

export type PendingPatch = Partial<Pick<PendingConfirmation, 'decidedBy' | 'outcome' | 'message'>>;

export interface JobRun {
  id?: number;
  job: string;
  startedAt: Date;
  endedAt?: Date;
  outcome?: 'ok' | 'failed' | 'skipped';
  counts?: Record<string, number>;
  error?: string;
  owner?: string;
}

export interface PurgeCounts {
  dedup: number;
  pendings: number;
  locks: number;
  leases: number;
}

/**
 * What claimUnlessJobStates found for one item: the job-state record (nothing claimed), a claim this caller won,
 * or a live claim someone else holds.
 */
export type GuardedClaim<T = unknown> = { outcome: 'recorded'; value: T } | { outcome: 'claimed' } | { outcome: 'held' };

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Apply migrations; throws a clear error naming the file/server if unusable. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Cheap reachability probe for /health. */
  ping(): Promise<boolean>;

  // audit
  audit(entry: AuditEntry): Promise<number>;
  queryAudit(q: AuditQuery): Promise<AuditEntry[]>;

  // locks (stale locks expire by themselves)
  /**
   * Not re-entrant: a second acquire of a live lock is refused even for the same holder
   * (use extendLock to renew). An expired lock in the way is removed and an `expire`
   * audit entry names its former holder.
   */
  acquireLock(req: {
    key: string; holder: string; holderName?: string; reason: string; ttlMs: number; owner: string; now?: Date;
    host?: string; frontEnd?: string;
    /**
     * A live lock whose heartbeat is older than this is taken over at once (its holder died);
     * the takeover is audited as `takeover`. Without it only expiry frees a lock.
     */
    staleAfterMs?: number;
  }): Promise<LockResult>;
  /**
   * Release if held by `holder` (or unconditionally with force). Returns whether a lock was removed.
   * Passing neither `holder` nor `force` is a TypeError (an unlock must say whose lock it drops).
   */
  releaseLock(key: string, opts?: { holder?: string; force?: boolean }): Promise<boolean>;
  /** Heartbeat: record `now` as the holder's heartbeat and push the expiry of its live lock to now + ttl; false if not held or already expired. */
  extendLock(key: string, holder: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Live (unexpired) locks, oldest first. */
  listLocks(now?: Date): Promise<LockInfo[]>;
  /** Shutdown: release every lock this process (owner) holds. */
  releaseLocksOwnedBy(owner: string): Promise<number>;

  // leases (leader election for scheduled jobs)
  /** True when `owner` holds the lease afterwards (newly taken, taken over after expiry, or renewed). */
  tryLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /** The live lease, or undefined when free or expired at `now`. */
  getLease(name: string, now?: Date): Promise<LeaseInfo | undefined>;

  // watches
  /** With a dedupKey, an active watch of the same (kind, dedupKey) wins: nothing is created. */
  addWatch(w: NewWatch): Promise<{ created: true; watch: Watch } | { created: false; existing: Watch }>;
  getWatch(id: string): Promise<Watch | undefined>;
  listWatches(filter?: { state?: WatchState; release?: string; kind?: WatchKind }): Promise<Watch[]>;
  /**
   * Claim due watches atomically: returns watches whose nextCheckAt <= now and pushes their
   * nextCheckAt forward by `claimMs` so a concurrent replica does not take them too.
   * Only `active` watches are claimed, including those past their deadline (the caller reports the timeout).
   */
  claimDueWatches(now: Date, claimMs: number, limit?: number): Promise<Watch[]>;
  /** Returns false when no watch has that id. */
  updateWatch(id: string, patch: Partial<Pick<Watch, 'state' | 'nextCheckAt' | 'attempts' | 'lastResult' | 'report' | 'subject'>>): Promise<boolean>;

  // pending confirmations / approvals
  /** Throws StoreError if the id already exists. */
  createPending(p: Omit<PendingConfirmation, 'state' | 'createdAt'> & { createdAt?: Date }): Promise<PendingConfirmation>;
  /** A stored `pending` entry past its expiry is reported with state `expired`. */
  getPending(id: string, now?: Date): Promise<PendingConfirmation | undefined>;
  /**
   * Atomically move a pending entry from `from` to `to`. Returns the entry when this caller
   * made the transition, undefined if it was already moved (double click) or expired.
   * Only a move to `expired` is allowed past the expiry.
   */
  transitionPending(id: string, from: PendingState, to: PendingState, now?: Date, patch?: PendingPatch): Promise<PendingConfirmation | undefined>;
  /** Set fields of a pending entry without changing its state; false when no entry has that id. */
  annotatePending(id: string, patch: PendingPatch): Promise<boolean>;
  /** Entries of a kind and/or state, oldest first (a lapsed `pending` is listed as `expired`); `unannounced`: no Slack message recorded yet. */
  listPendings(filter?: { kind?: PendingConfirmation['kind']; state?: PendingState; unannounced?: boolean }, now?: Date): Promise<PendingConfirmation[]>;
  /**
   * Claim the announcement of a pending entry: true for exactly one caller (replicas announce it
   * once). A claim that recorded no message within 2 minutes (its poster failed) may be taken again.
   */
  claimPendingAnnouncement(id: string, now?: Date): Promise<boolean>;

  // delivery dedup: true the first time a key is seen within ttl
  markSeen(key: string, ttlMs: number, now?: Date): Promise<boolean>;
  /**
   * For each item, `markSeen(claimKey, ttlMs, now)` unless job state (job, stateKey) exists, all in
   * one transaction: `recorded` with the state's value (nothing claimed), else `claimed` (markSeen
   * true) or `held` (markSeen false); answers in the items' order. A delivery ledger's "already
   * done?" and "take it" in one store call, and several deliveries' in one commit (the CKI
   * notifier: sent records and publish claims). Claim keys within one call must be distinct.
   */
  claimUnlessJobStates<T = unknown>(req: { job: string; ttlMs: number; now?: Date; items: readonly { stateKey: string; claimKey: string }[] }): Promise<GuardedClaim<T>[]>;

  // job state (small key-value)
  getJobState<T = unknown>(job: string, key: string): Promise<T | undefined>;
  setJobState(job: string, key: string, value: unknown): Promise<void>;
  /** setJobState for several keys of one job in one transaction (a later entry of a key wins). */
  setJobStates(job: string, entries: readonly { key: string; value: unknown }[]): Promise<void>;
  /** Keys of a job's state with a prefix (e.g. result files already notified). */
  listJobStateKeys(job: string, prefix?: string): Promise<string[]>;

  // job runs
  recordJobStart(job: string, owner: string, at?: Date): Promise<number>;
  recordJobEnd(id: number, r: { outcome: 'ok' | 'failed' | 'skipped'; counts?: Record<string, number>; error?: string; at?: Date }): Promise<void>;
  lastJobRuns(limitPerJob?: number): Promise<JobRun[]>;

  /** Housekeeping: drop expired dedup keys, locks (audited as `expire`) and leases, and pendings a day after their expiry (waiting clients read their end state meanwhile). */
  purgeExpired(now?: Date): Promise<PurgeCounts>;
}

/** The store is unreachable or unusable: write and critical commands must refuse (fail closed). */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
