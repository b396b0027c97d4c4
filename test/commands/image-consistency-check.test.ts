import { afterEach, describe, expect, it, vi } from 'vitest';
import { imageConsistencyCheck as imageConsistencyCheckDecl } from '../../src/commands/image-consistency-check.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { parseOptions } from '../../src/commands/options.ts';
import { IMAGE_CONSISTENCY_JOB } from '../../src/integrations/prow.ts';
import { shipmentMr, startHarness, type Harness } from './image-consistency-check.harness.ts';
import { endCommandTest } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const imageConsistencyCheck = commandOf(imageConsistencyCheckDecl);

const icc = imageConsistencyCheck;
const TRIGGER_LINE = /Triggered image consistency check Prow job: (\S+)/;

afterEach(endCommandTest);

async function harness(opts: { env?: Record<string, string>; omitEnv?: string[] } = {}): Promise<Harness> {
  const h = await startHarness({ commands: [icc], ...opts });
  return h;
}

const gangwayPosts = (hh: Harness) => hh.world.prow.callsTo('POST', /^\/v1\/executions\//);

describe('image-consistency-check: trigger mode', () => {
  it('triggers the Prow job for the payload and shipment MR, records In Progress with the job id, notifies Slack and registers a watch', async () => {
    const hh = await harness();
    const seeded = hh.world.seedRelease('4.19.10');
    hh.world.prow.nextScript = ['triggered', 'pending'];

    const r = await hh.run(icc, '4.19.10');

    expect(r.outcome.status).toBe('in_progress');
    const posts = gangwayPosts(hh);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe(`/v1/executions/${IMAGE_CONSISTENCY_JOB}`);
    expect(posts[0]!.body).toEqual({
      job_execution_type: '1',
      pod_spec_options: { envs: { MULTISTAGE_PARAM_OVERRIDE_PAYLOAD_URL: 'quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64', MULTISTAGE_PARAM_OVERRIDE_MERGE_REQUEST_ID: String(seeded.mrIid) } },
    });
    const jobId = [...hh.world.prow.jobs.keys()][0]!;
    const job = hh.world.prow.jobs.get(jobId)!;

    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('In Progress');
    expect(task?.result).toContain(`Triggered image consistency check Prow job: ${jobId}`);
    expect(task?.result).toContain(`Prow job URL: ${job.url}`);
    expect(task?.result?.split('\n').at(-1)).toMatch(/: INFO: task \[Image Consistency Check\] status is changed to \[In Progress\]$/);

    const msgs = hh.slack.messages('#team-qe-release');
    expect(msgs.map((m) => m.text)).toEqual([`[4.19.10] Hello <!subteam^S_QE_REL_419>, triggered Prow job [${IMAGE_CONSISTENCY_JOB}], url is ${job.url}`]);

    const watches = await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job' });
    expect(watches).toHaveLength(1);
    expect(watches[0]!.subject).toEqual({ jobId, job: IMAGE_CONSISTENCY_JOB, command: 'image-consistency-check' });
    expect(watches[0]!.dedupKey).toBe(`prow:${jobId}`);
    expect(r.outcome.nextSteps).toEqual([{ label: 'Check job status', command: 'image-consistency-check', args: ['-i', jobId] }]);
  });

  it('defect 11: a missing APITOKEN is a clear Fail, recorded, and nothing is posted to Gangway', async () => {
    const hh = await harness({ omitEnv: ['APITOKEN'] });
    hh.world.seedRelease('4.19.10');

    const r = await hh.run(icc, '4.19.10');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe('Failed to trigger image consistency check Prow job: APITOKEN is not set: Prow jobs cannot be triggered through Gangway');
    expect(gangwayPosts(hh)).toHaveLength(0);
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Fail');
    expect(task?.result).toContain(': ERROR: Failed to trigger image consistency check Prow job: APITOKEN is not set');
    expect(hh.slack.messages('#team-qe-release')).toHaveLength(0);
  });

  it('defect 5: an Errata-flow release never builds the GitLab client (trigger fails with the original sentence)', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.1');
    const asked = vi.spyOn(LazyServices.prototype, 'get');
    hh.world.gitlab.resetRecords();

    const r = await hh.run(icc, '4.19.1');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe('Failed to trigger image consistency check Prow job: No shipment MR found for release 4.19.1. Image consistency check requires Konflux flow with a shipment MR.');
    expect(asked.mock.calls.map((c) => c[0])).not.toContain('gitlab');
    expect(hh.world.gitlab.calls).toHaveLength(0);
    expect(gangwayPosts(hh)).toHaveLength(0);
    expect((await hh.task('4.19.1', 'image-consistency-check'))?.status).toBe('Fail');
  });

  it('defect 5: a Konflux release whose shipment MR is already merged still triggers (no shipment client needed)', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10', { mrState: 'merged' });
    const asked = vi.spyOn(LazyServices.prototype, 'get');

    const r = await hh.run(icc, '4.19.10');

    expect(r.outcome.status).toBe('in_progress');
    expect(gangwayPosts(hh)).toHaveLength(1);
    expect(asked.mock.calls.map((c) => c[0])).not.toContain('gitlab');
  });

  it('defect 2: re-running after Pass skips without demoting the task or touching its result', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    await hh.engine.statebox.updateTask('4.19.10', 'image-consistency-check', 'Pass', '2026-06-01T10:00:00Z: INFO: task [Image Consistency Check] status is changed to [Pass]');
    const before = await hh.task('4.19.10', 'image-consistency-check');

    const r = await hh.run(icc, '4.19.10');

    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toBe('Image consistency check already passed, skipping');
    expect(gangwayPosts(hh)).toHaveLength(0);
    expect(await hh.task('4.19.10', 'image-consistency-check')).toEqual(before);
  });

  it('defect 4: the duplicate-trigger guard survives a status-mode run in between (StateBox and watch)', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    hh.world.prow.nextScript = ['triggered', 'pending'];
    await hh.run(icc, '4.19.10');
    const jobId = [...hh.world.prow.jobs.keys()][0]!;

    // A status check while the job runs rewrites the task result.
    const status = await hh.run(icc, '4.19.10', { jobId });
    expect(status.outcome.status).toBe('in_progress');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.result).not.toMatch(TRIGGER_LINE);

    const again = await hh.run(icc, '4.19.10');
    expect(again.outcome.summary).toBe(`Prow job ${jobId} already in state 'pending', skipping duplicate trigger`);
    expect(again.outcome.status).toBe('in_progress');
    expect(gangwayPosts(hh)).toHaveLength(1);
    // one watch for the job, not one per run
    expect(await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job' })).toHaveLength(1);

    // The StateBox result alone still guards (watch gone) ...
    for (const w of await hh.store.listWatches({ release: '4.19.10' })) await hh.store.updateWatch(w.id, { state: 'cancelled' });
    expect((await hh.run(icc, '4.19.10')).outcome.summary).toContain('skipping duplicate trigger');
    // ... and the watch alone guards (StateBox result overwritten by hand).
    await hh.store.addWatch({ kind: 'prow-job', release: '4.19.10', subject: { jobId, job: IMAGE_CONSISTENCY_JOB, command: 'image-consistency-check' }, intervalMs: 60_000, deadline: new Date(Date.now() + 3600_000), dedupKey: `prow:${jobId}` });
    await hh.engine.statebox.updateTask('4.19.10', 'image-consistency-check', 'In Progress', 'set by hand');
    expect((await hh.run(icc, '4.19.10')).outcome.summary).toContain('skipping duplicate trigger');
    expect(gangwayPosts(hh)).toHaveLength(1);
  });

  it('defect 4: a status check of another job keeps the last trigger line in the result', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    hh.world.prow.nextScript = ['triggered', 'pending'];
    await hh.run(icc, '4.19.10');
    const jobId = [...hh.world.prow.jobs.keys()][0]!;
    const old = hh.world.prow.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'failure' });

    const r = await hh.run(icc, '4.19.10', { jobId: old.id });
    expect(r.outcome.status).toBe('fail');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.result).toContain(`Previously triggered image consistency check Prow job: ${jobId}`);

    for (const w of await hh.store.listWatches({ release: '4.19.10' })) await hh.store.updateWatch(w.id, { state: 'cancelled' });
    const again = await hh.run(icc, '4.19.10');
    expect(again.outcome.summary).toBe(`Prow job ${jobId} already in state 'pending', skipping duplicate trigger`);
    expect(gangwayPosts(hh)).toHaveLength(1);
  });

  it('a succeeded job whose result was not checked yet blocks a new trigger and points at -i', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    hh.world.prow.nextScript = ['triggered', 'success'];
    await hh.run(icc, '4.19.10');
    const jobId = [...hh.world.prow.jobs.keys()][0]!;

    const again = await hh.run(icc, '4.19.10');

    expect(again.outcome.summary).toBe(`Prow job ${jobId} already in state 'success', skipping duplicate trigger; run \`image-consistency-check -i ${jobId}\` for its result`);
    expect(again.outcome.nextSteps?.[0]?.args).toEqual(['-i', jobId]);
    expect(gangwayPosts(hh)).toHaveLength(1);
  });

  it('defect 3: an aborted job resets the task to Not Started, and the next trigger runs a new job', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    hh.world.prow.nextScript = ['triggered', 'pending'];
    await hh.run(icc, '4.19.10');
    const jobId = [...hh.world.prow.jobs.keys()][0]!;
    hh.world.prow.setJobState(jobId, 'aborted');

    const r = await hh.run(icc, '4.19.10', { jobId });

    expect(r.outcome.status).toBe('info');
    expect(r.outcome.summary).toBe(`Prow job ${jobId} ended with state 'aborted'; the task is reset to Not Started, trigger the check again`);
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Not Started');
    expect(task?.result).toContain(`WARNING: Prow job ${jobId} ended with state 'aborted', resetting for re-trigger`);
    expect(task?.result?.split('\n').at(-1)).toMatch(/INFO: task \[Image Consistency Check\] status is changed to \[Not Started\]$/);

    const again = await hh.run(icc, '4.19.10');
    expect(again.outcome.status).toBe('in_progress');
    expect(again.log).toContain(`Prow job ${jobId} ended with state 'aborted', re-triggering`);
    expect(gangwayPosts(hh)).toHaveLength(2);
  });

  it('an errored job is reset too; a passed task is not reset by an old aborted job', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    const errored = hh.world.prow.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'error' });
    await hh.run(icc, '4.19.10', { jobId: errored.id });
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.status).toBe('Not Started');

    await hh.engine.statebox.updateTask('4.19.10', 'image-consistency-check', 'Pass', 'passed');
    const r = await hh.run(icc, '4.19.10', { jobId: errored.id });
    expect(r.outcome.summary).toContain('the task already passed and is kept');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.status).toBe('Pass');
  });
});

describe('image-consistency-check: status mode', () => {
  it('a failed job is Fail; a pending one is In Progress with a watch', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    const failed = hh.world.prow.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'failure' });
    const pending = hh.world.prow.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'pending' });

    const f = await hh.run(icc, '4.19.10', { jobId: failed.id });
    expect(f.outcome.status).toBe('fail');
    expect(f.log).toContain(`INFO: Checking image consistency check Prow job status for job ID: ${failed.id}`);
    expect(f.log).toContain(`INFO: Job state: failure, URL: ${failed.url}`);
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.status).toBe('Fail');

    const p = await hh.run(icc, '4.19.10', { jobId: pending.id });
    expect(p.outcome.status).toBe('in_progress');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.status).toBe('In Progress');
    expect((await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job' })).map((w) => w.subject.jobId)).toEqual([pending.id]);
  });

  it('an unknown job id is a Fail with the original sentence', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    const r = await hh.run(icc, '4.19.10', { jobId: 'no-such-job' });
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe('Job no-such-job not found or Prow API error');
    expect(r.log).toContain('ERROR: Could not retrieve job info for job ID: no-such-job');
  });

  it('a job of another Prow job name is refused and not recorded', async () => {
    const hh = await harness();
    hh.world.seedRelease('4.19.10');
    const other = hh.world.prow.seedJob({ job: 'periodic-ci-openshift-release-master-nightly-4.19-e2e-aws', state: 'success' });
    await hh.engine.statebox.updateTask('4.19.10', 'image-consistency-check', 'Fail', 'earlier');
    const r = await hh.run(icc, '4.19.10', { jobId: other.id });
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain('not periodic-ci-openshift-release-tests-main-image-consistency-check');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.result).toBe('earlier');
    expect(shipmentMr(hh.world, '4.19.10').notes).toHaveLength(0);
  });

  it('job ids with shell characters are refused at parse time', () => {
    expect(() => parseOptions(icc, ['-i', 'abc;rm -rf /'])).toThrow(/--job-id\/-i: must be a Prow job id/);
    expect(parseOptions(icc, ['-i', '3f1c9a52-8d0e-4b7a-9c39-2f5d1e0b6a41'])).toEqual({ jobId: '3f1c9a52-8d0e-4b7a-9c39-2f5d1e0b6a41' });
  });

  it('is a write command in both modes (status mode posts the MR note or Slack notice)', () => {
    expect(imageConsistencyCheck.safety).toBe('write');
  });
});
