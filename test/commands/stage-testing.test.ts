import { afterEach, describe, expect, it, vi } from 'vitest';
import { stageTesting as stageTestingDecl } from '../../src/commands/stage-testing.ts';
import { createJenkinsBuildWatchHandler } from '../../src/commands/prow-jobs/watch.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { parseOptions } from '../../src/commands/options.ts';
import { safetyOf } from '../../src/commands/types.ts';
import { shipmentMr, startHarness, type Harness } from './image-consistency-check.harness.ts';
import { endCommandTest } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const stageTesting = commandOf(stageTestingDecl);

const st = stageTesting;
const JOB = 'zstreams/Stage-Pipeline';

afterEach(endCommandTest);

async function harness(release: string, opts: { mrState?: 'opened' | 'merged' | 'closed'; stageReleased?: boolean } = {}): Promise<Harness> {
  const h = await startHarness({ commands: [st] });
  h.world.seedRelease(release, { ...(opts.mrState ? { mrState: opts.mrState } : {}) });
  if (release === '4.19.10' && opts.stageReleased !== false) shipmentMr(h.world, release).labels.push('stage-release-success');
  return h;
}

const triggers = (hh: Harness) => hh.world.jenkins.callsTo('POST', /buildWithParameters$/);

describe('stage-testing: trigger mode', () => {
  it('Errata flow: triggers Stage-Pipeline with VERSION, PULL_SPEC and METADATA_AD, notifies Slack, watches the build; defect 5: never builds GitLab', async () => {
    const hh = await harness('4.19.1');
    const asked = vi.spyOn(LazyServices.prototype, 'get');

    const r = await hh.run(st, '4.19.1');

    expect(r.outcome.status).toBe('in_progress');
    const posts = triggers(hh);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe('/job/zstreams/job/Stage-Pipeline/buildWithParameters');
    expect(hh.world.jenkins.builds.map((b) => b.parameters)).toEqual([{ VERSION: '4.19', PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', METADATA_AD: '151168' }]);
    const url = `${hh.world.jenkins.url}/job/zstreams/job/Stage-Pipeline/1/`;
    const task = await hh.task('4.19.1', 'stage-testing');
    expect(task?.status).toBe('In Progress');
    expect(task?.result).toContain('INFO: job id is not set, will trigger stage testing');
    expect(task?.result).toContain(`INFO: triggered stage pipeline job: <${url}>`);
    expect(hh.slack.messages('#team-qe-release').map((m) => m.text)).toEqual([`[4.19.1] Hello <!subteam^S_QE_REL_419>, triggered jenkins build for job [Stage-Pipeline], url is ${url}`]);
    const watches = await hh.store.listWatches({ release: '4.19.1', kind: 'jenkins-build' });
    expect(watches.map((w) => w.subject)).toEqual([{ job: JOB, command: 'stage-testing', buildNumber: 1, buildUrl: url, queueId: expect.any(Number) }]);
    expect(asked.mock.calls.map((c) => c[0])).not.toContain('gitlab');
    expect(hh.world.gitlab.calls).toHaveLength(0);
  });

  it('Konflux flow: checks the stage release first, then triggers without METADATA_AD', async () => {
    const hh = await harness('4.19.10');
    const r = await hh.run(st, '4.19.10');
    expect(r.outcome.status).toBe('in_progress');
    expect(hh.world.jenkins.builds.map((b) => b.parameters)).toEqual([{ VERSION: '4.19', PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64' }]);
  });

  it('defect 5: a Konflux shipment MR that is already merged does not fail the command', async () => {
    const hh = await harness('4.19.10', { mrState: 'merged' });
    const r = await hh.run(st, '4.19.10');
    expect(r.outcome.status).toBe('in_progress');
    expect(r.log).toContain('is merged; reading its stage release status anyway');
    expect(triggers(hh)).toHaveLength(1);
  });

  it('a stage release that has not succeeded records Fail (so a later run can trigger) and triggers nothing', async () => {
    const hh = await harness('4.19.10', { stageReleased: false });
    hh.world.gitlab.seedPipeline(shipmentMr(hh.world, '4.19.10'), { jobs: { 'stage-release-triggers': 'running' } });

    const r = await hh.run(st, '4.19.10');

    expect(r.outcome.status).toBe('fail');
    expect(r.log).toContain('ERROR: Stage release failed with status running');
    expect(r.log).toContain('INFO: stage release pipeline is not success, will not trigger stage test');
    expect(triggers(hh)).toHaveLength(0);
    expect((await hh.task('4.19.10', 'stage-testing'))?.status).toBe('Fail');

    shipmentMr(hh.world, '4.19.10').labels.push('stage-release-success');
    expect((await hh.run(st, '4.19.10')).outcome.status).toBe('in_progress');
    expect(triggers(hh)).toHaveLength(1);
  });

  it('defect 20: a pipeline without the stage-release stage is "not success", not a crash', async () => {
    const hh = await harness('4.19.10', { stageReleased: false });
    hh.world.gitlab.seedPipeline(shipmentMr(hh.world, '4.19.10'), { jobs: { build: 'success' } });
    const r = await hh.run(st, '4.19.10');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe('stage release pipeline is not success (status not_found), will not trigger stage test');
  });

  it('defect 2: re-running after Pass skips without demoting the task or touching its result', async () => {
    const hh = await harness('4.19.1');
    await hh.engine.statebox.updateTask('4.19.1', 'stage-testing', 'Pass', '2026-06-01T10:00:00Z: INFO: task [Stage Testing] status is changed to [Pass]');
    const before = await hh.task('4.19.1', 'stage-testing');

    const r = await hh.run(st, '4.19.1');

    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toBe('stage testing already passed, no need to trigger again');
    expect(triggers(hh)).toHaveLength(0);
    expect(await hh.task('4.19.1', 'stage-testing')).toEqual(before);
  });

  it('a second trigger while the first is in progress is skipped and points at the build', async () => {
    const hh = await harness('4.19.1');
    await hh.run(st, '4.19.1');

    const again = await hh.run(st, '4.19.1');

    expect(again.outcome.summary).toBe('stage testing already triggered and in progress, no need to trigger again');
    expect(again.outcome.nextSteps).toEqual([{ label: 'Check build 1', command: 'stage-testing', args: ['-n', '1'] }]);
    expect(triggers(hh)).toHaveLength(1);
    expect((await hh.task('4.19.1', 'stage-testing'))?.result).toContain('triggered stage pipeline job: <');
  });

  it('after a Fail the next run triggers again', async () => {
    const hh = await harness('4.19.1');
    await hh.engine.statebox.updateTask('4.19.1', 'stage-testing', 'Fail', '2026-06-01T10:00:00Z: INFO: task [Stage Testing] status is changed to [Fail]');
    expect((await hh.run(st, '4.19.1')).outcome.status).toBe('in_progress');
    expect(triggers(hh)).toHaveLength(1);
  });

  it('defect 19: a Stage-Pipeline build waiting in the queue makes the run a no-op, and does not leave the task stuck', async () => {
    const hh = await harness('4.19.1');
    hh.world.jenkins.queue.push({ id: 77, job: JOB, parameters: {}, readsLeft: Infinity, blocked: true });

    const r = await hh.run(st, '4.19.1');
    expect(r.outcome.summary).toBe('there is pending job in the queue, please try again later');
    expect(triggers(hh)).toHaveLength(0);

    hh.world.jenkins.queue.length = 0;
    expect((await hh.run(st, '4.19.1')).outcome.status).toBe('in_progress');
    expect(triggers(hh)).toHaveLength(1);
  });

  it('a blocked queue item is reported with the original sentence and watched', async () => {
    const hh = await harness('4.19.1');
    hh.world.jenkins.blockQueue(true);

    const r = await hh.run(st, '4.19.1');

    expect(r.outcome.status).toBe('in_progress');
    expect(r.outcome.summary).toMatch(/^a new job triggered by you is pending, you can check queue item link: .*\/queue\/item\/\d+\/api\/json$/);
    expect(hh.slack.messages('#team-qe-release')[0]?.text).toBe(`[4.19.1] Hello <!subteam^S_QE_REL_419>, ${r.outcome.summary}`);
    const [watch] = await hh.store.listWatches({ release: '4.19.1', kind: 'jenkins-build' });
    expect(watch?.subject.buildNumber).toBeUndefined();
    expect(typeof watch?.subject.queueId).toBe('number');
  });

  it('Jenkins refusing the trigger is a Fail with the original prefix', async () => {
    const hh = await harness('4.19.1');
    hh.world.jenkins.fault({ method: 'POST', path: /buildWithParameters$/, status: 500, body: 'boom' });
    const r = await hh.run(st, '4.19.1');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(/^trigger stage pipeline job failed: /);
    expect((await hh.task('4.19.1', 'stage-testing'))?.status).toBe('Fail');
  });
});

describe('stage-testing -n: status mode', () => {
  it('maps SUCCESS → Pass, running → In Progress, anything else → Fail', async () => {
    const hh = await harness('4.19.1');
    const params = { VERSION: '4.19', PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64' };
    hh.world.jenkins.seedBuild({ job: JOB, number: 11, parameters: params, result: 'SUCCESS' });
    hh.world.jenkins.seedBuild({ job: JOB, number: 12, parameters: params, finished: false, readsLeft: 99 });
    hh.world.jenkins.seedBuild({ job: JOB, number: 13, parameters: params, result: 'UNSTABLE' });

    const ok = await hh.run(st, '4.19.1', { buildNumber: 11 });
    expect(ok.outcome.status).toBe('pass');
    expect(ok.log).toContain('INFO: check stage job status according to job id: 11');
    expect(ok.log).toContain('INFO: build status of zstreams/Stage-Pipeline/11 is SUCCESS');
    expect((await hh.task('4.19.1', 'stage-testing'))?.status).toBe('Pass');

    await hh.engine.statebox.updateTask('4.19.1', 'stage-testing', 'Not Started', 'reset', { force: true });
    expect((await hh.run(st, '4.19.1', { buildNumber: 12 })).outcome.status).toBe('in_progress');
    expect((await hh.task('4.19.1', 'stage-testing'))?.status).toBe('In Progress');
    expect((await hh.run(st, '4.19.1', { buildNumber: 13 })).outcome.status).toBe('fail');
    expect((await hh.task('4.19.1', 'stage-testing'))?.status).toBe('Fail');
  });

  it('a build triggered for another release is refused and the task is left alone', async () => {
    const hh = await harness('4.19.1');
    hh.world.jenkins.seedBuild({ job: JOB, number: 21, parameters: { PULL_SPEC: 'quay.io/openshift-release-dev/ocp-release:4.18.7-x86_64' } });
    await hh.engine.statebox.updateTask('4.19.1', 'stage-testing', 'In Progress', 'earlier');

    const r = await hh.run(st, '4.19.1', { buildNumber: 21 });

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain('please make sure this build zstreams/Stage-Pipeline/21 is triggered for 4.19.1');
    expect(await hh.task('4.19.1', 'stage-testing')).toMatchObject({ status: 'In Progress', result: 'earlier' });
  });

  it('is read-only with -n and write without; -n and --build_number both work', () => {
    expect(safetyOf(st, { buildNumber: 3 })).toBe('read');
    expect(safetyOf(st, {})).toBe('write');
    expect(parseOptions(st, ['-n', '42'])).toEqual({ buildNumber: 42 });
    expect(parseOptions(st, ['--build_number', '42'])).toEqual({ buildNumber: 42 });
    expect(() => parseOptions(st, ['-n', '4;2'])).toThrow();
  });
});

describe('the jenkins-build watch', () => {
  const pollCtx = (attempt = 1) => ({ signal: new AbortController().signal, attempt });
  const depsOf = (hh: Harness) => ({ services: (r: string) => hh.engine.services(r), execute: (req: Parameters<typeof hh.engine.runner.execute>[0]) => hh.engine.runner.execute(req), command: (name: string) => hh.engine.registry.get(name), store: hh.store });

  it('waits while the build runs, then records its result through stage-testing -n', async () => {
    const hh = await harness('4.19.1');
    await hh.run(st, '4.19.1');
    const [watch] = await hh.store.listWatches({ release: '4.19.1', kind: 'jenkins-build' });
    const handler = createJenkinsBuildWatchHandler(depsOf(hh));
    hh.world.jenkins.builds[0]!.readsLeft = 2;

    const running = await handler.poll(watch!, pollCtx());
    expect(running).toEqual({ done: false, summary: 'zstreams/Stage-Pipeline build 1 is running' });

    const ended = await handler.poll(watch!, pollCtx(2));
    expect(ended.done).toBe(true);
    expect(ended.status).toBe('Pass');
    expect(ended.result).toContain('INFO: build status of zstreams/Stage-Pipeline/1 is SUCCESS');
    expect((await hh.task('4.19.1', 'stage-testing'))?.status).toBe('Pass');
  });

  it('follows a queue item to its build and keeps the build number in the watch', async () => {
    const hh = await harness('4.19.1');
    hh.world.jenkins.blockQueue(true);
    await hh.run(st, '4.19.1');
    const [watch] = await hh.store.listWatches({ release: '4.19.1', kind: 'jenkins-build' });
    const handler = createJenkinsBuildWatchHandler(depsOf(hh));

    expect(await handler.poll(watch!, pollCtx())).toEqual({ done: false, summary: 'zstreams/Stage-Pipeline is still queued (Build #12 is already in progress)' });
    hh.world.jenkins.blockQueue(false);
    const r = await handler.poll(watch!, pollCtx(2));
    expect(r.done).toBe(false);
    expect(r.summary).toBe('zstreams/Stage-Pipeline build 1 is running');
    expect((await hh.store.getWatch(watch!.id))?.subject).toMatchObject({ buildNumber: 1, buildUrl: `${hh.world.jenkins.url}/job/zstreams/job/Stage-Pipeline/1/` });
  });
});
