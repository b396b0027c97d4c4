/**
 * The contract of a scheduled job: a name, a cron schedule, and a `run` that returns a report.
 * The scheduler (scheduler.ts) adds everything else: the lease, run records, failure streaks,
 * the ops report, metrics and manual triggering.
 */
import type { Actor } from '../commands/types.ts';
import type { Logger } from '../log.ts';
import type { SlackMessage, SlackTarget, PostedMessage } from '../integrations/slack-notify.ts';

export interface JobRunContext {
  /** Report what would be done; write nothing (no Jira, no Slack, no job state). */
  readonly dryRun: boolean;
  readonly trigger: 'schedule' | 'manual';
  /** Job-specific options of a manual run (`fromDate`, `ystreams`, ...). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Aborted on shutdown or when this replica loses the job's lease. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly actor: Actor;
  now(): Date;
}

export interface JobLink {
  label: string;
  url: string;
}

export interface JobReport {
  /** One line for humans. */
  summary: string;
  /** Numbers recorded with the run (`notified: 3`, `rejected: 1`). */
  counts?: Record<string, number>;
  /** Detail lines (what was done, or what would be done in a dry run). */
  lines?: string[];
  links?: JobLink[];
  /**
   * Set when the run did its work but must count as failed (the notificator's per-issue errors:
   * every issue is processed, then the run fails).
   */
  error?: string;
  /** Structured data for MCP / JSON output. */
  data?: unknown;
}

export interface JobDefinition {
  /** Kebab-case name used by `/oar jobs run NAME` and in the store. */
  name: string;
  description: string;
  /** Cron expression (5 or 6 fields). */
  schedule: string;
  /** The environment variable the schedule comes from (listing and docs). */
  scheduleVar?: string;
  /** Lease time-to-live while running (renewed at a third of it). Default: the scheduler's. */
  leaseTtlMs?: number;
  run(ctx: JobRunContext): Promise<JobReport>;
}

export type JobOutcome = 'ok' | 'failed' | 'skipped';

/** Optional metrics hook (prom-client counters live in observability/). */
export interface JobMetrics {
  jobRun(job: string, outcome: JobOutcome): void;
}

/** The part of SlackNotifier the jobs use: tests pass a recorder, production the real notifier. */
export interface SlackPoster {
  post(target: SlackTarget, message: SlackMessage): Promise<PostedMessage>;
}

export interface SlackThreadPoster extends SlackPoster {
  update(channel: string, ts: string, message: SlackMessage): Promise<PostedMessage>;
  postOutput(target: SlackTarget, output: string, opts?: { filename?: string; title?: string }): Promise<PostedMessage>;
}

/** The actor scheduled runs act as (audit, runner authorisation). */
export function jobActor(job: string): Actor {
  return { id: `job:${job}`, name: job, via: 'job' };
}

/** Error text without stack, for reports and run records: the one description (src/describe-error.ts). */
export { describeError as errorText } from '../describe-error.ts';
