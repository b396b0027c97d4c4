/**
 * Composition of the notifier's parts from the typed Config: logger, metrics, DataWarehouse and
 * GitLab clients, the ledger, the RabbitMQ link and the publisher. Shared by the long-running
 * consumer (service.ts) and the manual trigger (cli.ts) so both take the same code path.
 */
import { Registry } from 'prom-client';
import type { Config } from '../../config/env.ts';
import { DataWarehouseClient, type DataWarehouseReader } from '../../integrations/datawarehouse.ts';
import type { CallObserver, FetchLike } from '../../integrations/http.ts';
import type { Logger } from '../../log.ts';
import { AmqpLink, amqpEndpoint } from './amqp-link.ts';
import { NotificationLedger, type LedgerStore } from './ledger.ts';
import { GitLabMergeRequestLookup, JiraLinkedMergeRequestLookup, type MergeRequestLookup } from './merge-request.ts';
import { createNotifierMetrics, type NotifierMetrics } from './metrics.ts';
import { NotificationProcessor } from './processor.ts';
import {
  AmqpReadyForTestPublisher,
  KafkaReadyForTestPublisher,
  LogReadyForTestPublisher,
  createKafka,
  type KafkaLike,
  type ReadyForTestPublisher,
} from './publisher.ts';

export interface CkiNotifierDeps {
  config: Config;
  logger: Logger;
  /** The operational store (only markSeen / getJobState / setJobState are used). */
  store: LedgerStore;
  fetch?: FetchLike;
  /** Each DataWarehouse call's outcome (the bot's metrics and /health). */
  callObserver?: CallObserver;
  /** Overrides of the clients built from config (tests). */
  datawarehouse?: DataWarehouseReader;
  mergeRequests?: MergeRequestLookup;
  /** A kafkajs-like client for CKI_PUBLISHER=kafka (default: kafkajs from KAFKA_* variables). */
  kafka?: KafkaLike;
  /** The bot's registry: with CKI_METRICS_ENABLED the metrics join it (its /metrics serves them). */
  registry?: Registry;
  /** Post a short text to CKI_FAIL_CHANNEL (called only when that variable is set). */
  notify?: (text: string) => Promise<void>;
  tuning?: {
    retryDelayMs?: (attempt: number) => number;
    deferDelayMs?: number;
    claimTtlMs?: number;
    reconnectInitialDelayMs?: number;
    reconnectMaxDelayMs?: number;
    initialConnectRetries?: number;
    /** RabbitMQ connection name (shown by rabbitmqctl list_connections). */
    connectionName?: string;
    dwRetries?: number;
    dwMinRetryDelayMs?: number;
  };
}

const LEVELS: Record<Config['CKI_LOGGING_LEVEL'], string> = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal' };

/** CKI_LOGGING_LEVEL applies to the notifier's own lines; a silenced parent stays silent. */
export function notifierLogger(parent: Logger, config: Config): Logger {
  const bindings = { component: 'cki-notifier' };
  return parent.level === 'silent' ? parent.child(bindings) : parent.child(bindings, { level: LEVELS[config.CKI_LOGGING_LEVEL] });
}

export function requireDataWarehouse(config: Config): { url: string; token: string } {
  const missing = (['DATAWAREHOUSE_URL', 'DATAWAREHOUSE_TOKEN'] as const).filter((k) => !config[k]);
  if (missing.length) throw new Error(`the CKI notifier needs ${missing.join(' and ')} (DataWarehouse is required)`);
  return { url: config.DATAWAREHOUSE_URL as string, token: config.DATAWAREHOUSE_TOKEN as string };
}

export function isProduction(config: Config): boolean {
  return config.CKI_DEPLOYMENT_ENVIRONMENT.trim().toLowerCase() === 'production';
}

export interface Runtime {
  logger: Logger;
  metrics: NotifierMetrics;
  /** The registry the metrics live on (exposed only with CKI_METRICS_ENABLED). */
  registry: Registry;
  processor: NotificationProcessor;
  publisher: ReadyForTestPublisher;
  /** Present when RabbitMQ is needed (consumer, or the AMQP publisher in production). */
  link: AmqpLink | undefined;
  /** Closes the kept-alive sockets of the clients built here (not of those handed in). */
  closeClients(): void;
}

export function buildRuntime(deps: CkiNotifierDeps, opts: { needConsumer: boolean; needPublisher: boolean }): Runtime {
  const { config } = deps;
  const logger = notifierLogger(deps.logger, config);
  const registry = config.CKI_METRICS_ENABLED && deps.registry ? deps.registry : new Registry();
  const metrics = createNotifierMetrics(registry);
  const tuning = deps.tuning ?? {};

  let datawarehouse = deps.datawarehouse;
  let ownDataWarehouse: DataWarehouseClient | undefined;
  if (!datawarehouse) {
    const dw = requireDataWarehouse(config);
    datawarehouse = ownDataWarehouse = new DataWarehouseClient({
      baseUrl: dw.url,
      token: dw.token,
      fetch: deps.fetch,
      tree: config.CKI_DATAWAREHOUSE_TREE,
      onNoTree: (reason) => logger.warn(reason),
      onTreeRefused: (reason) => logger.warn(reason),
      ...(deps.callObserver ? { observer: deps.callObserver } : {}),
      ...(tuning.dwRetries !== undefined ? { retries: tuning.dwRetries } : {}),
      ...(tuning.dwMinRetryDelayMs !== undefined ? { minRetryDelayMs: tuning.dwMinRetryDelayMs, maxRetryDelayMs: tuning.dwMinRetryDelayMs * 8 } : {}),
    });
  }
  const gitlabLookup = deps.mergeRequests ?? new GitLabMergeRequestLookup({ fetch: deps.fetch, gitlabUrl: config.GITLAB_URL, token: config.GITLAB_TOKEN });
  // JIRA_SERVER + JIRA_TOKEN_AUTH (CKI README): MR-named Jira issues go into merge_request.jira_issues.
  const mergeRequests =
    config.JIRA_SERVER && config.JIRA_TOKEN_AUTH
      ? new JiraLinkedMergeRequestLookup({ inner: gitlabLookup, jiraServer: config.JIRA_SERVER, token: config.JIRA_TOKEN_AUTH, fetch: deps.fetch, onError: (m) => logger.warn(m) })
      : gitlabLookup;
  if (config.JIRA_SERVER && !config.JIRA_TOKEN_AUTH) logger.warn('JIRA_SERVER is set without JIRA_TOKEN_AUTH: no Jira lookups');

  const production = isProduction(config);
  const needLink = opts.needConsumer || (opts.needPublisher && production && config.CKI_PUBLISHER === 'amqp');
  const link = needLink
    ? new AmqpLink({
        endpoint: amqpEndpoint(config, tuning.connectionName ?? `oar-bot cki-notifier ${process.pid}`),
        logger,
        ...(tuning.reconnectInitialDelayMs !== undefined ? { initialDelayMs: tuning.reconnectInitialDelayMs } : {}),
        ...(tuning.reconnectMaxDelayMs !== undefined ? { maxDelayMs: tuning.reconnectMaxDelayMs } : {}),
        ...(tuning.initialConnectRetries !== undefined ? { initialMaxRetries: tuning.initialConnectRetries } : {}),
      })
    : undefined;

  let publisher: ReadyForTestPublisher;
  if (!opts.needPublisher) publisher = new UnusedPublisher();
  else if (!production) publisher = new LogReadyForTestPublisher({ logger, environment: config.CKI_DEPLOYMENT_ENVIRONMENT });
  else if (config.CKI_PUBLISHER === 'kafka') publisher = new KafkaReadyForTestPublisher({ kafka: deps.kafka ?? createKafka(config, logger), topic: config.CKI_READY_FOR_TEST_TOPIC });
  else publisher = new AmqpReadyForTestPublisher({ link: link as AmqpLink, exchange: config.CKI_READY_FOR_TEST_TOPIC });

  const notify = config.CKI_FAIL_CHANNEL && deps.notify ? deps.notify : undefined;
  const processor = new NotificationProcessor({
    datawarehouse,
    mergeRequests,
    ledger: new NotificationLedger(deps.store, tuning.claimTtlMs !== undefined ? { claimTtlMs: tuning.claimTtlMs } : {}),
    publisher,
    logger,
    metrics,
    environment: config.CKI_DEPLOYMENT_ENVIRONMENT,
    ...(notify ? { notify } : {}),
  });
  return { logger, metrics, registry, processor, publisher, link, closeClients: () => ownDataWarehouse?.close() };
}

/** Dry runs build the message and never publish. */
class UnusedPublisher implements ReadyForTestPublisher {
  readonly target = 'log' as const;
  async publish(): Promise<void> {
    throw new Error('a dry run does not publish');
  }
  async close(): Promise<void> {}
}
