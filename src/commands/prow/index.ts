/** The engine's Prow work (agents.md 6): registry, controller, triggers, aggregator (the scheduled gate job is jobs/prow/job.ts). */
export { runControllerPass, controllerKey, type ControllerResult, type ControllerOptions } from './controller.ts';
export { runAggregatorPass, retryKey, type AggregatorReport, type AggregatorOptions, type FileOutcome } from './aggregator.ts';
export { triggerJobsForBuild, jobPayloadEnvs, triggerKey, type TriggerReport, type TriggerRequest, type JobTriggerOutcome } from './trigger.ts';
export { loadRegistry, parseRegistryFile, normaliseRetries, registryKeyOf, registryPath, TestJobRegistry, RegistryError, type TestJob, type RegistryFile } from './registry.ts';
export { assertProwCredentials, buildProwDeps, prowClientsFromServices, type ProwClients, type ProwConfig } from './factory.ts';
export { parseProwStreams, parseArch, latestStatePath, resultPath, ProwConfigError, type ProwStream } from './streams.ts';
export { triggerOnce, PROW_STATE_JOB, type TriggerResult, type TriggerStore } from './trigger-once.ts';
export type { ProwDeps } from './deps.ts';
