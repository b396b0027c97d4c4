import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runner, TERMINAL_AUTHORIZER, type RunResult } from '../../../src/commands/runner.ts';
import { MemoryStateBox } from '../../../src/commands/ports.ts';
import { parseOptions } from '../../../src/commands/options.ts';
import type { AnyCommand } from '../../../src/commands/types.ts';
import { testConfig, type VarName } from '../../../src/config/env.ts';
import { createServices } from '../../../src/commands/service-factory.ts';
import type { ConfigStore } from '../../../src/release/configstore.ts';
import { runJob as runJobDecl } from '../../../src/commands/run-job.ts';
import { triggerJobsForBuild as triggerJobsForBuildDecl } from '../../../src/commands/trigger-jobs-for-build.ts';
import { startController as startControllerDecl } from '../../../src/commands/start-controller.ts';
import { startAggregator as startAggregatorDecl } from '../../../src/commands/start-aggregator.ts';
import { promoteTestResults as promoteTestResultsDecl } from '../../../src/commands/promote-test-results.ts';
import { updateRetriedJobRun as updateRetriedJobRunDecl } from '../../../src/commands/update-retried-job-run.ts';
import { replaceRetriedRun } from '../../../src/commands/prow-jobs/recovery.ts';
import type { TestResultRecord } from '../../../src/commands/prow/record.ts';
import { GANGWAY_TOKEN, KUBE_TOKEN, nightlyPullSpec, startProwWorld, triggeredJobs, type ProwWorld } from './harness.ts';
import { commandOf } from '../../../src/commands/index.ts';

const runJob = commandOf(runJobDecl);
const triggerJobsForBuild = commandOf(triggerJobsForBuildDecl);
const startController = commandOf(startControllerDecl);
const startAggregator = commandOf(startAggregatorDecl);
const promoteTestResults = commandOf(promoteTestResultsDecl);
const updateRetriedJobRun = commandOf(updateRetriedJobRunDecl);

let w: ProwWorld;
const BUILD = '4.19.0-0.nightly-2026-07-03-000001';

function env(w: ProwWorld): Partial<Record<VarName, string>> {
  return {
    GITHUB_TOKEN: 'gh-token',
    GITHUB_API_URL: w.github.url,
    APITOKEN: GANGWAY_TOKEN,
    GANGWAY_URL: w.prow.url,
    PROW_URL: w.prow.url,
    PROW_URL_WAIT_MS: '0',
    RELEASE_CONTROLLER_URL: w.releases.url,
    KUBE_API_URL: w.kube.url,
    KUBE_TOKEN: KUBE_TOKEN,
  };
}

async function run(def: unknown, argv: string[], opts: { release?: string; env?: Partial<Record<VarName, string>> } = {}): Promise<Extract<RunResult, { kind: 'done' }>> {
  const command = def as AnyCommand;
  const config = testConfig(opts.env ?? env(w));
  const runner = new Runner({
    config,
    store: w.store,
    statebox: new MemoryStateBox(),
    services: createServices({ config }),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer: TERMINAL_AUTHORIZER,
  });
  const r = await runner.execute({ command, release: opts.release ?? '', options: parseOptions(command, argv), actor: { id: 'cli:qe', via: 'cli' } });
  if (r.kind !== 'done') throw new Error(`not run: ${r.kind}`);
  return r;
}

beforeAll(async () => {
  w = await startProwWorld();
  w.releases.seedRelease({ name: BUILD, pullSpec: nightlyPullSpec(BUILD) });
  w.releases.seedRelease({ name: '4.19.36' });
  w.github.seedFile(
    'main',
    'ci-operator/jobs/openshift/openshift-tests-private/openshift-openshift-tests-private-release-4.19-periodics.yaml',
    dump({ periodics: [{ name: 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999' }, { name: 'periodic-ci-openshift-openshift-tests-private-release-4.19-amd64-nightly-aws-ipi-disruptive-f28' }] }),
    'openshift/release',
  );
});
afterAll(() => w.close());

describe('jobctl commands', () => {
  it('missing GITHUB_TOKEN/APITOKEN fail with a clear error (the original exited 0)', async () => {
    const none = { ...env(w), GITHUB_TOKEN: undefined, APITOKEN: undefined } as Partial<Record<VarName, string>>;
    delete none.GITHUB_TOKEN;
    delete none.APITOKEN;
    const r = await run(startController, [], { release: '4.19', env: none });
    expect(r.outcome).toMatchObject({ status: 'fail', summary: 'Missing required environment variables: GITHUB_TOKEN, APITOKEN' });
    const onlyGh = { ...env(w) };
    delete onlyGh.APITOKEN;
    expect((await run(startAggregator, [], { env: onlyGh })).outcome.summary).toBe('Missing required environment variables: APITOKEN');
    expect((await run(runJob, ['periodic-ci-x'], { env: onlyGh })).outcome.summary).toBe('Missing required environment variables: APITOKEN');
    expect(triggeredJobs(w.prow)).toHaveLength(0);
  });

  it('start-controller -r 4.19: the new nightly gets its 6 jobs; a second run finds no diff', async () => {
    const r = await run(startController, [], { release: '4.19' });
    expect(r.outcome).toMatchObject({ status: 'pass', summary: `4.19-nightly-amd64: new build ${BUILD}, 6 job(s) triggered` });
    expect(r.outcome.links?.map((l) => l.label)).toEqual(['State file', 'Test results']);
    expect(triggeredJobs(w.prow)).toHaveLength(6);
    const again = await run(startController, [], { release: '4.19' });
    expect(again.outcome).toMatchObject({ status: 'info', summary: `4.19-nightly-amd64: ${BUILD} unchanged` });
    expect(triggeredJobs(w.prow)).toHaveLength(6);
  });

  it('start-controller --stable watches the stable stream', async () => {
    const r = await run(startController, ['--stable', '--no-trigger-prow-job'], { release: '4.19' });
    expect(r.outcome.summary).toBe('4.19-stable-amd64: new build 4.19.36 recorded, jobs not triggered (--no-trigger-prow-job)');
    expect(parseOptions(startController, ['--no-nightly'])).toMatchObject({ nightly: false });
  });

  it('trigger-jobs-for-build: an unknown build is refused; a known one keeps existing jobs, --no-skip-existing triggers all again', async () => {
    const missing = await run(triggerJobsForBuild, ['4.19.0-0.nightly-2099-01-01-000000']);
    expect(missing.outcome).toMatchObject({ status: 'fail', summary: 'build 4.19.0-0.nightly-2099-01-01-000000 does not exist, please double check' });

    const kept = await run(triggerJobsForBuild, [BUILD]);
    expect(kept.outcome).toMatchObject({ status: 'pass', summary: `${BUILD} (amd64): 0 job(s) triggered, record unchanged` });
    expect(triggeredJobs(w.prow)).toHaveLength(6);

    const all = await run(triggerJobsForBuild, [BUILD, '--no-skip-existing']);
    expect(all.outcome).toMatchObject({ status: 'pass', summary: `${BUILD} (amd64): 6 job(s) triggered` });
    expect(all.log).toContain('Duplicate detection disabled: will trigger ALL jobs including existing ones');
    expect(triggeredJobs(w.prow)).toHaveLength(12);
    const record = JSON.parse(w.github.readFile('record', `_releases/ocp-test-result-${BUILD}-amd64.json`)!) as { result: { firstJob: { jobID: string } }[] };
    expect(record.result.map((e) => e.firstJob.jobID)).toEqual(triggeredJobs(w.prow).slice(6).map((t) => t.id));
  });

  it('start-aggregator: one pass, the new record is pending', async () => {
    const r = await run(startAggregator, []);
    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toMatch(/^aggregator amd64: 0 aggregated \(0 accepted, 0 rejected\), 1 pending, 0 job\(s\) retried, 0 recycled, 0 error\(s\)$/);
    expect(r.outcome.sections?.[0]?.lines).toEqual([`${BUILD}: pending — 0/6 required passed, 6 pending`]);
  });

  it('jobctl run: a full name with an install payload; a partial name is resolved in openshift/release', async () => {
    const before = triggeredJobs(w.prow).length;
    const payload = 'quay.io/openshift-release-dev/ocp-release:4.19.1-aarch64';
    const r = await run(runJob, ['periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999', '--payload', payload]);
    expect(r.outcome.status).toBe('pass');
    const started = triggeredJobs(w.prow).slice(before);
    expect(started).toEqual([
      { id: expect.any(String), job: 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999', envs: { RELEASE_IMAGE_LATEST: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', RELEASE_IMAGE_ARM64_LATEST: payload } },
    ]);
    expect(r.outcome.summary).toContain(started[0]!.id);

    const short = await run(runJob, ['amd64-nightly-aws-ipi-disruptive', '--upgrade-to', 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64']);
    expect(short.outcome.status).toBe('pass');
    expect(triggeredJobs(w.prow).at(-1)).toMatchObject({
      job: 'periodic-ci-openshift-openshift-tests-private-release-4.19-amd64-nightly-aws-ipi-disruptive-f28',
      envs: { RELEASE_IMAGE_TARGET: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64' },
    });

    const unknown = await run(runJob, ['no-such-job']);
    expect(unknown.outcome).toMatchObject({ status: 'fail', summary: expect.stringContaining("Couldn't find job") });
    const both = await run(runJob, ['periodic-ci-x', '--payload', payload, '--upgrade-to', payload]);
    expect(both.outcome).toMatchObject({ status: 'fail', summary: 'give either --payload (install) or --upgrade-from/--upgrade-to (upgrade), not both' });
  });

  it('option validation: a shell-ish build or pull spec never reaches a client', () => {
    expect(() => parseOptions(triggerJobsForBuild, ['4.19.1;rm'])).toThrow(/must be a build name/);
    expect(() => parseOptions(runJob, ['periodic-ci-x', '--payload', 'quay.io/x:$(id)'])).toThrow(/must be a release image pull spec/);
    expect(() => parseOptions(startAggregator, ['--arch', 'x86'])).toThrow(/--arch/);
  });

  describe('recovery (agents 6.9)', () => {
    const RB = '4.19.0-0.nightly-2026-07-05-000007';
    const PATH = `_releases/ocp-test-result-${RB}-amd64.json`;
    const J1 = 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999';
    const J2 = 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-gcp-ipi-f999';
    const done = (id: string, state: string) => ({ jobID: id, jobState: state, jobURL: `https://prow.example/view/${id}`, jobStartTime: '2026-07-05T01:00:00Z', jobCompletionTime: '2026-07-05T03:00:00Z' });
    const seed = () =>
      w.github.seedFile(
        'record',
        PATH,
        JSON.stringify({ result: [{ jobName: J1, firstJob: done('f1', 'failure'), retriedJobs: [done('r1', 'failure'), done('r2', 'success')] }, { jobName: J2, firstJob: done('f2', 'success') }], build: { name: RB, phase: 'Accepted', pullSpec: nightlyPullSpec(RB) }, aggregated: true, accepted: false }, null, 2),
      );
    const stored = () => JSON.parse(w.github.readFile('record', PATH)!) as TestResultRecord;
    const onlyGh = () => {
      const e = { ...env(w) };
      delete e.APITOKEN;
      return e;
    };

    it('promote-test-results: aggregated false, manual_promotion true (GITHUB_TOKEN only); a missing file changes nothing and is no error', async () => {
      seed();
      const r = await run(promoteTestResults, ['--build', RB], { env: onlyGh() });
      expect(r.outcome).toMatchObject({ status: 'pass', summary: `${RB} (amd64) promoted: the next aggregator pass labels the payload Accepted` });
      expect(stored()).toMatchObject({ aggregated: false, accepted: false, manual_promotion: true });
      expect(stored().result[0]!.retriedJobs).toHaveLength(2);
      expect(w.github.commits({ branch: 'record', path: PATH }).at(-1)?.message).toBe('update file content');

      const commits = w.github.commits({ branch: 'record' }).length;
      const missing = await run(promoteTestResults, ['4.19.0-0.nightly-2099-01-01-000000']);
      expect(missing.outcome).toMatchObject({ status: 'info', summary: 'ocp-test-result-4.19.0-0.nightly-2099-01-01-000000-amd64.json does not exist: nothing promoted' });
      expect(w.github.commits({ branch: 'record' })).toHaveLength(commits);
      const noToken = onlyGh();
      delete noToken.GITHUB_TOKEN;
      expect((await run(promoteTestResults, [RB], { env: noToken })).outcome.summary).toBe('Missing required environment variables: GITHUB_TOKEN');
    });

    it('update-retried-job-run: the run becomes {jobID: N} and the record is reopened; an unknown run still reopens it; an unknown job changes nothing', async () => {
      seed();
      const r = await run(updateRetriedJobRun, ['--build', RB, '--job-name', J1, '--current-job-id', 'r1', '--new-job-id', 'n9'], { env: onlyGh() });
      expect(r.outcome.status).toBe('pass');
      const rec = stored();
      expect(rec.result[0]!.retriedJobs).toEqual([{ jobID: 'n9' }, done('r2', 'success')]);
      expect('aggregated' in rec || 'accepted' in rec).toBe(false);
      expect(rec.result[1]).toEqual({ jobName: J2, firstJob: done('f2', 'success') });

      seed();
      const notFound = await run(updateRetriedJobRun, [RB, '--job-name', J2, '--current-job-id', 'zz', '--new-job-id', 'n8']);
      expect(notFound.outcome).toMatchObject({ status: 'info', summary: expect.stringMatching(/^zz is not a retried run of .*reopened/) });
      expect('aggregated' in stored()).toBe(false);
      expect(stored().result[1]).toEqual({ jobName: J2, firstJob: done('f2', 'success') });

      seed();
      const before = w.github.commits({ branch: 'record', path: PATH }).length;
      const noJob = await run(updateRetriedJobRun, [RB, '--job-name', 'periodic-ci-nope', '--current-job-id', 'r1', '--new-job-id', 'n7']);
      expect(noJob.outcome).toMatchObject({ status: 'fail', summary: `cannot find job name periodic-ci-nope in ocp-test-result-${RB}-amd64.json` });
      expect(w.github.commits({ branch: 'record', path: PATH })).toHaveLength(before);
      expect(stored().aggregated).toBe(true);
    });

    it('the aggregator picks a promoted record up again and labels the payload Accepted (Manually Promoted)', async () => {
      seed();
      await run(promoteTestResults, [RB]);
      w.releases.seedRelease({ name: RB, pullSpec: nightlyPullSpec(RB) });
      w.kube.seedPayload('ocp', RB);
      const r = await run(startAggregator, []);
      expect(r.outcome.sections?.[0]?.lines).toContainEqual(expect.stringMatching(new RegExp(`^${RB.replaceAll('.', '\\.')}: rejected .*label labelled`)));
      expect(stored()).toMatchObject({ aggregated: true, manual_promotion: true });
    });

    it('replaceRetriedRun guards a record without retriedJobs (the original raised)', () => {
      const rec: TestResultRecord = { result: [{ jobName: J2, firstJob: { jobID: 'a' } }], build: { name: RB, phase: 'Accepted', pullSpec: 'x' }, aggregated: true };
      expect(replaceRetriedRun(rec, J2, 'a', 'b')).toMatchObject({ kind: 'run-not-found', record: { result: [{ jobName: J2, firstJob: { jobID: 'a' } }] } });
    });
  });
});
