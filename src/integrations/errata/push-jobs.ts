/**
 * Pure reading of an advisory's push jobs (oar-commands 11.9): per target only the newest job
 * (highest id) counts.
 */

export const PUSH_JOB_STATUSES = ['COMPLETE', 'FAILED', 'READY', 'RUNNING', 'QUEUED', 'WAITING_ON_PUB'] as const;
export type PushJobStatus = (typeof PUSH_JOB_STATUSES)[number];

export interface PushJob {
  id: number;
  /** One of PUSH_JOB_STATUSES; kept as a string so an unknown status never crashes a poll. */
  status: string;
  target: string;
}

export interface PushJobSummary {
  /** Newest job per target, ordered by target name. */
  latest: PushJob[];
  /** No push job at all ("no push job found for advisory <id>"). */
  none: boolean;
  /** At least one target and every newest status is COMPLETE. */
  completed: boolean;
  /** Not completed and at least one job exists (a FAILED job also counts, as in the original). */
  running: boolean;
  /** Any newest status is FAILED ("found failed push job, will trigger again"). */
  hasFailed: boolean;
}

export function latestPushJobs(jobs: readonly PushJob[]): PushJob[] {
  const byTarget = new Map<string, PushJob>();
  for (const job of jobs) {
    const prev = byTarget.get(job.target);
    if (!prev || job.id > prev.id) byTarget.set(job.target, job);
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
}

export function summarizePushJobs(jobs: readonly PushJob[]): PushJobSummary {
  const latest = latestPushJobs(jobs);
  const none = latest.length === 0;
  const completed = !none && latest.every((j) => j.status === 'COMPLETE');
  return {
    latest,
    none,
    completed,
    running: !completed && !none,
    hasFailed: latest.some((j) => j.status === 'FAILED'),
  };
}

/** `push job for target <cdn_stage> is COMPLETE` — the original's log line, angle brackets included. */
export function pushJobLine(job: PushJob): string {
  return `push job for target <${job.target}> is ${job.status}`;
}
