import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JenkinsClient, STAGE_PIPELINE_JOB, jobPath } from '../../src/integrations/jenkins.ts';
import { testConfig } from '../../src/config/env.ts';
import { settleWithFakeTime } from './fake-time.ts';

const BASE = 'https://jenkins.example';
const JOB = '/job/zstreams/job/Stage-Pipeline';
const json = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/jenkins/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const basic = `Basic ${Buffer.from('qe-bot:jenkins-api-token').toString('base64')}`;

function client(extra: Partial<ConstructorParameters<typeof JenkinsClient>[0]> = {}) {
  return new JenkinsClient({ baseUrl: BASE, user: 'qe-bot', token: 'jenkins-api-token', retries: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2, queueWaitMs: 90_000, queuePollMs: 5_000, ...extra });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('triggering Stage-Pipeline', () => {
  it('fetches a crumb, posts the parameters as a form with basic auth and reads the queue id', async () => {
    nock(BASE, { reqheaders: { authorization: basic } }).get('/crumbIssuer/api/json').reply(200, { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: 'c0ffee', crumbRequestField: 'Jenkins-Crumb' });
    const post = nock(BASE, { reqheaders: { authorization: basic, 'jenkins-crumb': 'c0ffee', 'content-type': 'application/x-www-form-urlencoded' } })
      .post(`${JOB}/buildWithParameters`, 'VERSION=4.19&PULL_SPEC=quay.io%2Fopenshift-release-dev%2Focp-release%3A4.19.1-x86_64&METADATA_AD=152300')
      .reply(201, '', { location: `${BASE}/queue/item/88431/` });
    const q = await client().triggerBuild(STAGE_PIPELINE_JOB, { VERSION: '4.19', PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', METADATA_AD: '152300' });
    expect(q).toEqual({ queueId: 88431, queueUrl: `${BASE}/queue/item/88431/api/json` });
    post.done();
  });

  it('works without a crumb issuer (404) and is never retried on 5xx', async () => {
    nock(BASE).get('/crumbIssuer/api/json').reply(404, 'Not Found');
    nock(BASE, { badheaders: ['jenkins-crumb'] }).post(`${JOB}/buildWithParameters`).reply(503, 'busy');
    await expect(client().triggerBuild(STAGE_PIPELINE_JOB, { VERSION: '4.19' })).rejects.toMatchObject({ status: 503 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refreshes an expired crumb once', async () => {
    nock(BASE).get('/crumbIssuer/api/json').reply(200, { crumb: 'old', crumbRequestField: 'Jenkins-Crumb' });
    nock(BASE).post(`${JOB}/buildWithParameters`).matchHeader('jenkins-crumb', 'old').reply(403, 'No valid crumb was included in the request');
    nock(BASE).get('/crumbIssuer/api/json').reply(200, { crumb: 'new', crumbRequestField: 'Jenkins-Crumb' });
    nock(BASE).post(`${JOB}/buildWithParameters`).matchHeader('jenkins-crumb', 'new').reply(201, '', { location: `${BASE}/queue/item/9/` });
    expect((await client().triggerBuild(STAGE_PIPELINE_JOB, {})).queueId).toBe(9);
  });

  it('401 is a credentials error', async () => {
    nock(BASE).get('/crumbIssuer/api/json').reply(401, 'Authentication required');
    await expect(client().triggerBuild(STAGE_PIPELINE_JOB, {})).rejects.toThrow('Jenkins rejected the credentials while fetching a CSRF crumb (401): check the token');
  });
});

describe('following the queue item (bounded wait, fake timers)', () => {
  it('polls until the item has a build', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    nock(BASE).get('/queue/item/88431/api/json').twice().reply(200, json('queue-item-waiting.json'));
    nock(BASE).get('/queue/item/88431/api/json').reply(200, json('queue-item-left.json'));
    expect(await settleWithFakeTime(client().followQueueItem(88431))).toEqual({ kind: 'started', queueId: 88431, buildNumber: 124, buildUrl: 'https://jenkins.example/job/zstreams/job/Stage-Pipeline/124/', message: 'https://jenkins.example/job/zstreams/job/Stage-Pipeline/124/' });
  });

  it('gives up after the configured wait with the original sentence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scope = nock(BASE).get('/queue/item/88431/api/json').times(4).reply(200, json('queue-item-waiting.json'));
    const r = await settleWithFakeTime(client({ queueWaitMs: 15_000 }).followQueueItem(88431));
    expect(r.kind).toBe('timeout');
    expect(r.message).toBe(`polling queue item ${BASE}/queue/item/88431/api/json timeout, please check build url in this item manually`);
    scope.done(); // 0, 5, 10, 15 s: four reads, no more
  });

  it('a blocked item returns at once', async () => {
    nock(BASE).get('/queue/item/7/api/json').reply(200, { ...json('queue-item-waiting.json'), id: 7, blocked: true, why: 'Build #123 is already in progress' });
    expect(await client().followQueueItem(7)).toMatchObject({ kind: 'blocked', message: `a new job triggered by you is pending, you can check queue item link: ${BASE}/queue/item/7/api/json` });
  });

  it('a failing queue read says which link failed', async () => {
    nock(BASE).get('/queue/item/7/api/json').reply(404, 'gone');
    await expect(client().followQueueItem(7)).rejects.toThrow(`visit ${BASE}/queue/item/7/api/json failed: Jenkins found nothing while reading queue item 7 (404)`);
  });
});

describe('queue check (defect 19)', () => {
  it('matches the queued job by its URL, not the short name', async () => {
    nock(BASE).get('/queue/api/json').reply(200, { items: [json('queue-item-waiting.json')] });
    expect(await client().isQueued(STAGE_PIPELINE_JOB)).toBe(true);
    nock(BASE).get('/queue/api/json').reply(200, { items: [{ id: 1, task: { name: 'Stage-Pipeline', url: `${BASE}/job/other/job/Stage-Pipeline/` } }] });
    expect(await client().isQueued(STAGE_PIPELINE_JOB)).toBe(false);
  });
});

describe('build status', () => {
  it('reads status and string parameters', async () => {
    nock(BASE).get(`${JOB}/123/api/json`).reply(200, json('build-stage-pipeline-123.json'));
    const b = await client().getBuildStatusForRelease(STAGE_PIPELINE_JOB, 123, '4.19.1');
    expect(b).toMatchObject({ number: 123, status: 'SUCCESS', inProgress: false });
    expect(b.parameters).toEqual({ VERSION: '4.19', PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', METADATA_AD: '152300' });
  });

  it('running builds are "In Progress"', async () => {
    nock(BASE).get(`${JOB}/125/api/json`).reply(200, { ...json('build-stage-pipeline-123.json'), number: 125, inProgress: true, building: true, result: null });
    expect((await client().getBuild(STAGE_PIPELINE_JOB, 125)).status).toBe('In Progress');
  });

  it('refuses a build triggered for another release', async () => {
    nock(BASE).get(`${JOB}/123/api/json`).reply(200, json('build-stage-pipeline-123.json'));
    await expect(client().getBuildStatusForRelease(STAGE_PIPELINE_JOB, 123, '4.18.9')).rejects.toThrow(
      'get job zstreams/Stage-Pipeline/123 status failed: please make sure this build zstreams/Stage-Pipeline/123 is triggered for 4.18.9, cannot find 4.18.9 or n/a in payload url quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64',
    );
  });

  it('accepts the candidate nightly and reports missing parameters', async () => {
    nock(BASE).get(`${JOB}/5/api/json`).reply(200, { number: 5, url: 'u', inProgress: false, result: 'FAILURE', actions: [{ _class: 'hudson.model.ParametersAction', parameters: [{ _class: 'hudson.model.StringParameterValue', name: 'PAYLOAD_URL', value: 'registry.ci/ocp/release:4.19.0-0.nightly-2026-06-22-1' }] }] });
    expect((await client().getBuildStatusForRelease(STAGE_PIPELINE_JOB, 5, '4.19.1', '4.19.0-0.nightly-2026-06-22-1')).status).toBe('FAILURE');
    nock(BASE).get(`${JOB}/6/api/json`).reply(200, { number: 6, url: 'u', result: 'SUCCESS', actions: [] });
    await expect(client().getBuildStatusForRelease(STAGE_PIPELINE_JOB, 6, '4.19.1')).rejects.toThrow('cannot find parameter action for build zstreams/Stage-Pipeline/6');
  });
});

describe('configuration', () => {
  it('job path and config', () => {
    expect(jobPath('zstreams/Stage-Pipeline')).toBe('job/zstreams/job/Stage-Pipeline');
    expect(() => JenkinsClient.fromConfig(testConfig({ JENKINS_URL: BASE }))).toThrow(/JENKINS_USER and JENKINS_TOKEN/);
    expect(() => JenkinsClient.fromConfig(testConfig({ JENKINS_USER: 'u', JENKINS_TOKEN: 't' }))).toThrow(/set JENKINS_URL/);
    expect(JenkinsClient.fromConfig(testConfig({ JENKINS_USER: 'u', JENKINS_TOKEN: 't' }), { jenkinsUrl: `${BASE}/` }).jobUrl(STAGE_PIPELINE_JOB)).toBe(`${BASE}/job/zstreams/job/Stage-Pipeline/`);
  });
});
