/**
 * Composition root: config -> logger -> store -> engine (StateBox, integrations, runner) ->
 * HTTP server (/livez, /health, /metrics, /mcp) -> Slack front end -> scheduled jobs -> CKI
 * notifier; and the shutdown that takes them down in the right order.
 */
import type { Config } from './config/env.ts';
import { loadConfig } from './config/env.ts';
import { environmentReport, formatReport } from './config/report.ts';
import { loggerFor, type Logger } from './log.ts';
import { describeError } from './describe-error.ts';
import { onFirstUse } from './lazy-import.ts';
import { createEngine, type Engine } from './engine.ts';
import { createRegistry } from './commands/index.ts';
import type { AnyCommand } from './commands/types.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { WebClient } from '@slack/web-api';
import { ConfigStoreLoader } from './release/configstore.ts';
import { loadRoles, RoleResolver } from './commands/roles.ts';
import { SlackGroupDirectory } from './slack/groups.ts';
import { createSlackFrontEnd, slackClientOptions, type SlackFrontEnd } from './slack/index.ts';
import { slackLogger } from './integrations/slack-logger.ts';
import { createMcpAuthorizer } from './mcp/auth.ts';
import type { McpHttpHandler } from './mcp/http.ts';
import { buildHealth, buildReadiness, createMetrics, createMetricsRegistry, installProcessGuards, installShutdown, OptionalSubsystem, sendJson, standardShutdownSteps, startHttpServer, trackSlackConnection, type HttpServer, type MountHandler, type OarMetrics, type ShutdownHandle } from './observability/index.ts';
import { kerberosStatus } from './integrations/errata/index.ts';
import type { CallObserver, FetchLike } from './integrations/http.ts';
import { DATAWAREHOUSE_SYSTEM } from './integrations/datawarehouse.ts';
import { LDAP_SYSTEM } from './integrations/ldap.ts';
import { CallHealth } from './observability/call-health.ts';
import { homeReleasesFrom } from './slack/home.ts';
import type { HomeRelease } from './blocks/home.ts';
import { VERSION } from './version.ts';
import { wireJobs } from './jobs/wiring.ts';
import type { JobScheduler } from './jobs/scheduler.ts';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  config?: Config;
  logger?: Logger;
  fetch?: FetchLike;
  /** Install signal handlers and process guards (the real process; not in tests). */
  installSignals?: boolean;
  /** Exit function for the shutdown (tests pass a spy). */
  exit?: (code: number) => void;
  /** Socket Mode ping timeout (tests reconnect fast). */
  slackPingTimeoutMs?: number;
  /** Commands added to the registry (tests). */
  extraCommands?: AnyCommand[];
  /** Releases for the App Home (default: release discovery + StateBox). */
  homeReleases?: (engine: Engine) => () => Promise<HomeRelease[]>;
  /** The services are the playground's simulated ones (the startup report says so). */
  simulated?: boolean;
  /** Backoff of optional subsystems that fail to start (defaults 5 s doubling to 5 min; tests go fast). */
  subsystemRetry?: { minDelayMs?: number; maxDelayMs?: number };
}

export interface RunningApp {
  config: Config;
  logger: Logger;
  engine: Engine;
  store: Store;
  http: HttpServer;
  slack: SlackFrontEnd | undefined;
  metrics: OarMetrics;
  /** Scheduled jobs of this process (started only when OAR_JOBS_ENABLED). */
  scheduler: JobScheduler;
  /** Extra parts started after construction (jobs, CKI) register their stop here. */
  onStop(step: { name: string; stop: () => Promise<void> | void }): void;
  shutdown(reason?: string): Promise<void>;
}


export async function startApp(opts: AppOptions = {}): Promise<RunningApp> {
  const config = opts.config ?? loadConfig(opts.env ?? process.env);
  const logger = opts.logger ?? loggerFor(config);
  const report = environmentReport(config, { simulated: opts.simulated ?? false });
  for (const line of formatReport(report)) logger[line.startsWith('misconfigured') ? 'warn' : 'info'](`startup: ${line}`);
  if (config.ERRATA_AUTH === 'kerberos') {
    // Errata Tool (and Pyxis) need a Kerberos ticket: say at startup whether one is usable.
    const krb = await kerberosStatus().catch((e: unknown) => ({ valid: false, detail: e instanceof Error ? e.message : String(e) }));
    logger[krb.valid ? 'info' : 'warn'](`startup: ${krb.valid ? 'on ' : 'off'}  kerberos         ${krb.detail}`);
  }

  const registry = createMetricsRegistry();
  const metrics = createMetrics(registry);
  // A corrupt or unreachable store stops startup with a clear error naming it.
  const store = await openStore(config);

  const slackConfigured = Boolean(config.SLACK_BOT_TOKEN && config.SLACK_APP_TOKEN);
  // Roles are resolved before the engine exists (its runner asks them): the release's QE lead
  // group comes from the local config's contacts, read through the loader the engine then uses,
  // and Slack user groups through a Web API client of their own (the front end needs the engine).
  const configLoader = new ConfigStoreLoader({ config, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const releaseLeadGroups = async (): Promise<Record<string, string | undefined>> => {
    const local = await configLoader.localConfig().catch(() => undefined);
    return local?.contacts.slack['qe-release'] ?? {};
  };
  const slackGroups = slackConfigured
    ? new SlackGroupDirectory(new WebClient(config.SLACK_BOT_TOKEN, { ...slackClientOptions(config), logger: slackLogger(logger.child({ component: 'slack-groups' })) }))
    : undefined;
  const mcpAuth = createMcpAuthorizer(config);
  const authorizer = new RoleResolver({
    ...(slackGroups ? { slack: { roles: loadRoles(config), groups: slackGroups, releaseLeadGroups } } : {}),
    mcp: mcpAuth.clients,
  });

  // LDAP and DataWarehouse are reached per call: their last call decides their line on /health.
  const callHealth = new CallHealth({ [LDAP_SYSTEM]: 'ldap', [DATAWAREHOUSE_SYSTEM]: 'datawarehouse' });
  const callObserver: CallObserver = (e) => {
    metrics.callObserver(e);
    callHealth.observer(e);
  };
  const engine = await createEngine({
    frontEnd: 'bot',
    config,
    logger,
    store,
    // `jobs`, `jira-notificator` and `start-release-detector` reach the scheduler through a
    // SchedulerRef, a getter by contract, read when such a command runs (front ends start after
    // the jobs exist). It cannot be a constructor argument: the scheduler's release detector runs
    // create-test-report through this engine's runner.
    registry: createRegistry(opts.extraCommands ?? [], { scheduler: () => jobs.scheduler }),
    authorizer,
    configLoader,
    observer: metrics.runObserver,
    callObserver,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  // Jobs exist in every replica (manual runs, /oar jobs); the cron only when enabled (below), and
  // each job then runs on the replica holding its lease.
  const jobs = wireJobs(engine, store, { metrics: { jobRun: (job, outcome) => metrics.jobFinished(job, outcome) } });

  let slack: SlackFrontEnd | undefined;
  let slackState: (() => { state: string }) | undefined;
  if (slackConfigured) {
    slack = createSlackFrontEnd({
      config,
      logger,
      registry: engine.registry,
      runner: engine.runner,
      store,
      metrics: { ack: (type, ms) => metrics.slackAck(type, ms), reconnect: () => metrics.slackReconnect() },
      homeReleases: (opts.homeReleases ?? homeReleasesFrom)(engine),
      cancelWatch: (id, actor) => jobs.poller.cancelWatch(id, actor),
      ...(opts.slackPingTimeoutMs ? { clientPingTimeout: opts.slackPingTimeoutMs } : {}),
      // Which y-streams a user leads is role resolution: the one resolver answers it.
      ledYstreams: (userId) => authorizer.ledYstreams(userId),
    });
  } else {
    logger.warn('startup: SLACK_BOT_TOKEN/SLACK_APP_TOKEN not set: running without the Slack front end (HTTP, MCP, jobs and CKI still run)');
  }

  // The MCP SDK (with hono, ajv, zod-to-json-schema: ~130 modules, ~20 MB) loads on the first
  // /mcp request or /health, not at startup (issue 22: footprint). A load that fails is not kept:
  // /mcp answers 503 naming the failure, /health carries it as a warning, the next request retries.
  const mcp = onFirstUse(() =>
    import('./mcp/http.ts')
      .then((m) => m.createMcpHttpHandler({ engine, auth: mcpAuth, statusReader: engine.statebox }))
      .catch((e: unknown) => {
        throw new Error(`MCP is unavailable: ${describeError(e)}`, { cause: e });
      }),
  );
  const mcpMount: MountHandler = async (req, res) => {
    let handler: McpHttpHandler;
    try {
      handler = await mcp();
    } catch (e) {
      logger.error({ err: e }, 'MCP could not be loaded');
      sendJson(res, 503, { error: describeError(e) });
      return true;
    }
    return handler(req, res);
  };
  // Declared before the HTTP server answers /health (it used to be a TDZ error during startup).
  const subsystems: OptionalSubsystem<unknown>[] = [];
  let ckiState: (() => unknown) | undefined;
  const extraStops: { name: string; stop: () => Promise<void> | void }[] = [];
  let lifecycle: 'starting' | 'running' | 'stopping' = 'starting';
  const http = await startHttpServer({
    port: config.OAR_HTTP_PORT,
    host: config.OAR_HTTP_HOST,
    registry,
    logger,
    metrics,
    mounts: { '/mcp': mcpMount },
    health: () =>
      buildHealth({
        config,
        version: VERSION,
        ...(slackConfigured && slackState ? { slack: async () => slackState!() as never } : {}),
        store: { engine: store.engine, ping: () => store.ping() },
        kerberos: () => kerberosStatus(),
        cache: () => engine.configStores.stats(),
        jobs: () => store.lastJobRuns(5),
        ...(ckiState ? { cki: async () => ckiState!() as never } : {}),
        subsystems: () => [...subsystems.map((x) => x.status()), ...callHealth.status()],
        tools: async () => (await mcp()).runtime.catalog.counts(),
        lifecycle: () => lifecycle,
      }),
    ready: () => buildReadiness({ store: { ping: () => store.ping() }, lifecycle: () => lifecycle }),
  });
  logger.info(`health: ${http.url}/health  metrics: ${http.url}/metrics  mcp: ${http.url}/mcp`);

  if (slack) {
    const tracker = trackSlackConnection((slack.app as unknown as { receiver: { client: Parameters<typeof trackSlackConnection>[0] } }).receiver.client, { metrics }); // Bolt keeps the receiver private in its types; the tracker only listens to its client
    slackState = () => tracker.state() as unknown as { state: string }; // health reads only the `state` string of the tracker's state
    await slack.start();
  }
  if (config.OAR_JOBS_ENABLED) {
    jobs.scheduler.start();
    extraStops.push({ name: 'stop-jobs', stop: () => jobs.scheduler.stop() });
  }
  // Second-person approvals requested from a terminal or an MCP process without Slack tokens are
  // announced by a bot sharing the store; lapsed requests are expired (audited, message updated).
  const approvals = engine.runner.approvals;
  if (approvals && config.SLACK_BOT_TOKEN) {
    let ticking = false;
    const timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      void approvals.tick().catch((e: unknown) => logger.warn({ err: e }, 'approval housekeeping failed')).finally(() => (ticking = false));
    }, config.OAR_APPROVAL_POLL_MS);
    timer.unref();
    extraStops.push({ name: 'stop-approval-housekeeping', stop: () => clearInterval(timer) });
  }
  if (config.RABBITMQ_HOST) {
    // Optional: a broker (or Kafka, or DataWarehouse settings) failing must not stop a bot that
    // serves Slack, MCP and jobs. Started in the background, retried with backoff, on /health.
    const notifySlack = config.CKI_FAIL_CHANNEL && slack ? async (text: string) => void (await slack!.client.chat.postMessage({ channel: config.CKI_FAIL_CHANNEL!, text })) : undefined;
    const cki = new OptionalSubsystem({
      name: 'cki-notifier',
      logger,
      ...opts.subsystemRetry,
      start: async () => {
        const { startCkiNotifier } = await import('./jobs/cki-notifier/service.ts');
        // One connection attempt per start: the backoff between starts is this supervisor's.
        return startCkiNotifier({ config, logger, store, registry, callObserver, tuning: { initialConnectRetries: 0 }, ...(notifySlack ? { notify: notifySlack } : {}) });
      },
      stop: (n) => n.stop(),
      health: (n) => {
        const st = n.state();
        return st.connected ? { ok: true } : { ok: false, failing: 'rabbitmq', ...(st.disconnectedSince ? { since: st.disconnectedSince } : {}), ...(st.lastError ? { error: st.lastError } : {}) };
      },
    });
    subsystems.push(cki as OptionalSubsystem<unknown>);
    ckiState = () => cki.instance?.state() ?? { running: false, connected: false };
    extraStops.push({ name: 'stop-cki-notifier', stop: () => cki.stop() });
    cki.begin();
  }
  lifecycle = 'running';

  let handle: ShutdownHandle | undefined;
  const steps = () => [
    ...standardShutdownSteps({
      instanceId: engine.runner.instanceId,
      logger,
      ...(slack ? { slack } : {}),
      runner: engine.runner,
      store: { releaseLocksOwnedBy: (o) => store.releaseLocksOwnedBy(o), close: async () => undefined },
      http: { close: async () => undefined },
    }).filter((s) => s.name !== 'close-store' && s.name !== 'close-http'),
    ...extraStops.map((s) => ({ name: s.name, run: async () => void (await s.stop()) })),
    { name: 'close-store', run: async () => void (await engine.close()) },
    { name: 'close-http', run: async () => void (await http.close()) },
  ];
  const shutdownNow = async (reason = 'requested') => {
    // Synchronously, before any await: new work is refused from this instant.
    lifecycle = 'stopping';
    engine.runner.stopAccepting();
    slack?.stopAccepting();
    if (handle) return handle.shutdown(reason);
    for (const step of steps()) {
      try {
        await step.run({ at: Date.now() + config.OAR_SHUTDOWN_GRACE_MS, remainingMs: () => config.OAR_SHUTDOWN_GRACE_MS });
      } catch (e) {
        logger.error({ err: e, step: step.name }, 'shutdown step failed');
      }
    }
  };
  if (opts.installSignals) {
    handle = installShutdown({ logger, steps: steps(), graceMs: config.OAR_SHUTDOWN_GRACE_MS, exit: opts.exit ?? ((c) => process.exit(c)) });
    installProcessGuards({ logger, metrics, onFatal: () => void handle?.shutdown('fatal', 1) });
  }

  return {
    config,
    logger,
    engine,
    store,
    http,
    slack,
    metrics,
    scheduler: jobs.scheduler,
    onStop(step) {
      extraStops.push(step);
      // Signal handlers captured the step list at install time: re-install with the new list.
      if (handle && opts.installSignals) {
        handle.uninstall();
        handle = installShutdown({ logger, steps: steps(), graceMs: config.OAR_SHUTDOWN_GRACE_MS, exit: opts.exit ?? ((c) => process.exit(c)) });
      }
    },
    shutdown: shutdownNow,
  };
}
