/**
 * The scheduler of the jobs that run inside the bot's process (node-cron 4).
 *
 * - every job has a cron schedule (env, defaults from the observed schedules) in OAR_TIMEZONE,
 *   with `noOverlap` so a slow run is never stacked on itself;
 * - a run happens only on the replica that holds the job's lease in the store; the lease is
 *   renewed while the job runs (losing it aborts the run) and kept for a short cool-down after,
 *   so a replica whose clock is a few seconds late does not run the same fire again;
 * - every run is recorded (start, end, outcome, counts, error);
 * - a failing job never stops the bot or another job: it is logged, counted (metrics hook) and
 *   reported to the ops channel once per failure streak, and once when it recovers;
 * - any job can be run by hand (`runNow`), also as a dry run that writes nothing and is not
 *   recorded (it does not move the failure streak or the job's dedup state either).
 */
import { createTask, validate, type ScheduledTask } from 'node-cron';
import type { Config } from '../config/env.ts';
import type { Actor } from '../commands/types.ts';
import type { ScheduledJobStatus } from '../commands/ports.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { JobRun, LeaseInfo, Store } from '../store/types.ts';
import { markReported, readStreak, recordOutcome, type FailureStreak, type StreakTransition } from './failure-streak.ts';
import { errorText, jobActor, type JobDefinition, type JobMetrics, type JobOutcome, type JobReport, type JobRunContext, type SlackPoster } from './types.ts';

export type SchedulerStore = Pick<Store, 'tryLease' | 'releaseLease' | 'getLease' | 'recordJobStart' | 'recordJobEnd' | 'lastJobRuns' | 'getJobState' | 'setJobState'>;

export interface SchedulerDeps {
  config: Pick<Config, 'OAR_JOBS_ENABLED' | 'OAR_TIMEZONE' | 'OAR_OPS_CHANNEL'>;
  store: SchedulerStore;
  jobs: readonly JobDefinition[];
  /** This replica's identity (lease owner, run records). */
  owner: string;
  logger?: Logger;
  /** Where failure streaks are reported (OAR_OPS_CHANNEL). Without it they are only logged. */
  ops?: SlackPoster;
  metrics?: JobMetrics;
  now?: () => Date;
  /** Lease time-to-live while a job runs; renewed at a third of it. Default 5 minutes. */
  leaseTtlMs?: number;
  /** How long the lease is kept after a run. Default 60 s. */
  cooldownMs?: number;
  /** Override OAR_JOBS_ENABLED (tests, the CLI). */
  enabled?: boolean;
}

/** A job as `jobs` lists it: the port commands read (commands/ports.ts), with the store's full last run. */
export interface JobStatus extends ScheduledJobStatus {
  lastRun?: JobRun;
  failing?: FailureStreak;
}

export interface RunNowOptions {
  dryRun?: boolean;
  params?: Record<string, unknown>;
  actor?: Actor;
  signal?: AbortSignal;
}

export interface JobRunResult {
  job: string;
  outcome: JobOutcome;
  dryRun: boolean;
  report?: JobReport;
  /** Why the run failed, or why it was skipped. */
  error?: string;
  runId?: number;
  durationMs: number;
}

export interface JobScheduler {
  readonly owner: string;
  /** Start the cron tasks (no-op when jobs are disabled). */
  start(): void;
  /** Stop the cron tasks and wait for running jobs (aborted after `deadlineMs`), then free the leases. */
  stop(opts?: { deadlineMs?: number }): Promise<void>;
  list(): Promise<JobStatus[]>;
  job(name: string): JobDefinition | undefined;
  names(): string[];
  /** Run a job now (a manual run): takes the lease unless it is a dry run. */
  runNow(name: string, opts?: RunNowOptions): Promise<JobRunResult>;
  /** What a cron fire does; tests call it directly instead of waiting for the clock. */
  tick(name: string): Promise<JobRunResult>;
}

export class UnknownJobError extends Error {
  readonly userMessage: string;
  constructor(name: string, known: string[]) {
    super(`unknown job ${name}; jobs: ${known.join(', ')}`);
    this.name = 'UnknownJobError';
    this.userMessage = this.message;
  }
}

const DEFAULT_LEASE_TTL_MS = 5 * 60_000;
const DEFAULT_COOLDOWN_MS = 60_000;

export function assertValidSchedule(job: Pick<JobDefinition, 'name' | 'schedule' | 'scheduleVar'>): void {
  if (!validate(job.schedule)) {
    throw new Error(`${job.scheduleVar ?? 'the schedule'} of job ${job.name} is not a valid cron expression: ${JSON.stringify(job.schedule)}`);
  }
}

export function assertValidTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`OAR_TIMEZONE is not a known time zone: ${JSON.stringify(tz)} (use an IANA name such as UTC or Europe/Prague)`);
  }
}

function cronLogger(log: Logger) {
  return {
    info: (m: string) => log.debug(m),
    warn: (m: string) => log.warn(m),
    error: (m: string | Error, err?: Error) => log.error({ err: err ?? (m instanceof Error ? m : undefined) }, m instanceof Error ? m.message : m),
    debug: (m: string | Error) => log.debug(m instanceof Error ? m.message : m),
  };
}

export function createScheduler(deps: SchedulerDeps): JobScheduler {
  const log = (deps.logger ?? silentLogger).child({ component: 'scheduler' });
  const now = deps.now ?? (() => new Date());
  const leaseTtlMs = deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const cooldownMs = deps.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  const timezone = deps.config.OAR_TIMEZONE;
  const { store, owner } = deps;
  assertValidTimezone(timezone);

  const jobs = new Map<string, JobDefinition>();
  for (const job of deps.jobs) {
    if (jobs.has(job.name)) throw new Error(`job ${job.name} is defined twice`);
    if (!/^[a-z][a-z0-9-]*$/.test(job.name)) throw new Error(`job name ${job.name} is not kebab-case`);
    assertValidSchedule(job);
    jobs.set(job.name, job);
  }

  // Tasks are created up front (stopped) so list() can tell the next run before start().
  const tasks = new Map<string, ScheduledTask>();
  for (const job of jobs.values()) {
    tasks.set(
      job.name,
      createTask(job.schedule, () => scheduler.tick(job.name), { name: `oar-job:${job.name}`, timezone, noOverlap: true, logger: cronLogger(log) }),
    );
  }

  const running = new Map<string, { controller: AbortController; done: Promise<JobRunResult> }>();
  const leased = new Set<string>();
  let started = false;
  let stopping = false;

  function get(name: string): JobDefinition {
    const job = jobs.get(name);
    if (!job) throw new UnknownJobError(name, [...jobs.keys()]);
    return job;
  }

  async function reportStreak(job: string, t: StreakTransition): Promise<void> {
    if (t.kind !== 'started' && t.kind !== 'recovered') return;
    const channel = deps.config.OAR_OPS_CHANNEL;
    const text =
      t.kind === 'started'
        ? `:rotating_light: Scheduled job *${job}* failed (replica ${owner}): ${t.streak.lastError}\nFurther failures of this job are not reported until it recovers; \`/oar jobs\` shows its runs.`
        : `:white_check_mark: Scheduled job *${job}* recovered after ${t.streak.failures} failed run${t.streak.failures === 1 ? '' : 's'} (failing since ${t.streak.since}).`;
    if (!channel || !deps.ops) {
      log.warn({ job, streak: t.streak }, `${t.kind === 'started' ? 'job failure' : 'job recovery'} not reported: OAR_OPS_CHANNEL or Slack is not configured`);
      return;
    }
    try {
      await deps.ops.post({ channel }, { text });
      if (t.kind === 'started') await markReported(store, job, t.streak);
    } catch (e) {
      // Not marked reported: the next failed run tries again.
      log.error({ err: e, job }, `could not report the ${t.kind === 'started' ? 'failure' : 'recovery'} of job ${job} to ${channel}`);
    }
  }

  async function execute(job: JobDefinition, opts: RunNowOptions & { trigger: 'schedule' | 'manual' }): Promise<JobRunResult> {
    const started = performance.now();
    const dryRun = opts.dryRun === true;
    const skipped = (error: string): JobRunResult => {
      deps.metrics?.jobRun(job.name, 'skipped');
      return { job: job.name, outcome: 'skipped', dryRun, error, durationMs: performance.now() - started };
    };
    if (stopping) return skipped('the scheduler is stopping');
    if (running.has(job.name)) return skipped(`${job.name} is already running on this replica (${owner})`);

    const ttl = job.leaseTtlMs ?? leaseTtlMs;
    if (!dryRun) {
      let holder: LeaseInfo | undefined;
      let held: boolean;
      try {
        held = await store.tryLease(job.name, owner, ttl, now());
        if (!held) holder = await store.getLease(job.name, now());
      } catch (e) {
        log.error({ err: e, job: job.name }, 'cannot take the job lease: the store is unreachable');
        return skipped(`the operational store is unreachable: ${errorText(e)}`);
      }
      if (!held) return skipped(holder ? `${job.name} runs on replica ${holder.owner} (it holds the lease until ${holder.expiresAt.toISOString()})` : `${job.name}: another replica took the lease at the same moment`);
      leased.add(job.name);
    }

    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([controller.signal, opts.signal]) : controller.signal;
    const run = async (): Promise<JobRunResult> => {
      const renew = dryRun
        ? undefined
        : setInterval(() => {
            store.tryLease(job.name, owner, ttl, now()).then(
              (held) => {
                if (!held) controller.abort(new Error(`replica ${owner} lost the lease of ${job.name}`));
              },
              (e: unknown) => log.warn({ err: e, job: job.name }, 'lease renewal failed; retrying at the next renewal'),
            );
          }, Math.max(1000, Math.floor(ttl / 3)));
      renew?.unref();
      const jobLog = log.child({ job: job.name, trigger: opts.trigger, dryRun });
      let runId: number | undefined;
      let report: JobReport | undefined;
      let error: string | undefined;
      try {
        if (!dryRun) runId = await store.recordJobStart(job.name, owner, now());
        jobLog.debug('job started');
        const ctx: JobRunContext = { dryRun, trigger: opts.trigger, params: opts.params ?? {}, signal, logger: jobLog, actor: opts.actor ?? jobActor(job.name), now };
        report = await job.run(ctx);
        error = report.error;
      } catch (e) {
        error = errorText(e);
        jobLog.error({ err: e }, `job failed: ${error}`);
      } finally {
        if (renew) clearInterval(renew);
      }
      const outcome: JobOutcome = error === undefined ? 'ok' : 'failed';
      if (!dryRun) {
        try {
          if (runId !== undefined) await store.recordJobEnd(runId, { outcome, ...(report?.counts ? { counts: report.counts } : {}), ...(error !== undefined ? { error: error.slice(0, 2000) } : {}), at: now() });
          await reportStreak(job.name, await recordOutcome(store, job.name, outcome === 'failed', error, now()));
        } catch (e) {
          jobLog.error({ err: e }, 'could not record the end of the run');
        }
        // Keep the lease a little while so a late fire on another replica does not run it again.
        await store.tryLease(job.name, owner, cooldownMs, now()).catch((e: unknown) => jobLog.warn({ err: e }, 'could not keep the lease for the cool-down'));
      }
      deps.metrics?.jobRun(job.name, outcome);
      // A scheduled run that did nothing is debug (watchers run every minute); work done is info, a failure warn.
      const didWork = Object.values(report?.counts ?? {}).some((n) => n > 0);
      const level = outcome === 'failed' ? 'warn' : didWork || opts.trigger !== 'schedule' ? 'info' : 'debug';
      jobLog[level]({ outcome, counts: report?.counts, durationMs: Math.round(performance.now() - started) }, `job ${outcome === 'ok' ? 'finished' : 'failed'}${report ? `: ${report.summary}` : ''}`);
      return { job: job.name, outcome, dryRun, ...(report ? { report } : {}), ...(error !== undefined ? { error } : {}), ...(runId !== undefined ? { runId } : {}), durationMs: performance.now() - started };
    };
    const done = run();
    running.set(job.name, { controller, done });
    try {
      return await done;
    } finally {
      running.delete(job.name);
    }
  }

  const scheduler: JobScheduler = {
    owner,
    start() {
      const enabled = deps.enabled ?? deps.config.OAR_JOBS_ENABLED;
      if (!enabled) {
        log.info('scheduled jobs are disabled in this process (OAR_JOBS_ENABLED=false)');
        return;
      }
      if (started) return;
      started = true;
      stopping = false;
      for (const [name, task] of tasks) {
        void Promise.resolve(task.start()).catch((e: unknown) => log.error({ err: e, job: name }, 'could not start the cron task'));
      }
      log.info({ jobs: [...jobs.values()].map((j) => `${j.name} (${j.schedule})`), timezone, owner }, 'scheduled jobs started');
    },
    async stop(opts = {}) {
      stopping = true;
      for (const task of tasks.values()) await task.stop();
      const inflight = [...running.values()];
      if (inflight.length) {
        log.info({ jobs: [...running.keys()] }, 'waiting for running jobs');
        let timer: NodeJS.Timeout | undefined;
        if (opts.deadlineMs !== undefined) {
          timer = setTimeout(() => {
            for (const r of running.values()) r.controller.abort(new Error('the bot is shutting down'));
          }, opts.deadlineMs);
        }
        await Promise.allSettled(inflight.map((r) => r.done));
        clearTimeout(timer);
      }
      for (const name of leased) await store.releaseLease(name, owner).catch((e: unknown) => log.warn({ err: e, job: name }, 'could not release the job lease; it expires by itself'));
      leased.clear();
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
      started = false;
    },
    async list() {
      const runs = await store.lastJobRuns(1);
      const out: JobStatus[] = [];
      for (const job of jobs.values()) {
        const lastRun = runs.find((r) => r.job === job.name);
        const [lease, failing] = await Promise.all([store.getLease(job.name, now()), readStreak(store, job.name)]);
        const task = tasks.get(job.name);
        out.push({
          name: job.name,
          description: job.description,
          schedule: job.schedule,
          ...(job.scheduleVar ? { scheduleVar: job.scheduleVar } : {}),
          timezone,
          nextRun: task ? (task.getNextRuns(1)[0] ?? null) : null,
          ...(lastRun ? { lastRun } : {}),
          running: running.has(job.name),
          ...(lease ? { leaseHolder: lease.owner } : {}),
          ...(failing ? { failing } : {}),
        });
      }
      return out;
    },
    job: (name) => jobs.get(name),
    names: () => [...jobs.keys()],
    async runNow(name, opts = {}) {
      return execute(get(name), { ...opts, trigger: 'manual' });
    },
    async tick(name) {
      try {
        const result = await execute(get(name), { trigger: 'schedule' });
        if (result.outcome === 'skipped') log.debug({ job: name, reason: result.error }, 'scheduled run skipped');
        return result;
      } catch (e) {
        // Never let a cron callback reject: one broken job must not disturb the others.
        log.error({ err: e, job: name }, 'scheduled run could not start');
        return { job: name, outcome: 'failed', dryRun: false, error: errorText(e), durationMs: 0 };
      }
    },
  };
  return scheduler;
}
