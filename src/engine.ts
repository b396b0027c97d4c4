/**
 * The engine without any front end: config -> logger -> store -> StateBox -> integrations ->
 * ConfigStore cache -> runner. Used by the terminal, MCP and the bot's composition root.
 */
import type { Config } from './config/env.ts';
import { loadConfig } from './config/env.ts';
import { loggerFor, makeSecretMasker, secretValues, type Logger } from './log.ts';
import { ConfigStoreCache, ConfigStoreLoader } from './release/configstore.ts';
import type { CommandRegistry } from './commands/registry.ts';
import { createRegistry } from './commands/index.ts';
import type { StateBoxPort } from './commands/ports.ts';
import type { Engine } from './commands/engine-port.ts';
import { Runner, TERMINAL_AUTHORIZER, type Authorizer, type RunObserver } from './commands/runner.ts';
import { slackApprovalAnnouncer } from './commands/approvals.ts';
import { approvalChannelMessage, approvalRequestMessage } from './blocks/approval.ts';
import { renderTeamNotice } from './blocks/notice.ts';
import { join } from 'node:path';
import { openStore } from './store/index.ts';
import { SPOOL_FILE_NAME, StoreSpool } from './store/spool.ts';
import type { Store } from './store/types.ts';
import type { CallObserver, FetchLike } from './integrations/http.ts';
import type { IntegrationDeps } from './integrations/index.ts';
import { createServices } from './commands/service-factory.ts';
import { createStateBoxService, type StateBoxService } from './release/statebox/index.ts';

export interface EngineOptions {
  env?: NodeJS.ProcessEnv;
  config?: Config;
  debug?: boolean;
  registry?: CommandRegistry;
  frontEnd: 'cli' | 'bot' | 'mcp' | 'test';
  authorizer?: Authorizer;
  fetch?: FetchLike;
  logger?: Logger;
  /** An open store; default: opened from config (SQLite in OAR_DATA_DIR, or DATABASE_URL). */
  store?: Store | null;
  statebox?: StateBoxService;
  /** Replace what the runner records task statuses through (tests observe updates). */
  stateboxPort?: StateBoxPort;
  observer?: RunObserver;
  callObserver?: CallObserver;
  overrides?: IntegrationDeps['overrides'];
  /** The loader of the local config and ConfigStores (the bot reads contacts before the engine exists). */
  configLoader?: ConfigStoreLoader;
}

/** The engine's shape is declared in commands/engine-port.ts, where front ends and jobs can see it. */
export type { Engine };

/** StateBoxService as the runner's port (it returns more than the port needs). */
function stateboxPort(s: StateBoxService): StateBoxPort & { readonly service: StateBoxService } {
  return {
    service: s,
    forRun: () => stateboxPort(s.forRun()),
    description: s.backendDescription,
    updateTask: async (release, task, status, result) => {
      await s.updateTask(release, task, status, result ?? null);
    },
    getTaskStatus: (release, task) => s.getTaskStatus(release, task),
  };
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const config = opts.config ?? loadConfig(opts.env ?? process.env);
  const quietCli = opts.frontEnd === 'cli' && config.LOG_LEVEL === 'info';
  const logger = opts.logger ?? loggerFor(opts.debug ? { ...config, LOG_LEVEL: 'debug' } : quietCli ? { ...config, LOG_LEVEL: 'warn' } : config);
  const registry = opts.registry ?? createRegistry();
  const loader = opts.configLoader ?? new ConfigStoreLoader({ config, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const configStores = new ConfigStoreCache({
    build: (release) => loader.load(release),
    maxSize: config.OAR_CONFIG_CACHE_MAX,
    ttlMs: config.OAR_CONFIG_CACHE_TTL_MS,
  });
  const store = opts.store === null ? undefined : (opts.store ?? (await openStore(config)));
  const statebox =
    opts.statebox ??
    createStateBoxService(config, {
      logger,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      // The first workflow command on a release creates its StateBox from the ConfigStore.
      metadataProvider: async (release) => {
        const md = (await configStores.get(release)).metadata();
        return { release: md.release, advisories: md.advisories, jira_ticket: md.jira_ticket, candidate_builds: md.candidate_builds, shipment_mr: md.shipment_mr || null, release_date: md.release_date || null };
      },
    });
  const services = (release?: string) =>
    createServices({
      config,
      logger,
      statebox,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.callObserver ? { observer: opts.callObserver } : {}),
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(release && /^\d+\.\d+\.\d+/.test(release) ? { configStore: () => configStores.get(release) } : {}),
    });
  // Outcome audit rows and lock releases a store outage interrupted, replayed from the last run
  // of this data directory (and retried with backoff while the store is still away).
  const spool = store ? new StoreSpool({ store, file: join(config.OAR_DATA_DIR, SPOOL_FILE_NAME), logger }) : undefined;
  if (spool && spool.size > 0) {
    const left = await spool.replay();
    logger[left ? 'warn' : 'info']({ left, file: spool.file }, 'replayed store writes spooled during an outage');
  }
  const port = stateboxPort(statebox);
  const runner = new Runner({
    config,
    logger,
    store,
    statebox: opts.stateboxPort ?? port,
    services: (release) => services(release),
    configStores,
    authorizer: opts.authorizer ?? TERMINAL_AUTHORIZER,
    mask: makeSecretMasker(secretValues(config)),
    ...(opts.observer ? { observer: opts.observer } : {}),
    commands: registry,
    ...(spool ? { spool } : {}),
    frontEnd: opts.frontEnd,
    noticeRenderer: (n) => renderTeamNotice(n),
    // Approval requests go out through the Slack notify integration, so an MCP client or a terminal
    // with Slack tokens announces its own; without them a running bot sharing the store does.
    approvalAnnouncer: slackApprovalAnnouncer({
      config,
      slack: (release) => services(release).get('slack'),
      releaseChannel: async (release) => (await configStores.get(release)).slackChannel('qe-release'),
      message: approvalRequestMessage,
      channelMessage: approvalChannelMessage,
    }),
  });
  return {
    config,
    logger,
    registry,
    runner,
    store,
    statebox,
    stateboxPort: port,
    configStores,
    localConfig: () => loader.localConfig(),
    services,
    async close() {
      spool?.stop();
      await store?.close();
    },
  };
}
