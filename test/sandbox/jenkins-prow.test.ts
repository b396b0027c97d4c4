import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startJenkinsSimulator, type JenkinsSimulator } from '../../src/sandbox/jenkins/index.ts';
import { startProwSimulator, type ProwSimulator } from '../../src/sandbox/prow/index.ts';
import { JenkinsClient, STAGE_PIPELINE_JOB } from '../../src/integrations/jenkins.ts';
import { IMAGE_CONSISTENCY_JOB, ProwClient, prowOutcome } from '../../src/integrations/prow.ts';
import { settleWithFakeTime } from '../integrations/fake-time.ts';

const PAYLOAD = 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64';

describe('simulated Jenkins', () => {
  let sim: JenkinsSimulator;
  let jenkins: JenkinsClient;
  beforeAll(async () => {
    sim = await startJenkinsSimulator({ user: 'qe-bot', token: 'api-token', queueReadsBeforeStart: 2, buildReadsBeforeFinish: 2 });
    jenkins = new JenkinsClient({ baseUrl: sim.url, user: 'qe-bot', token: 'api-token', queueWaitMs: 60_000, queuePollMs: 5_000, retries: 1, minRetryDelayMs: 1 });
  });
  afterAll(() => sim.close());
  afterEach(() => vi.useRealTimers());

  it('trigger with crumb → queue → build → status, all recorded', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = await settleWithFakeTime(jenkins.triggerAndFollow(STAGE_PIPELINE_JOB, { VERSION: '4.19', PULL_SPEC: PAYLOAD }));
    expect(r).toMatchObject({ kind: 'started', buildNumber: 1, buildUrl: `${sim.url}/job/zstreams/job/Stage-Pipeline/1/` });
    vi.useRealTimers();
    expect((await jenkins.getBuildStatusForRelease(STAGE_PIPELINE_JOB, 1, '4.19.1')).status).toBe('In Progress');
    expect((await jenkins.getBuildStatusForRelease(STAGE_PIPELINE_JOB, 1, '4.19.1')).status).toBe('SUCCESS');
    expect(sim.changes.map((c) => c.kind)).toEqual(['build-queued', 'build-started', 'build-finished']);
    expect(sim.changes[0]!.detail.parameters).toEqual({ VERSION: '4.19', PULL_SPEC: PAYLOAD });
    const post = sim.callsTo('POST', '/job/zstreams/job/Stage-Pipeline/buildWithParameters')[0]!;
    expect(post.headers['jenkins-crumb']).toBe('***');
    expect(post.headers.authorization).toBe('Basic ***');
  });

  it('a blocked queue gives the pending sentence; the queue check sees the job (defect 19)', async () => {
    sim.blockQueue(true);
    const r = await jenkins.triggerAndFollow(STAGE_PIPELINE_JOB, { VERSION: '4.19', PULL_SPEC: PAYLOAD });
    expect(r.kind).toBe('blocked');
    expect(r.message).toMatch(/^a new job triggered by you is pending, you can check queue item link: http:\/\/127\.0\.0\.1:\d+\/queue\/item\/\d+\/api\/json$/);
    expect(await jenkins.isQueued(STAGE_PIPELINE_JOB)).toBe(true);
    sim.blockQueue(false);
  });

  it('wrong credentials', async () => {
    const bad = new JenkinsClient({ baseUrl: sim.url, user: 'qe-bot', token: 'wrong', retries: 0 });
    await expect(bad.getBuild(STAGE_PIPELINE_JOB, 1)).rejects.toMatchObject({ status: 401 });
  });
});

describe('simulated Gangway + Prow', () => {
  let sim: ProwSimulator;
  let prow: ProwClient;
  beforeAll(async () => {
    sim = await startProwSimulator({ token: 'gangway-token', knownJobs: [IMAGE_CONSISTENCY_JOB] });
    prow = new ProwClient({ gangwayUrl: sim.url, prowUrl: sim.url, token: 'gangway-token', urlWaitMs: 25_000, urlPollMs: 5_000, retries: 0 });
  });
  afterAll(() => sim.close());
  afterEach(() => vi.useRealTimers());

  it('image consistency check: trigger, wait for the URL, follow the state to success', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = await settleWithFakeTime(prow.triggerImageConsistencyCheck(PAYLOAD, 412));
    vi.useRealTimers();
    expect(r.ready).toBe(true);
    expect(r.job).toMatchObject({ jobName: IMAGE_CONSISTENCY_JOB, jobState: 'pending' });
    expect(r.job!.jobURL).toContain(`/logs/${IMAGE_CONSISTENCY_JOB}/`);
    const later = await prow.getJob(r.id);
    expect(later).toMatchObject({ jobState: 'success' });
    expect(later!.jobCompletionTime).toBeDefined();
    expect(sim.changes[0]).toMatchObject({ kind: 'job-triggered', detail: { job: IMAGE_CONSISTENCY_JOB, envs: { MULTISTAGE_PARAM_OVERRIDE_PAYLOAD_URL: PAYLOAD, MULTISTAGE_PARAM_OVERRIDE_MERGE_REQUEST_ID: '412' } } });
    expect(sim.changes.filter((c) => c.kind === 'job-state').map((c) => c.detail.to)).toEqual(['pending', 'success']);
  });

  it('scripted failures and states map to outcomes', async () => {
    const job = sim.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'aborted' });
    expect(prowOutcome((await prow.getJob(job.id))!.jobState)).toBe('aborted');
    sim.setJobState(job.id, 'failure');
    expect(prowOutcome((await prow.getJob(job.id))!.jobState)).toBe('failure');
    expect(await prow.getJob('no-such-id')).toBeNull();
  });

  it('a bad token is 403 → "Please check the Prow token"; an unknown job is 500', async () => {
    const bad = new ProwClient({ gangwayUrl: sim.url, prowUrl: sim.url, token: 'stale', retries: 0 });
    await expect(bad.triggerJob(IMAGE_CONSISTENCY_JOB)).rejects.toThrow('Please check the Prow token. Error code: 403, reason: permission denied: invalid token');
    await expect(prow.triggerJob('periodic-ci-unknown', {}, { label: 'unknown' })).rejects.toThrow(/^Failed to run unknown job\. Error code: 500, reason: failed to create job/);
  });
});
