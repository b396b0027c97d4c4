/**
 * The jobs that run inside the bot's process, wired from configuration and the integration
 * services: `createJobs(wiring)` returns the scheduler (with jira-notificator, result-checker,
 * release-detector and watchers) and the watch poller. Clients are resolved when a job runs, so a
 * missing credential fails that job's run (reported to ops once) instead of the bot's start.
 *
 * The CKI notifier (cki-notifier/) is a separate consumer and not part of this scheduler.
 */
import type { Config } from '../config/env.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Services } from '../commands/services.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import { FIRST_STEPS } from '../blocks/detector.ts';
import type { SlackNotifier } from '../integrations/slack-notify.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { ConfigStore } from '../release/configstore.ts';
import { createReleaseDiscovery, latestReleaseOf, parseTrackingFile } from '../release/discovery.ts';
import type { Store } from '../store/types.ts';
import { createAsyncApprovalHandler, ASYNC_APPROVAL_KIND, type AsyncApprovalDeps } from '../commands/approval/async-approval.ts';
import { githubPullRequestLabels } from './jira-notificator/premerge.ts';
import { jiraNotificatorJob } from './jira-notificator/job.ts';
import { releaseDetectorJob } from './release-detector.ts';
import { resultCheckerJob } from './result-checker.ts';
import { runRegisteredCommand } from './run-command.ts';
import { createScheduler, type JobScheduler } from './scheduler.ts';
import { errorText, type JobDefinition, type JobMetrics, type SlackPoster } from './types.ts';
import { createWatchPoller, watchersJob, watchHandlers as defaultWatchHandlers, type WatchHandlerRegistry, type WatchPoller } from './watchers.ts';

export * from './types.ts';
export { createScheduler, UnknownJobError, type JobScheduler, type JobStatus, type JobRunResult, type RunNowOptions, type SchedulerDeps } from './scheduler.ts';
export { createWatchPoller, registerWatchHandler, watchHandlers, watchersJob, WatchHandlerRegistry, type WatchHandler, type WatchPollContext, type WatchPollResult, type WatchPoller, type PollSummary, type CancelResult } from './watchers.ts';
export { asyncApprovalWatch, createAsyncApprovalHandler, ASYNC_APPROVAL_KIND, ASYNC_APPROVAL_TASK, type AsyncApprovalDeps } from '../commands/approval/async-approval.ts';
export { jiraNotificatorJob, JIRA_NOTIFICATOR_JOB } from './jira-notificator/job.ts';
export { resultCheckerJob, RESULT_CHECKER_JOB } from './result-checker.ts';
export { releaseDetectorJob, RELEASE_DETECTOR_JOB } from './release-detector.ts';
export { runRegisteredCommand } from './run-command.ts';
export { watchCancelButton, watchEndMessage, WATCH_CANCEL_ACTION_ID } from '../blocks/watch.ts';
export { resolveYStreams, NoYStreamsError } from './ystreams.ts';

export interface JobsWiring {
  config: Config;
  store: Store;
  /** This replica's identity (the runner's instanceId). */
  owner: string;
  logger?: Logger;
  /** One Services instance for the jobs (jira, ldap, github, slack, releaseController, payloadMetadata). */
  services: Services;
  statebox: StateBoxPort;
  /** For the release detector's create-test-report (the detector fails its run without them). */
  runner?: Pick<Runner, 'execute'>;
  registry?: Pick<CommandRegistry, 'get' | 'has'>;
  /** The release's ConfigStore: release channel and release-lead group. */
  configStores?: { get(release: string): Promise<ConfigStore> };
  metrics?: JobMetrics;
  /** Default: the process-wide registry commands register their handlers in. */
  watchHandlers?: WatchHandlerRegistry;
  /** Registers the async-approval watch handler (change-advisory-status supplies the completion). */
  asyncApproval?: Pick<AsyncApprovalDeps, 'completeApproval'>;
  /** Further jobs on the same scheduler (e.g. the Prow release gate of jobs/prow/). */
  extraJobs?: readonly JobDefinition[];
}

export interface Jobs {
  scheduler: JobScheduler;
  poller: WatchPoller;
  jobs: JobDefinition[];
}

export function createJobs(w: JobsWiring): Jobs {
  const log = w.logger ?? silentLogger;
  const { config, services } = w;
  const handlers = w.watchHandlers ?? defaultWatchHandlers;

  const slackNotifier = async (): Promise<SlackNotifier | undefined> => {
    if (!services.has('slack')) return undefined;
    try {
      return await services.get('slack');
    } catch (e) {
      log.warn({ err: e }, `Slack is not available to jobs: ${errorText(e)}`);
      return undefined;
    }
  };
  const optional = async <T>(name: string, get: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await get();
    } catch (e) {
      log.warn({ err: e }, `${name} is not available to jobs: ${errorText(e)}`);
      return undefined;
    }
  };
  const discovery = async () => {
    if (!config.GITHUB_TOKEN) return undefined;
    return createReleaseDiscovery(config, await services.get('github'), { logger: log });
  };
  const configStore = async (release: string): Promise<ConfigStore | undefined> => (w.configStores ? optional(`the ConfigStore of ${release}`, () => w.configStores!.get(release)) : undefined);
  const releaseChannel = async (release: string): Promise<string | undefined> => {
    const cs = await configStore(release);
    try {
      return cs?.slackChannel('qe-release') ?? config.OAR_OPS_CHANNEL;
    } catch {
      return config.OAR_OPS_CHANNEL;
    }
  };
  const leadMention = async (release: string): Promise<string | undefined> => {
    const handle = (await configStore(release))?.releaseLeadGroup();
    const slack = handle ? await slackNotifier() : undefined;
    return handle && slack ? slack.userGroupMention(handle) : undefined;
  };

  const notificator = jiraNotificatorJob({
    config,
    discovery,
    slack: slackNotifier,
    async clients() {
      const jira = await services.get('jira');
      const ldap = services.has('ldap') ? await optional('LDAP', () => services.get('ldap')) : undefined;
      // Pre-merge verification needs GitHub credentials (agents.md 3.6: without them it is skipped).
      const github = config.GITHUB_TOKEN ? await optional('GitHub', () => services.get('github')) : undefined;
      return { jira, ...(ldap ? { ldap } : {}), ...(github ? { prLabels: githubPullRequestLabels(github) } : {}) };
    },
  });

  const resultChecker = resultCheckerJob({
    config,
    store: w.store,
    github: () => services.get('github'),
    slack: slackNotifier,
  });

  const detector = releaseDetectorJob({
    config,
    store: w.store,
    discovery,
    async trackingLatest(ystream, ctx) {
      const github = await services.get('github');
      const text = await github.getRawFile(config.OAR_GITHUB_REPO, config.OAR_STATEBOX_BRANCH, `_releases/${ystream}/${ystream}.z.yaml`, { signal: ctx.signal });
      return text === null ? null : latestReleaseOf(parseTrackingFile(text, ystream));
    },
    async latestStable(ystream) {
      const rc = await services.get('releaseController');
      return (await rc.latestStable(ystream))?.name ?? null;
    },
    async createTestReport(release, ctx) {
      if (!w.runner || !w.registry) throw new Error('the command runner is not wired into the jobs: cannot run create-test-report');
      return runRegisteredCommand({ runner: w.runner, registry: w.registry }, 'create-test-report', { release, actor: ctx.actor, signal: ctx.signal });
    },
    announce: {
      channel: releaseChannel,
      slack: slackNotifier,
      leadMention,
      nextSteps: () => FIRST_STEPS.filter((s) => w.registry?.has(s.command) ?? false),
    },
  });

  if (w.asyncApproval && !handlers.get(ASYNC_APPROVAL_KIND)) {
    handlers.register(
      ASYNC_APPROVAL_KIND,
      createAsyncApprovalHandler({
        store: w.store,
        completeApproval: w.asyncApproval.completeApproval,
        async checkMetadata(release) {
          const check = await services.get('payloadMetadata');
          return check(release);
        },
        releaseChannel,
        releaseLeadMention: leadMention,
      }),
    );
  }

  const poller = createWatchPoller({ store: w.store, statebox: w.statebox, slack: slackNotifier, handlers, logger: log });
  const jobs = [notificator, resultChecker, detector, watchersJob({ config, poller }), ...(w.extraJobs ?? [])];
  const ops: SlackPoster = {
    async post(target, message) {
      const slack = await slackNotifier();
      if (!slack) throw new Error('Slack is not configured');
      return slack.post(target, message);
    },
  };
  const scheduler = createScheduler({ config, store: w.store, jobs, owner: w.owner, logger: log, ops, ...(w.metrics ? { metrics: w.metrics } : {}) });
  return { scheduler, poller, jobs };
}
