/** The operations layer: metrics, /health, the HTTP server, shutdown and process guards, log correlation. */
export { createMetrics, createMetricsRegistry, NO_STATUS, type OarMetrics, type CommandFinished, type JobOutcome, type RegistryOptions } from './metrics.ts';
export { buildHealth, buildReadiness, summarizeJobs, isoTimestamp, DEFAULT_PROBE_TIMEOUT_MS, type HealthProbes, type HealthReport, type ReadinessReport, type HealthBody, type UnhealthyBody, type HealthStatus, type SlackHealth, type Lifecycle, type Probe } from './health.ts';
export { startHttpServer, sendJson, HttpListenError, type HttpServer, type HttpServerOptions, type MountHandler } from './http-server.ts';
export { installShutdown, standardShutdownSteps, installProcessGuards, classifyProcessError, type ShutdownStep, type ShutdownHandle, type ShutdownParts, type Deadline } from './lifecycle.ts';
export { withCorrelation, currentCorrelation, logMixin, newCorrelationId, type CorrelationContext } from '../correlation.ts';
export { trackSlackConnection, type SlackConnectionTracker } from './slack-connection.ts';
export { OptionalSubsystem, type SubsystemStatus, type SubsystemOptions, type RunningHealth } from './subsystems.ts';
