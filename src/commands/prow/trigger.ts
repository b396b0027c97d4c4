/**
 * Triggering the registry's jobs for one build (agents.md 6.4) and the payload variables of one
 * job (6.4, edge case 9). Every Gangway call goes through triggerOnce, so no job is started
 * twice for the same build, whatever crashes or overlaps in between.
 *
 * Decision: a trigger does not wait for the job's URL (the original polled 5 x 5 s per job and
 * then ignored a timeout); the record holds `{jobID}` and the aggregator fills in the rest.
 */
import { payloadEnvs } from '../../integrations/prow.ts';
import type { ReleaseBuild } from '../../integrations/release-controller.ts';
import type { ProwDeps } from './deps.ts';
import { CommandError } from '../errors.ts';
import { readFile, updateFile } from './files.ts';
import { parseRecord, parseStateFile, serialiseRecord, type ResultEntry } from './record.ts';
import type { TestJob, TestJobRegistry } from './registry.ts';
import { isNightlyBuild, latestStatePath, resultPath, ystreamOfBuild, type Arch } from './streams.ts';
import { isTokenRejected, triggerOnce, type TriggerResult } from './trigger-once.ts';

export class PayloadError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Memoised per pass: the stable payload an upgrade-from-stable-<same minor> job starts from. */
export type StablePayloadCache = Map<string, Promise<string | null>>;

/** The latest stable pullSpec of a y-stream: the stable state file, else the release controller live. */
async function stablePayload(deps: ProwDeps, ystream: string, arch: Arch, cache: StablePayloadCache): Promise<string | null> {
  const key = `${ystream}-${arch}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const file = await readFile({ github: deps.github, repo: deps.repo, branch: deps.recordBranch, ...(deps.signal ? { signal: deps.signal } : {}) }, latestStatePath({ ystream, kind: 'stable', arch }));
      const fromFile = file ? parseStateFile(file.text) : null;
      if (fromFile) return fromFile.pullSpec;
      const live = await deps.releaseController.latest({ ystream, kind: 'stable', arch });
      return live?.pullSpec ?? null;
    })();
    cache.set(key, p);
  }
  return p;
}

/**
 * Gangway variables of one job for one build (6.4):
 * - not an upgrade job: install payload = the build;
 * - an upgrade job on a nightly whose name contains `upgrade-from-stable-<same X.Y>`: initial =
 *   the latest stable of that y-stream (state file, else live), target = the nightly;
 * - any other upgrade job: target = the build (the job's configuration supplies the "from").
 */
export async function jobPayloadEnvs(deps: ProwDeps, job: TestJob, build: ReleaseBuild, arch: Arch, cache: StablePayloadCache = new Map()): Promise<Record<string, string>> {
  if (!job.upgrade) return payloadEnvs({ install: build.pullSpec });
  const ystream = ystreamOfBuild(build.name);
  if (isNightlyBuild(build.name) && job.prowJob.includes(`upgrade-from-stable-${ystream}`)) {
    const initial = await stablePayload(deps, ystream, arch, cache);
    if (!initial) throw new PayloadError(`no stable build of ${ystream} (${arch}) to upgrade from: neither the stable state file nor the release controller has one`);
    return payloadEnvs({ initial, target: build.pullSpec });
  }
  return payloadEnvs({ target: build.pullSpec });
}

export type JobTriggerOutcome =
  | { jobName: string; result: 'disabled' }
  /** Already in the record (skip-existing): kept unchanged. */
  | { jobName: string; result: 'kept' }
  | { jobName: string; result: 'triggered' | 'existing'; id: string }
  | { jobName: string; result: 'failed' | 'unknown'; error: string };

export interface TriggerReport {
  build: string;
  arch: Arch;
  path: string;
  /** The record was created or changed. */
  written: boolean;
  jobs: JobTriggerOutcome[];
}

export interface TriggerRequest {
  build: ReleaseBuild;
  arch: Arch;
  registry: TestJobRegistry;
  /** Keep jobs already in the record (trigger-jobs-for-build default); the controller: false. */
  skipExisting: boolean;
  /**
   * Which run of the jobs this is: `default` for the controller and skip-existing runs (so they
   * share the exactly-once markers), a fresh value for a deliberate re-run of every job.
   */
  round?: string;
}

export function triggerKey(arch: Arch, build: string, jobName: string, round: string): string {
  return `trigger:${arch}:${build}:${jobName}:${round}`;
}

/** Trigger every enabled registry job of the build's stream and write the record (6.4). */
export async function triggerJobsForBuild(deps: ProwDeps, req: TriggerRequest): Promise<TriggerReport> {
  const { build, arch } = req;
  const round = req.round ?? 'default';
  const ystream = ystreamOfBuild(build.name);
  const nightly = isNightlyBuild(build.name);
  const path = resultPath(build.name, arch);
  const target = { github: deps.github, repo: deps.repo, branch: deps.recordBranch, ...(deps.signal ? { signal: deps.signal } : {}) };
  const log = deps.logger.child({ build: build.name, arch });

  const initial = await readFile(target, path);
  const existingEntries = new Map<string, ResultEntry>();
  if (req.skipExisting && initial) {
    for (const e of parseRecord(initial.text, path).result) if (!existingEntries.has(e.jobName)) existingEntries.set(e.jobName, e);
  }

  const jobs = req.registry.jobsFor(ystream, nightly);
  const cache: StablePayloadCache = new Map();
  const outcomes: JobTriggerOutcome[] = [];
  for (const job of jobs) {
    deps.signal?.throwIfAborted();
    if (job.disabled) {
      log.info(`Won't trigger prow job ${job.prowJob}, it is disabled`);
      outcomes.push({ jobName: job.prowJob, result: 'disabled' });
      continue;
    }
    if (existingEntries.has(job.prowJob)) {
      outcomes.push({ jobName: job.prowJob, result: 'kept' });
      continue;
    }
    let envs: Record<string, string>;
    try {
      envs = await jobPayloadEnvs(deps, job, build, arch, cache);
    } catch (e) {
      const error = e instanceof PayloadError ? e.message : `cannot choose the payload of ${job.prowJob}: ${e instanceof Error ? e.message : String(e)}`;
      log.error(`Trigger prow job ${job.prowJob} failed: ${error}`);
      outcomes.push({ jobName: job.prowJob, result: 'failed', error });
      continue;
    }
    const r: TriggerResult = await triggerOnce(
      { store: deps.store, key: triggerKey(arch, build.name, job.prowJob, round), now: deps.now, isFatal: isTokenRejected },
      () => deps.prow.triggerJob(job.prowJob, envs, deps.signal ? { signal: deps.signal } : {}),
    );
    if (r.kind === 'triggered') log.info({ job: job.prowJob, id: r.id, envs }, `Triggered prow job ${job.prowJob}: ${r.id}`);
    else if (r.kind === 'existing') log.info({ job: job.prowJob, id: r.id }, `Prow job ${job.prowJob} was already triggered for ${build.name}: ${r.id}`);
    else log.error({ job: job.prowJob }, `Trigger prow job ${job.prowJob} failed, no prow job id returned: ${r.error}`);
    outcomes.push(r.kind === 'triggered' || r.kind === 'existing' ? { jobName: job.prowJob, result: r.kind, id: r.id } : { jobName: job.prowJob, result: r.kind, error: r.error });
  }

  const { written } = await updateFile(
    target,
    path,
    async (current) => {
      const currentEntries = new Map<string, ResultEntry>();
      if (current) {
        try {
          for (const e of parseRecord(current.text, path).result) if (!currentEntries.has(e.jobName)) currentEntries.set(e.jobName, e);
        } catch (e) {
          // A broken record is replaced (the controller's overwrite); with skip-existing it was read above already.
          log.warn(`${path} is not a valid record and is replaced: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      // Nothing started that the file does not already hold: rewriting would only drop what the
      // aggregator wrote (its flags), so leave the file alone (a resumed or repeated run).
      const fresh = outcomes.some((o) => o.result === 'triggered' || (o.result === 'existing' && currentEntries.get(o.jobName)?.firstJob.jobID !== o.id));
      if (current && !fresh) return null;
      const result: ResultEntry[] = [];
      for (const o of outcomes) {
        if (o.result === 'kept') {
          const entry = currentEntries.get(o.jobName) ?? existingEntries.get(o.jobName);
          if (entry) result.push(entry);
        } else if (o.result === 'triggered' || o.result === 'existing') {
          // The same run already in the file keeps what the aggregator learnt about it.
          const entry = currentEntries.get(o.jobName);
          result.push(entry && entry.firstJob.jobID === o.id ? entry : { jobName: o.jobName, firstJob: { jobID: o.id } });
        }
      }
      if (result.length === 0) return null;
      return serialiseRecord({ result, build });
    },
    { initial },
  );
  if (!written && !outcomes.some((o) => o.result === 'triggered' || o.result === 'existing' || o.result === 'kept')) log.warn(`no job of ${ystream} ${nightly ? 'nightly' : 'stable'} (${arch}) was triggered for ${build.name}: ${path} not written`);
  return { build: build.name, arch, path, written, jobs: outcomes };
}
