/**
 * Prometheus metrics of the notifier (prom-client). They are registered on the registry handed in:
 * the bot's (served on its /metrics) or the notifier's own (served on CKI_METRICS_PORT by
 * metrics-server.ts). Registering twice on one registry reuses the existing series.
 */
import { Counter, Histogram, Registry, type Metric } from 'prom-client';

export interface NotifierMetrics {
  received: Counter<'status'>;
  skipped: Counter<'reason'>;
  sent: Counter<'kind' | 'status'>;
  errors: Counter<'stage'>;
  deadLettered: Counter<'reason'>;
  uncertain: Counter;
  processing: Histogram<'outcome'>;
}

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createNotifierMetrics(registry: Registry = new Registry()): NotifierMetrics {
  const registers = [registry];
  return {
    received: reuse(registry, 'cki_notifier_messages_received_total', () =>
      new Counter({ name: 'cki_notifier_messages_received_total', help: 'DataWarehouse messages received, by message status.', labelNames: ['status'], registers })),
    skipped: reuse(registry, 'cki_notifier_messages_skipped_total', () =>
      new Counter({ name: 'cki_notifier_messages_skipped_total', help: 'Messages that produced no ready-for-test message, by reason.', labelNames: ['reason'], registers })),
    sent: reuse(registry, 'cki_notifier_messages_sent_total', () =>
      new Counter({ name: 'cki_notifier_messages_sent_total', help: 'Ready-for-test messages published (or logged outside production), by kind and status.', labelNames: ['kind', 'status'], registers })),
    errors: reuse(registry, 'cki_notifier_errors_total', () =>
      new Counter({ name: 'cki_notifier_errors_total', help: 'Failed processing attempts, by stage.', labelNames: ['stage'], registers })),
    deadLettered: reuse(registry, 'cki_notifier_dead_lettered_total', () =>
      new Counter({ name: 'cki_notifier_dead_lettered_total', help: 'Messages moved to the dead-letter queue, by reason.', labelNames: ['reason'], registers })),
    uncertain: reuse(registry, 'cki_notifier_publish_outcome_unknown_total', () =>
      new Counter({ name: 'cki_notifier_publish_outcome_unknown_total', help: 'Publishes whose broker confirmation was lost (connection died); the retry may duplicate them under the same message id.', registers })),
    processing: reuse(registry, 'cki_notifier_processing_seconds', () =>
      new Histogram({
        name: 'cki_notifier_processing_seconds',
        help: 'Time to process one DataWarehouse message, by outcome.',
        labelNames: ['outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      })),
  };
}
