/**
 * What the `jobctl` commands run, start-controller, start-aggregator and trigger-jobs-for-build do
 * (agents.md 6.3, 6.7, 6.9): the bodies of their `*.run.ts` implementations.
 * Missing GITHUB_TOKEN / APITOKEN is an error (the original exited 0).
 */
import { CommandError } from '../errors.ts';
import type { CommandContext, Outcome, OutcomeSection } from '../types.ts';
import { buildYStream, streamName, type ReleaseBuild } from '../../integrations/release-controller.ts';
import { payloadEnvs } from '../../integrations/prow.ts';
import { aggregatorLine, runAggregatorPass } from '../prow/aggregator.ts';
import { controllerLine, runControllerPass } from '../prow/controller.ts';
import type { ProwDeps } from '../prow/deps.ts';
import { assertProwCredentials, buildProwDeps, prowClientsFromServices } from '../prow/factory.ts';
import { resolveJobName } from '../prow/job-name.ts';
import { loadRegistry } from '../prow/registry.ts';
import { isNightlyBuild, resultPath, type Arch, type ProwStream } from '../prow/streams.ts';
import { triggerJobsForBuild, type JobTriggerOutcome, type TriggerReport } from '../prow/trigger.ts';

async function depsFor(ctx: CommandContext): Promise<ProwDeps> {
  assertProwCredentials(ctx.config);
  if (!ctx.store) throw new CommandError('the operational store is not available: Prow triggers need it to never start a job twice');
  const clients = await prowClientsFromServices(ctx.services, ctx.config, ctx.logger);
  return buildProwDeps(ctx.config, clients, { store: ctx.store, logger: ctx.logger, now: () => ctx.now(), signal: ctx.signal, notifier: ctx.notifier });
}

function jobLine(j: JobTriggerOutcome): string {
  switch (j.result) {
    case 'disabled':
      return `${j.jobName}: disabled, not triggered`;
    case 'kept':
      return `${j.jobName}: already in the record, kept`;
    case 'triggered':
      return `${j.jobName}: triggered (${j.id})`;
    case 'existing':
      return `${j.jobName}: already triggered for this build (${j.id})`;
    case 'failed':
      return `${j.jobName}: not triggered: ${j.error}`;
    case 'unknown':
      return `${j.jobName}: unknown whether it started (${j.error}); not triggered again — use \`jobctl run\` if it did not start`;
  }
}

function problems(reports: TriggerReport[]): JobTriggerOutcome[] {
  return reports.flatMap((r) => r.jobs).filter((j) => j.result === 'failed' || j.result === 'unknown');
}

function triggerSections(reports: TriggerReport[]): OutcomeSection[] {
  return reports.map((r) => ({ title: `${r.build} (${r.arch})`, lines: r.jobs.length ? r.jobs.map(jobLine) : ['no jobs in the registry for this stream'] }));
}

/** `jobctl start-controller -r X.Y [--no-nightly|--stable] [--arch A] [--no-trigger-prow-job]` */
export async function startControllerCommand(ctx: CommandContext, o: { stream: ProwStream; triggerProwJob: boolean }): Promise<Outcome> {
  const deps = await depsFor(ctx);
  ctx.progress(`checking the latest ${o.stream.kind} build of ${o.stream.ystream} (${o.stream.arch})`);
  const r = await runControllerPass(deps, o.stream, { triggerProwJobs: o.triggerProwJob });
  const reports = r.kind === 'new-build' || r.kind === 'resumed' ? r.triggered : [];
  const failed = problems(reports);
  const links = 'build' in r ? [{ label: 'State file', url: deps.github.webUrl(deps.repo, deps.recordBranch, `_releases/ocp-latest-${o.stream.ystream}-${o.stream.kind}-${o.stream.arch}.json`) }] : [];
  for (const t of reports) links.push({ label: 'Test results', url: deps.github.webUrl(deps.repo, deps.recordBranch, t.path) });
  return {
    status: failed.length ? 'fail' : r.kind === 'new-build' || r.kind === 'resumed' ? 'pass' : 'info',
    summary: controllerLine(r),
    sections: triggerSections(reports),
    ...(failed.length ? { blockers: failed.map(jobLine) } : {}),
    links,
    data: r,
  };
}

/** `jobctl start-aggregator [--arch A]`: one pass. */
export async function startAggregatorCommand(ctx: CommandContext, o: { arch: Arch }): Promise<Outcome> {
  const deps = await depsFor(ctx);
  ctx.progress(`aggregating the ${o.arch} test results`);
  const r = await runAggregatorPass(deps, o.arch);
  const lines: string[] = [];
  for (const f of r.files) {
    if (f.kind === 'already-aggregated') continue;
    if (f.kind === 'recycled') lines.push(`${f.build}: recycled, record deleted`);
    else if (f.kind === 'error') lines.push(`${f.build}: error: ${f.error}`);
    else {
      const m = f.metrics;
      lines.push(
        `${f.build}: ${f.kind === 'aggregated' ? (f.accepted ? 'accepted' : 'rejected') : 'pending'} — ${m.successfulRequired}/${m.required} required passed, ${m.pending} pending${f.retried.length ? `, retried ${f.retried.length}` : ''}${f.label ? `, label ${f.label}` : ''}`,
      );
    }
  }
  const errors = r.files.filter((f) => f.kind === 'error');
  return {
    status: errors.length ? 'fail' : 'pass',
    summary: aggregatorLine(r),
    sections: lines.length ? [{ title: 'Records', lines }] : [],
    ...(errors.length ? { blockers: errors.map((f) => `${f.path}: ${f.kind === 'error' ? f.error : ''}`) } : {}),
    data: r,
  };
}

/** `jobctl trigger-jobs-for-build BUILD [--arch A] [--no-skip-existing]` (6.9). */
export async function triggerJobsForBuildCommand(ctx: CommandContext, o: { build: string; arch: Arch; skipExisting: boolean }): Promise<Outcome> {
  const deps = await depsFor(ctx);
  const ystream = buildYStream(o.build);
  const stream = streamName(isNightlyBuild(o.build) ? 'nightly' : 'stable', ystream, o.arch);
  const tag: ReleaseBuild | undefined = (await deps.releaseController.tags(stream, o.arch)).find((t) => t.name === o.build);
  if (!tag) throw new CommandError(`build ${o.build} does not exist, please double check`);
  if (!o.skipExisting) ctx.log.warn('Duplicate detection disabled: will trigger ALL jobs including existing ones');
  const registry = await loadRegistry(deps.github, { repo: deps.repo, branch: deps.registryBranch, arch: o.arch, logger: ctx.logger, signal: ctx.signal });
  // A deliberate re-run of every job is its own round; otherwise the controller's markers apply.
  const report = await triggerJobsForBuild(deps, { build: tag, arch: o.arch, registry, skipExisting: o.skipExisting, round: o.skipExisting ? 'default' : `manual-${ctx.correlationId}` });
  for (const j of report.jobs) ctx.log.info(jobLine(j));
  const failed = problems([report]);
  const started = report.jobs.filter((j) => j.result === 'triggered').length;
  return {
    status: failed.length ? 'fail' : 'pass',
    summary: `${o.build} (${o.arch}): ${started} job(s) triggered${failed.length ? `, ${failed.length} not triggered` : ''}${report.written ? '' : ', record unchanged'}`,
    sections: triggerSections([report]),
    ...(failed.length ? { blockers: failed.map(jobLine) } : {}),
    links: [{ label: 'Test results', url: deps.github.webUrl(deps.repo, deps.recordBranch, resultPath(o.build, o.arch)) }],
    data: report,
  };
}

/** `jobctl run JOB [--payload P | --upgrade-from F --upgrade-to T]`: one Gangway execution. */
export async function runJobCommand(ctx: CommandContext, o: { jobName: string; payload?: string | undefined; upgradeFrom?: string | undefined; upgradeTo?: string | undefined }): Promise<Outcome> {
  const needsSearch = !o.jobName.trim().startsWith('periodic-ci-');
  assertProwCredentials(ctx.config, needsSearch ? ['GITHUB_TOKEN', 'APITOKEN'] : ['APITOKEN']);
  if (o.payload && (o.upgradeFrom || o.upgradeTo)) throw new CommandError('give either --payload (install) or --upgrade-from/--upgrade-to (upgrade), not both');
  const envs = payloadEnvs({ ...(o.payload ? { install: o.payload } : {}), ...(o.upgradeFrom ? { initial: o.upgradeFrom } : {}), ...(o.upgradeTo ? { target: o.upgradeTo } : {}) });
  let name = o.jobName.trim();
  if (needsSearch) {
    ctx.progress(`looking up the periodic job matching ${name}`);
    const resolved = await resolveJobName(await ctx.services.get('github'), name, { signal: ctx.signal });
    if (!resolved) throw new CommandError(`Couldn't find job: no periodic in openshift/release openshift-tests-private contains ${JSON.stringify(name)}`);
    name = resolved;
  }
  const prow = await ctx.services.get('prow');
  ctx.progress(`triggering ${name}`);
  const t = await prow.triggerAndWait(name, envs, { signal: ctx.signal });
  ctx.log.info(`Triggered prow job ${name}: ${t.id}${t.job?.jobURL ? ` ${t.job.jobURL}` : ''}`);
  return {
    status: 'pass',
    summary: `Triggered ${name}: job ${t.id}${t.ready ? '' : ` (${t.message ?? 'no URL yet'})`}`,
    sections: [{ fields: [{ label: 'Job', value: name }, { label: 'Job id', value: t.id }, ...Object.entries(envs).map(([label, value]) => ({ label, value }))] }],
    ...(t.job?.jobURL ? { links: [{ label: 'Prow job', url: t.job.jobURL }] } : {}),
    data: { id: t.id, jobName: name, envs, jobURL: t.job?.jobURL ?? null, ready: t.ready },
  };
}
