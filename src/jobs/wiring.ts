/**
 * The scheduled jobs of one process, wired to the parts of an engine: the scheduler with the
 * declared jobs (jobs/index.ts) and the watch handlers of long-running commands. Used by the bot
 * (started) and by oarctl (for manual runs only). Takes the engine's parts by shape: jobs/ never
 * imports a composer.
 */
import type { Config } from '../config/env.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Services } from '../commands/services.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import type { Logger } from '../log.ts';
import type { ConfigStore } from '../release/configstore.ts';
import type { Store } from '../store/types.ts';
import { scheduleJobs, type Jobs } from './index.ts';
import type { JobMetrics } from './types.ts';
import { WatchHandlerRegistry } from './watchers.ts';
import { createAsyncApprovalHandler, ASYNC_APPROVAL_KIND } from '../commands/approval/async-approval.ts';
import { releaseNoticeTargets } from './release-detector.ts';
import { registerCommandWatchHandlers } from '../commands/prow-jobs/watch.ts';
import { CDN_PUSH_KIND, createCdnPushWatchHandler } from '../commands/approval/push.ts';
import { createApprovalCompletion } from '../commands/approval/completion.ts';

/** What the jobs take from the engine (engine.ts's Engine has this shape). */
export interface JobsEngine {
  config: Config;
  logger: Logger;
  runner: Pick<Runner, 'instanceId' | 'execute'>;
  registry: Pick<CommandRegistry, 'get' | 'has'>;
  configStores: { get(release: string): Promise<ConfigStore> };
  services(release?: string): Services;
  /** The StateBox port the runner records task statuses through. */
  stateboxPort: StateBoxPort;
}

export function wireJobs(engine: JobsEngine, store: Store, opts: { metrics?: JobMetrics } = {}): Jobs & { watchHandlers: WatchHandlerRegistry } {
  const { config, logger } = engine;
  const services = engine.services();
  // The handlers of this engine's watches, in a registry of this wiring (never a process-wide one:
  // a second wiring, a test's or oarctl's, gets its own engine's handlers).
  const watchHandlers = new WatchHandlerRegistry();
  registerCommandWatchHandlers(watchHandlers, { services: (release) => engine.services(release), execute: (req) => engine.runner.execute(req), command: (name) => engine.registry.get(name), store });
  watchHandlers.register(CDN_PUSH_KIND, createCdnPushWatchHandler({ errata: () => services.get('errata') }));
  const jobs = scheduleJobs({
    config,
    store,
    owner: engine.runner.instanceId,
    logger,
    services,
    statebox: engine.stateboxPort,
    runner: engine.runner,
    registry: engine.registry,
    configStores: engine.configStores,
    watchHandlers,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
  // change-advisory-status's background approval: completed here, announced in the release channel.
  const { releaseChannel, leadMention } = releaseNoticeTargets(jobs.env);
  watchHandlers.register(
    ASYNC_APPROVAL_KIND,
    createAsyncApprovalHandler({
      store,
      completeApproval: createApprovalCompletion({ services: (r) => engine.services(r), configStores: engine.configStores }),
      async checkMetadata(release) {
        const check = await services.get('payloadMetadata');
        return check(release);
      },
      releaseChannel,
      releaseLeadMention: leadMention,
    }),
  );
  return { ...jobs, watchHandlers };
}
