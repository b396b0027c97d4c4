import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runControllerPass } from '../../../src/commands/prow/controller.ts';
import { triggerJobsForBuild } from '../../../src/commands/prow/trigger.ts';
import { loadRegistry } from '../../../src/commands/prow/registry.ts';
import type { ProwDeps } from '../../../src/commands/prow/deps.ts';
import type { ProwStream } from '../../../src/commands/prow/streams.ts';
import { fixtureText, nightlyPullSpec, RECORD_DIR, REPO, startProwWorld, triggeredJobs, type ProwWorld } from './harness.ts';

const JOB = (s: string) => `periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-${s}`;
const NIGHTLY_JOBS = ['aws-ipi-f999', 'azure-ipi-fips-f999', 'gcp-ipi-f999', 'aws-ipi-disruptive-f999', 'stable-4.19-upgrade-from-stable-4.18-gcp-ipi-f999', 'stable-4.19-upgrade-from-stable-4.19-aws-ipi-f999'].map(JOB);
const NIGHTLY: ProwStream = { ystream: '4.19', kind: 'nightly', arch: 'amd64' };
const STATE = '_releases/ocp-latest-4.19-nightly-amd64.json';
const STABLE_STATE = '_releases/ocp-latest-4.19-stable-amd64.json';
const RECORDED_STABLE = 'quay.io/openshift-release-dev/ocp-release:4.19.35-x86_64';

let w: ProwWorld;
let nightlyCounter = 0;

/** A new accepted nightly on the release controller (the newest of its stream). */
function newNightly(): string {
  const name = `4.19.0-0.nightly-2026-07-02-${String(++nightlyCounter).padStart(6, '0')}`;
  w.releases.seedRelease({ name, pullSpec: nightlyPullSpec(name) });
  return name;
}

function record(build: string, arch = 'amd64') {
  const text = w.github.readFile('record', `_releases/ocp-test-result-${build}-${arch}.json`);
  return text === undefined ? undefined : (JSON.parse(text) as { result: { jobName: string; firstJob: { jobID: string } }[]; build: { name: string } });
}

function triggersOf(build: string) {
  return triggeredJobs(w.prow).filter((t) => Object.values(t.envs).some((v) => v.endsWith(build)));
}

beforeAll(async () => {
  w = await startProwWorld();
  // The state the Python controller left: the previous nightly, and a recorded stable build older than the live one.
  w.github.seedFile('record', STATE, fixtureText(RECORD_DIR, 'ocp-latest-4.19-nightly-amd64.json'));
  w.github.seedFile('record', STABLE_STATE, JSON.stringify({ name: '4.19.35', phase: 'Accepted', pullSpec: RECORDED_STABLE }));
  w.releases.seedRelease({ name: '4.19.36' });
});
afterAll(() => w.close());

describe('controller: a new nightly build (agents 6.3, 6.4)', () => {
  let build: string;
  beforeAll(() => {
    build = newNightly();
  });

  it('triggers every registry job once with its payload variables, writes the state file and the record', async () => {
    const r = await runControllerPass(w.deps(), NIGHTLY);
    expect(r).toMatchObject({ kind: 'new-build', build, previous: '4.19.0-0.nightly-2026-07-01-085304', triggerSkipped: false });
    const started = triggersOf(build);
    expect(started.map((t) => t.job)).toEqual(NIGHTLY_JOBS);
    const P = nightlyPullSpec(build);
    const envsOf = (suffix: string) => started.find((t) => t.job === JOB(suffix))!.envs;
    expect(envsOf('aws-ipi-f999')).toEqual({ RELEASE_IMAGE_LATEST: P });
    // upgrade-from-stable of the SAME minor: initial = the recorded stable build (not the live 4.19.36), target = the nightly
    expect(envsOf('stable-4.19-upgrade-from-stable-4.19-aws-ipi-f999')).toEqual({ RELEASE_IMAGE_LATEST: RECORDED_STABLE, RELEASE_IMAGE_TARGET: P });
    // any other upgrade job: target only, the job's configuration supplies the "from"
    expect(envsOf('stable-4.19-upgrade-from-stable-4.18-gcp-ipi-f999')).toEqual({ RELEASE_IMAGE_TARGET: P });

    expect(JSON.parse(w.github.readFile('record', STATE)!)).toMatchObject({ name: build, pullSpec: P });
    const rec = record(build)!;
    expect(rec.build.name).toBe(build);
    expect(rec.result.map((e) => e.jobName)).toEqual(NIGHTLY_JOBS);
    expect(rec.result.map((e) => e.firstJob)).toEqual(started.map((t) => ({ jobID: t.id })));
    expect(w.github.commits({ branch: 'record', path: `_releases/ocp-test-result-${build}-amd64.json` }).map((c) => c.message)).toEqual(['create new file']);
    expect(w.github.commits({ branch: 'record', path: STATE }).at(-1)?.message).toBe('update file content');
  });

  it('the same build again: nothing triggered, nothing committed', async () => {
    const before = { triggers: triggeredJobs(w.prow).length, commits: w.github.commits({ branch: 'record' }).length };
    const r = await runControllerPass(w.deps(), NIGHTLY);
    expect(r).toEqual({ stream: NIGHTLY, kind: 'unchanged', build });
    expect(triggeredJobs(w.prow)).toHaveLength(before.triggers);
    expect(w.github.commits({ branch: 'record' })).toHaveLength(before.commits);
  });
});

describe('controller: never twice, never lost', () => {
  it('a restart between the state write and the triggers still triggers every job exactly once', async () => {
    const build = newNightly();
    // The process dies right after the state file is committed (the original lost the build here).
    const deps = w.deps();
    const dying: ProwDeps = {
      ...deps,
      github: {
        ...deps.github,
        getFile: deps.github.getFile.bind(deps.github),
        listTree: deps.github.listTree.bind(deps.github),
        readFiles: deps.github.readFiles.bind(deps.github),
        deleteFile: deps.github.deleteFile.bind(deps.github),
        webUrl: deps.github.webUrl.bind(deps.github),
        putFile: async (req) => {
          const out = await deps.github.putFile(req);
          if (req.path === STATE) throw new Error('process killed');
          return out;
        },
      },
    };
    await expect(runControllerPass(dying, NIGHTLY)).rejects.toThrow('process killed');
    expect(JSON.parse(w.github.readFile('record', STATE)!).name).toBe(build);
    expect(triggersOf(build)).toHaveLength(0);

    const resumed = await runControllerPass(w.deps(), NIGHTLY);
    expect(resumed).toMatchObject({ kind: 'resumed', build });
    expect(triggersOf(build).map((t) => t.job)).toEqual(NIGHTLY_JOBS);
    expect(record(build)!.result).toHaveLength(6);

    expect(await runControllerPass(w.deps(), NIGHTLY)).toMatchObject({ kind: 'unchanged', build });
    expect(triggersOf(build)).toHaveLength(6);
  });

  it('a restart in the middle of the triggers starts only the jobs that did not start', async () => {
    const build = newNightly();
    const abort = new AbortController();
    const deps = w.deps({ signal: abort.signal });
    let calls = 0;
    const stopping: ProwDeps = {
      ...deps,
      prow: {
        getJob: deps.prow.getJob.bind(deps.prow),
        triggerJob: async (...args) => {
          const id = await deps.prow.triggerJob(...args);
          if (++calls === 3) abort.abort(new Error('shutting down'));
          return id;
        },
      },
    };
    await expect(runControllerPass(stopping, NIGHTLY)).rejects.toThrow();
    expect(triggersOf(build)).toHaveLength(3);
    expect(record(build)).toBeUndefined();

    const resumed = await runControllerPass(w.deps(), NIGHTLY);
    expect(resumed.kind).toBe('resumed');
    const jobs = resumed.kind === 'resumed' ? resumed.triggered[0]!.jobs : [];
    expect(jobs.map((j) => j.result)).toEqual(['existing', 'existing', 'existing', 'triggered', 'triggered', 'triggered']);
    expect(triggersOf(build).map((t) => t.job)).toEqual(NIGHTLY_JOBS);
    expect(record(build)!.result.map((e) => e.firstJob.jobID)).toEqual(triggersOf(build).map((t) => t.id));
  });

  it('--no-trigger-prow-job records the build and triggers nothing, now or later', async () => {
    const build = newNightly();
    const r = await runControllerPass(w.deps(), NIGHTLY, { triggerProwJobs: false });
    expect(r).toMatchObject({ kind: 'new-build', build, triggerSkipped: true });
    expect(JSON.parse(w.github.readFile('record', STATE)!).name).toBe(build);
    expect(await runControllerPass(w.deps(), NIGHTLY)).toMatchObject({ kind: 'unchanged' });
    expect(triggersOf(build)).toHaveLength(0);
    expect(record(build)).toBeUndefined();
  });
});

describe('controller: Gangway failures', () => {
  beforeEach(() => w.prow.clearFaults());

  it('a refused job gets no entry; trigger-jobs-for-build (skip existing) starts just that job later', async () => {
    const build = newNightly();
    w.prow.fault({ method: 'POST', path: `/v1/executions/${JOB('gcp-ipi-f999')}`, status: 500, body: { code: 13, message: 'job not found' } });
    const r = await runControllerPass(w.deps(), NIGHTLY);
    const jobs = r.kind === 'new-build' ? r.triggered[0]!.jobs : [];
    expect(jobs.find((j) => j.jobName === JOB('gcp-ipi-f999'))).toMatchObject({ result: 'failed', error: expect.stringMatching(/Error code: 500/) });
    expect(record(build)!.result.map((e) => e.jobName)).toEqual(NIGHTLY_JOBS.filter((j) => j !== JOB('gcp-ipi-f999')));

    const registry = await loadRegistry(w.clients.github, { repo: REPO, branch: 'main', arch: 'amd64' });
    const again = await triggerJobsForBuild(w.deps(), { build: { name: build, phase: 'Accepted', pullSpec: nightlyPullSpec(build) }, arch: 'amd64', registry, skipExisting: true });
    expect(again.jobs.map((j) => j.result)).toEqual(['kept', 'kept', 'triggered', 'kept', 'kept', 'kept']);
    expect(record(build)!.result.map((e) => e.jobName)).toEqual(NIGHTLY_JOBS);
    expect(triggersOf(build).map((t) => t.job).sort()).toEqual([...NIGHTLY_JOBS].sort());
  });

  it('a 403 aborts the pass with the token message', async () => {
    newNightly();
    w.prow.fault({ method: 'POST', path: /^\/v1\/executions\//, status: 403, body: { code: 7, message: 'permission denied' } });
    await expect(runControllerPass(w.deps(), NIGHTLY)).rejects.toThrow('Please check the Prow token. Error code: 403, reason: permission denied');
  });
});

describe('controller: stable and other architectures', () => {
  it('a y-stream without GA falls back to <major>-dev-preview; stable upgrade jobs get the target only', async () => {
    w.releases.seedRelease({ name: '5.0.0-ec.3', stream: '5-dev-preview' });
    const stream: ProwStream = { ystream: '5.0', kind: 'stable', arch: 'amd64' };
    const r = await runControllerPass(w.deps(), stream);
    expect(r).toMatchObject({ kind: 'new-build', build: '5.0.0-ec.3', previous: undefined });
    const started = triggeredJobs(w.prow).filter((t) => t.job.includes('release-5.0-'));
    expect(started.map((t) => t.job.replace(/.*automated-release-/, ''))).toEqual([
      'stable-5.0-upgrade-from-stable-4.22-aws-ipi-f999',
      'stable-5.0-upgrade-from-stable-5.0-azure-ipi-fips-f999',
      'stable-5.0-upgrade-from-stable-5.0-gcp-ipi-f999',
    ]);
    // a stable build is not a nightly: every upgrade job takes the build as target only
    for (const t of started) expect(t.envs).toEqual({ RELEASE_IMAGE_TARGET: 'quay.io/openshift-release-dev/ocp-release:5.0.0-ec.3-x86_64' });
    expect(JSON.parse(w.github.readFile('record', '_releases/ocp-latest-5.0-stable-amd64.json')!).name).toBe('5.0.0-ec.3');
    expect(w.github.commits({ branch: 'record', path: '_releases/ocp-latest-5.0-stable-amd64.json' }).map((c) => c.message)).toEqual(['create new file']);
  });

  it('arm64 nightly: ARM64 variables only; same-minor upgrade starts from the live stable (no state file)', async () => {
    const install = 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-arm-f999';
    const upgrade = 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-nightly-4.19-upgrade-from-stable-4.19-aws-ipi-arm-f999';
    const disabled = 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-gcp-ipi-arm-f999';
    w.github.seedFile('main', '_releases/ocp-4.19-test-jobs-arm64.json', JSON.stringify({ nightly: [{ prowJob: install }, { prowJob: upgrade, upgrade: true }, { prowJob: disabled, disabled: true }], stable: [] }));
    const name = '4.19.0-0.nightly-arm64-2026-07-02-031502';
    const P = `registry.ci.openshift.org/ocp-arm64/release-arm64:${name}`;
    w.releases.seedRelease({ name, stream: '4.19.0-0.nightly-arm64', pullSpec: P });
    w.releases.seedRelease({ name: '4.19.36', stream: '4-stable-arm64', pullSpec: 'quay.io/openshift-release-dev/ocp-release:4.19.36-aarch64' });
    const r = await runControllerPass(w.deps(), { ystream: '4.19', kind: 'nightly', arch: 'arm64' });
    expect(r).toMatchObject({ kind: 'new-build', build: name });
    const started = triggeredJobs(w.prow).filter((t) => t.job.endsWith('-arm-f999'));
    expect(started.map((t) => [t.job, t.envs])).toEqual([
      [install, { RELEASE_IMAGE_ARM64_LATEST: P }],
      [upgrade, { RELEASE_IMAGE_ARM64_LATEST: 'quay.io/openshift-release-dev/ocp-release:4.19.36-aarch64', RELEASE_IMAGE_ARM64_TARGET: P }],
    ]);
    // the disabled job has no entry
    expect(record(name, 'arm64')!.result.map((e) => e.jobName)).toEqual([install, upgrade]);
  });

  it('a stream the release controller does not have yet is reported, not an error', async () => {
    expect(await runControllerPass(w.deps(), { ystream: '9.9', kind: 'nightly', arch: 'amd64' })).toMatchObject({ kind: 'no-build' });
  });
});
