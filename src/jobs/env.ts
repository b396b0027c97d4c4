/**
 * What every job may take its dependencies from: configuration, the store, one Services
 * instance, Slack (the notify integration), a team-notice poster per run, where a release's
 * notices go, release discovery, the command runner and the watch poller. Built once per
 * scheduler; clients are resolved when a job runs, so a missing credential fails that job's run
 * (reported to ops once) instead of the bot's start.
 */
import type { Config } from '../config/env.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Services } from '../commands/services.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import type { SlackNotifier } from '../integrations/slack-notify.ts';
import { renderTeamNotice } from '../blocks/notice.ts';
import { ReleaseNotifier, type ReleaseNoticeTargets } from '../commands/notifier.ts';
import { silentLogger, type Logger } from '../log.ts';
import { createReleaseDiscovery, type ReleaseDiscovery } from '../release/discovery.ts';
import type { Store } from '../store/types.ts';
import { errorText, type JobMetrics } from './types.ts';
import type { FollowUpLookup } from '../commands/types.ts';
import { createWatchPoller, type WatchPoller } from './watchers.ts';

/** What the composition root hands to the jobs of one process. */
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
  /** Where a release's notices go (release channel, lead mention); wireJobs builds it once for the jobs and the follow-ups. */
  notices: ReleaseNoticeTargets;
  metrics?: JobMetrics;
  /** The follow-up handlers of watches (the command registry's `followUps(deps)`). Default: none. */
  watchHandlers?: FollowUpLookup;
}

export interface JobEnv {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  readonly services: Services;
  /** Slack, or undefined when it is not configured or cannot be built (logged). */
  slack(): Promise<SlackNotifier | undefined>;
  /**
   * A team-notice poster for one run (a ReleaseNotifier memoises mentions and warnings per
   * instance, so a job takes a fresh one per run): Block Kit (blocks/notice.ts), and what it
   * cannot do (a thread message Slack refused, a group it cannot resolve) warned into `logger`,
   * the run's. Slack missing: post() throws (a job checks `slack()` first).
   */
  notifier(logger: Logger): ReleaseNotifier;
  /** Where a release's notices go outside a command run (release channel, lead mention). */
  readonly notices: ReleaseNoticeTargets;
  /** `get()`, or undefined (logged) when it fails: for clients a job can do without. */
  optional<T>(name: string, get: () => Promise<T>): Promise<T | undefined>;
  /** Release discovery, fresh per call; undefined without GITHUB_TOKEN. */
  discovery(): Promise<ReleaseDiscovery | undefined>;
  readonly runner?: Pick<Runner, 'execute'>;
  readonly registry?: Pick<CommandRegistry, 'get' | 'has'>;
  readonly poller: WatchPoller;
}

export function createJobEnv(w: JobsWiring): JobEnv {
  const log = w.logger ?? silentLogger;
  const { config, services } = w;
  const slack = async (): Promise<SlackNotifier | undefined> => {
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
  const requireSlack = async (): Promise<SlackNotifier> => (await slack()) ?? Promise.reject(new Error('Slack is not configured'));
  const notifier = (logger: Logger) => new ReleaseNotifier({ slack: requireSlack, render: renderTeamNotice, warn: (m) => logger.warn(m) });
  const poller = createWatchPoller({ store: w.store, statebox: w.statebox, slack, ...(w.watchHandlers ? { handlers: w.watchHandlers } : {}), logger: log });
  return {
    config,
    store: w.store,
    logger: log,
    services,
    slack,
    notifier,
    optional,
    discovery,
    notices: w.notices,
    ...(w.runner ? { runner: w.runner } : {}),
    ...(w.registry ? { registry: w.registry } : {}),
    poller,
  };
}
