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
 * Whole documents edited offline (StateBoxHandle with autoSave=false) are saved through the
 * three-way merge of merge.ts on conflict.
 */
import pRetry from 'p-retry';
import { setTimeout as delay } from 'node:timers/promises';
import { IntegrationError } from '../../integrations/http.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { TaskStatus } from '../tasks.ts';
import type { StateBoxBackend } from './backend.ts';
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
  /** Version of the stored document (null when it does not exist). */
  version: string | null;
}

export class StateBoxService {
  readonly backend: StateBoxBackend;
  private readonly opts: StateBoxServiceOptions;
  private readonly log: Logger;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(opts: StateBoxServiceOptions) {
    this.opts = opts;
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
      return (await this.backend.read(release)) !== null;
    } catch (e) {
      throw this.wrap(e, release, `Failed to check file existence: ${errorText(e)}`);
    }
  }

  /** The stored document, or null when the release has no StateBox. */
  async get(release: string): Promise<StateBoxDocument | null> {
    let stored;
    try {
      stored = await this.backend.read(release);
    } catch (e) {
      throw this.wrap(e, release, `Failed to load state: ${errorText(e)}`);
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
      const out = applyUpdateTask(state, task, newStatus, newResult, this.now(), opts);
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

  // --- the write loop ---------------------------------------------------------------------------------

  /**
   * Read → apply → conditional write, retried on conflicts and transient failures. Changes of one
   * release made through this service instance are queued, so they never race each other; other
   * processes (and other instances) are handled by the conditional write.
   */
  private mutate<T>(release: string, message: string, createIfMissing: boolean, apply: (ctx: ApplyContext) => Applied<T>): Promise<{ value: T; written: boolean; document: StateBoxDocument }> {
    return this.serialize(release, () => this.mutateNow(release, message, createIfMissing, apply));
  }

  private async mutateNow<T>(release: string, message: string, createIfMissing: boolean, apply: (ctx: ApplyContext) => Applied<T>): Promise<{ value: T; written: boolean; document: StateBoxDocument }> {
    const location = this.location(release);
    const maxAttempts = this.opts.maxAttempts ?? 8;
    const maxRetryAfter = this.opts.maxRetryAfterMs ?? 60_000;
    const sleep = this.opts.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
    let attempts = 0;
    let conflicts = 0;
    let uncertain = false;
    let defaultState: StateBoxState | undefined;
    const report = (outcome: StateBoxWriteEvent['outcome']) => this.opts.observer?.({ release, operation: message, attempts, conflicts, outcome });

    const round = async () => {
      attempts++;
      const stored = await this.backend.read(release);
      let current: StateBoxState | null = stored ? parseStateBoxYaml(stored.text, location) : null;
      if (!current && createIfMissing) {
        defaultState ??= await this.defaultState(release);
        current = structuredClone(defaultState);
      }
      const applied = apply({ attempt: attempts, afterUncertainWrite: uncertain, current, exists: stored !== null, version: stored?.version ?? null });
      if (!applied.write) {
        if (!current) throw new StateBoxError('not-found', `No StateBox for release ${release} at ${location}`, { release });
        return { value: applied.value, written: false, document: { release, state: current, version: stored?.version ?? null, exists: stored !== null, location } };
      }
      const next = applied.write;
      next.updated_at = this.now();
      const text = serializeStateBox(next);
      try {
        const { version } = await this.backend.write(release, text, { expectedVersion: stored?.version ?? null, message });
        this.log.info({ release, attempt: attempts }, stored ? `Updated state file ${location} (attempt ${attempts})` : `Created state file ${location}`);
        return { value: applied.value, written: true, document: { release, state: next, version, exists: true, location } };
      } catch (e) {
        // A 5xx/timeout on a write may hide a commit that happened: the next round must tolerate it.
        if (!(e instanceof StateBoxConflictError)) uncertain = true;
        throw e;
      }
    };

    try {
      const res = await pRetry(round, {
        retries: maxAttempts - 1,
        minTimeout: this.opts.minRetryDelayMs ?? 500,
        maxTimeout: this.opts.maxRetryDelayMs ?? 10_000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof StateBoxConflictError || (error instanceof IntegrationError && error.retryable && !(error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfter)),
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
      report(res.written ? 'written' : 'unchanged');
      return res;
    } catch (e) {
      report('failed');
      if (e instanceof StateBoxError) throw e;
      if (e instanceof StateBoxConflictError) {
        throw new StateBoxError('conflict', `Failed to save ${location} after ${attempts} attempts: other writers kept changing it; nothing was overwritten`, { release, cause: e });
      }
      throw this.wrap(e, release, undefined, location);
    }
  }

  private serialize<T>(release: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(release) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(release, tail);
    void tail.then(() => {
      if (this.chains.get(release) === tail) this.chains.delete(release);
    });
    return run;
  }

  private async defaultState(release: string): Promise<StateBoxState> {
    if (!this.opts.metadataProvider) {
      throw new StateBoxError('not-found', `No StateBox for release ${release} at ${this.location(release)}, and no release metadata to create one`, { release });
    }
    let meta: ReleaseMetadataInput;
    try {
      meta = await this.opts.metadataProvider(release);
    } catch (e) {
      throw new StateBoxError('not-found', `Failed to load state: ${errorText(e)}`, { release, cause: e });
    }
    return createDefaultState({ ...meta, release }, this.now());
  }

  private wrap(e: unknown, release: string, message?: string, location?: string): StateBoxError {
    if (e instanceof StateBoxError) return e;
    if (e instanceof IntegrationError) {
      return new StateBoxError('storage', message ?? `GitHub API error (status ${e.status ?? 'none'}): ${e.message}`, { release, cause: e });
    }
    const type = e instanceof Error ? e.name : typeof e;
    return new StateBoxError('storage', message ?? `Unexpected error saving ${location ?? this.location(release)}: ${type} ${errorText(e)}`, { release, cause: e });
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
      applyUpdateTask(state, task, s, result ?? undefined, this.service.now(), opts);
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
