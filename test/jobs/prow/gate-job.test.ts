import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler } from '../../../src/jobs/scheduler.ts';
import { prowGateJob, PROW_GATE_JOB } from '../../../src/jobs/prow/job.ts';
import { testConfig } from '../../../src/config/env.ts';
import { GANGWAY_TOKEN, nightlyPullSpec, startProwWorld, triggeredJobs, type ProwWorld } from '../../commands/prow/harness.ts';
import { envNotifier } from '../helpers.ts';

let w: ProwWorld;
const BUILD = '4.19.0-0.nightly-2026-07-04-000001';

beforeAll(async () => {
  w = await startProwWorld();
  w.releases.seedRelease({ name: BUILD, pullSpec: nightlyPullSpec(BUILD) });
  w.releases.seedRelease({ name: '4.19.36' });
});
afterAll(() => w.close());

function scheduler(streams: string, extra: Record<string, string> = {}) {
  const config = testConfig({ OAR_PROW_STREAMS: streams, GITHUB_TOKEN: 'gh', APITOKEN: GANGWAY_TOKEN, OAR_PROW_CHANNEL: '#release-gate', ...extra });
  const job = prowGateJob({
    config,
    store: w.store,
    clients: async () => ({ github: w.clients.github, prow: w.clients.prow, releaseController: w.clients.releaseController, labeler: w.clients.kube, slack: w.slack }),
    notifier: envNotifier(w.slack),
  });
  return { job, sched: createScheduler({ config, store: w.store, jobs: [job], owner: 'replica-1', enabled: false }) };
}

describe('the prow release gate as a scheduled job', () => {
  it('is defined on OAR_CRON_PROW (hourly at :15 by default)', () => {
    const { job } = scheduler('4.19');
    expect(job).toMatchObject({ name: PROW_GATE_JOB, schedule: '15 * * * *', scheduleVar: 'OAR_CRON_PROW' });
  });

  it('a dry run reports the new build and triggers nothing', async () => {
    const r = await scheduler('4.19:nightly').sched.runNow(PROW_GATE_JOB, { dryRun: true });
    expect(r.outcome).toBe('ok');
    expect(r.report?.lines).toEqual([`4.19-nightly-amd64: would trigger the jobs of new build ${BUILD}`]);
    expect(triggeredJobs(w.prow)).toHaveLength(0);
  });

  it('controllers for every stream, then the aggregator; a stream without builds is not an error', async () => {
    const r = await scheduler('4.19,4.98:nightly:amd64').sched.runNow(PROW_GATE_JOB);
    expect(r.outcome).toBe('ok');
    expect(r.report?.lines).toEqual([
      `4.19-nightly-amd64: new build ${BUILD}, 6 job(s) triggered`,
      '4.19-stable-amd64: new build 4.19.36, 3 job(s) triggered',
      '4.98-nightly-amd64: no build on the release controller',
      'aggregator amd64: 0 aggregated (0 accepted, 0 rejected), 2 pending, 0 job(s) retried, 0 recycled, 0 error(s)',
    ]);
    expect(triggeredJobs(w.prow)).toHaveLength(9);
    expect(r.report?.counts).toMatchObject({ streams: 3, newBuilds: 2, pending: 2, errors: 0 });
  });

  it('an error in one stream is reported and the rest still runs', async () => {
    w.github.seedFile('main', '_releases/ocp-4.97-test-jobs-amd64.json', JSON.stringify({ nightly: [{ prowJob: 'periodic-ci-x', optional: 'yes' }], stable: [] }));
    w.releases.seedRelease({ name: '4.97.0-0.nightly-2026-07-04-000001', stream: '4.97.0-0.nightly' });
    const r = await scheduler('4.97:nightly,4.19:nightly').sched.runNow(PROW_GATE_JOB);
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/^4\.97-nightly-amd64: test-job registry _releases\/ocp-4\.97-test-jobs-amd64\.json: job periodic-ci-x \(nightly\[0\]\) has "optional": the string "yes"/);
    expect(r.report?.lines?.[1]).toBe(`4.19-nightly-amd64: ${BUILD} unchanged`);
  });

  it('without streams the job says so; without tokens it fails clearly', async () => {
    expect((await scheduler('').sched.runNow(PROW_GATE_JOB)).report?.summary).toBe('OAR_PROW_STREAMS is empty: no Prow streams to watch');
    const noToken = await scheduler('4.19', { APITOKEN: '' }).sched.runNow(PROW_GATE_JOB);
    expect(noToken).toMatchObject({ outcome: 'failed', error: 'Missing required environment variables: APITOKEN' });
  });
});
