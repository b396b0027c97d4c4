/**
 * The long-running notifier: consume DataWarehouse messages, publish ready-for-test messages.
 * Usable inside the bot process (`startCkiNotifier` with the bot's registry, `state()` for
 * /health) and standalone (`oarctl cki-notifier`, metrics on CKI_METRICS_PORT).
 */
import type { Registry } from 'prom-client';
import { QueueConsumer, type SettledEvent } from './consumer.ts';
import { partFailure } from './errors.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';
import { buildRuntime, isProduction, requireDataWarehouse, type CkiNotifierDeps } from './runtime.ts';
import type { Outcome } from './processor.ts';

export type { CkiNotifierDeps } from './runtime.ts';

export interface CkiNotifierState {
  running: boolean;
  connected: boolean;
  consuming: boolean;
  queue: string;
  deadLetterQueue: string;
  exchange: string;
  routingKeys: string[];
  /** amqp, kafka, or log (not production). */
  publisher: string;
  environment: string;
  inFlight: number;
  reconnects: number;
  lastError?: string;
  /** While reconnecting: when the connection was lost. */
  disconnectedSince?: string;
  lastMessageAt?: string;
  counts: { handled: number; sent: number; skipped: number; retried: number; deferred: number; deadLettered: number };
  metricsPort?: number;
}

export interface CkiNotifier {
  stop(): Promise<void>;
  state(): CkiNotifierState;
  /** Where the metrics live (the bot's registry when it handed one in with CKI_METRICS_ENABLED). */
  readonly registry: Registry;
}

export interface StartOptions {
  /** Standalone: serve /metrics on CKI_METRICS_PORT when CKI_METRICS_ENABLED and no registry was handed in. */
  serveMetrics?: boolean;
  /** Every settled delivery (tests, diagnostics). */
  onSettled?: (event: SettledEvent) => void;
}

export function routingKeysOf(raw: string): string[] {
  return raw.split(/[\s,]+/).filter(Boolean);
}

export async function startCkiNotifier(deps: CkiNotifierDeps, opts: StartOptions = {}): Promise<CkiNotifier> {
  const { config } = deps;
  if (!config.RABBITMQ_HOST) throw new Error('the CKI notifier needs RABBITMQ_HOST (the broker DataWarehouse messages arrive on)');
  if (!deps.datawarehouse) {
    try {
      requireDataWarehouse(config);
    } catch (e) {
      throw partFailure('datawarehouse', e);
    }
  }
  const routingKeys = routingKeysOf(config.RABBITMQ_ROUTING_KEYS);
  if (routingKeys.length === 0) throw new Error('RABBITMQ_ROUTING_KEYS names no routing key');

  const rt = buildRuntime(deps, { needConsumer: true, needPublisher: true });
  const link = rt.link;
  if (!link) throw new Error('internal: the consumer needs a RabbitMQ link');
  const counts = { handled: 0, sent: 0, skipped: 0, retried: 0, deferred: 0, deadLettered: 0 };

  const consumer = new QueueConsumer({
    link,
    logger: rt.logger,
    metrics: rt.metrics,
    exchange: config.WEBHOOK_RECEIVER_EXCHANGE,
    queue: config.RABBITMQ_QUEUE,
    routingKeys,
    prefetch: config.CKI_PREFETCH,
    maxAttempts: config.CKI_MAX_ATTEMPTS,
    ...(deps.tuning?.retryDelayMs ? { retryDelayMs: deps.tuning.retryDelayMs } : {}),
    ...(deps.tuning?.deferDelayMs !== undefined ? { deferDelayMs: deps.tuning.deferDelayMs } : {}),
    handle: (body, info) => rt.processor.process(body, { signal: info.signal }),
    onSettled: (event) => {
      if (event.settlement === 'ack') {
        counts.handled++;
        const r = (event.result as Outcome | undefined)?.result;
        if (r === 'sent') counts.sent++;
        else if (r === 'skipped') counts.skipped++;
      } else if (event.settlement === 'retry') counts.retried++;
      else if (event.settlement === 'defer') counts.deferred++;
      else if (event.settlement === 'dead_letter') counts.deadLettered++;
      opts.onSettled?.(event);
    },
  });

  let metricsServer: MetricsServer | undefined;
  let running = false;
  try {
    // Say which part failed: /health names it (the publisher is Kafka or the same RabbitMQ).
    if (rt.publisher.start) {
      await rt.publisher.start().catch((e: unknown) => {
        throw partFailure(rt.publisher.target === 'kafka' ? 'kafka' : 'rabbitmq', e);
      });
    }
    await link.start().catch((e: unknown) => {
      throw partFailure('rabbitmq', e);
    });
    if (config.CKI_METRICS_ENABLED && !deps.registry && opts.serveMetrics) {
      metricsServer = await startMetricsServer(rt.registry, config.CKI_METRICS_PORT);
      rt.logger.info({ port: metricsServer.port }, 'CKI notifier metrics served on /metrics');
    }
    running = true;
  } catch (e) {
    await link.close().catch(() => undefined);
    await rt.publisher.close().catch(() => undefined);
    rt.closeClients();
    throw e;
  }
  rt.logger.info(
    { queue: config.RABBITMQ_QUEUE, publisher: rt.publisher.target, topic: config.CKI_READY_FOR_TEST_TOPIC, production: isProduction(config) },
    'CKI notifier started',
  );

  let stopped: Promise<void> | undefined;
  return {
    registry: rt.registry,
    stop: () =>
      (stopped ??= (async () => {
        running = false;
        await consumer.stop();
        await link.close();
        await rt.publisher.close();
        rt.closeClients();
        await metricsServer?.close();
        rt.logger.info('CKI notifier stopped');
      })()),
    state: () => {
      const l = link.state();
      const c = consumer.state();
      return {
        running,
        connected: l.connected,
        consuming: c.consuming,
        queue: config.RABBITMQ_QUEUE,
        deadLetterQueue: consumer.deadLetterQueue,
        exchange: config.WEBHOOK_RECEIVER_EXCHANGE,
        routingKeys,
        publisher: rt.publisher.target,
        environment: config.CKI_DEPLOYMENT_ENVIRONMENT,
        inFlight: c.inFlight,
        reconnects: l.reconnects,
        ...(l.lastError ? { lastError: l.lastError } : {}),
        ...(l.disconnectedSince ? { disconnectedSince: l.disconnectedSince } : {}),
        ...(c.lastMessageAt ? { lastMessageAt: c.lastMessageAt } : {}),
        counts: { ...counts },
        ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
      };
    },
  };
}
