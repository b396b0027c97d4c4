/** image-consistency-check -i on a succeeded job: image health decides Pass/Fail (edge case 10), and the watch's poll. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { imageConsistencyCheck as imageConsistencyCheckDecl } from '../../src/commands/image-consistency-check.ts';
import { createProwJobWatchHandler } from '../../src/commands/prow-jobs/watch.ts';
import { createWatchPoller } from '../../src/jobs/watchers.ts';
import { followUpDeps } from '../../src/jobs/wiring.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { IMAGE_CONSISTENCY_JOB } from '../../src/integrations/prow.ts';
import { hex, seedStageImages, shipmentMr, startHarness, type Harness } from './image-consistency-check.harness.ts';
import { endCommandTest } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const imageConsistencyCheck = commandOf(imageConsistencyCheckDecl);

const icc = imageConsistencyCheck;

afterEach(endCommandTest);

async function konflux(opts: { mrState?: 'opened' | 'merged' | 'closed'; stageReleased?: boolean } = {}): Promise<Harness> {
  const h = await startHarness({ commands: [icc] });
  h.world.seedRelease('4.19.10', { ...(opts.mrState ? { mrState: opts.mrState } : {}) });
  if (opts.stageReleased !== false) shipmentMr(h.world, '4.19.10').labels.push('stage-release-success');
  return h;
}

const succeededJob = (hh: Harness) => hh.world.prow.seedJob({ job: IMAGE_CONSISTENCY_JOB, state: 'success' });
const A_THEN_C = [
  { grade: 'A', start_date: '2025-01-01T00:00:00+00:00' },
  { grade: 'C', start_date: '2025-02-01T00:00:00+00:00' },
];
const HEALTHY = [{ grade: 'A', start_date: '2025-01-01T00:00:00+00:00', end_date: '2999-01-01T00:00:00+00:00' }];
const FUTURE_F = { grade: 'F', start_date: '2999-01-01T00:00:00+00:00' };

describe('image-consistency-check -i: Konflux image health', () => {
  it('edge case 10: grading decides whether -i passes — A then C is C, ungraded is Unknown, both unhealthy → Fail, summary on the MR', async () => {
    const hh = await konflux();
    seedStageImages(hh.world, '4.19.10', [
      { digest: hex('a'), component: 'ose-cli', grades: A_THEN_C },
      { digest: hex('b'), component: 'ose-installer', grades: [...HEALTHY, FUTURE_F] },
      { digest: hex('c'), component: 'ose-tests', architecture: 'arm64' },
    ]);
    const job = succeededJob(hh);

    const r = await hh.run(icc, '4.19.10', { jobId: job.id });

    expect(r.outcome.status).toBe('fail');
    expect(r.log).toContain('INFO: Completed image health check. Scanned 3 images, found 2 unhealthy');
    const notes = shipmentMr(hh.world, '4.19.10').notes;
    expect(notes).toHaveLength(1);
    const body = notes[0]!.body;
    expect(body).toContain('Images scanned: 3.  \n');
    expect(body).toContain('Unhealthy components detected: 2.  \n');
    expect(body).toContain('Health info missed: 1.  \n');
    expect(body).toContain(`ose-cli (grade C, arch amd64) - quay.io/redhat-user-workloads/ocp-art-tenant/ose-cli@sha256:${hex('a')}.`);
    expect(body).toContain('ose-tests (grade Unknown, arch arm64)');
    expect(body).not.toContain('ose-installer (grade');
    expect(body).not.toContain('Vulnerabilities summary');
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Fail');
  });

  it('edge case 10: all images graded A or B → Pass; the MR note is posted once across re-runs', async () => {
    const hh = await konflux();
    seedStageImages(hh.world, '4.19.10', [
      { digest: hex('1'), component: 'ose-cli', grades: HEALTHY },
      { digest: hex('2'), component: 'ose-console', grades: [{ grade: 'B', start_date: '2025-01-01T00:00:00+00:00' }] },
    ]);
    const job = succeededJob(hh);

    const r = await hh.run(icc, '4.19.10', { jobId: job.id });
    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toBe('Image consistency check passed and images are healthy (Images scanned: 2, unhealthy: 0, health info missed: 0)');
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain(`Checking image consistency check Prow job status for job ID: ${job.id}`);

    await hh.engine.statebox.updateTask('4.19.10', 'image-consistency-check', 'In Progress', 'reset by hand', { force: true });
    const again = await hh.run(icc, '4.19.10', { jobId: job.id });
    expect(again.outcome.status).toBe('pass');
    expect(again.log).toContain('Image health summary already on shipment MR');
    const notes = shipmentMr(hh.world, '4.19.10').notes;
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toBe('Images scanned: 2.  \nUnhealthy components detected: 0.  \nHealth info missed: 0.  \n');
  });

  it('unhealthy images with vulnerabilities get the vulnerability table', async () => {
    const hh = await konflux();
    seedStageImages(hh.world, '4.19.10', [
      {
        digest: hex('d'),
        component: 'ose-etcd',
        grades: [{ grade: 'D', start_date: '2025-01-01T00:00:00+00:00' }],
        vulnerabilities: [{ cve_id: 'CVE-2026-1111', severity: 'Important', affected_packages: [{ name: 'openssl', version: '3.0.7' }], packages: [{ srpm_nevra: 'openssl-1:3.0.7-29.el9_4' }] }],
      },
    ]);
    const r = await hh.run(icc, '4.19.10', { jobId: succeededJob(hh).id });
    expect(r.outcome.status).toBe('fail');
    const body = shipmentMr(hh.world, '4.19.10').notes[0]!.body;
    expect(body).toContain('Vulnerabilities summary:');
    expect(body).toContain('| openssl-3.0.7 | Important | CVE-2026-1111 | openssl-1:3.0.7-29.el9_4 |');
  });

  it('defect 5: a shipment MR that is already merged does not fail the command: health is checked and noted on it', async () => {
    const hh = await konflux({ mrState: 'merged' });
    seedStageImages(hh.world, '4.19.10', [{ digest: hex('e'), component: 'ose-cli', grades: HEALTHY }]);

    const r = await hh.run(icc, '4.19.10', { jobId: succeededJob(hh).id });

    expect(r.outcome.status).toBe('pass');
    expect(r.log).toContain('INFO: Shipment MR');
    expect(r.log).toContain('is merged; checking image health on it anyway');
    expect(shipmentMr(hh.world, '4.19.10').notes).toHaveLength(1);
  });

  it('a stage release that has not succeeded yet keeps the task In Progress and keeps watching', async () => {
    const hh = await konflux({ stageReleased: false });
    hh.world.gitlab.seedPipeline(shipmentMr(hh.world, '4.19.10'), { jobs: { 'stage-release-triggers': 'running' } });
    const job = succeededJob(hh);

    const r = await hh.run(icc, '4.19.10', { jobId: job.id });

    expect(r.outcome.status).toBe('in_progress');
    expect(r.outcome.summary).toContain('Stage release pipeline is not completed yet');
    expect((await hh.task('4.19.10', 'image-consistency-check'))?.status).toBe('In Progress');
    expect((await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job', state: 'active' })).map((w) => w.subject.jobId)).toEqual([job.id]);
    expect(shipmentMr(hh.world, '4.19.10').notes).toHaveLength(0);
  });
});

describe('image-consistency-check -i: Errata image health', () => {
  async function errata(imageGrade: string): Promise<Harness> {
    const h = await startHarness({ commands: [icc] });
    const seeded = h.world.seedRelease('4.19.1');
    for (const [impetus, id] of Object.entries(seeded.advisories)) {
      const adv = h.world.errata.advisory(id);
      adv.containerGrade = impetus === 'image' ? imageGrade : 'A';
      if (impetus === 'image') adv.builds = { 'OSE-4.19-RHEL-9': ['ose-cli-container-v4.19.1-202606010000.p0'] };
    }
    h.world.releases.seedPyxisImages('ose-cli-container-v4.19.1-202606010000.p0', [
      { architecture: 'amd64', freshness_grades: A_THEN_C },
      { architecture: 'arm64', freshness_grades: HEALTHY },
    ]);
    return h;
  }

  it('defect 5: an unhealthy advisory posts the original Slack notice and fails, without ever building GitLab', async () => {
    const hh = await errata('C');
    const asked = vi.spyOn(LazyServices.prototype, 'get');
    const job = succeededJob(hh);

    const r = await hh.run(icc, '4.19.1', { jobId: job.id });

    expect(r.outcome.status).toBe('fail');
    expect(r.log).toContain('INFO: skipping RPM advisory - 151166, it has no container');
    const errataUrl = hh.world.errata.url;
    expect(hh.slack.messages('#team-qe-release').map((m) => m.text)).toEqual([
      'Hello <!subteam^S_QE_REL_419>, Found unhealthy advisories, please check if this is a known issue before ping artist in channel #forum-ocp-release, thanks\n' +
        `Advisory <${errataUrl}/advisory/151165|151165> has grade C with unhealthy builds:\n` +
        'ose-cli-container-v4.19.1-202606010000.p0 build for architecture amd64 has grade C\n',
    ]);
    expect(asked.mock.calls.map((c) => c[0])).not.toContain('gitlab');
    expect(hh.world.gitlab.calls).toHaveLength(0);
    // Each advisory's builds are read once, with the advisory, and graded from there.
    const buildReads = hh.world.errata.callsTo('GET', /\/builds\.json$/).map((c) => c.path);
    expect(buildReads).toContain('/advisory/151165/builds.json');
    expect(new Set(buildReads).size).toBe(buildReads.length);
    expect((await hh.task('4.19.1', 'image-consistency-check'))?.status).toBe('Fail');
  });

  it('healthy advisories pass without a Slack post', async () => {
    const hh = await errata('B');
    const r = await hh.run(icc, '4.19.1', { jobId: succeededJob(hh).id });
    expect(r.outcome.status).toBe('pass');
    expect(hh.slack.messages('#team-qe-release')).toHaveLength(0);
    expect((await hh.task('4.19.1', 'image-consistency-check'))?.status).toBe('Pass');
  });
});

describe('the prow-job watch', () => {
  const pollCtx = (attempt = 1) => ({ signal: new AbortController().signal, attempt });
  const depsOf = (hh: Harness) => ({ services: (r: string) => hh.engine.services(r), execute: (req: Parameters<typeof hh.engine.runner.execute>[0]) => hh.engine.runner.execute(req), command: (name: string) => hh.engine.registry.get(name), store: hh.store });

  it('does nothing while the job runs, then sets Pass/Fail with the same logic as -i', async () => {
    const hh = await konflux();
    seedStageImages(hh.world, '4.19.10', [{ digest: hex('f'), component: 'ose-cli', grades: A_THEN_C }]);
    hh.world.prow.nextScript = ['triggered', 'pending'];
    await hh.run(icc, '4.19.10');
    const [watch] = await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job' });
    const handler = createProwJobWatchHandler(depsOf(hh));

    const running = await handler.poll(watch!, pollCtx());
    expect(running).toEqual({ done: false, summary: `Prow job ${watch!.subject.jobId} is pending` });
    expect(shipmentMr(hh.world, '4.19.10').notes).toHaveLength(0);

    hh.world.prow.setJobState(String(watch!.subject.jobId), 'success');
    const ended = await handler.poll(watch!, pollCtx(2));
    expect(ended.done).toBe(true);
    expect(ended.status).toBe('Fail');
    expect(ended.outcome?.status).toBe('fail');
    expect(ended.summary).toContain('image health failed');
    expect(ended.result).toContain('Completed image health check. Scanned 1 images, found 1 unhealthy');
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Fail');
    expect(task?.result).toContain(`Checking image consistency check Prow job status for job ID: ${watch!.subject.jobId}`);
    expect(shipmentMr(hh.world, '4.19.10').notes[0]!.body).toContain('ose-cli (grade C, arch amd64)');
  });

  it('keeps watching while the release is locked by another command', async () => {
    const hh = await konflux();
    const job = succeededJob(hh);
    await hh.store.acquireLock({ key: 'release:4.19.10', holder: 'U_OTHER', reason: 'take-ownership', ttlMs: 60_000, owner: 'other' });
    const watch = { id: 'w1', kind: 'prow-job', release: '4.19.10', subject: { jobId: job.id, job: IMAGE_CONSISTENCY_JOB, command: 'image-consistency-check' }, state: 'active' as const, createdAt: new Date(), nextCheckAt: new Date(), deadline: new Date(Date.now() + 3600_000), intervalMs: 60_000, attempts: 0 };
    const r = await createProwJobWatchHandler(depsOf(hh)).poll(watch, pollCtx());
    expect(r.done).toBe(false);
    expect(r.summary).toContain('is locked by U_OTHER');
    expect(shipmentMr(hh.world, '4.19.10').notes).toHaveLength(0);
  });

  it('runs under the real poller: the watch ends, the task keeps the command log, the outcome goes to the thread', async () => {
    const hh = await konflux();
    seedStageImages(hh.world, '4.19.10', [{ digest: hex('9'), component: 'ose-cli', grades: HEALTHY }]);
    hh.world.prow.nextScript = ['triggered', 'pending'];
    const slack = await hh.engine.services('4.19.10').get('slack');
    const root = await slack.post({ channel: 'C_QE_RELEASE' }, { text: ':hourglass: image-consistency-check on 4.19.10' });
    const r = await hh.engine.runner.execute({ command: icc, release: '4.19.10', options: {}, actor: { id: 'U_LEAD', via: 'slack' }, slack: { channel: 'C_QE_RELEASE', threadTs: root.ts } });
    expect(r.kind).toBe('done');
    const jobId = [...hh.world.prow.jobs.keys()][0]!;
    hh.world.prow.setJobState(jobId, 'success');

    // The handlers the bot's poller gets: built by the command registry from the commands' follow-ups.
    const registry = hh.engine.registry.followUps(followUpDeps(hh.engine, hh.store));
    expect(registry.kinds()).toEqual(expect.arrayContaining(['jenkins-build', 'prow-job']));
    const poller = createWatchPoller({
      store: hh.store,
      statebox: { updateTask: (rel, t, s, res) => hh.engine.statebox.updateTask(rel, t, s, res).then(() => undefined) },
      slack: async () => slack,
      handlers: registry,
      now: () => new Date(Date.now() + 11 * 60_000),
    });

    const summary = await poller.pollOnce();

    expect(summary.done).toBe(1);
    const [watch] = await hh.store.listWatches({ release: '4.19.10', kind: 'prow-job' });
    expect(watch?.state).toBe('done');
    const task = await hh.task('4.19.10', 'image-consistency-check');
    expect(task?.status).toBe('Pass');
    expect(task?.result?.split('\n').at(-1)).toMatch(/task \[Image Consistency Check\] status is changed to \[Pass\]$/);
    const thread = hh.slack.allMessages().filter((m) => m.threadTs === root.ts).map((m) => m.text);
    expect(thread.some((t) => t.includes('[Pass] prow-job 4.19.10: Image consistency check passed and images are healthy'))).toBe(true);
  });
});
