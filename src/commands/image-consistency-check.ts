/**
 * `image-consistency-check` (spec 6.3, 8.3, 9.6, 10.5, 11.7): trigger the Prow job that checks
 * every payload image against the shipment MR, or (`-i <job id>`) report a job and, when it
 * succeeded, check the release's image health.
 *
 * Defects fixed here:
 * - 2: re-running after Pass changes nothing (no demotion, the result is kept).
 * - 3: an aborted/errored job really resets the task to `Not Started`.
 * - 4: the duplicate-trigger guard finds the last triggered job in the active `prow-job` watches
 *   and in the StateBox result; a status-mode run carries the trigger line forward
 *   (`Previously triggered image consistency check Prow job: <id>`), so a check in between does
 *   not lose it. A running job, or a succeeded one whose result was not assessed yet, blocks a
 *   new trigger.
 * - 5: trigger mode needs no GitLab client at all; status mode builds it only for Konflux
 *   releases and accepts a merged/closed shipment MR.
 * - 11: a missing APITOKEN is a Fail with a clear sentence.
 * - a trigger whose job URL is slow to appear is not reported as failed: the job exists.
 *
 * Safety: `write` in both modes. Status mode writes too when the job succeeded: the image health
 * note on the shipment MR (Konflux) or a Slack post (Errata, unhealthy), and the task status.
 */
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

export const TASK = 'image-consistency-check' as const;

/** The follow-up of a triggered job (handler: prow-jobs/watch.ts). */
export const PROW_JOB_KIND = 'prow-job';

/** Prow job ids: Gangway answers UUIDs; anything else shell-ish or long is refused. */
const jobIdOption = (z: Zod) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a Prow job id like 3f1c9a52-8d0e-4b7a-9c39-2f5d1e0b6a41');

export const imageConsistencyCheck = declareCommand({
  name: 'image-consistency-check',
  group: 'oar',
  summary: 'Trigger the image consistency check Prow job; with -i, report the job and check image health',
  description:
    'Without -i: triggers periodic-ci-openshift-release-tests-main-image-consistency-check for the release payload and its shipment MR (Konflux releases), ' +
    'unless a job for the release is still running or already passed, and watches it until it ends. ' +
    'With -i <job id>: reports the job; when it succeeded, checks image health (Konflux: stage catalog grades, summary posted on the shipment MR; ' +
    'Errata: advisory grades, unhealthy ones posted to Slack). Healthy → Pass, unhealthy → Fail, aborted/errored job → task reset to Not Started.',
  examples: ['oar -r 4.19.10 image-consistency-check', 'oar -r 4.19.10 image-consistency-check -i 3f1c9a52-8d0e-4b7a-9c39-2f5d1e0b6a41', '/oar 4.19.10 image-consistency-check'],
  safety: 'write',
  task: TASK,
  scope: 'zstream',
  longRunning: true,
  options: (z) => z.object({ jobId: jobIdOption(z).optional().describe('Prow job id: report this job instead of triggering a new one') }),
  aliases: { i: 'jobId' },
  followUpKinds: [{ kind: PROW_JOB_KIND, summary: 'Waits for the Prow job to end, then runs `image-consistency-check -i <job id>` to set Pass/Fail' }],
});
