/**
 * The Slack front end: Bolt 5 in Socket Mode. This module composes the listeners in
 * listeners/ (one per file, each `register(app, deps)`); listeners only parse, ack, render and
 * hand over to the runner, which holds the policy. Every listener acks before slow I/O.
 */
import { createRequire } from 'node:module';
import type { App as BoltApp, SocketModeReceiver as BoltSocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { slackLogger } from '../integrations/slack-logger.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { HomeRelease } from '../blocks/home.ts';
import { CommandParser } from '../commands/parser.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Actor } from '../commands/types.ts';
import type { Store } from '../store/types.ts';
import { VERSION } from '../version.ts';
import { SlackLifecycle, type ListenerDeps, type SlackMetrics } from './deps.ts';
import { LISTENERS } from './listeners/index.ts';
import { slackPeople } from './people.ts';

export type { SlackMetrics } from './deps.ts';
export { stripQuiet } from './dispatch.ts';

// App and SocketModeReceiver from their own files: Bolt's package index also loads its Express and
// AWS Lambda receivers (express and ~115 modules, ~6 MB resident) that Socket Mode never uses
// (issue 22: footprint). Both files are CommonJS with `exports.default`; `require` reads them the
// same way under Node and under vitest (whose ESM interop of a default export differs from Node's).
const require = createRequire(import.meta.url);
const { default: App } = require('@slack/bolt/dist/App.js') as { default: typeof BoltApp };
const { default: SocketModeReceiver } = require('@slack/bolt/dist/receivers/SocketModeReceiver.js') as { default: typeof BoltSocketModeReceiver };

export interface SlackFrontEndDeps {
  config: Config;
  logger: Logger;
  registry: CommandRegistry;
  runner: Runner;
  store: Store;
  /** Active releases for the App Home tab. */
  homeReleases?: () => Promise<HomeRelease[]>;
  metrics?: SlackMetrics;
  /** Socket Mode ping timeout (tests use a short one to reconnect fast). */
  clientPingTimeout?: number;
  /** "Stop watching" on a long-running command's message. */
  cancelWatch?: (id: string, actor: Actor) => Promise<{ ok: boolean; message: string }>;
  /** Y-streams whose release-lead group a user belongs to. */
  ledYstreams?: (userId: string) => Promise<string[]>;
}

export interface SlackFrontEnd {
  app: BoltApp;
  client: WebClient;
  start(): Promise<void>;
  stop(): Promise<void>;
  connected(): boolean;
  /** Stop taking new work (shutdown): later requests get "restarting, try again in a minute". */
  stopAccepting(): void;
  /** Wait (bounded) until replies of in-flight commands are posted. */
  flush(deadlineMs: number): Promise<boolean>;
}

/**
 * The Web API client options of the bot's own Slack clients (Bolt's, and the user-group directory
 * the role resolver reads): the configured base URL, SLACK_TIMEOUT_MS per call, and a short retry
 * (interactive replies and authorization must not retry for half an hour, the web-api default).
 */
export function slackClientOptions(config: Pick<Config, 'SLACK_API_URL' | 'SLACK_TIMEOUT_MS'>) {
  return {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    timeout: config.SLACK_TIMEOUT_MS,
    retryConfig: { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 },
  };
}

export function createSlackFrontEnd(deps: SlackFrontEndDeps): SlackFrontEnd {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  if (!config.SLACK_BOT_TOKEN || !config.SLACK_APP_TOKEN) throw new Error('SLACK_BOT_TOKEN and SLACK_APP_TOKEN are required for the Slack front end');
  const clientOptions = slackClientOptions(config);
  const boltLogger = slackLogger(logger.child({ component: 'bolt' }));
  const receiver = new SocketModeReceiver({
    appToken: config.SLACK_APP_TOKEN,
    logger: boltLogger,
    ...(deps.clientPingTimeout ? { clientPingTimeout: deps.clientPingTimeout } : {}),
    installerOptions: { clientOptions },
  });
  const app = new App({ token: config.SLACK_BOT_TOKEN, receiver, logger: boltLogger, clientOptions });
  const client = app.client;
  const lifecycle = new SlackLifecycle();
  let isConnected = false;

  const socket = (receiver as unknown as { client: { on(event: string, fn: () => void): void } }).client; // Bolt does not expose the Socket Mode receiver's client in its types
  socket.on('connected', () => {
    isConnected = true;
    logger.info('socket mode connected');
  });
  socket.on('disconnected', () => {
    isConnected = false;
  });
  socket.on('reconnecting', () => {
    isConnected = false;
    deps.metrics?.reconnect();
    logger.warn('socket mode reconnecting');
  });

  const listenerDeps: ListenerDeps = {
    config,
    logger,
    registry: deps.registry,
    runner: deps.runner,
    store: deps.store,
    client,
    parser: new CommandParser(deps.registry),
    lifecycle,
    people: slackPeople(client),
    version: VERSION,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.homeReleases ? { homeReleases: deps.homeReleases } : {}),
    ...(deps.cancelWatch ? { cancelWatch: deps.cancelWatch } : {}),
    ...(deps.ledYstreams ? { ledYstreams: deps.ledYstreams } : {}),
  };
  for (const l of LISTENERS) l.register(app, listenerDeps);
  app.error(async (e) => {
    logger.error({ err: e }, 'unhandled Slack listener error');
  });

  return {
    app,
    client,
    async start() {
      const auth = await client.auth.test();
      lifecycle.botUserId = auth.user_id;
      await app.start();
      isConnected = true;
      logger.info({ botUserId: lifecycle.botUserId }, 'Slack front end started');
    },
    async stop() {
      lifecycle.stopAccepting();
      await app.stop();
      isConnected = false;
    },
    connected: () => isConnected,
    stopAccepting: () => lifecycle.stopAccepting(),
    flush: (deadlineMs) => lifecycle.flush(deadlineMs),
  };
}
