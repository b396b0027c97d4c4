/**
 * The result aggregator (agents.md 6.7): one pass per architecture over the test-result records
 * on the record branch. For every record not yet aggregated it refreshes the job runs from Prow,
 * retries failed required jobs (majority rule), counts, decides QE acceptance, labels accepted
 * release payloads, and marks the record aggregated once every evaluated job has completed.
 * Records of recycled nightly builds (the release controller answers 404) are deleted.
 *
 * Differences from the original, all deliberate (see verdict.ts and docs/prow.md):
 * - Prow `error` is retried like a failure only with `retryErrorRuns` (OAR_PROW_RETRY_ERROR; the
 *   default is the original's: rejected at once); entries without a registry definition are not
 *   counted, retries go through triggerOnce (never twice, also across restarts);
 * - listing uses the git trees API (no 1,000-entry cap) and reads the records in batches
 *   through GraphQL; a record is committed only when its content changed;
 * - once a record is aggregated, the release channel gets one notice (accepted or rejected,
 *   with the jobs that did not pass), so a rejection is known at once. The notice carries the
 *   verdict as data; the notifier's renderer (wired by the composer) draws it.
 */
import { gitBlobSha, type RepoFile } from '../../integrations/github.ts';
import { shortJobName, verdictText, type BuildVerdict, type VerdictJob } from './build-verdict.ts';
import { describeError as errorText } from '../../describe-error.ts';
import { mapLimit } from '../../limit.ts';
import type { ProwDeps } from './deps.ts';
import { deleteFile, updateFile, type FileTarget } from './files.ts';
import { parseRecord, serialiseRecord, storedRun, type JobRun, type ResultEntry, type TestResultRecord } from './record.ts';
import { loadRegistry, type TestJob, type TestJobRegistry } from './registry.ts';
import { parseResultFile, RELEASES_DIR, type Arch, type ResultFileRef } from './streams.ts';
import { jobPayloadEnvs, type StablePayloadCache } from './trigger.ts';
import { CLAIM_TTL_MS, isTokenRejected, triggerOnce } from './trigger-once.ts';
import { allCompleted, countJob, emptyMetrics, jobVerdict, metricsLine, needsRetry, qeAccepted, runCompleted, type Metrics, type VerdictPolicy } from './verdict.ts';

export type FileOutcome =
  | { path: string; build: string; kind: 'recycled' }
  | { path: string; build: string; kind: 'already-aggregated' }
  | {
      path: string;
      build: string;
      kind: 'pending' | 'aggregated';
      accepted: boolean;
      metrics: Metrics;
      /** Jobs retried in this pass. */
      retried: string[];
      written: boolean;
      label?: 'labelled' | 'failed' | 'not-configured';
      notice?: 'posted' | 'failed' | 'not-configured' | 'already-posted';
    }
  | { path: string; build: string; kind: 'error'; error: string };

export interface AggregatorReport {
  arch: Arch;
  files: FileOutcome[];
  counts: { records: number; recycled: number; alreadyAggregated: number; pending: number; aggregated: number; accepted: number; rejected: number; retried: number; errors: number };
}

export interface AggregatorOptions {
  registry?: TestJobRegistry;
  /** Records read per GraphQL request (default 40). */
  readBatchSize?: number;
  /** Release-controller checks of nightly builds in parallel (default 8). */
  recycleConcurrency?: number;
}

function policyOf(deps: ProwDeps): VerdictPolicy {
  return { retryErrorRuns: deps.retryErrorRuns === true };
}

export function retryKey(arch: Arch, build: string, jobName: string, firstJobId: string, n: number): string {
  return `retry:${arch}:${build}:${jobName}:${firstJobId}:${n}`;
}

/** The one-line summary of a pass (the gate job's report, start-aggregator's outcome). */
export function aggregatorLine(r: AggregatorReport): string {
  const c = r.counts;
  return `aggregator ${r.arch}: ${c.aggregated} aggregated (${c.accepted} accepted, ${c.rejected} rejected), ${c.pending} pending, ${c.retried} job(s) retried, ${c.recycled} recycled, ${c.errors} error(s)`;
}

/** One aggregator pass over the records of one architecture. */
export async function runAggregatorPass(deps: ProwDeps, arch: Arch, opts: AggregatorOptions = {}): Promise<AggregatorReport> {
  const log = deps.logger.child({ arch });
  const target: FileTarget = { github: deps.github, repo: deps.repo, branch: deps.recordBranch, ...(deps.signal ? { signal: deps.signal } : {}) };
  const sig = deps.signal ? { signal: deps.signal } : {};
  const registry = opts.registry ?? (await loadRegistry(deps.github, { repo: deps.repo, branch: deps.registryBranch, arch, logger: log, ...sig }));

  const listing = await deps.github.listTree(deps.repo, deps.recordBranch, RELEASES_DIR, sig);
  const refs: (ResultFileRef & { sha: string })[] = [];
  for (const e of listing.entries) {
    if (e.type !== 'blob' || e.path.slice(RELEASES_DIR.length + 1).includes('/')) continue;
    const ref = parseResultFile(e.path, arch);
    if (ref) refs.push({ ...ref, sha: e.sha });
  }
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const outcomes: FileOutcome[] = [];
  // Recycled nightlies first (6.7 step 3): the release controller no longer knows the build.
  // Records done with in this step (deleted, or their build could not be checked).
  const settled = new Set<string>();
  // A rejected token fails the pass; the checks still queued then do not start.
  let tokenRejected = false;
  await mapLimit(
    refs.filter((r) => r.nightly),
    opts.recycleConcurrency ?? 8,
    async (ref) => {
      if (tokenRejected) return;
      try {
        const details = await deps.releaseController.release(ref.build, { arch });
        if (details) return;
        log.info(`build ${ref.build} is recycled, skip aggregation`);
        if (await deleteFile(target, ref.path, ref.sha)) outcomes.push({ path: ref.path, build: ref.build, kind: 'recycled' });
        settled.add(ref.path);
      } catch (e) {
        if (isTokenRejected(e)) {
          tokenRejected = true;
          throw e;
        }
        log.error({ err: e, file: ref.path }, `cannot check whether ${ref.build} is recycled: ${errorText(e)}`);
        outcomes.push({ path: ref.path, build: ref.build, kind: 'error', error: `checking the release controller: ${errorText(e)}` });
        settled.add(ref.path);
      }
    },
  );

  const live = refs.filter((r) => !settled.has(r.path));
  const batch = opts.readBatchSize ?? 40;
  const cache: StablePayloadCache = new Map();
  for (let i = 0; i < live.length; i += batch) {
    const chunk = live.slice(i, i + batch);
    const texts = await deps.github.readFiles(deps.repo, deps.recordBranch, chunk.map((r) => r.path), sig);
    for (const ref of chunk) {
      deps.signal?.throwIfAborted();
      const text = texts.get(ref.path);
      if (text === null || text === undefined) continue; // deleted since the listing
      // The batched read and the listing may straddle a commit: then read it again with its SHA.
      const initial: RepoFile | undefined = gitBlobSha(text) === ref.sha ? { path: ref.path, text, sha: ref.sha } : undefined;
      try {
        const quick = parseRecord(text, ref.name);
        if (quick.aggregated === true && initial) {
          log.debug(`${ref.name} already aggregated`);
          outcomes.push({ path: ref.path, build: ref.build, kind: 'already-aggregated' });
          continue;
        }
        outcomes.push(await aggregateFile(deps, target, registry, ref, initial, cache));
      } catch (e) {
        if (isTokenRejected(e) || deps.signal?.aborted) throw e;
        log.error({ err: e, file: ref.path }, `aggregation of ${ref.name} failed: ${errorText(e)}`);
        outcomes.push({ path: ref.path, build: ref.build, kind: 'error', error: errorText(e) });
      }
    }
  }
  log.info('Aggregation is completed');
  return { arch, files: outcomes, counts: countOutcomes(outcomes) };
}

function countOutcomes(files: FileOutcome[]): AggregatorReport['counts'] {
  const c = { records: files.length, recycled: 0, alreadyAggregated: 0, pending: 0, aggregated: 0, accepted: 0, rejected: 0, retried: 0, errors: 0 };
  for (const f of files) {
    if (f.kind === 'recycled') c.recycled++;
    else if (f.kind === 'already-aggregated') c.alreadyAggregated++;
    else if (f.kind === 'error') c.errors++;
    else {
      c.retried += f.retried.length;
      if (f.kind === 'pending') c.pending++;
      else {
        c.aggregated++;
        if (f.accepted) c.accepted++;
        else c.rejected++;
      }
    }
  }
  return c;
}

interface Evaluation {
  record: TestResultRecord;
  metrics: Metrics;
  accepted: boolean;
  retried: string[];
  /** Evaluated entries with their registry job, for the notice. */
  evaluated: { entry: ResultEntry; job: TestJob }[];
}

async function aggregateFile(deps: ProwDeps, target: FileTarget, registry: TestJobRegistry, ref: ResultFileRef, initial: RepoFile | undefined, cache: StablePayloadCache): Promise<FileOutcome> {
  const log = deps.logger.child({ arch: ref.arch, build: ref.build });
  let evaluation: Evaluation | undefined;
  let wasAggregated = false;
  const { written } = await updateFile(
    target,
    ref.path,
    async (current) => {
      evaluation = undefined;
      if (!current) return null;
      const record = parseRecord(current.text, ref.name);
      wasAggregated = record.aggregated === true;
      if (wasAggregated) return null;
      evaluation = await evaluateRecord(deps, registry, ref, record, cache);
      return serialiseRecord(evaluation.record);
    },
    initial ? { initial } : {},
  );
  if (!evaluation) {
    return wasAggregated ? { path: ref.path, build: ref.build, kind: 'already-aggregated' } : { path: ref.path, build: ref.build, kind: 'error', error: 'the record was deleted while it was aggregated' };
  }
  const { record, metrics, accepted, retried } = evaluation;
  const manual = record.manual_promotion === true;
  const aggregatedNow = record.aggregated === true;
  let label: 'labelled' | 'failed' | 'not-configured' | undefined;
  if (accepted || manual) {
    if (!deps.labeler) {
      log.warn(`${ref.build} is QE accepted but KUBE_API_URL/KUBE_TOKEN are not configured: the release payload is not labelled`);
      label = 'not-configured';
    } else {
      try {
        await deps.labeler.labelAccepted(ref.build, ref.arch, deps.signal ? { signal: deps.signal } : {});
        log.info(`labelled releasepayload ${ref.build} release.openshift.io/qe_state=Accepted`);
        label = 'labelled';
      } catch (e) {
        // As the original: logged, and tried again on the next pass until the record is aggregated.
        log.error({ err: e }, `add QE accepted label for releasepayload failed: ${errorText(e)}`);
        label = 'failed';
      }
    }
  }
  let notice: 'posted' | 'failed' | 'not-configured' | 'already-posted' | undefined;
  if (aggregatedNow && written) notice = await postNotice(deps, ref, evaluation, label);
  return { path: ref.path, build: ref.build, kind: aggregatedNow ? 'aggregated' : 'pending', accepted, metrics, retried, written, ...(label ? { label } : {}), ...(notice ? { notice } : {}) };
}

/** Steps 5-10 on one record (mutates and returns it). */
async function evaluateRecord(deps: ProwDeps, registry: TestJobRegistry, ref: ResultFileRef, record: TestResultRecord, cache: StablePayloadCache): Promise<Evaluation> {
  const log = deps.logger.child({ arch: ref.arch, build: ref.build });
  const metrics = emptyMetrics();
  const retried: string[] = [];
  const evaluated: Evaluation['evaluated'] = [];
  for (const entry of record.result) {
    const job = registry.job(ref.release, ref.nightly, entry.jobName);
    if (!job) {
      log.info(`skip aggreation for job run of ${entry.jobName}`);
      metrics.skipped++;
      continue;
    }
    entry.firstJob = await refreshRun(deps, entry.firstJob);
    entry.retriedJobs = await Promise.all((entry.retriedJobs ?? []).map((r) => refreshRun(deps, r)));
    if (needsRetry(entry, job.optional, policyOf(deps))) {
      const ids = await retryJob(deps, ref, record, entry, job, cache);
      if (ids.length) {
        retried.push(entry.jobName);
        entry.retriedJobs = await Promise.all(ids.map((id) => refreshRun(deps, { jobID: id })));
      }
    }
    const verdict = jobVerdict(entry, policyOf(deps));
    countJob(metrics, verdict, job.optional);
    evaluated.push({ entry, job });
  }
  const accepted = qeAccepted(metrics);
  log.info(metricsLine(ref.build, metrics, accepted));
  if (metrics.total === 0 && metrics.skipped > 0) log.warn(`none of the ${metrics.skipped} jobs of ${ref.name} is in the ${ref.release} registry: the record cannot be aggregated`);
  if (allCompleted(metrics)) {
    record.aggregated = true;
    record.accepted = accepted;
  }
  return { record, metrics, accepted, retried, evaluated };
}

/** A run without a completion time, refreshed from Prow (errors logged, the stored run kept); then its QE report. */
async function refreshRun(deps: ProwDeps, run: JobRun): Promise<JobRun> {
  let out = run;
  if (!runCompleted(run)) {
    try {
      const info = await deps.prow.getJob(run.jobID);
      if (info) out = storedRun(info, run);
      else deps.logger.warn(`Prow does not know job ${run.jobID}`);
    } catch (e) {
      deps.logger.error({ err: e, jobID: run.jobID }, `cannot refresh Prow job ${run.jobID}: ${errorText(e)}`);
    }
  }
  if (deps.qeReports && runCompleted(out) && out.jobURL && out.testResultSummary === undefined) {
    try {
      const summary = await deps.qeReports.qeReport(out.jobURL, deps.signal ? { signal: deps.signal } : {});
      if (summary === null || summary === undefined) deps.logger.warn(`QE test report file not found for ${out.jobURL}`);
      else out = { ...out, testResultSummary: summary };
    } catch (e) {
      deps.logger.warn({ err: e, jobURL: out.jobURL }, `cannot read the QE test report of ${out.jobURL}: ${errorText(e)}`);
    }
  }
  return out;
}

/** Trigger `job.retries` reruns against the record's build; ids of the ones that started (or had started). */
async function retryJob(deps: ProwDeps, ref: ResultFileRef, record: TestResultRecord, entry: ResultEntry, job: TestJob, cache: StablePayloadCache): Promise<string[]> {
  let envs: Record<string, string>;
  try {
    envs = await jobPayloadEnvs(deps, job, record.build, ref.arch, cache);
  } catch (e) {
    deps.logger.error(`cannot retry ${entry.jobName} for ${ref.build}: ${errorText(e)}`);
    return [];
  }
  const ids: string[] = [];
  for (let n = 1; n <= job.retries; n++) {
    const r = await triggerOnce({ store: deps.store, key: retryKey(ref.arch, ref.build, entry.jobName, entry.firstJob.jobID, n), now: deps.now, isFatal: isTokenRejected }, () =>
      deps.prow.triggerJob(job.prowJob, envs, deps.signal ? { signal: deps.signal } : {}),
    );
    if (r.kind === 'triggered' || r.kind === 'existing') ids.push(r.id);
    else deps.logger.error(`Trigger prow job ${entry.jobName} failed, no prow job id returned (retry ${n} of ${job.retries}): ${r.error}`);
  }
  if (ids.length) deps.logger.info(`retried ${entry.jobName} for ${ref.build}: ${ids.length} of ${job.retries} reruns started`);
  return ids;
}

function verdictOf(deps: ProwDeps, ref: ResultFileRef, ev: Evaluation, label: BuildVerdict['labelled']): BuildVerdict {
  const jobs: VerdictJob[] = [];
  for (const { entry, job } of ev.evaluated) {
    const v = jobVerdict(entry, policyOf(deps));
    if (v.success) continue;
    jobs.push({
      jobName: entry.jobName,
      shortName: shortJobName(entry.jobName),
      optional: job.optional,
      // A completed run that is neither success nor failure (Prow `error` under the original's
      // policy) did not pass either: never shown as still running.
      failed: v.failed || (v.completed && !v.success),
      first: { state: entry.firstJob.jobState ?? 'pending', ...(entry.firstJob.jobURL ? { url: entry.firstJob.jobURL } : {}) },
      retries: (entry.retriedJobs ?? []).map((r) => ({ state: r.jobState ?? 'pending', ...(r.jobURL ? { url: r.jobURL } : {}) })),
    });
  }
  return {
    build: ref.build,
    arch: ref.arch,
    release: ref.release,
    nightly: ref.nightly,
    accepted: ev.accepted,
    manualPromotion: ev.record.manual_promotion === true,
    counts: { total: ev.metrics.total, success: ev.metrics.success, failed: ev.metrics.failed, required: ev.metrics.required, successfulRequired: ev.metrics.successfulRequired },
    jobs,
    fileName: ref.name,
    fileUrl: deps.github.webUrl(deps.repo, deps.recordBranch, ref.path),
    ...(label ? { labelled: label } : {}),
  };
}

/** One notice per build and verdict kind (a manual promotion gets its own), at most once. */
async function postNotice(deps: ProwDeps, ref: ResultFileRef, ev: Evaluation, label: BuildVerdict['labelled']): Promise<'posted' | 'failed' | 'not-configured' | 'already-posted'> {
  if (!deps.notices) {
    deps.logger.info(`verdict on ${ref.build} not posted: OAR_PROW_CHANNEL or Slack is not configured`);
    return 'not-configured';
  }
  const kind = ev.record.manual_promotion === true ? 'promoted' : 'auto';
  if (!(await deps.store.markSeen(`prow:notice:${ref.arch}:${ref.build}:${kind}`, CLAIM_TTL_MS, deps.now()))) return 'already-posted';
  try {
    const verdict = verdictOf(deps, ref, ev, label);
    // The verdict is out (not posted again); a lost thread message is the notifier's to warn about.
    await deps.notices.notifier.post(deps.notices.channel, { text: verdictText(verdict), verdict });
    return 'posted';
  } catch (e) {
    // Not retried (it could post twice); a rejection is still reported by the rejected-build checker.
    deps.logger.error({ err: e, channel: deps.notices.channel }, `could not post the verdict on ${ref.build}: ${errorText(e)}`);
    return 'failed';
  }
}
