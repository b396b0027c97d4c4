/**
 * The job controller (agents.md 6.3): one pass per (y-stream, nightly|stable, arch). It compares
 * the latest build of the release controller with the state file on the record branch and, on a
 * new build, triggers every enabled registry job and writes the test-result record.
 *
 * Never twice, never zero (14 #11): before the state file is written, the store records that the
 * build is being triggered; that marker is cleared only when every job has been handled. A
 * restart between the state write and the triggers therefore resumes the triggers on the next
 * pass (the original lost the build), and the per-job markers of triggerOnce make the resumed
 * pass start only the jobs that did not start yet.
 */
import type { ReleaseBuild } from '../../integrations/release-controller.ts';
import type { ProwDeps } from './deps.ts';
import { updateFile } from './files.ts';
import { parseStateFile } from './record.ts';
import { loadRegistry, type TestJobRegistry } from './registry.ts';
import { latestStatePath, streamKey, type ProwStream } from './streams.ts';
import { triggerJobsForBuild, type TriggerReport } from './trigger.ts';
import { PROW_STATE_JOB } from './trigger-once.ts';

interface PendingBuild {
  build: ReleaseBuild;
  state: 'triggering' | 'done';
  at: string;
}

export function controllerKey(stream: ProwStream): string {
  return `controller:${streamKey(stream)}`;
}

export type ControllerResult =
  /** The release controller has no build for this stream (404, also after the dev-preview fallback). */
  | { stream: ProwStream; kind: 'no-build' }
  | { stream: ProwStream; kind: 'unchanged'; build: string }
  | { stream: ProwStream; kind: 'new-build'; build: string; previous: string | undefined; triggered: TriggerReport[]; triggerSkipped: boolean }
  /** Same build as the state file, but its triggers were interrupted: they were finished now. */
  | { stream: ProwStream; kind: 'resumed'; build: string; triggered: TriggerReport[] };

/** The one-line summary of a pass (the gate job's report, start-controller's outcome). */
export function controllerLine(r: ControllerResult): string {
  const name = streamKey(r.stream);
  switch (r.kind) {
    case 'no-build':
      return `${name}: no build on the release controller`;
    case 'unchanged':
      return `${name}: ${r.build} unchanged`;
    case 'resumed':
      return `${name}: ${r.build} resumed, ${triggeredCount(r.triggered)} job(s) triggered`;
    case 'new-build':
      return r.triggerSkipped
        ? `${name}: new build ${r.build} recorded, jobs not triggered (--no-trigger-prow-job)`
        : `${name}: new build ${r.build}${r.previous ? ` (was ${r.previous})` : ''}, ${triggeredCount(r.triggered)} job(s) triggered${failedTriggers(r) ? `, ${failedTriggers(r)} failed` : ''}`;
  }
}

function triggeredCount(reports: { jobs: { result: string }[] }[]): number {
  return reports.flatMap((r) => r.jobs).filter((j) => j.result === 'triggered' || j.result === 'existing').length;
}

/** Jobs of a pass that could not be triggered. */
export function failedTriggers(r: ControllerResult): number {
  return r.kind === 'new-build' || r.kind === 'resumed' ? r.triggered.flatMap((t) => t.jobs).filter((j) => j.result === 'failed' || j.result === 'unknown').length : 0;
}

export interface ControllerOptions {
  /** --trigger-prow-job (default true); false only records the new build. */
  triggerProwJobs?: boolean;
  /** A registry loaded by the caller (one load for several streams of an arch). */
  registry?: TestJobRegistry;
}

/** One controller pass for one stream. Errors of the release controller or GitHub propagate. */
export async function runControllerPass(deps: ProwDeps, stream: ProwStream, opts: ControllerOptions = {}): Promise<ControllerResult> {
  const trigger = opts.triggerProwJobs ?? true;
  const log = deps.logger.child({ stream: streamKey(stream) });
  const target = { github: deps.github, repo: deps.repo, branch: deps.recordBranch, ...(deps.signal ? { signal: deps.signal } : {}) };
  const key = controllerKey(stream);

  const latest = await deps.releaseController.latest({ ystream: stream.ystream, kind: stream.kind, arch: stream.arch });
  if (!latest) {
    log.warn(`no ${stream.kind} build of ${stream.ystream} (${stream.arch}) on the release controller`);
    return { stream, kind: 'no-build' };
  }
  const path = latestStatePath(stream);
  let registry = opts.registry;
  const getRegistry = async () => (registry ??= await loadRegistry(deps.github, { repo: deps.repo, branch: deps.registryBranch, arch: stream.arch, logger: log, ...(deps.signal ? { signal: deps.signal } : {}) }));
  const triggerFor = async (build: ReleaseBuild) => triggerJobsForBuild(deps, { build, arch: stream.arch, registry: await getRegistry(), skipExisting: false });
  const markDone = (build: ReleaseBuild) => deps.store.setJobState(PROW_STATE_JOB, key, { build, state: 'done', at: deps.now().toISOString() } satisfies PendingBuild);

  const triggered: TriggerReport[] = [];
  const pending = await deps.store.getJobState<PendingBuild>(PROW_STATE_JOB, key);
  // An older build whose triggers were interrupted is finished first: it was promised.
  if (trigger && pending?.state === 'triggering' && pending.build.name !== latest.name) {
    log.warn(`resuming the interrupted triggers of ${pending.build.name}`);
    triggered.push(await triggerFor(pending.build));
    await markDone(pending.build);
  }

  const stateFile = await target.github.getFile(target.repo, target.branch, path, deps.signal ? { signal: deps.signal } : {});
  const current = stateFile ? parseStateFile(stateFile.text) : null;
  if (stateFile && !current) log.warn(`${path} does not hold a build; treating it as empty`);

  if (current?.name === latest.name) {
    if (trigger && pending?.state === 'triggering' && pending.build.name === latest.name) {
      log.warn(`Found build ${latest.name} recorded but its prow jobs not all triggered: resuming`);
      triggered.push(await triggerFor(latest));
      await markDone(latest);
      return { stream, kind: 'resumed', build: latest.name, triggered };
    }
    log.info(`Current build is same as latest build ${latest.name}, no diff found`);
    return { stream, kind: 'unchanged', build: latest.name };
  }

  log.info(`Found new build ${latest.name}`);
  // The promise first, then the state file: a crash between the two is resumed, never lost.
  if (trigger) await deps.store.setJobState(PROW_STATE_JOB, key, { build: latest, state: 'triggering', at: deps.now().toISOString() } satisfies PendingBuild);
  await updateFile(target, path, async (cur) => (cur && parseStateFile(cur.text)?.name === latest.name ? null : JSON.stringify(latest, null, 2)), { initial: stateFile });
  if (!trigger) {
    log.warn("Won't trigger prow jobs since control flag [--trigger-prow-job] is false");
    return { stream, kind: 'new-build', build: latest.name, previous: current?.name, triggered, triggerSkipped: true };
  }
  triggered.push(await triggerFor(latest));
  await markDone(latest);
  return { stream, kind: 'new-build', build: latest.name, previous: current?.name, triggered, triggerSkipped: false };
}
