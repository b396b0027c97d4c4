/**
 * The scheduled jobs of one process, wired to the parts of an engine: the scheduler with the
 * declared jobs (jobs/index.ts) and the follow-up handlers of long-running commands, which the
 * command registry builds from the commands' own declarations (no kind is named here). Used by
 * the bot (started), by oarctl (for manual runs only) and by a terminal following its watch.
 * Takes the engine's parts by shape: jobs/ never imports a composer.
 */
import type { Config } from '../config/env.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Services } from '../commands/services.ts';
import type { StateBoxPort } from '../commands/ports.ts';
import type { FollowUpDeps, FollowUpLookup } from '../commands/types.ts';
import { releaseNoticeTargets, type ReleaseNoticeTargets } from '../commands/notifier.ts';
import type { Logger } from '../log.ts';
import type { ConfigStore } from '../release/configstore.ts';
import type { Store } from '../store/types.ts';
import { scheduleJobs, type Jobs } from './index.ts';
import type { JobMetrics } from './types.ts';

/** What the jobs take from the engine (engine.ts's Engine has this shape). */
export interface JobsEngine {
  config: Config;
  logger: Logger;
  runner: Pick<Runner, 'instanceId' | 'execute'>;
  registry: Pick<CommandRegistry, 'get' | 'has' | 'followUps'>;
  configStores: { get(release: string): Promise<ConfigStore> };
  services(release?: string): Services;
  /** The StateBox port the runner records task statuses through. */
  stateboxPort: StateBoxPort;
}

/**
 * Where this engine's release notices go outside a command run (the async approval's end, the
 * release detector): built once by {@link wireJobs} and shared by the follow-up handlers and the jobs.
 */
export function engineNoticeTargets(engine: JobsEngine): ReleaseNoticeTargets {
  const { config, logger } = engine;
  const services = engine.services();
  return releaseNoticeTargets({
    opsChannel: config.OAR_OPS_CHANNEL,
    configStores: engine.configStores,
    slack: () => services.get('slack'),
    warn: (message, err) => logger.warn({ err }, message),
  });
}

/** What every follow-up handler of this engine may use (FollowUpDeps, commands/types.ts). */
export function followUpDeps(engine: JobsEngine, store: Store, notices: ReleaseNoticeTargets = engineNoticeTargets(engine)): FollowUpDeps {
  return {
    store,
    services: (release) => engine.services(release),
    execute: (req) => engine.runner.execute(req),
    command: (name) => engine.registry.get(name),
    configStores: engine.configStores,
    notices,
  };
}

export function wireJobs(engine: JobsEngine, store: Store, opts: { metrics?: JobMetrics } = {}): Jobs & { watchHandlers: FollowUpLookup } {
  const notices = engineNoticeTargets(engine);
  // The handlers of this engine's watches, built by its registry for these deps (never a
  // process-wide registration: a second wiring, a test's or oarctl's, gets its own handlers).
  const watchHandlers = engine.registry.followUps(followUpDeps(engine, store, notices));
  const jobs = scheduleJobs({
    config: engine.config,
    store,
    owner: engine.runner.instanceId,
    logger: engine.logger,
    services: engine.services(),
    statebox: engine.stateboxPort,
    runner: engine.runner,
    registry: engine.registry,
    notices,
    watchHandlers,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
  return { ...jobs, watchHandlers };
}
