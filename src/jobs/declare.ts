/**
 * A job is declared like a command: one file per job states its name, what it does, where its
 * cron schedule comes from, how it is leased across replicas, what it takes from the jobs'
 * environment and its run. The list of declared jobs is jobs/index.ts; the scheduler
 * (scheduler.ts) runs any declared job the same way.
 */
import type { Config } from '../config/env.ts';
import type { JobEnv } from './env.ts';
import type { JobDefinition, JobReport, JobRunContext } from './types.ts';

/** The configuration variables that hold a cron schedule. */
export type CronVar = Extract<keyof Config, `OAR_CRON_${string}`>;

export type CronSchedules = Partial<Pick<Config, CronVar>>;

export interface JobLease {
  /**
   * Time-to-live of the lease while the job runs (renewed at a third of it; losing it aborts
   * the run). Default: the scheduler's (5 minutes). Only the holder runs the job.
   */
  ttlMs?: number;
}

export interface JobDeclaration<D> {
  /** Kebab-case name used by `/oar jobs run NAME` and in the store (lease, run records, state). */
  name: string;
  description: string;
  /** The configuration variable holding the cron schedule, or a fixed expression. */
  schedule: CronVar | { cron: string };
  lease: JobLease;
  /** What the job needs, taken from the jobs' environment when the scheduler is built. */
  deps(env: JobEnv): D;
  run(ctx: JobRunContext, deps: D): Promise<JobReport>;
}

/** A declared job, as the index lists it. */
export interface DeclaredJob<D = unknown> {
  readonly name: string;
  readonly description: string;
  readonly schedule: CronVar | { cron: string };
  readonly lease: JobLease;
  /** The job as the scheduler runs it, with its dependencies from the environment. */
  bind(env: JobEnv): JobDefinition;
  /** The job with dependencies given explicitly (tests, benches). */
  with(deps: D, schedules: CronSchedules): JobDefinition;
}

export function defineJob<D>(decl: JobDeclaration<D>): DeclaredJob<D> {
  const definition = (deps: D, schedules: CronSchedules): JobDefinition => {
    const scheduleVar = typeof decl.schedule === 'string' ? decl.schedule : undefined;
    const schedule = typeof decl.schedule === 'string' ? schedules[decl.schedule] : decl.schedule.cron;
    if (schedule === undefined) throw new Error(`job ${decl.name}: ${scheduleVar} is not in the configuration it was given`);
    return {
      name: decl.name,
      description: decl.description,
      schedule,
      ...(scheduleVar ? { scheduleVar } : {}),
      ...(decl.lease.ttlMs !== undefined ? { leaseTtlMs: decl.lease.ttlMs } : {}),
      run: (ctx) => decl.run(ctx, deps),
    };
  };
  return {
    name: decl.name,
    description: decl.description,
    schedule: decl.schedule,
    lease: decl.lease,
    bind: (env) => definition(decl.deps(env), env.config),
    with: definition,
  };
}
