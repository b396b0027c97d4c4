/**
 * The aggregator's arithmetic (agents.md 6.7 steps 5-10, edge case 8). Pure.
 *
 * Decisions (both flagged by the spec, 14 #12 and #13):
 * - Prow state `error` (an infrastructure error: the job never judged the payload) is, as in the
 *   original, neither failed nor success by default: no retry, and the build is rejected at once.
 *   Retrying it like `failure` is a setting (`OAR_PROW_RETRY_ERROR`, the `retryErrorRuns` policy),
 *   because the spec asks for product sign-off before changing it.
 * - an entry whose job is no longer in the registry is not evaluated and is not counted in
 *   `total` either, so it cannot keep the record from ever being aggregated.
 */

import type { ResultEntry, JobRun } from './record.ts';

/** Run states that count as failed (and make a required job retryable), as in the original. */
export const FAILED_STATES: ReadonlySet<string> = new Set(['failure', 'aborted']);
/** With `retryErrorRuns`: Prow `error` is one more failed state. */
const FAILED_OR_ERROR_STATES: ReadonlySet<string> = new Set([...FAILED_STATES, 'error']);
export const SUCCESS_STATE = 'success';

/** How run states are judged. The default is the original's. */
export interface VerdictPolicy {
  /** Prow `error` counts as a failed run (retried like `failure`); the original: never retried, build rejected. */
  retryErrorRuns: boolean;
}

export const ORIGINAL_POLICY: VerdictPolicy = Object.freeze({ retryErrorRuns: false });

export interface JobVerdict {
  firstCompleted: boolean;
  firstSuccess: boolean;
  firstFailed: boolean;
  retries: number;
  successfulRetries: number;
  retriesCompleted: boolean;
  /** Majority of all runs including the failed first one (2/2, 3/4, 4/6). */
  retrySuccess: boolean;
  completed: boolean;
  success: boolean;
  failed: boolean;
}

export function runCompleted(run: JobRun | undefined): boolean {
  return Boolean(run?.jobCompletionTime);
}

export function runFailed(run: JobRun | undefined, policy: VerdictPolicy = ORIGINAL_POLICY): boolean {
  return (policy.retryErrorRuns ? FAILED_OR_ERROR_STATES : FAILED_STATES).has(run?.jobState ?? '');
}

/** Successful retries needed: round((retries + 1.1) / 2) → 2 of 2, 3 of 4, 4 of 6. */
export function retriesNeeded(retries: number): number {
  return Math.round((retries + 1.1) / 2);
}

export function jobVerdict(entry: ResultEntry, policy: VerdictPolicy = ORIGINAL_POLICY): JobVerdict {
  const first = entry.firstJob;
  const retried = entry.retriedJobs ?? [];
  const firstCompleted = runCompleted(first);
  const firstSuccess = first.jobState === SUCCESS_STATE;
  const firstFailed = runFailed(first, policy);
  const retriesCompleted = retried.every(runCompleted);
  const successfulRetries = retried.filter((r) => r.jobState === SUCCESS_STATE).length;
  const retrySuccess = retried.length > 0 && retriesCompleted && successfulRetries >= retriesNeeded(retried.length);
  const completed = firstCompleted && retriesCompleted;
  return {
    firstCompleted,
    firstSuccess,
    firstFailed,
    retries: retried.length,
    successfulRetries,
    retriesCompleted,
    retrySuccess,
    completed,
    success: firstSuccess || retrySuccess,
    failed: completed && firstFailed && !retrySuccess,
  };
}

/** Retry when the first run failed (completion not required), the job is required, and it has no retries yet. */
export function needsRetry(entry: ResultEntry, optional: boolean, policy: VerdictPolicy = ORIGINAL_POLICY): boolean {
  return runFailed(entry.firstJob, policy) && !optional && (entry.retriedJobs ?? []).length === 0;
}

export interface Metrics {
  total: number;
  success: number;
  failed: number;
  pending: number;
  required: number;
  completed: number;
  successfulRequired: number;
  /** Entries without a registry definition (not counted in total). */
  skipped: number;
}

export function emptyMetrics(): Metrics {
  return { total: 0, success: 0, failed: 0, pending: 0, required: 0, completed: 0, successfulRequired: 0, skipped: 0 };
}

export function countJob(m: Metrics, v: JobVerdict, optional: boolean): void {
  m.total++;
  if (v.completed) m.completed++;
  else m.pending++;
  if (v.success) m.success++;
  if (v.failed) m.failed++;
  if (!optional) {
    m.required++;
    if (v.success) m.successfulRequired++;
  }
}

/** QE accepted ⇔ required > 0 and every required job succeeded. */
export function qeAccepted(m: Metrics): boolean {
  return m.required > 0 && m.successfulRequired > 0 && m.successfulRequired === m.required;
}

/** Every evaluated job completed: the record can be marked aggregated. */
export function allCompleted(m: Metrics): boolean {
  return m.total > 0 && m.completed > 0 && m.total === m.completed;
}

/** The original's summary log line. */
export function metricsLine(build: string, m: Metrics, accepted: boolean): string {
  return `Test result summary of ${build}: total:${m.total}, success:${m.success}, pending:${m.pending}, failed:${m.failed}, required:${m.required}, completed:${m.completed}, successful_required:${m.successfulRequired}, qe_accepted:${accepted}`;
}
