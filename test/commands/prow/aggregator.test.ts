import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAggregatorPass, type AggregatorReport, type FileOutcome } from '../../../src/commands/prow/aggregator.ts';
import { parseRecord, type ResultEntry } from '../../../src/commands/prow/record.ts';
import { parseRegistryFile } from '../../../src/commands/prow/registry.ts';
import { allCompleted, countJob, emptyMetrics, jobVerdict, needsRetry, qeAccepted, retriesNeeded } from '../../../src/commands/prow/verdict.ts';
import { QE_STATE_LABEL } from '../../../src/integrations/kubernetes.ts';
import { buildProwDeps } from '../../../src/commands/prow/factory.ts';
import { ReleaseNotifier } from '../../../src/commands/notifier.ts';
import { IntegrationError } from '../../../src/integrations/http.ts';
import type { ReleaseControllerClient } from '../../../src/integrations/release-controller.ts';
import { testConfig } from '../../../src/config/env.ts';
import { createLogger } from '../../../src/log.ts';
import { fixtureText, RECORD_DIR, REGISTRY_DIR, startProwWorld, triggeredJobs, type ProwWorld, type SlackRecorder } from './harness.ts';

const RECORDS = readdirSync(RECORD_DIR).filter((f) => f.startsWith('ocp-test-result-'));
const PINNED = 'ocp-test-result-5.0.0-0.nightly-2026-07-01-125918-amd64.json';

function fixtureRecord(name: string) {
  return parseRecord(fixtureText(RECORD_DIR, name), name);
}

/** The build part of a record name. */
function buildOf(name: string): string {
  return name.replace(/^ocp-test-result-/, '').replace(/-amd64\.json$/, '');
}


/** A verdict notice and its thread (the jobs that did not pass are posted there), as one string. */
function withThread(posts: SlackRecorder['posts'], notice: SlackRecorder['posts'][number]): string {
  const out = [notice];
  for (let j = posts.indexOf(notice) + 1; j < posts.length && posts[j]!.target.threadTs; j++) out.push(posts[j]!);
  return JSON.stringify(out.map((p) => p.message.blocks));
}

describe('the rules on production records (agents 6.7, edge case 8)', () => {
  it('the pinned example: 2 retries of a failed required job, both failed → accepted false', () => {
    const rec = fixtureRecord(PINNED);
    const aws = rec.result.find((e) => e.jobName.endsWith('automated-release-aws-ipi-f999'))!;
    expect(aws.retriedJobs).toHaveLength(2);
    const v = jobVerdict(aws);
    expect(v).toMatchObject({ firstFailed: true, retries: 2, successfulRetries: 0, completed: true, success: false, failed: true });
    const m = emptyMetrics();
    for (const e of rec.result) countJob(m, jobVerdict(e), false);
    expect(m).toMatchObject({ total: 6, success: 3, failed: 3, pending: 0, required: 6, successfulRequired: 3 });
    expect(qeAccepted(m)).toBe(false);
    expect(rec.accepted).toBe(false);
  });

  it('majority of all runs: 2 of 2, 3 of 4, 4 of 6 (and 1 of 1 for a short-handed retry)', () => {
    expect([1, 2, 4, 6].map(retriesNeeded)).toEqual([1, 2, 3, 4]);
    const entry = (states: string[]): ResultEntry => ({
      jobName: 'j',
      firstJob: { jobID: 'f', jobState: 'failure', jobCompletionTime: 't' },
      retriedJobs: states.map((s, i) => ({ jobID: `r${i}`, jobState: s, jobCompletionTime: 't' })),
    });
    expect(jobVerdict(entry(['success', 'success'])).success).toBe(true);
    expect(jobVerdict(entry(['success', 'failure'])).success).toBe(false);
    expect(jobVerdict(entry(['success', 'success', 'success', 'failure'])).success).toBe(true);
    expect(jobVerdict(entry(['success', 'success', 'failure', 'failure'])).success).toBe(false);
    expect(jobVerdict(entry(['success', 'success', 'success', 'success', 'failure', 'failure'])).success).toBe(true);
    // a retry still running: not completed, not yet a success
    const running = entry(['success', 'success']);
    delete running.retriedJobs![1]!.jobCompletionTime;
    expect(jobVerdict(running)).toMatchObject({ completed: false, success: false, failed: false });
  });

  it('every aggregated, not promoted record: the rules reproduce the stored acceptance', () => {
    let checked = 0;
    for (const name of RECORDS) {
      const rec = fixtureRecord(name);
      if (rec.aggregated !== true || rec.manual_promotion) continue;
      const m = emptyMetrics();
      // Every job was required when these were written (no registry used optional then).
      for (const e of rec.result) countJob(m, jobVerdict(e), false);
      expect({ name, complete: allCompleted(m), accepted: qeAccepted(m) }).toEqual({ name, complete: true, accepted: rec.accepted });
      checked++;
    }
    expect(checked).toBe(339);
  });

  it('retry decisions in the records: every failed required first run was retried, except one whose retries never started', () => {
    const notRetried: string[] = [];
    for (const name of RECORDS) {
      for (const e of fixtureRecord(name).result) {
        if (e.firstJob.jobState === 'success') expect(e.retriedJobs ?? []).toEqual([]);
        if (needsRetry(e, false)) notRetried.push(`${name} ${e.jobName.replace(/.*automated-release-/, '')} (${e.firstJob.jobState})`);
      }
    }
    // Pending first runs are not retried (not failed yet); one failure got no retry (its triggers failed).
    expect(notRetried).toEqual(['ocp-test-result-4.18.0-0.nightly-2026-07-02-114801-amd64.json azure-ipi-fips-f999 (failure)']);
  });

  it('Prow "error" by default as the original: neither failed nor success, not retried, the required job did not pass', () => {
    const e: ResultEntry = { jobName: 'j', firstJob: { jobID: 'f', jobState: 'error', jobCompletionTime: 't' } };
    expect(needsRetry(e, false)).toBe(false);
    expect(jobVerdict(e)).toMatchObject({ completed: true, failed: false, success: false });
    const m = emptyMetrics();
    countJob(m, jobVerdict(e), false);
    expect({ complete: allCompleted(m), accepted: qeAccepted(m), failed: m.failed }).toEqual({ complete: true, accepted: false, failed: 0 });
  });

  it('Prow "error" with retryErrorRuns (OAR_PROW_RETRY_ERROR): a failed run, retried, and rejected if retries fail', () => {
    const policy = { retryErrorRuns: true };
    const e: ResultEntry = { jobName: 'j', firstJob: { jobID: 'f', jobState: 'error', jobCompletionTime: 't' } };
    expect(needsRetry(e, false, policy)).toBe(true);
    expect(needsRetry(e, true, policy)).toBe(false);
    expect(jobVerdict(e, policy)).toMatchObject({ completed: true, failed: true, success: false });
  });
});

describe('OAR_PROW_RETRY_ERROR reaches the aggregator', () => {
  it('default false (the original); true turns on retryErrorRuns', () => {
    const deps = (env: Record<string, string>) => buildProwDeps(testConfig(env), { github: {} as never, prow: {} as never, releaseController: {} as never }, { store: {} as never, logger: {} as never });
    expect(deps({}).retryErrorRuns).toBeUndefined();
    expect(deps({ OAR_PROW_RETRY_ERROR: 'true' }).retryErrorRuns).toBe(true);
  });
});

describe('recycle checks (6.7 step 3)', () => {
  const NIGHTLIES = RECORDS.filter((n) => n.includes('nightly')).map(buildOf);
  let w: ProwWorld;
  beforeAll(async () => {
    w = await startProwWorld({ seedRecords: true });
  });
  afterAll(() => w.close());

  it('every nightly is checked, never more than recycleConcurrency at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const releaseController = {
      release: async (name: string) => {
        asked.push(name);
        most = Math.max(most, ++inFlight);
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlight--;
        throw new IntegrationError({ system: 'Release controller', operation: 'reading', status: 500 });
      },
    } as unknown as ReleaseControllerClient;
    const report = await runAggregatorPass(w.deps({ releaseController }), 'amd64', { recycleConcurrency: 2 });
    expect(NIGHTLIES.length).toBeGreaterThan(2);
    expect(asked.sort()).toEqual([...NIGHTLIES].sort());
    expect(most).toBe(2);
    expect(report.counts.errors).toBe(NIGHTLIES.length);
  });

  it('a rejected token fails the pass and the checks still queued do not start', async () => {
    const asked: string[] = [];
    const releaseController = {
      release: async (name: string) => {
        asked.push(name);
        throw new IntegrationError({ system: 'Release controller', operation: 'reading', status: 403 });
      },
    } as unknown as ReleaseControllerClient;
    await expect(runAggregatorPass(w.deps({ releaseController }), 'amd64', { recycleConcurrency: 1 })).rejects.toMatchObject({ status: 403 });
    expect(asked).toHaveLength(1);
  });
});

describe('aggregator pass over the real record branch', () => {
  let w: ProwWorld;
  let report: AggregatorReport;
  const RECYCLED = 'ocp-test-result-4.13.0-0.nightly-2026-06-29-035156-amd64.json';
  const N412 = 'ocp-test-result-4.12.0-0.nightly-2026-07-02-012625-amd64.json';
  const N414 = 'ocp-test-result-4.14.0-0.nightly-2026-07-02-081116-amd64.json';
  const S418 = 'ocp-test-result-4.18.47-amd64.json';
  const OPEN = [N412, N414, S418];
  const stored = (name: string) => parseRecord(w.github.readFile('record', `_releases/${name}`)!, name);
  const outcome = (r: AggregatorReport, name: string): FileOutcome => r.files.find((f) => f.path === `_releases/${name}`)!;
  const entry = (name: string, suffix: string) => stored(name).result.find((e) => e.jobName.endsWith(suffix))!;

  beforeAll(async () => {
    w = await startProwWorld({ seedRecords: true });
    // Every nightly of the records is still on the release controller, except one (recycled).
    for (const name of RECORDS.filter((n) => n.includes('nightly') && n !== RECYCLED)) w.releases.seedRelease({ name: buildOf(name) });
    // Prow knows the runs still open in the three records not yet aggregated.
    const n412 = fixtureRecord(N412).result.find((e) => e.jobName.endsWith('azure-ipi-fips-f999'))!;
    w.prow.seedJob({ id: n412.retriedJobs![0]!.jobID, job: n412.jobName, state: 'success' });
    const n414 = fixtureRecord(N414).result.find((e) => e.jobName.endsWith('azure-ipi-fips-f999'))!;
    w.prow.seedJob({ id: n414.firstJob.jobID, job: n414.jobName, state: 'failure' });
    const s418 = fixtureRecord(S418).result;
    ['success', 'success', 'error'].forEach((state, i) => w.prow.seedJob({ id: s418[i]!.firstJob.jobID, job: s418[i]!.jobName, state }));
    for (const name of [N412, N414]) w.kube.seedPayload('ocp', buildOf(name));
    w.kube.seedPayload('ocp', '4.18.47');
    // This pass exercises the retry of a Prow `error` run: the setting, not the original's default.
    report = await runAggregatorPass(w.deps({ retryErrorRuns: true }), 'amd64');
  });
  afterAll(() => w.close());

  it('deletes the record of a recycled nightly and leaves every aggregated record alone', () => {
    expect(outcome(report, RECYCLED)).toMatchObject({ kind: 'recycled' });
    expect(w.github.readFile('record', `_releases/${RECYCLED}`)).toBeUndefined();
    const commits = w.github.commits({ branch: 'record' }).filter((c) => c.message !== 'seed');
    expect(commits.find((c) => c.path.endsWith(RECYCLED))?.message).toBe('delete file');
    expect(new Set(commits.map((c) => c.path.split('/').at(-1)))).toEqual(new Set([RECYCLED, N412, N414, S418]));
    expect(report.counts).toMatchObject({ records: RECORDS.length, recycled: 1, alreadyAggregated: RECORDS.length - 1 - OPEN.length, errors: 0 });
  });

  it('4.12 nightly: the pending retry succeeded (2 of 2) → aggregated, accepted, payload labelled, notice posted', () => {
    expect(outcome(report, N412)).toMatchObject({ kind: 'aggregated', accepted: true, retried: [], label: 'labelled', notice: 'posted' });
    const rec = stored(N412);
    expect([rec.aggregated, rec.accepted]).toEqual([true, true]);
    expect(entry(N412, 'azure-ipi-fips-f999').retriedJobs!.map((r) => r.jobState)).toEqual(['success', 'success']);
    expect(w.kube.labelsOf('ocp', buildOf(N412))).toEqual({ [QE_STATE_LABEL]: 'Accepted' });
    const notice = w.slack.posts.find((p) => p.message.text.includes(buildOf(N412)))!;
    expect(notice.target).toEqual({ channel: '#release-gate' });
    expect(notice.message.text).toBe(`QE accepted build ${buildOf(N412)} (4.12 nightly, amd64): all 5 required jobs passed`);
  });

  it('4.14 nightly: the first run failed → 2 retries triggered with the nightly payload, record still pending', () => {
    expect(outcome(report, N414)).toMatchObject({ kind: 'pending', accepted: false, retried: [expect.stringMatching(/azure-ipi-fips-f999$/)] });
    const azure = entry(N414, 'azure-ipi-fips-f999');
    expect(azure.firstJob).toMatchObject({ jobState: 'failure', jobCompletionTime: expect.any(String), jobURL: expect.any(String) });
    expect(azure.retriedJobs).toHaveLength(2);
    const started = triggeredJobs(w.prow).filter((t) => t.job === azure.jobName);
    expect(started.map((t) => t.id)).toEqual(azure.retriedJobs!.map((r) => r.jobID));
    expect(started[0]!.envs).toEqual({ RELEASE_IMAGE_LATEST: fixtureRecord(N414).build.pullSpec });
    const rec = stored(N414);
    expect('aggregated' in rec).toBe(false);
    expect(w.kube.labelsOf('ocp', buildOf(N414))).toEqual({});
  });

  it('4.18.47 stable, OAR_PROW_RETRY_ERROR=true: a first run in state error is retried like a failure', () => {
    expect(outcome(report, S418)).toMatchObject({ kind: 'pending', retried: [expect.stringMatching(/upgrade-from-stable-4\.18-gcp-ipi-f999$/)] });
    const gcp = entry(S418, 'upgrade-from-stable-4.18-gcp-ipi-f999');
    expect(gcp.firstJob.jobState).toBe('error');
    expect(gcp.retriedJobs).toHaveLength(2);
    // a stable upgrade job is retried with the build as target only
    expect(triggeredJobs(w.prow).find((t) => t.job === gcp.jobName)!.envs).toEqual({ RELEASE_IMAGE_TARGET: 'quay.io/openshift-release-dev/ocp-release:4.18.47-x86_64' });
  });

  it('the next pass: retries complete → 4.14 accepted, 4.18.47 rejected (1 of 2 retries passed) with the failed job in the notice', async () => {
    const retries414 = entry(N414, 'azure-ipi-fips-f999').retriedJobs!;
    retries414.forEach((r) => w.prow.setJobState(r.jobID, 'success'));
    const retries418 = entry(S418, 'upgrade-from-stable-4.18-gcp-ipi-f999').retriedJobs!;
    w.prow.setJobState(retries418[0]!.jobID, 'failure');
    w.prow.setJobState(retries418[1]!.jobID, 'success');
    const before = triggeredJobs(w.prow).length;

    const second = await runAggregatorPass(w.deps({ retryErrorRuns: true }), 'amd64');
    expect(triggeredJobs(w.prow)).toHaveLength(before);
    expect(outcome(second, N414)).toMatchObject({ kind: 'aggregated', accepted: true, label: 'labelled' });
    expect(outcome(second, S418)).toMatchObject({ kind: 'aggregated', accepted: false, metrics: { total: 3, required: 3, successfulRequired: 2, failed: 1 } });
    expect([stored(S418).aggregated, stored(S418).accepted]).toEqual([true, false]);
    expect(w.kube.labelsOf('ocp', '4.18.47')).toEqual({});
    const rejected = w.slack.posts.find((p) => p.message.text.includes('4.18.47'))!;
    expect(rejected.message.text).toBe('QE rejected build 4.18.47 (4.18 stable, amd64): 1 of 3 required jobs did not pass');
    expect(rejected.target.threadTs).toBeUndefined();
    // The failed jobs are in the notice's thread.
    const blocks = withThread(w.slack.posts, rejected);
    expect(blocks).toContain('stable-4.18-upgrade-from-stable-4.18-gcp-ipi-f999');
    expect(blocks).toContain(entry(S418, 'upgrade-from-stable-4.18-gcp-ipi-f999').retriedJobs![0]!.jobURL!);

    // a third pass has nothing left to do: no commits, no notices
    const commits = w.github.commits({ branch: 'record' }).length;
    const posts = w.slack.posts.length;
    const third = await runAggregatorPass(w.deps({ retryErrorRuns: true }), 'amd64');
    expect(third.counts).toMatchObject({ aggregated: 0, pending: 0, errors: 0 });
    expect(w.github.commits({ branch: 'record' })).toHaveLength(commits);
    expect(w.slack.posts).toHaveLength(posts);
  });

  it('a manually promoted rejected build is labelled Accepted and re-aggregated (accepted stays false)', async () => {
    const path = `_releases/${PINNED}`;
    const rec = JSON.parse(w.github.readFile('record', path)!) as Record<string, unknown>;
    w.github.seedFile('record', path, JSON.stringify({ ...rec, aggregated: false, manual_promotion: true }, null, 2));
    w.kube.seedPayload('ocp', buildOf(PINNED));
    // The failed jobs were retried long ago: nothing is triggered again.
    const before = triggeredJobs(w.prow).length;
    const r = await runAggregatorPass(w.deps(), 'amd64');
    expect(outcome(r, PINNED)).toMatchObject({ kind: 'aggregated', accepted: false, label: 'labelled', notice: 'posted' });
    expect(triggeredJobs(w.prow)).toHaveLength(before);
    expect(w.kube.labelsOf('ocp', buildOf(PINNED))).toEqual({ [QE_STATE_LABEL]: 'Accepted' });
    expect(stored(PINNED)).toMatchObject({ aggregated: true, accepted: false, manual_promotion: true });
    expect(w.slack.posts.filter((p) => !p.target.threadTs).at(-1)!.message.text).toBe(`Build ${buildOf(PINNED)} (5.0 nightly, amd64) is Accepted (Manually Promoted): 3 of 6 required jobs passed`);
  });
});

describe('aggregator: registry changes, optional jobs, failures', () => {
  let w: ProwWorld;
  const REG = {
    nightly: [
      { prowJob: 'periodic-ci-openshift-openshift-tests-private-release-4.98-automated-release-aws-ipi-f999' },
      { prowJob: 'periodic-ci-openshift-openshift-tests-private-release-4.98-automated-release-gcp-ipi-f999', optional: true },
      { prowJob: 'periodic-ci-openshift-openshift-tests-private-release-4.98-automated-release-azure-ipi-f999', retries: 4 },
    ],
    stable: [],
  };
  const [AWS, GCP, AZURE] = REG.nightly.map((j) => j.prowJob) as [string, string, string];
  const done = (id: string, state: string) => ({ jobID: id, jobState: state, jobStartTime: '2026-07-02T01:00:00Z', jobCompletionTime: '2026-07-02T03:00:00Z', jobURL: `https://deck.example/view/gs/qe-private-deck/logs/j/${id}` });
  let n = 0;
  function seedRecord(result: ResultEntry[]): { name: string; build: string; path: string } {
    const build = `4.98.0-0.nightly-2026-07-02-${String(++n).padStart(6, '0')}`;
    w.releases.seedRelease({ name: build, stream: '4.98.0-0.nightly' });
    const path = `_releases/ocp-test-result-${build}-amd64.json`;
    w.github.seedFile('record', path, JSON.stringify({ result, build: { name: build, phase: 'Accepted', pullSpec: `registry.ci.openshift.org/ocp/release:${build}` } }, null, 2));
    return { name: path.split('/').at(-1)!, build, path };
  }
  const readBack = (path: string) => parseRecord(w.github.readFile('record', path)!, path);

  beforeAll(async () => {
    w = await startProwWorld();
    w.github.seedFile('main', '_releases/ocp-4.98-test-jobs-amd64.json', JSON.stringify(REG));
  });
  afterAll(() => w.close());

  it('a job removed from the registry no longer blocks aggregation; a failed optional job is not retried', async () => {
    const r = seedRecord([
      { jobName: AWS, firstJob: done('a1', 'success') },
      { jobName: GCP, firstJob: done('g1', 'failure') },
      { jobName: 'periodic-ci-removed-from-the-registry', firstJob: { jobID: 'x1' } },
    ]);
    w.kube.seedPayload('ocp', r.build);
    const report = await runAggregatorPass(w.deps(), 'amd64');
    expect(report.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'aggregated', accepted: true, retried: [], metrics: { total: 2, skipped: 1, required: 1, successfulRequired: 1, failed: 1 } });
    expect(triggeredJobs(w.prow)).toHaveLength(0);
    const rec = readBack(r.path);
    expect([rec.aggregated, rec.accepted]).toEqual([true, true]);
    // the unevaluated entry is kept as it was
    expect(rec.result[2]).toEqual({ jobName: 'periodic-ci-removed-from-the-registry', firstJob: { jobID: 'x1' } });
    expect(rec.result[0]!.retriedJobs).toEqual([]);
  });

  it('a required job whose first run ended in Prow error (default, as the original): not retried, the build is rejected at once', async () => {
    const r = seedRecord([
      { jobName: AWS, firstJob: done('e1', 'error') },
      { jobName: AZURE, firstJob: done('e2', 'success') },
    ]);
    const before = triggeredJobs(w.prow).length;
    const report = await runAggregatorPass(w.deps(), 'amd64');
    expect(report.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'aggregated', accepted: false, retried: [], metrics: { total: 2, required: 2, successfulRequired: 1, failed: 0 } });
    expect(triggeredJobs(w.prow)).toHaveLength(before);
    expect(readBack(r.path)).toMatchObject({ aggregated: true, accepted: false });
    const notice = w.slack.posts.find((p) => p.message.text.includes(r.build))!;
    expect(notice.message.text).toBe(`QE rejected build ${r.build} (4.98 nightly, amd64): 1 of 2 required jobs did not pass`);
    expect(withThread(w.slack.posts, notice)).toContain('aws-ipi-f999');
  });

  it('retries (4 configured) start exactly once even when writing the record fails', async () => {
    const r = seedRecord([{ jobName: AZURE, firstJob: done('z1', 'failure') }]);
    w.github.injectFault({ method: 'PUT', path: r.name, status: 500 });
    const first = await runAggregatorPass(w.deps(), 'amd64');
    expect(first.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'error' });
    const started = triggeredJobs(w.prow).filter((t) => t.job === AZURE);
    expect(started).toHaveLength(4);
    expect(readBack(r.path).result[0]!.retriedJobs ?? []).toEqual([]);

    const second = await runAggregatorPass(w.deps(), 'amd64');
    expect(second.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'pending', retried: [AZURE] });
    expect(triggeredJobs(w.prow).filter((t) => t.job === AZURE)).toHaveLength(4);
    expect(readBack(r.path).result[0]!.retriedJobs!.map((x) => x.jobID)).toEqual(started.map((t) => t.id));
  });

  it('a label that cannot be applied is logged and tried again on the next pass; the verdict is still recorded', async () => {
    const r = seedRecord([{ jobName: AWS, firstJob: { jobID: 'p1' } }]);
    w.prow.seedJob({ id: 'p1', job: AWS, state: 'success' });
    // no releasepayload on the cluster → 404
    const report = await runAggregatorPass(w.deps(), 'amd64');
    expect(report.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'aggregated', accepted: true, label: 'failed' });
    expect(readBack(r.path)).toMatchObject({ aggregated: true, accepted: true });
  });

  it('a verdict whose thread message Slack refused is posted (not retried) and the lost thread message is logged', async () => {
    const r = seedRecord([{ jobName: AWS, firstJob: done('t1', 'success') }]);
    const lines: string[] = [];
    const deps = w.deps();
    deps.logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    // A real notifier (as a job run hands over: it warns into the run's log) whose renderer puts a
    // detail in the thread, and a Slack that refuses thread messages.
    const posts: string[] = [];
    const notifier = new ReleaseNotifier({
      slack: async () => ({
        post: async (to: { channel: string; threadTs?: string }) => {
          if (to.threadTs) throw new Error('msg_too_long');
          posts.push(to.channel);
          return { channel: to.channel, ts: '1.1', parts: ['1.1'] };
        },
      }),
      render: (n) => ({ summary: { text: n.text }, thread: [{ text: 'detail' }] }),
      warn: (m) => deps.logger.warn(m),
    });
    deps.notices = { channel: '#release-gate', notifier };
    const report = await runAggregatorPass(deps, 'amd64');
    expect(report.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'aggregated', notice: 'posted' });
    expect(posts).toEqual(['#release-gate']);
    // Warned once (by the notifier), not a second time by the aggregator.
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toEqual([expect.stringMatching(/a thread message of the notice in #release-gate was not sent: .*msg_too_long/)]);
  });

  it('without Kubernetes and Slack configured the verdict is only recorded', async () => {
    const r = seedRecord([{ jobName: AWS, firstJob: done('q1', 'success') }]);
    const posts = w.slack.posts.length;
    const deps = w.deps();
    delete deps.labeler;
    delete deps.notices;
    const report = await runAggregatorPass(deps, 'amd64');
    expect(report.files.find((f) => f.path === r.path)).toMatchObject({ kind: 'aggregated', accepted: true, label: 'not-configured', notice: 'not-configured' });
    expect(w.slack.posts).toHaveLength(posts);
  });

  it('completed runs without a summary get their QE test report (6.8); a missing report leaves none', async () => {
    const r = seedRecord([
      { jobName: AWS, firstJob: { jobID: 's1' } },
      { jobName: GCP, firstJob: done('s2', 'success') },
    ]);
    w.prow.seedJob({ id: 's1', job: AWS, state: 'success' });
    const asked: string[] = [];
    const qeReports = {
      async qeReport(jobURL: string) {
        asked.push(jobURL);
        return jobURL.endsWith('/s2') ? null : { 'openshift-extended-test': { total: 10, failures: 0 } };
      },
    };
    await runAggregatorPass(w.deps({ qeReports }), 'amd64');
    const rec = readBack(r.path);
    expect(rec.result[0]!.firstJob).toMatchObject({ jobState: 'success', testResultSummary: { 'openshift-extended-test': { total: 10 } } });
    expect(rec.result[1]!.firstJob.testResultSummary).toBeUndefined();
    // both completed runs of this record were asked for (other pending records are asked too)
    expect(asked).toContain(rec.result[0]!.firstJob.jobURL);
    expect(asked.filter((u) => u.endsWith('/s2'))).toHaveLength(1);
  });

  it('a record that is not valid JSON is reported and the pass goes on', async () => {
    w.github.seedFile('record', '_releases/ocp-test-result-4.98.0-0.nightly-2026-07-02-999999-amd64.json', '{ not json');
    w.releases.seedRelease({ name: '4.98.0-0.nightly-2026-07-02-999999', stream: '4.98.0-0.nightly' });
    const report = await runAggregatorPass(w.deps(), 'amd64');
    expect(report.files.find((f) => f.path.endsWith('999999-amd64.json'))).toEqual({
      path: '_releases/ocp-test-result-4.98.0-0.nightly-2026-07-02-999999-amd64.json',
      build: '4.98.0-0.nightly-2026-07-02-999999',
      kind: 'error',
      error: 'Error decoding JSON in file ocp-test-result-4.98.0-0.nightly-2026-07-02-999999-amd64.json',
    });
  });
});

describe('registry fixture sanity for the aggregator', () => {
  it('the three open records only name jobs of their current registries', () => {
    for (const [name, reg] of [
      ['ocp-test-result-4.12.0-0.nightly-2026-07-02-012625-amd64.json', 'ocp-4.12-test-jobs-amd64.json'],
      ['ocp-test-result-4.14.0-0.nightly-2026-07-02-081116-amd64.json', 'ocp-4.14-test-jobs-amd64.json'],
      ['ocp-test-result-4.18.47-amd64.json', 'ocp-4.18-test-jobs-amd64.json'],
    ] as const) {
      const r = parseRegistryFile(fixtureText(REGISTRY_DIR, reg), reg);
      const jobs = (name.includes('nightly') ? r.nightly : r.stable).map((j) => j.prowJob);
      for (const e of fixtureRecord(name).result) expect(jobs).toContain(e.jobName);
    }
  });
});
