/**
 * StateBox operations (spec 5.4, 5.5) as pure functions over a state document: validation,
 * task updates with timestamps from the output, issue rules, queries. The service runs them
 * against the freshest stored document and writes the result.
 */
import { displayName, isTaskName, SUPPORTED_TASK_NAMES, TASK_STATUSES, type TaskStatus } from '../tasks.ts';
import { pyList, pyRepr, StateBoxError } from './errors.ts';
import { maskSensitiveData } from './mask.ts';
import { SCHEMA_VERSION, type IssueEntry, type ReleaseMetadataInput, type StateBoxMetadata, type StateBoxState, type TaskEntry } from './schema.ts';
import { extractEndTimestamp, extractStartTimestamp } from './timestamps.ts';

export const MAX_TASK_NAME_LENGTH = 200;
export const MAX_ISSUE_LENGTH = 1000;

/** Spec 5.4: never written by a read; created from ConfigStore metadata; release_date is required. */
export function createDefaultState(meta: ReleaseMetadataInput, now: string): StateBoxState {
  if (!meta.release_date) {
    throw new StateBoxError('not-found', `Failed to load state: release_date is missing from the release metadata of ${meta.release}`, { release: meta.release });
  }
  const metadata: StateBoxMetadata = {
    jira_ticket: meta.jira_ticket ?? null,
    advisory_ids: { ...(meta.advisories ?? {}) },
    release_date: meta.release_date,
    candidate_builds: { ...(meta.candidate_builds ?? {}) },
    shipment_mr: meta.shipment_mr ?? null,
  };
  return { schema_version: SCHEMA_VERSION, release: meta.release, created_at: now, updated_at: now, metadata, tasks: [], issues: [] };
}

// --- validation -------------------------------------------------------------------------------------

export function validateTaskName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new StateBoxError('validation', 'Task name must be a non-empty string');
  if (name.trim() === '') throw new StateBoxError('validation', 'Task name cannot be whitespace only');
  if (name.length > MAX_TASK_NAME_LENGTH) throw new StateBoxError('validation', `Task name too long (max ${MAX_TASK_NAME_LENGTH} characters)`);
  if (!isTaskName(name)) {
    throw new StateBoxError('validation', `Unsupported task name: ${pyRepr(name)}. Must be one of: ${SUPPORTED_TASK_NAMES.join(', ')}`);
  }
  return name;
}

export function validateTaskStatus(status: unknown): TaskStatus {
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status)) {
    throw new StateBoxError('validation', `Invalid task status: ${String(status)}. Must be one of ${pyList(TASK_STATUSES)}`);
  }
  return status as TaskStatus;
}

export function validateIssueText(text: unknown): string {
  if (typeof text !== 'string' || text === '') throw new StateBoxError('validation', 'Issue description must be a non-empty string');
  if (text.trim() === '') throw new StateBoxError('validation', 'Issue description cannot be whitespace only');
  if (text.length > MAX_ISSUE_LENGTH) throw new StateBoxError('validation', `Issue description too long (max ${MAX_ISSUE_LENGTH} characters, got ${text.length})`);
  return text;
}

export function normalizeIssueText(text: string): string {
  return text.trim().toLowerCase();
}

// --- tasks ------------------------------------------------------------------------------------------

export interface UpdateTaskOptions {
  /**
   * Allow demoting a passed task to `In Progress`. Off by default: re-running a command whose
   * task already passed leaves the task untouched (spec 6.3 "SHOULD treat this as a no-op",
   * defect 14 #2). Explicit requests (MCP, a human resetting a task) pass `force: true`.
   */
  force?: boolean;
  /** Masks the secret values in a result (src/secrets.ts); e-mail addresses are masked regardless. */
  maskSecrets?: (text: string) => string;
}

export interface UpdateTaskOutcome {
  task: TaskEntry;
  changed: boolean;
  /** Why nothing changed, when a rule (not identical input) kept the task as it was. */
  skipped?: 'pass-kept';
  previousStatus: TaskStatus | null;
}

export function findTask(state: StateBoxState, name: string): TaskEntry | undefined {
  return state.tasks.find((t) => t.name === name);
}

/**
 * Spec 5.5 update_task steps 3-6 (validation is the caller's first step). Mutates `state`.
 * `result` undefined keeps the stored result; timestamps come from the result text (first/last
 * zone-qualified timestamp), else `now`.
 */
export function applyUpdateTask(state: StateBoxState, name: string, status: TaskStatus | undefined, result: string | undefined, now: string, opts: UpdateTaskOptions = {}): UpdateTaskOutcome {
  let task = findTask(state, name);
  const previousStatus = task?.status ?? null;
  if (task && task.status === 'Pass' && status === 'In Progress' && !opts.force) {
    return { task, changed: false, skipped: 'pass-kept', previousStatus };
  }
  const before = task ? JSON.stringify(task) : undefined;
  if (!task) {
    task = { name, status: 'Not Started', started_at: null, completed_at: null, result: null };
    state.tasks.push(task);
  }
  const text = result !== undefined ? result : task.result;
  const start = extractStartTimestamp(text);
  const end = extractEndTimestamp(text);
  if (status !== undefined) {
    if (status === 'In Progress') {
      task.started_at = start ?? now;
      task.completed_at = null;
    } else if (status === 'Pass' || status === 'Fail') {
      task.completed_at = end ?? now;
      if (task.started_at === null) task.started_at = start ?? end ?? now;
    }
    task.status = status;
  }
  if (result !== undefined) task.result = maskSensitiveData(result, opts.maskSecrets);
  return { task, changed: before !== JSON.stringify(task), previousStatus };
}

// --- issues -----------------------------------------------------------------------------------------

export interface AddIssueOptions {
  blocker?: boolean;
  relatedTasks?: readonly string[] | null;
}

export interface AddIssueOutcome {
  issue: IssueEntry;
  /** false: an unresolved issue with the same text already existed and is returned as is. */
  created: boolean;
}

/**
 * Spec 5.5 add_issue, with defect 14 #6 fixed: de-duplication (same trimmed, case-insensitive
 * text among unresolved issues) runs BEFORE the one-unresolved-blocker-per-task rule, so re-adding
 * the same blocker returns the existing entry instead of failing. Mutates `state`.
 */
export function applyAddIssue(state: StateBoxState, text: string, opts: AddIssueOptions, now: string): AddIssueOutcome {
  validateIssueText(text);
  const blocker = opts.blocker ?? true;
  const relatedTasks = [...(opts.relatedTasks ?? [])];
  const key = normalizeIssueText(text);
  const existing = state.issues.find((i) => !i.resolved && normalizeIssueText(i.issue) === key);
  if (existing) return { issue: existing, created: false };
  if (blocker) {
    for (const task of relatedTasks) {
      const held = state.issues.find((i) => i.blocker && !i.resolved && i.related_tasks.includes(task));
      if (held) throw new StateBoxError('validation', `Task '${task}' already has unresolved blocker: ${held.issue}`, { release: state.release });
    }
  }
  const issue: IssueEntry = { issue: text, reported_at: now, resolved: false, resolution: null, blocker, related_tasks: relatedTasks };
  state.issues.push(issue);
  return { issue, created: true };
}

export function describeIssueAdded(issue: IssueEntry): string {
  const scope = issue.related_tasks.length ? `tasks: ${issue.related_tasks.join(', ')}` : 'general';
  return `Added ${issue.blocker ? 'blocking' : 'non-blocking'} (${scope}) issue: ${issue.issue}`;
}

/** Spec 5.5 resolve_issue step 1-3: exact normalised match, else a unique substring match. */
export function findIssueToResolve(state: StateBoxState, input: string): IssueEntry {
  const needle = normalizeIssueText(input);
  const unresolved = state.issues.filter((i) => !i.resolved);
  const exact = unresolved.find((i) => normalizeIssueText(i.issue) === needle);
  if (exact) return exact;
  const partial = needle === '' ? [] : unresolved.filter((i) => normalizeIssueText(i.issue).includes(needle));
  if (partial.length > 1) {
    throw new StateBoxError(
      'validation',
      `Multiple issues match '${input}':\n${partial.map((i) => `  - ${i.issue}`).join('\n')}\nPlease provide more specific text to uniquely identify the issue.`,
      { release: state.release },
    );
  }
  if (partial.length === 1) return partial[0]!;
  throw new StateBoxError('not-found', `Issue not found: '${input}'\nUnresolved issues: ${pyList(unresolved.map((i) => i.issue))}`, { release: state.release });
}

export interface ResolveIssueOutcome {
  issue: IssueEntry;
  changed: boolean;
}

/**
 * Mutates `state`. `afterRetry`: this call is repeating a write whose answer was lost (5xx after
 * the commit); an issue already resolved with the same resolution counts as done, not as missing.
 */
export function applyResolveIssue(state: StateBoxState, input: string, resolution: string, now: string, opts: { afterRetry?: boolean } = {}): ResolveIssueOutcome {
  let issue: IssueEntry;
  try {
    issue = findIssueToResolve(state, input);
  } catch (e) {
    if (opts.afterRetry && e instanceof StateBoxError && e.kind === 'not-found') {
      const needle = normalizeIssueText(input);
      const done = state.issues.find((i) => i.resolved && i.resolution === resolution && normalizeIssueText(i.issue).includes(needle));
      if (done) return { issue: done, changed: false };
    }
    throw e;
  }
  issue.resolved = true;
  issue.resolution = resolution;
  issue.resolved_at = now;
  return { issue, changed: true };
}

// --- metadata -----------------------------------------------------------------------------------------

const MERGED_MAPS = new Set(['advisory_ids', 'candidate_builds']);

/** Spec update_metadata: advisory_ids and candidate_builds maps merge key by key; other keys are replaced. */
export function applyUpdateMetadata(state: StateBoxState, updates: Record<string, unknown>): boolean {
  const before = JSON.stringify(state.metadata);
  const meta = state.metadata as Record<string, unknown>;
  for (const [k, v] of Object.entries(updates)) {
    const current = meta[k];
    if (MERGED_MAPS.has(k) && isPlainObject(v) && isPlainObject(current)) meta[k] = { ...current, ...v };
    else meta[k] = v;
  }
  return before !== JSON.stringify(state.metadata);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// --- queries ------------------------------------------------------------------------------------------

/** Status of a task, or null when it has none yet (no validation of the name: spec). */
export function taskStatusOf(state: StateBoxState, name: string): TaskStatus | null {
  return findTask(state, name)?.status ?? null;
}

/** First unresolved blocker whose related_tasks contains the task. */
export function taskBlocker(state: StateBoxState, task: string): IssueEntry | null {
  return state.issues.find((i) => i.blocker && !i.resolved && i.related_tasks.includes(task)) ?? null;
}

export interface IssueFilter {
  unresolvedOnly?: boolean;
  blockersOnly?: boolean;
  taskName?: string;
}

/** Filters are ANDed. */
export function filterIssues(state: StateBoxState, f: IssueFilter = {}): IssueEntry[] {
  return state.issues.filter(
    (i) => (!f.unresolvedOnly || !i.resolved) && (!f.blockersOnly || i.blocker) && (f.taskName === undefined || i.related_tasks.includes(f.taskName)),
  );
}

/** Unresolved blockers that affect the whole release (no related tasks). */
export function generalBlockers(state: StateBoxState): IssueEntry[] {
  return state.issues.filter((i) => i.blocker && !i.resolved && i.related_tasks.length === 0);
}

export interface TaskStatusView {
  name: string;
  display: string;
  status: TaskStatus;
  started_at: string | null;
  completed_at: string | null;
  blocker: string | null;
}

export interface StateBoxStatusView {
  release: string;
  created_at: string;
  updated_at: string;
  metadata: StateBoxMetadata;
  /** Red when any task failed, else Green (agents.md 14 #20). Blockers are listed separately. */
  overall: 'Green' | 'Red';
  tasks: TaskStatusView[];
  blockers: IssueEntry[];
  unresolvedIssues: IssueEntry[];
}

/** What release-status, the App Home and MCP show. */
export function statusView(state: StateBoxState): StateBoxStatusView {
  const blockers = filterIssues(state, { unresolvedOnly: true, blockersOnly: true });
  const tasks = state.tasks.map((t) => ({
    name: t.name,
    display: displayName(t.name),
    status: t.status,
    started_at: t.started_at,
    completed_at: t.completed_at,
    blocker: taskBlocker(state, t.name)?.issue ?? null,
  }));
  const red = tasks.some((t) => t.status === 'Fail');
  return {
    release: state.release,
    created_at: state.created_at,
    updated_at: state.updated_at,
    metadata: state.metadata,
    overall: red ? 'Red' : 'Green',
    tasks,
    blockers,
    unresolvedIssues: filterIssues(state, { unresolvedOnly: true }),
  };
}
