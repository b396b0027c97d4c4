/**
 * The jobs that run inside the bot's process, one declaration per file (jobs/declare.ts), listed
 * here in the order `/oar jobs` shows them. `scheduleJobs(wiring)` builds the jobs' environment,
 * binds every declared job to it and hands the list to the scheduler.
 *
 * The CKI notifier (cki-notifier/) is a separate consumer and not part of this scheduler.
 */
import type { DeclaredJob } from './declare.ts';
import { createJobEnv, type JobEnv, type JobsWiring } from './env.ts';
import { housekeeping } from './housekeeping.ts';
import { jiraNotificator } from './jira-notificator/job.ts';
import { prowGate } from './prow/job.ts';
import { releaseDetector } from './release-detector.ts';
import { resultChecker } from './result-checker.ts';
import { createScheduler, type JobScheduler } from './scheduler.ts';
import type { JobDefinition, SlackPoster } from './types.ts';
import { watchers } from './watchers-job.ts';
import type { WatchPoller } from './watchers.ts';

export type { JobScheduler } from './scheduler.ts';
export type { JobsWiring } from './env.ts';

export const JOBS: readonly DeclaredJob<never>[] = [jiraNotificator, resultChecker, releaseDetector, watchers, prowGate, housekeeping];

export interface Jobs {
  scheduler: JobScheduler;
  poller: WatchPoller;
  jobs: JobDefinition[];
  /** What the jobs were bound to (the wiring registers watch handlers with the same pieces). */
  env: JobEnv;
}

export function scheduleJobs(w: JobsWiring, declared: readonly DeclaredJob<never>[] = JOBS): Jobs {
  const env = createJobEnv(w);
  const jobs = declared.map((d) => d.bind(env));
  const ops: SlackPoster = {
    async post(target, message) {
      const slack = await env.slack();
      if (!slack) throw new Error('Slack is not configured');
      return slack.post(target, message);
    },
  };
  const scheduler = createScheduler({ config: w.config, store: w.store, jobs, owner: w.owner, logger: env.logger, ops, ...(w.metrics ? { metrics: w.metrics } : {}) });
  return { scheduler, poller: env.poller, jobs, env };
}
