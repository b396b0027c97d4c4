/**
 * StateBox service: the API the command runner, the MCP tools and the jobs call.
 *
 * Every change is a read → apply → conditional write of the freshest stored document. When the
 * write loses the race (the file changed since it was read: 409/422 on GitHub, a different hash
 * locally), the service re-reads the stored document, merges this writer's change into it (the
 * operation is applied again to the new remote state, so the remote content is kept and this
 * writer's entry wins, spec 5.6) and retries with backoff. Transient backend errors (429/5xx)
 * are retried the same way. Nothing is ever written without the version it replaces, so no update
 * is lost (defect 14 #7); when attempts run out the caller gets an error, never a silent overwrite.
 *
 * Changes of one release inside one process are committed in groups (one read and one write for
 * everything queued while the previous write was in flight), so in-process writers never conflict
 * and 20 concurrent updates cost a couple of round trips; each caller still gets its own result.
 *
 * Whole documents edited offline (StateBoxHandle with autoSave=false) are saved through the
 * three-way merge of merge.ts on conflict.
 */
import pRetry from 'p-retry';
import { setTimeout as delay } from 'node:timers/promises';
import { IntegrationError } from '../../integrations/http.ts';
import { describeError } from '../../describe-error.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { TaskStatus } from '../tasks.ts';
import type { StateBoxBackend, StoredStateBox } from './backend.ts';
import { StateBoxConflictError, StateBoxError } from './errors.ts';
import { mergeStates } from './merge.ts';
import {
  applyAddIssue,
  applyResolveIssue,
  applyUpdateMetadata,
  applyUpdateTask,
  createDefaultState,
  describeIssueAdded,
  filterIssues,
  findTask,
  generalBlockers,
  statusView,
  taskBlocker,
  taskStatusOf,
  validateIssueText,
  validateTaskName,
  validateTaskStatus,
  type AddIssueOptions,
  type AddIssueOutcome,
  type IssueFilter,
  type StateBoxStatusView,
  type UpdateTaskOptions,
} from './operations.ts';
import type { IssueEntry, ReleaseMetadataInput, StateBoxState, TaskEntry } from './schema.ts';
import { isoSeconds } from './timestamps.ts';
import { parseStateBoxYaml, serializeStateBox } from './yaml.ts';

export interface StateBoxWriteEvent {
  release: string;
  /** Commit message of the change. */
  operation: string;
  /** Read-apply-write rounds used (1 = no conflict). */
  attempts: number;
  conflicts: number;
  outcome: 'written' | 'unchanged' | 'failed';
  /** Changes committed together with this one (group commit; 1 = alone). */
  groupSize: number;
}

export interface StateBoxServiceOptions {
  backend: StateBoxBackend;
  /** Release metadata (ConfigStore) for creating a missing file; without it a missing file is an error. */
  metadataProvider?: (release: string) => Promise<ReleaseMetadataInput>;
  logger?: Logger;
  now?: () => Date;
  /** Read-apply-write rounds per change. Default 8. */
  maxAttempts?: number;
  /** Backoff between rounds: doubles from min to max, randomised ×1..2. Defaults 500 ms / 10 s (the original's). */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  maxRetryAfterMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  observer?: (event: StateBoxWriteEvent) => void;
  /** Masks the configuration's secret values in task results (src/secrets.ts makeSecretMasker). */
  maskSecrets?: (text: string) => string;
}

export interface StateBoxDocument {
  release: string;
  state: StateBoxState;
  /** Stored version (blob SHA); null for a default state that was not written. */
  version: string | null;
  exists: boolean;
  location: string;
}

export interface UpdateTaskResult {
  task: TaskEntry;
  /** false when nothing had to be written (same content, or a passed task kept). */
  written: boolean;
  skipped?: 'pass-kept';
  previousStatus: TaskStatus | null;
}

interface Applied<T> {
  /** The document to write, or null when nothing changes. */
  write: StateBoxState | null;
  value: T;
}

interface ApplyContext {
  /** 1 for the first round; later rounds re-apply after a conflict or a transient failure. */
  attempt: number;
  /** A previous round may have been committed although its answer was lost (5xx/timeout after the write). */
  afterUncertainWrite: boolean;
  /** The stored document, or the default state when the file does not exist (null if no metadata). */
  current: StateBoxState | null;
  exists: boolean;
  /** Version `current` is equal to: the stored one, null when the file does not exist or an earlier change of the same group edited it. */
  version: string | null;
}

interface MutateResult<T> {
  value: T;
  written: boolean;
  document: StateBoxDocument;
}

/** One queued change of a release, settled with its own result by whoever commits its group. */
interface QueuedChange<T> {
  message: string;
  createIfMissing: boolean;
  apply: (ctx: ApplyContext) => Applied<T>;
  resolve: (result: MutateResult<T>) => void;
  reject: (error: unknown) => void;
}

interface ReleaseQueue {
  pending: QueuedChange<unknown>[];
  /** A drain loop holds the file's turn. */
  running: boolean;
}

export class StateBoxService {
  readonly backend: StateBoxBackend;
  private readonly opts: StateBoxServiceOptions;
  readonly maskSecrets: ((text: string) => string) | undefined;
  private readonly log: Logger;
  private readonly queues = new Map<string, ReleaseQueue>();
  /** The last document this instance read or wrote per release (the base of its next write). */
  private readonly known = new Map<string, StoredStateBox | null>();
  /** A view made by forRun(): the document its run last read or wrote, per release. */
  private runDocs: Map<string, Promise<StateBoxDocument | null>> | undefined;

  constructor(opts: StateBoxServiceOptions) {
    this.opts = opts;
    this.maskSecrets = opts.maskSecrets;
    this.backend = opts.backend;
    this.log = opts.logger ?? silentLogger;
  }

  get backendKind(): StateBoxBackend['kind'] {
    return this.backend.kind;
  }

  /** For the startup report. */
  get backendDescription(): string {
    return this.backend.description;
  }

  location(release: string): string {
    return this.backend.location(release);
  }

  /**
   * A view of this service for one command run: its first read of a release goes to the backend,
   * later reads are answered from the document the run last read or wrote (its own writes
   * included), so one read serves the whole run. Writes are this service's (same queues,
   * conditional on the stored version), so another process's change is never overwritten. Made
   * per run and dropped with it: nothing is cached across runs.
   */
  forRun(): StateBoxService {
    const view = Object.create(this) as StateBoxService;
    view.runDocs = new Map();
    return view;
  }

  /** A per-release handle with the original's cached-document API (load/auto_save/save). */
  open(release: string): StateBoxHandle {
    return new StateBoxHandle(this, release);
  }

  /** Current time as stored in StateBox (`YYYY-MM-DDTHH:MM:SSZ`). */
  now(): string {
    return isoSeconds(this.opts.now?.() ?? new Date());
  }

  // --- reads ------------------------------------------------------------------------------------------

  async exists(release: string): Promise<boolean> {
    try {
      return (await this.readStored(release)) !== null;
    } catch (e) {
      throw this.wrap(e, release, `Failed to check file existence: ${describeError(e)}`);
    }
  }

  /** The stored document, or null when the release has no StateBox. */
  async get(release: string): Promise<StateBoxDocument | null> {
    const memo = this.runDocs;
    if (!memo) return this.read(release);
    let doc = memo.get(release);
    if (!doc) {
      doc = this.read(release);
      memo.set(release, doc);
      // A failed read is not remembered: the run's next read tries again.
      doc.catch(() => memo.get(release) === doc && memo.delete(release));
    }
    // Every caller gets its own copy (a handle edits its document offline).
    const d = await doc;
    return d && { ...d, state: structuredClone(d.state) };
  }

  private async read(release: string): Promise<StateBoxDocument | null> {
    let stored;
    try {
      stored = await this.readStored(release);
    } catch (e) {
      throw this.wrap(e, release, `Failed to load state: ${describeError(e)}`);
    }
    if (!stored) return null;
    const state = parseStateBoxYaml(stored.text, this.location(release));
    this.log.debug({ release }, `Loaded state from ${this.location(release)} (SHA: ${stored.version.slice(0, 8)})`);
    return { release, state, version: stored.version, exists: true, location: this.location(release) };
  }

  /** The stored document, else the default state built from the release metadata (not written). */
  async load(release: string): Promise<StateBoxDocument> {
    const doc = await this.get(release);
    if (doc) return doc;
    const state = await this.defaultState(release);
    this.log.info({ release }, 'State file not found, returning default state');
    return { release, state, version: null, exists: false, location: this.location(release) };
  }

  async getTask(release: string, task: string): Promise<TaskEntry | null> {
    const doc = await this.get(release);
    return doc ? (findTask(doc.state, task) ?? null) : null;
  }

  /** Status of a task, null when the task (or the file) does not exist. Unknown names are not an error. */
  async getTaskStatus(release: string, task: string): Promise<TaskStatus | null> {
    const doc = await this.get(release);
    return doc ? taskStatusOf(doc.state, task) : null;
  }

  async getTaskBlocker(release: string, task: string): Promise<IssueEntry | null> {
    const doc = await this.get(release);
    return doc ? taskBlocker(doc.state, task) : null;
  }

  async getIssues(release: string, filter: IssueFilter = {}): Promise<IssueEntry[]> {
    const doc = await this.get(release);
    return doc ? filterIssues(doc.state, filter) : [];
  }

  async getGeneralBlockers(release: string): Promise<IssueEntry[]> {
    const doc = await this.get(release);
    return doc ? generalBlockers(doc.state) : [];
  }

  /** What to show for a release (release-status, App Home, MCP); null when it has no StateBox. */
  async readStatus(release: string): Promise<(StateBoxStatusView & { location: string }) | null> {
    const doc = await this.get(release);
    return doc ? { ...statusView(doc.state), location: doc.location } : null;
  }

  // --- writes -----------------------------------------------------------------------------------------

  /** Idempotent: creates the default state from the metadata unless the file exists. */
  async create(metadata: ReleaseMetadataInput): Promise<{ created: boolean; document: StateBoxDocument }> {
    const release = metadata.release;
    const now = this.now();
    const initial = createDefaultState(metadata, now);
    const res = await this.mutate(release, `Initialize StateBox for release ${release}`, false, (ctx) =>
      ctx.exists ? { write: null, value: false } : { write: structuredClone(initial), value: true },
    );
    if (!res.value) this.log.info({ release }, `StateBox for ${release} already exists, nothing created`);
    return { created: res.value, document: res.document };
  }

  /**
   * Spec update_task: validate, then set status/result with timestamps from the result text.
   * A passed task is not demoted to In Progress unless `force` (see UpdateTaskOptions).
   * Creates the file from the release metadata when it does not exist (spec 3.6 #10).
   */
  async updateTask(release: string, task: string, status?: TaskStatus | null, result?: string | null, opts: UpdateTaskOptions = {}): Promise<UpdateTaskResult> {
    validateTaskName(task);
    const newStatus = status === undefined || status === null ? undefined : validateTaskStatus(status);
    const newResult = result === undefined || result === null ? undefined : result;
    const res = await this.mutate(release, `Update task: ${task}`, true, (ctx) => {
      const state = ctx.current!;
      const out = applyUpdateTask(state, task, newStatus, newResult, this.now(), { ...opts, maskSecrets: this.opts.maskSecrets });
      return { write: out.changed ? state : null, value: out };
    });
    const out = res.value;
    if (out.skipped === 'pass-kept') this.log.info({ release, task }, `Task '${task}' already passed; not demoted to ${newStatus}`);
    else if (newStatus && res.written) this.log.info({ release, task }, `Updated task '${task}' status: ${out.previousStatus ?? 'Not Started'} -> ${newStatus}`);
    return { task: out.task, written: res.written, previousStatus: out.previousStatus, ...(out.skipped ? { skipped: out.skipped } : {}) };
  }

  /** Spec add_issue (with defect 14 #6 fixed: re-adding the same unresolved issue returns it). */
  async addIssue(release: string, issue: string, opts: AddIssueOptions = {}): Promise<AddIssueOutcome> {
    validateIssueText(issue);
    const res = await this.mutate(release, `Add issue: ${issue.slice(0, 50)}`, true, (ctx) => {
      const state = ctx.current!;
      const out = applyAddIssue(state, issue, opts, this.now());
      return { write: out.created ? state : null, value: out };
    });
    if (res.value.created) this.log.info({ release }, describeIssueAdded(res.value.issue));
    else this.log.info({ release }, `Issue already exists: ${issue}`);
    return res.value;
  }

  /** Spec resolve_issue: exact (trimmed, case-insensitive) match, else a unique substring match. */
  async resolveIssue(release: string, issue: string, resolution: string): Promise<IssueEntry> {
    const res = await this.mutate(release, `Resolve issue: ${issue.slice(0, 50)}`, false, (ctx) => {
      if (!ctx.current) throw new StateBoxError('not-found', `Issue not found: '${issue}'\nUnresolved issues: []`, { release });
      const state = ctx.current;
      const out = applyResolveIssue(state, issue, resolution, this.now(), { afterRetry: ctx.afterUncertainWrite });
      return { write: out.changed ? state : null, value: out.issue };
    });
    this.log.info({ release }, `Resolved issue: ${res.value.issue}`);
    return res.value;
  }

  async updateMetadata(release: string, updates: Record<string, unknown>): Promise<StateBoxState['metadata']> {
    const res = await this.mutate(release, 'Update metadata', true, (ctx) => {
      const state = ctx.current!;
      return { write: applyUpdateMetadata(state, updates) ? state : null, value: state.metadata };
    });
    return res.value;
  }

  /**
   * Save a whole document that was derived from `base` (the stored document when it was read,
   * null when it was a default state). If the file changed since, the three-way merge (5.6) keeps
   * both sides' changes.
   */
  async saveDocument(release: string, local: StateBoxState, base: { state: StateBoxState; version: string | null } | null, message = 'Update state'): Promise<StateBoxDocument> {
    const res = await this.mutate(release, message, false, (ctx) => {
      if (!ctx.exists || !ctx.current) return { write: structuredClone(local), value: undefined };
      if (base && base.version !== null && base.version === ctx.version) return { write: structuredClone(local), value: undefined };
      this.log.warn({ release }, `SHA mismatch detected (expected: ${base?.version?.slice(0, 8) ?? 'none'}, got: ${ctx.version?.slice(0, 8)}), merging with remote state (attempt ${ctx.attempt})`);
      return { write: mergeStates(local, ctx.current, base?.state), value: undefined };
    });
    return res.document;
  }

  // --- the write loop (group commit) ------------------------------------------------------------------

  /**
   * Queues a change of one release. Changes of one release made through this service instance
   * are committed in groups: whoever holds the file's turn reads the stored document once, applies
   * every queued change in submission order and writes the result once, so in-process writers
   * never conflict with each other and cost one round trip per group, not one each. Conflicts with
   * other processes (and other instances) are handled by the conditional write: the whole group is
   * re-applied to the fresh document.
   */
  private mutate<T>(release: string, message: string, createIfMissing: boolean, apply: (ctx: ApplyContext) => Applied<T>): Promise<MutateResult<T>> {
    const memo = this.runDocs;
    const result = this.enqueue(release, message, createIfMissing, apply);
    if (!memo) return result;
    // A run's view reads next what its own write made (or, unchanged, the document it was judged on).
    return result.then((res) => {
      memo.set(release, Promise.resolve({ ...res.document, state: structuredClone(res.document.state) }));
      return res;
    });
  }

  private enqueue<T>(release: string, message: string, createIfMissing: boolean, apply: (ctx: ApplyContext) => Applied<T>): Promise<MutateResult<T>> {
    return new Promise<MutateResult<T>>((resolve, reject) => {
      let queue = this.queues.get(release);
      if (!queue) {
        queue = { pending: [], running: false };
        this.queues.set(release, queue);
      }
      queue.pending.push({ message, createIfMissing, apply, resolve, reject } as QueuedChange<unknown>);
      if (queue.running) return;
      queue.running = true;
      // Start after the current task's synchronous work, so changes submitted together share a write.
      const q = queue;
      queueMicrotask(() => void this.drain(release, q));
    });
  }

  private async drain(release: string, queue: ReleaseQueue): Promise<void> {
    while (queue.pending.length > 0) {
      const group = queue.pending.splice(0);
      await this.commitGroup(release, group);
    }
    queue.running = false;
    if (this.queues.get(release) === queue) this.queues.delete(release);
  }

  /** Read → apply every change in order → one conditional write; retried as a group. Settles every change, never throws. */
  private async commitGroup(release: string, group: QueuedChange<unknown>[]): Promise<void> {
    const location = this.location(release);
    const maxAttempts = this.opts.maxAttempts ?? 8;
    const maxRetryAfter = this.opts.maxRetryAfterMs ?? 60_000;
    const sleep = this.opts.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
    let attempts = 0;
    let conflicts = 0;
    let uncertain = false;
    let defaultState: StateBoxState | undefined;
    let live = group;
    const report = (change: QueuedChange<unknown>, outcome: StateBoxWriteEvent['outcome']) =>
      this.opts.observer?.({ release, operation: change.message, attempts, conflicts, outcome, groupSize: group.length });
    const fail = (change: QueuedChange<unknown>, error: unknown) => {
      report(change, 'failed');
      change.reject(error);
    };

    type Settled = { change: QueuedChange<unknown>; value: unknown; written: boolean; document: StateBoxDocument }[];
    /** Applies the group to `stored` (null: no file) and writes; 'stale' when a document remembered from an earlier round trip may be out of date. */
    const pass = async (stored: StoredStateBox | null, remembered: boolean): Promise<Settled | 'stale'> => {
      let working: StateBoxState | null;
      try {
        working = stored ? parseStateBoxYaml(stored.text, location) : null;
      } catch (e) {
        // A remembered document that does not parse says nothing about the file now: read it.
        if (!remembered) throw e;
        this.known.delete(release);
        return 'stale';
      }
      let changed = false;
      const applied: { change: QueuedChange<unknown>; value: unknown; wrote: boolean; seen: StateBoxState | null }[] = [];
      const survivors: QueuedChange<unknown>[] = [];
      for (const change of live) {
        let current = working;
        // A change that throws must leave the document as the changes before it made it.
        const before = current ? structuredClone(current) : null;
        try {
          if (!current && change.createIfMissing) {
            defaultState ??= await this.defaultState(release);
            current = structuredClone(defaultState);
          }
          const ctx: ApplyContext = {
            attempt: attempts,
            afterUncertainWrite: uncertain,
            current,
            exists: stored !== null || changed,
            // Once an earlier change of the group edited the document, it no longer equals any stored version.
            version: changed ? null : (stored?.version ?? null),
          };
          const out = change.apply(ctx);
          if (out.write) {
            working = out.write;
            changed = true;
          } else if (!current) {
            throw new StateBoxError('not-found', `No StateBox for release ${release} at ${location}`, { release });
          }
          // Later changes of the group edit the same entries: each caller gets what its own change made.
          applied.push({ change, value: structuredClone(out.value), wrote: out.write !== null, seen: current });
          survivors.push(change);
        } catch (e) {
          // Judged against a remembered document, a failure may be staleness: decide on a fresh read.
          if (remembered) return 'stale';
          if (working && before && current === working) working = before;
          fail(change, e instanceof StateBoxError ? e : this.wrap(e, release, undefined, location));
        }
      }
      if (!changed) {
        // "Nothing to write" is only true of the stored document, not of a remembered one.
        if (remembered) return 'stale';
        live = survivors;
        return applied.map((a) => ({ change: a.change, value: a.value, written: false, document: { release, state: a.seen!, version: stored?.version ?? null, exists: stored !== null, location } }));
      }
      live = survivors;
      const next = working!;
      next.updated_at = this.now();
      const writers = applied.filter((a) => a.wrote).map((a) => a.change.message);
      const message = writers.length === 1 ? writers[0]! : `Update state: ${writers.length} changes\n\n${writers.map((m) => `- ${m}`).join('\n')}`;
      const text = serializeStateBox(next);
      try {
        const { version } = await this.backend.write(release, text, { expectedVersion: stored?.version ?? null, message });
        this.remember(release, { text, version });
        this.log.info({ release, attempt: attempts, changes: writers.length }, stored ? `Updated state file ${location} (attempt ${attempts})` : `Created state file ${location}`);
        // Every caller gets its own copy: a handle edits its cached document offline.
        return applied.map((a, i) => ({ change: a.change, value: a.value, written: a.wrote, document: { release, state: i === 0 ? next : structuredClone(next), version, exists: true, location } }));
      } catch (e) {
        this.known.delete(release);
        // Another writer changed the file since we last saw it: re-read at once, no backoff.
        if (remembered && e instanceof StateBoxConflictError) return 'stale';
        // A 5xx/timeout on a write may hide a commit that happened: the next round must tolerate it.
        if (!(e instanceof StateBoxConflictError)) uncertain = true;
        throw e;
      }
    };

    const round = async (): Promise<Settled> => {
      attempts++;
      // The document this instance last read or wrote saves the read before the write; the
      // conditional write still refuses it if anyone changed the file since.
      if (attempts === 1 && this.known.has(release)) {
        const out = await pass(this.known.get(release) ?? null, true);
        if (out !== 'stale') return out;
      }
      return (await pass(await this.readStored(release), false)) as Settled;
    };

    try {
      const results = await pRetry(round, {
        retries: maxAttempts - 1,
        minTimeout: this.opts.minRetryDelayMs ?? 500,
        maxTimeout: this.opts.maxRetryDelayMs ?? 10_000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => live.length > 0 && (error instanceof StateBoxConflictError || (error instanceof IntegrationError && error.retryable && !(error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfter))),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
          if (error instanceof StateBoxConflictError) conflicts++;
          if (retriesLeft <= 0) return;
          if (error instanceof StateBoxConflictError) {
            this.log.warn({ release, attempt: attemptNumber }, `Conflict detected (attempt ${attemptNumber}/${maxAttempts}), retrying after ${(retryDelay / 1000).toFixed(2)}s...`);
          } else if (error instanceof IntegrationError && error.retryable) {
            this.log.warn({ release, attempt: attemptNumber, status: error.status }, `StateBox write failed (attempt ${attemptNumber}/${maxAttempts}): ${error.message}; retrying`);
            if (error.retryAfterMs !== undefined) {
              const extra = Math.min(error.retryAfterMs, maxRetryAfter) - retryDelay;
              if (extra > 0) await sleep(extra);
            }
          }
        },
      });
      for (const r of results) {
        report(r.change, r.written ? 'written' : 'unchanged');
        r.change.resolve({ value: r.value, written: r.written, document: r.document });
      }
    } catch (e) {
      let error: StateBoxError;
      if (e instanceof StateBoxError) error = e;
      else if (e instanceof StateBoxConflictError) {
        error = new StateBoxError('conflict', `Failed to save ${location} after ${attempts} attempts: other writers kept changing it; nothing was overwritten`, { release, cause: e });
      } else error = this.wrap(e, release, undefined, location);
      for (const change of live) fail(change, error);
    }
  }

  /** Reads the stored document and remembers it for the next write of this instance. */
  private async readStored(release: string): Promise<StoredStateBox | null> {
    const stored = await this.backend.read(release);
    this.remember(release, stored);
    return stored;
  }

  /** null: the file did not exist (a create is then conditional on that, and refused otherwise). */
  private remember(release: string, stored: StoredStateBox | null): void {
    this.known.delete(release);
    this.known.set(release, stored);
    // A handful of releases are active at a time; keep the most recent ones.
    if (this.known.size > 32) this.known.delete(this.known.keys().next().value!);
  }

  private async defaultState(release: string): Promise<StateBoxState> {
    if (!this.opts.metadataProvider) {
      throw new StateBoxError('not-found', `No StateBox for release ${release} at ${this.location(release)}, and no release metadata to create one`, { release });
    }
    let meta: ReleaseMetadataInput;
    try {
      meta = await this.opts.metadataProvider(release);
    } catch (e) {
      throw new StateBoxError('not-found', `Failed to load state: ${describeError(e)}`, { release, cause: e });
    }
    return createDefaultState({ ...meta, release }, this.now());
  }

  private wrap(e: unknown, release: string, message?: string, location?: string): StateBoxError {
    if (e instanceof StateBoxError) return e;
    if (e instanceof IntegrationError) {
      return new StateBoxError('storage', message ?? `GitHub API error (status ${e.status ?? 'none'}): ${e.message}`, { release, cause: e });
    }
    const type = e instanceof Error ? e.name : typeof e;
    return new StateBoxError('storage', message ?? `Unexpected error saving ${location ?? this.location(release)}: ${type} ${describeError(e)}`, { release, cause: e });
  }
}

/**
 * The original's per-release StateBox object: a cached document (`load()` returns the same object
 * until `forceRefresh`), operations with `autoSave` (false: only the cached copy changes), and
 * `save()` which merges with the stored file if it changed since the load.
 */
export class StateBoxHandle {
  readonly release: string;
  private readonly service: StateBoxService;
  private cached: StateBoxState | undefined;
  private base: { state: StateBoxState; version: string | null } | null = null;

  constructor(service: StateBoxService, release: string) {
    this.service = service;
    this.release = release;
  }

  get path(): string {
    return this.service.location(this.release);
  }

  async exists(): Promise<boolean> {
    return this.service.exists(this.release);
  }

  async load(opts: { forceRefresh?: boolean } = {}): Promise<StateBoxState> {
    if (this.cached && !opts.forceRefresh) return this.cached;
    const doc = await this.service.load(this.release);
    this.adopt(doc);
    return this.cached!;
  }

  async updateTask(task: string, status?: TaskStatus | null, result?: string | null, opts: UpdateTaskOptions & { autoSave?: boolean } = {}): Promise<StateBoxState> {
    if (opts.autoSave === false) {
      validateTaskName(task);
      const s = status === undefined || status === null ? undefined : validateTaskStatus(status);
      const state = await this.load();
      applyUpdateTask(state, task, s, result ?? undefined, this.service.now(), { ...opts, maskSecrets: this.service.maskSecrets });
      return state;
    }
    await this.service.updateTask(this.release, task, status, result, opts);
    return this.load({ forceRefresh: true });
  }

  async addIssue(issue: string, opts: AddIssueOptions & { autoSave?: boolean } = {}): Promise<IssueEntry> {
    if (opts.autoSave === false) {
      const state = await this.load();
      return applyAddIssue(state, issue, opts, this.service.now()).issue;
    }
    const out = await this.service.addIssue(this.release, issue, opts);
    await this.load({ forceRefresh: true });
    return out.issue;
  }

  async resolveIssue(issue: string, resolution: string, opts: { autoSave?: boolean } = {}): Promise<IssueEntry> {
    if (opts.autoSave === false) {
      const state = await this.load();
      return applyResolveIssue(state, issue, resolution, this.service.now()).issue;
    }
    const out = await this.service.resolveIssue(this.release, issue, resolution);
    await this.load({ forceRefresh: true });
    return out;
  }

  async updateMetadata(updates: Record<string, unknown>, opts: { autoSave?: boolean } = {}): Promise<StateBoxState> {
    if (opts.autoSave === false) {
      const state = await this.load();
      applyUpdateMetadata(state, updates);
      return state;
    }
    await this.service.updateMetadata(this.release, updates);
    return this.load({ forceRefresh: true });
  }

  /** Writes the cached document; merges with the stored file if it changed since the load. */
  async save(message = 'Update state'): Promise<StateBoxState> {
    const state = await this.load();
    const doc = await this.service.saveDocument(this.release, state, this.base, message);
    this.adopt(doc);
    return this.cached!;
  }

  async getTaskStatus(task: string): Promise<TaskStatus | null> {
    return taskStatusOf(await this.load(), task);
  }

  async getTaskBlocker(task: string): Promise<IssueEntry | null> {
    return taskBlocker(await this.load(), task);
  }

  async getIssues(filter: IssueFilter = {}): Promise<IssueEntry[]> {
    return filterIssues(await this.load(), filter);
  }

  async getGeneralBlockers(): Promise<IssueEntry[]> {
    return generalBlockers(await this.load());
  }

  private adopt(doc: StateBoxDocument): void {
    this.cached = doc.state;
    this.base = doc.exists ? { state: structuredClone(doc.state), version: doc.version } : null;
  }
}
