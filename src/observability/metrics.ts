/**
 * Prometheus metrics of the bot process (prom-client).
 *
 * One Registry per process, created here and handed to every component that exposes series
 * (the CKI notifier registers its own `cki_notifier_*` series on it). `/metrics` serves it.
 *
 * Labels are kept to bounded sets on purpose: command names, safety levels, job names, system
 * names and HTTP status codes. Free text such as an integration "operation" (which may contain
 * a release or a bug key) never becomes a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { RunObserver } from '../commands/runner.ts';
import type { CallObserver } from '../integrations/http.ts';

export interface RegistryOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series (e.g. `{ replica: 'oar-bot-7c9f' }`). */
  defaultLabels?: Record<string, string>;
}

/** The process registry: default process metrics plus whatever components register on it. */
export function createMetricsRegistry(opts: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.defaultLabels) registry.setDefaultLabels(opts.defaultLabels);
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Result kinds of the runner (RunResult['kind']). */
export type CommandResult = Parameters<RunObserver>[0]['result'];

export interface CommandFinished {
  command: string;
  safety: string;
  /** done, denied, locked, needs-confirmation, duplicate, refused. */
  result: CommandResult | (string & {});
  /** Outcome status of a `done` run: pass, fail, in_progress, info. */
  status?: string;
  durationMs?: number;
}

export type JobOutcome = 'ok' | 'failed' | 'skipped';

/** Where an unhandled error came from (process guards). */
export type UnhandledKind = 'unhandled_rejection' | 'uncaught_exception' | (string & {});

export interface OarMetrics {
  readonly registry: Registry;
  commandFinished(e: CommandFinished): void;
  /** One acknowledged Slack envelope: `type` is slash_command, events_api, interactive, ... */
  slackAck(type: string, latencyMs: number): void;
  slackReconnect(): void;
  slackConnected(connected: boolean): void;
  jobFinished(job: string, outcome: JobOutcome): void;
  integrationCall(e: { system: string; status: number | 'error' | 'timeout'; durationMs?: number }): void;
  unhandledError(kind: UnhandledKind): void;
  /** The status of the last /health report (readiness probes refresh it every few seconds). */
  healthReported(status: 'healthy' | 'degraded' | 'unhealthy'): void;
  /** Adapter for `RunnerDeps.observer`. */
  readonly runObserver: RunObserver;
  /** Adapter for `HttpClientOptions.observer`. */
  readonly callObserver: CallObserver;
}

/** Label value for a command that had no outcome status (denied, locked, ...). */
export const NO_STATUS = 'none';

function reuse<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  // A second createMetrics on the same registry (tests, hot reload) shares the series instead of throwing.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createMetrics(registry: Registry = createMetricsRegistry()): OarMetrics {
  const registers = [registry];
  const commands = reuse(registry, 'oar_commands_total', () =>
    new Counter({ name: 'oar_commands_total', help: 'Commands handled by the runner, by command, safety, runner result and outcome status.', labelNames: ['command', 'safety', 'result', 'status'] as const, registers }));
  const commandDuration = reuse(registry, 'oar_command_duration_seconds', () =>
    new Histogram({
      name: 'oar_command_duration_seconds',
      help: 'Duration of commands that ran (result done), by command.',
      labelNames: ['command'] as const,
      // Commands range from a StateBox read (sub-second) to a 10 minute timeout.
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }));
  const slackAcks = reuse(registry, 'oar_slack_acks_total', () =>
    new Counter({ name: 'oar_slack_acks_total', help: 'Slack envelopes acknowledged, by envelope type.', labelNames: ['type'] as const, registers }));
  const slackAckLatency = reuse(registry, 'oar_slack_ack_latency_seconds', () =>
    new Histogram({
      name: 'oar_slack_ack_latency_seconds',
      help: 'Time from receiving a Slack envelope to acknowledging it (Slack retries after 3 s).',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    }));
  const slackReconnects = reuse(registry, 'oar_slack_reconnects_total', () =>
    new Counter({ name: 'oar_slack_reconnects_total', help: 'Socket Mode reconnect attempts.', registers }));
  const slackConnected = reuse(registry, 'oar_slack_connected', () =>
    new Gauge({ name: 'oar_slack_connected', help: '1 while the Socket Mode connection is open, 0 otherwise.', registers }));
  const jobRuns = reuse(registry, 'oar_job_runs_total', () =>
    new Counter({ name: 'oar_job_runs_total', help: 'Scheduled job runs in this process, by job and outcome.', labelNames: ['job', 'outcome'] as const, registers }));
  const jobFailStreak = reuse(registry, 'oar_job_consecutive_failures', () =>
    new Gauge({ name: 'oar_job_consecutive_failures', help: 'Consecutive failed runs of a job in this process (0 after a success).', labelNames: ['job'] as const, registers }));
  const integrationCalls = reuse(registry, 'oar_integration_calls_total', () =>
    new Counter({ name: 'oar_integration_calls_total', help: 'HTTP calls to external systems (each attempt), by system and HTTP status, or error / timeout when no answer came.', labelNames: ['system', 'status'] as const, registers }));
  const integrationDuration = reuse(registry, 'oar_integration_call_duration_seconds', () =>
    new Histogram({
      name: 'oar_integration_call_duration_seconds',
      help: 'Duration of one HTTP call attempt to an external system.',
      labelNames: ['system'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }));
  const unhandled = reuse(registry, 'oar_unhandled_errors_total', () =>
    new Counter({ name: 'oar_unhandled_errors_total', help: 'Unhandled promise rejections and uncaught exceptions, by kind.', labelNames: ['kind'] as const, registers }));
  const health = reuse(registry, 'oar_health_ok', () =>
    new Gauge({ name: 'oar_health_ok', help: '1 when the last /health report was healthy (200), 0 when degraded or unhealthy.', registers }));

  const commandFinished = (e: CommandFinished) => {
    commands.inc({ command: e.command, safety: e.safety, result: e.result, status: e.status ?? NO_STATUS });
    if (e.durationMs !== undefined) commandDuration.observe({ command: e.command }, e.durationMs / 1000);
  };
  const integrationCall: OarMetrics['integrationCall'] = (e) => {
    integrationCalls.inc({ system: e.system, status: String(e.status) });
    if (e.durationMs !== undefined) integrationDuration.observe({ system: e.system }, e.durationMs / 1000);
  };

  return {
    registry,
    commandFinished,
    slackAck: (type, latencyMs) => {
      slackAcks.inc({ type });
      slackAckLatency.observe(latencyMs / 1000);
    },
    slackReconnect: () => slackReconnects.inc(),
    slackConnected: (connected) => slackConnected.set(connected ? 1 : 0),
    jobFinished: (job, outcome) => {
      jobRuns.inc({ job, outcome });
      if (outcome === 'failed') jobFailStreak.inc({ job });
      else if (outcome === 'ok') jobFailStreak.set({ job }, 0);
    },
    integrationCall,
    unhandledError: (kind) => unhandled.inc({ kind }),
    healthReported: (status) => health.set(status === 'healthy' ? 1 : 0),
    runObserver: (e) => commandFinished(e),
    callObserver: (e) => integrationCall(e),
  };
}
