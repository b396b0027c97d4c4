import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IMAGE_CONSISTENCY_JOB,
  ProwClient,
  amd64Base,
  parseProwJob,
  payloadEnvs,
  payloadMinor,
  prowOutcome,
  stageTestingJobName,
  validateMergeRequestId,
  validatePayloadUrl,
} from '../../src/integrations/prow.ts';
import { testConfig } from '../../src/config/env.ts';
import { settleWithFakeTime } from './fake-time.ts';

const GANGWAY = 'https://gangway.example';
const PROW = 'https://prow.example';
const yaml = (name: string) => readFileSync(new URL(`../fixtures/prow/${name}`, import.meta.url), 'utf8');
const ID = '6c1c1a8e-5f0d-4e38-9d3c-1c0a3c9a2f11';
const PAYLOAD = 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64';

function client(extra: Partial<ConstructorParameters<typeof ProwClient>[0]> = {}) {
  return new ProwClient({ gangwayUrl: GANGWAY, prowUrl: PROW, token: ' gangway-token ', retries: 2, minRetryDelayMs: 1, urlWaitMs: 25_000, urlPollMs: 5_000, ...extra });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('Gangway trigger (agents 6.4)', () => {
  it('posts job_execution_type "1" and the env overrides with the trimmed bearer token', async () => {
    const scope = nock(GANGWAY, { reqheaders: { authorization: 'Bearer gangway-token', 'content-type': 'application/json' } })
      .post(`/v1/executions/${IMAGE_CONSISTENCY_JOB}`, {
        job_execution_type: '1',
        pod_spec_options: { envs: { MULTISTAGE_PARAM_OVERRIDE_PAYLOAD_URL: PAYLOAD, MULTISTAGE_PARAM_OVERRIDE_MERGE_REQUEST_ID: '412' } },
      })
      .reply(200, { id: ID, job_name: IMAGE_CONSISTENCY_JOB, job_type: 'PERIODIC', job_status: 'TRIGGERED' });
    expect(await client().triggerJob(IMAGE_CONSISTENCY_JOB, { MULTISTAGE_PARAM_OVERRIDE_PAYLOAD_URL: PAYLOAD, MULTISTAGE_PARAM_OVERRIDE_MERGE_REQUEST_ID: '412' })).toBe(ID);
    scope.done();
  });

  it('sends no pod_spec_options without envs', async () => {
    const scope = nock(GANGWAY).post('/v1/executions/periodic-ci-x', { job_execution_type: '1' }).reply(200, { id: 'a' });
    await client().triggerJob('periodic-ci-x');
    scope.done();
  });

  it('403 asks to check the Prow token', async () => {
    nock(GANGWAY).post(`/v1/executions/${IMAGE_CONSISTENCY_JOB}`).reply(403, { code: 7, message: 'permission denied' });
    await expect(client().triggerJob(IMAGE_CONSISTENCY_JOB, {}, { label: 'image consistency check' })).rejects.toThrow('Please check the Prow token. Error code: 403, reason: permission denied');
  });

  it('other errors name the job, the code and the reason; 500 hints at an unknown job; never retried', async () => {
    nock(GANGWAY).post('/v1/executions/periodic-ci-nope').reply(500, '');
    await expect(client().triggerJob('periodic-ci-nope', {}, { label: 'image consistency check' })).rejects.toThrow(
      'Failed to run image consistency check job. Error code: 500, reason: Internal Server Error (a 500 usually means the job name does not exist)',
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a missing APITOKEN is an error, not exit 0', async () => {
    await expect(client({ token: undefined }).triggerJob('periodic-ci-x')).rejects.toThrow('APITOKEN is not set: Prow jobs cannot be triggered through Gangway');
  });

  it('an answer without an id is an error', async () => {
    nock(GANGWAY).post('/v1/executions/periodic-ci-x').reply(200, {});
    await expect(client().triggerJob('periodic-ci-x')).rejects.toThrow(/Gangway returned no job id/);
  });
});

describe('Prow job record (agents 6.5)', () => {
  it('parses the ProwJob YAML into the job-info record', async () => {
    nock(PROW).get('/prowjob').query({ prowjob: ID }).reply(200, yaml('prowjob-success.yaml'), { 'content-type': 'application/yaml' });
    expect(await client().getJob(ID, { payload: PAYLOAD })).toEqual({
      jobName: IMAGE_CONSISTENCY_JOB,
      payload: PAYLOAD,
      upgrade_from: null,
      upgrade_to: null,
      jobStartTime: '2026-06-24T10:15:02Z',
      jobID: ID,
      jobURL: 'https://prow.ci.openshift.org/view/gs/test-platform-results/logs/periodic-ci-openshift-release-tests-main-image-consistency-check/1937459871102263296',
      jobState: 'success',
      jobCompletionTime: '2026-06-24T10:52:40Z',
    });
  });

  it('unknown ids and empty bodies are null; 5xx is an error after retries', async () => {
    nock(PROW).get('/prowjob').query({ prowjob: 'x' }).reply(404, 'prowjob x not found');
    expect(await client().getJob('x')).toBeNull();
    nock(PROW).get('/prowjob').query({ prowjob: 'y' }).reply(200, '');
    expect(await client().getJob('y')).toBeNull();
    nock(PROW).get('/prowjob').query({ prowjob: 'z' }).times(3).reply(503, 'unavailable');
    await expect(client().getJob('z')).rejects.toThrow('Prow did not answer reading Prow job z: 503');
    await expect(client().getJob(' ')).rejects.toThrow('A Prow job id is required');
  });

  it('a body that is not a ProwJob is reported', () => {
    expect(() => parseProwJob('kind: Pod\n', 'i')).toThrow(/not a ProwJob record/);
  });

  it('maps states', () => {
    expect(['triggered', 'pending', 'success', 'failure', 'aborted', 'error', 'weird'].map(prowOutcome)).toEqual(['running', 'running', 'success', 'failure', 'aborted', 'aborted', 'unknown']);
  });
});

describe('waiting for the job URL (bounded, fake timers)', () => {
  it('polls until the URL appears', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    nock(PROW).get('/prowjob').query({ prowjob: ID }).twice().reply(200, yaml('prowjob-triggered.yaml'));
    nock(PROW).get('/prowjob').query({ prowjob: ID }).reply(200, yaml('prowjob-success.yaml'));
    const job = await settleWithFakeTime(client().waitForJobUrl(ID));
    expect(job.jobState).toBe('success');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('gives up after PROW_URL_WAIT_MS with the original sentence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scope = nock(PROW).get('/prowjob').query({ prowjob: ID }).times(6).reply(200, yaml('prowjob-triggered.yaml'));
    await expect(settleWithFakeTime(client().waitForJobUrl(ID))).rejects.toThrow(`Job ${ID} not ready after 6 attempts (25s).`);
    scope.done();
  });

  it('triggerImageConsistencyCheck validates, triggers, and reports a wait that ran out without throwing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    nock(GANGWAY).post(`/v1/executions/${IMAGE_CONSISTENCY_JOB}`).reply(200, { id: ID });
    nock(PROW).get('/prowjob').query({ prowjob: ID }).times(3).reply(200, yaml('prowjob-triggered.yaml'));
    const r = await settleWithFakeTime(client({ urlWaitMs: 10_000 }).triggerImageConsistencyCheck(PAYLOAD, 412));
    expect(r).toMatchObject({ id: ID, ready: false, job: undefined, message: `Job ${ID} not ready after 3 attempts (10s).` });
  });

  it('with a zero wait, reads once', async () => {
    nock(PROW).get('/prowjob').query({ prowjob: ID }).reply(200, yaml('prowjob-success.yaml'));
    expect((await client({ urlWaitMs: 0 }).waitForJobUrl(ID)).jobURL).toContain('1937459871102263296');
  });
});

describe('fixed-purpose jobs (tests/test_job.py)', () => {
  it.each(['quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', 'quay.io/openshift-release-dev/ocp-release:4.18.25-x86_64', 'quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64', 'quay.io/openshift-release-dev/ocp-release:4.19.1-rc.0-x86_64'])('valid payload %s', (p) => {
    expect(() => validatePayloadUrl(p)).not.toThrow();
  });

  it.each([
    'quay.io/openshift-release-dev/ocp-release:4.19.1-aarch64',
    'quay.io/openshift-release-dev/ocp-release:4.19.1-ppc64le',
    'docker.io/openshift-release-dev/ocp-release:4.19.1-x86_64',
    'quay.io/openshift-release-dev/ocp-release:4.19.1',
    'quay.io/openshift-release-dev/ocp-release:4.19-x86_64',
    'quay.io/openshift-release-dev/ocp-release:invalid-x86_64',
    '',
    'not-a-url',
  ])('invalid payload %j', (p) => {
    expect(() => validatePayloadUrl(p)).toThrow(`Invalid payload URL: ${p}`);
  });

  it('merge request ids', () => {
    for (const id of [1, 100, 999999, 12345]) expect(() => validateMergeRequestId(id)).not.toThrow();
    for (const id of [0, -1, -100]) expect(() => validateMergeRequestId(id)).toThrow(`Invalid merge request ID: ${id}. Must be a positive integer.`);
  });

  it('minor and stage-testing job name', () => {
    expect(payloadMinor('quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64')).toBe('4.19');
    expect(payloadMinor('quay.io/openshift-release-dev/ocp-release:4.18.25-x86_64')).toBe('4.18');
    expect(payloadMinor('quay.io/openshift-release-dev/ocp-release:4.20.0-rc.1-x86_64')).toBe('4.20');
    expect(stageTestingJobName(PAYLOAD)).toBe('periodic-ci-openshift-openshift-tests-private-release-4.19-stage-testing-e2e-aws-ipi');
  });
});

describe('payload variables (agents 6.4)', () => {
  const arm = 'quay.io/openshift-release-dev/ocp-release:4.19.1-aarch64';
  const armNightly = 'registry.ci.openshift.org/ocp-arm64/release-arm64:4.19.0-0.nightly-arm64-2026-07-01-010101';
  const multi = 'quay.io/openshift-release-dev/ocp-release:4.19.1-multi';
  it('install payloads', () => {
    expect(payloadEnvs({ install: PAYLOAD })).toEqual({ RELEASE_IMAGE_LATEST: PAYLOAD });
    expect(payloadEnvs({ install: arm })).toEqual({ RELEASE_IMAGE_LATEST: PAYLOAD, RELEASE_IMAGE_ARM64_LATEST: arm });
    expect(payloadEnvs({ install: armNightly })).toEqual({ RELEASE_IMAGE_ARM64_LATEST: armNightly });
    expect(payloadEnvs({ install: multi })).toEqual({ RELEASE_IMAGE_MULTI_LATEST: multi });
  });

  it('upgrade pairs and target only', () => {
    expect(payloadEnvs({ initial: 'a', target: 'b' })).toEqual({ RELEASE_IMAGE_LATEST: 'a', RELEASE_IMAGE_TARGET: 'b' });
    expect(payloadEnvs({ initial: `${multi}`, target: `${multi}2` })).toEqual({ RELEASE_IMAGE_MULTI_LATEST: multi, RELEASE_IMAGE_MULTI_TARGET: `${multi}2` });
    expect(payloadEnvs({ initial: arm, target: arm })).toEqual({ RELEASE_IMAGE_LATEST: PAYLOAD, RELEASE_IMAGE_ARM64_LATEST: arm, RELEASE_IMAGE_ARM64_TARGET: arm });
    expect(payloadEnvs({ target: armNightly })).toEqual({ RELEASE_IMAGE_ARM64_TARGET: armNightly });
    expect(payloadEnvs({ target: PAYLOAD })).toEqual({ RELEASE_IMAGE_TARGET: PAYLOAD });
    expect(() => payloadEnvs({ install: PAYLOAD, target: PAYLOAD })).toThrow(/not both/);
  });

  it('amd64 base per call, with the documented fallback', () => {
    expect(amd64Base('quay.io/openshift-release-dev/ocp-release:4.19.0-rc.1-aarch64')).toEqual({ pullspec: 'quay.io/openshift-release-dev/ocp-release:4.19.0-rc.1-x86_64', fallback: false });
    expect(amd64Base('weird')).toEqual({ pullspec: 'quay.io/openshift-release-dev/ocp-release:4.13.4-x86_64', fallback: true });
  });
});

describe('configuration', () => {
  it('reads GANGWAY_URL, PROW_URL, APITOKEN and the wait settings', async () => {
    const c = ProwClient.fromConfig(testConfig({ GANGWAY_URL: GANGWAY, PROW_URL: PROW, APITOKEN: 'tok', PROW_URL_WAIT_MS: '0' }));
    nock(PROW).get('/prowjob').query({ prowjob: ID }).reply(200, yaml('prowjob-triggered.yaml'));
    await expect(c.waitForJobUrl(ID)).rejects.toThrow(`Job ${ID} not ready after 1 attempts (0s).`);
  });
});
