/**
 * The Prow release gate as a scheduled job (the CI periodic `qe-release-gate-test`, agents.md
 * 0.3): every configured stream's controller pass, then one aggregator pass per architecture,
 * on OAR_CRON_PROW (hourly at :15). A failing stream does not stop the others; the run fails
 * (and the ops channel hears) when any pass failed.
 */
import type { Config } from '../../config/env.ts';
import type { JobDefinition, JobReport, JobRunContext } from '../types.ts';
import { errorText } from '../types.ts';
import { aggregatorLine, runAggregatorPass, type AggregatorReport } from '../../commands/prow/aggregator.ts';
import { controllerLine, failedTriggers, runControllerPass, type ControllerResult } from '../../commands/prow/controller.ts';
import type { ProwDeps } from '../../commands/prow/deps.ts';
import { assertProwCredentials, buildProwDeps, prowClientsFromServices, type ProwClients, type ProwConfig } from '../../commands/prow/factory.ts';
import type { ReleaseNotifier } from '../../commands/notifier.ts';
import type { Logger } from '../../log.ts';
import { defineJob } from '../declare.ts';
import { parseStateFile } from '../../commands/prow/record.ts';
import { loadRegistry, type TestJobRegistry } from '../../commands/prow/registry.ts';
import { archesOf, latestStatePath, parseProwStreams, streamKey, type Arch, type ProwStream } from '../../commands/prow/streams.ts';
import type { TriggerStore } from '../../commands/prow/trigger-once.ts';

export const PROW_GATE_JOB = 'prow-release-gate';

export interface ProwGateJobDeps {
  config: Pick<Config, 'OAR_CRON_PROW' | 'OAR_PROW_STREAMS'> & ProwConfig;
  store: TriggerStore;
  /** Clients, built when a run starts (missing credentials fail the run, not the bot). */
  clients(): Promise<ProwClients>;
  /** A poster of the verdicts for one run (the jobs' env's: Block Kit draws the verdict, warnings into the run's log). */
  notifier(logger: Logger): Pick<ReleaseNotifier, 'post'>;
}

/** What a dry run reports: the builds a real run would act on; nothing is written or triggered. */
async function dryRun(deps: ProwDeps, streams: ProwStream[]): Promise<string[]> {
  const lines: string[] = [];
  for (const s of streams) {
    try {
      const latest = await deps.releaseController.latest({ ystream: s.ystream, kind: s.kind, arch: s.arch });
      const file = await deps.github.getFile(deps.repo, deps.recordBranch, latestStatePath(s));
      const current = file ? parseStateFile(file.text) : null;
      if (!latest) lines.push(`${streamKey(s)}: no build on the release controller`);
      else if (current?.name === latest.name) lines.push(`${streamKey(s)}: ${latest.name} unchanged`);
      else lines.push(`${streamKey(s)}: would trigger the jobs of new build ${latest.name}${current ? ` (was ${current.name})` : ''}`);
    } catch (e) {
      lines.push(`${streamKey(s)}: error: ${errorText(e)}`);
    }
  }
  return lines;
}

export const prowGate = defineJob<ProwGateJobDeps>({
  name: PROW_GATE_JOB,
  description: 'Prow release gate: triggers the registry jobs for new nightly/stable builds, retries failed jobs and records QE acceptance',
  schedule: 'OAR_CRON_PROW',
  lease: { ttlMs: 10 * 60_000 },
  deps: ({ config, store, services, logger, notifier }) => ({ config, store, notifier, clients: () => prowClientsFromServices(services, config, logger) }),
  async run(ctx: JobRunContext, d): Promise<JobReport> {
    const streams = parseProwStreams(d.config.OAR_PROW_STREAMS);
    if (streams.length === 0) return { summary: 'OAR_PROW_STREAMS is empty: no Prow streams to watch', counts: { streams: 0 } };
    assertProwCredentials(d.config);
    const clients = await d.clients();
    // The verdicts in Block Kit: the notice carries the verdict, the notifier's renderer draws it
    // (posted only when the clients have Slack and OAR_PROW_CHANNEL is set).
    const deps = buildProwDeps(d.config, clients, { store: d.store, logger: ctx.logger, now: ctx.now, signal: ctx.signal, notifier: d.notifier(ctx.logger) });
    if (ctx.dryRun) {
      const lines = await dryRun(deps, streams);
      return { summary: `dry run over ${streams.length} stream(s): nothing triggered or written`, lines, counts: { streams: streams.length } };
    }
    return runProwGate(deps, streams);
  },
});

export function prowGateJob(d: ProwGateJobDeps): JobDefinition {
  return prowGate.with(d, d.config);
}

/** Controllers for every stream, then the aggregator for every architecture. */
export async function runProwGate(deps: ProwDeps, streams: readonly ProwStream[]): Promise<JobReport> {
  const lines: string[] = [];
  const errors: string[] = [];
  const controllers: ControllerResult[] = [];
  const aggregators: AggregatorReport[] = [];
  const registries = new Map<Arch, TestJobRegistry | Error>();
  const registryOf = async (arch: Arch): Promise<TestJobRegistry> => {
    let r = registries.get(arch);
    if (!r) {
      try {
        r = await loadRegistry(deps.github, { repo: deps.repo, branch: deps.registryBranch, arch, logger: deps.logger, ...(deps.signal ? { signal: deps.signal } : {}) });
      } catch (e) {
        r = e instanceof Error ? e : new Error(String(e));
      }
      registries.set(arch, r);
    }
    if (r instanceof Error) throw r;
    return r;
  };
  for (const stream of streams) {
    deps.signal?.throwIfAborted();
    try {
      const r = await runControllerPass(deps, stream, { registry: await registryOf(stream.arch) });
      controllers.push(r);
      lines.push(controllerLine(r));
      if (failedTriggers(r)) errors.push(`${streamKey(stream)}: ${failedTriggers(r)} job(s) could not be triggered`);
    } catch (e) {
      if (deps.signal?.aborted) throw e;
      deps.logger.error({ err: e, stream: streamKey(stream) }, `controller ${streamKey(stream)} failed: ${errorText(e)}`);
      lines.push(`${streamKey(stream)}: error: ${errorText(e)}`);
      errors.push(`${streamKey(stream)}: ${errorText(e)}`);
    }
  }
  for (const arch of archesOf(streams)) {
    deps.signal?.throwIfAborted();
    try {
      const r = await runAggregatorPass(deps, arch, { registry: await registryOf(arch) });
      aggregators.push(r);
      lines.push(aggregatorLine(r));
      for (const f of r.files) if (f.kind === 'error') errors.push(`${f.path}: ${f.error}`);
    } catch (e) {
      if (deps.signal?.aborted) throw e;
      deps.logger.error({ err: e, arch }, `aggregator ${arch} failed: ${errorText(e)}`);
      lines.push(`aggregator ${arch}: error: ${errorText(e)}`);
      errors.push(`aggregator ${arch}: ${errorText(e)}`);
    }
  }
  const newBuilds = controllers.filter((c) => c.kind === 'new-build' || c.kind === 'resumed').length;
  const sum = (k: keyof AggregatorReport['counts']) => aggregators.reduce((n, a) => n + a.counts[k], 0);
  const counts = { streams: streams.length, newBuilds, aggregated: sum('aggregated'), accepted: sum('accepted'), rejected: sum('rejected'), pending: sum('pending'), retried: sum('retried'), recycled: sum('recycled'), errors: errors.length };
  return {
    summary: `${streams.length} stream(s): ${newBuilds} new build(s); ${counts.aggregated} record(s) aggregated (${counts.accepted} accepted, ${counts.rejected} rejected), ${counts.pending} pending${errors.length ? `; ${errors.length} error(s)` : ''}`,
    counts,
    lines,
    ...(errors.length ? { error: errors.slice(0, 5).join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '') } : {}),
    data: { controllers, aggregators },
  };
}
