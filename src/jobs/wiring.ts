/**
 * The scheduled jobs of one process, wired to an engine: the scheduler with its jobs (Jira
 * notificator, result checker, release detector, watchers, Prow gate) and the watch handlers
 * of long-running commands. Used by the bot (started) and by oarctl (for manual runs only).
 */
import type { Engine } from '../engine.ts';
import type { Store } from '../store/types.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import { createJobs, type Jobs } from './index.ts';
import type { JobMetrics } from './types.ts';
import { watchHandlers } from './watchers.ts';
import { prowClientsFromServices, prowGateJob } from './prow/index.ts';
import { registerCommandWatchHandlers } from '../commands/prow-jobs/watch.ts';
import { CDN_PUSH_KIND, createCdnPushWatchHandler } from '../commands/approval/push.ts';
import { createApprovalCompletion } from '../commands/approval/completion.ts';
import { housekeepingJob } from './housekeeping.ts';

let handlersRegistered = false;

export function wireJobs(engine: Engine, store: Store, opts: { metrics?: JobMetrics } = {}): Jobs {
  const { config, logger } = engine;
  const services = engine.services();
  if (!handlersRegistered) {
    // The handler registry is process-wide: register the command handlers once.
    handlersRegistered = true;
    registerCommandWatchHandlers(watchHandlers, { services: (release) => engine.services(release), execute: (req) => engine.runner.execute(req), command: (name) => engine.registry.get(name), store });
    watchHandlers.register(CDN_PUSH_KIND, createCdnPushWatchHandler({ errata: () => services.get('errata') }));
  }
  const statebox: StateBoxPort = {
    description: engine.statebox.backendDescription,
    updateTask: async (release, task, status, result) => void (await engine.statebox.updateTask(release, task, status, result ?? null)),
    getTaskStatus: (release, task) => engine.statebox.getTaskStatus(release, task),
  };
  return createJobs({
    config,
    store,
    owner: engine.runner.instanceId,
    logger,
    services,
    statebox,
    runner: engine.runner,
    registry: engine.registry,
    configStores: engine.configStores,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    asyncApproval: { completeApproval: createApprovalCompletion({ services: (r) => engine.services(r), configStores: engine.configStores }) },
    extraJobs: [prowGateJob({ config, store, clients: () => prowClientsFromServices(engine.services(), config, logger) }), housekeepingJob(store)],
  });
}
