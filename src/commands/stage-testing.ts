/**
 * `stage-testing` (spec 6.6, 9.5): trigger the Jenkins `zstreams/Stage-Pipeline` job for the
 * release payload, or (`-n <build>`) report one of its builds.
 *
 * Defects fixed here:
 * - 2: re-running after Pass changes nothing (no demotion, the result is kept).
 * - 5: only a Konflux release builds the GitLab client (for the stage-release check), and a
 *   shipment MR that is merged or closed is still read (its labels/pipelines say whether the
 *   stage release succeeded).
 * - 19: the queue check matches the job by its URL (in the Jenkins client); a queued build makes
 *   this run a no-op instead of leaving the task stuck `In Progress`.
 * - 20: a missing `stage-release-triggers` stage is "not successful", not a crash (GitLab client).
 *
 * Safety: trigger = write; `-n` = read (it only reads Jenkins and records the task status).
 */
import { idOption } from './schemas.ts';
import { declareCommand } from './types.ts';

export const TASK = 'stage-testing' as const;

/** The follow-up of a triggered build (handler: prow-jobs/watch.ts). */
export const JENKINS_BUILD_KIND = 'jenkins-build';

export const stageTesting = declareCommand({
  name: 'stage-testing',
  group: 'oar',
  summary: 'Trigger the Jenkins stage-testing pipeline for the release payload; with -n, report a build',
  description:
    'Without -n: triggers zstreams/Stage-Pipeline with VERSION, PULL_SPEC and (when the release has one) METADATA_AD, unless stage testing already passed ' +
    'or is in progress; Konflux releases need a successful stage release first. The build is watched until it finishes. ' +
    'With -n <build>: reports that build (it must have been triggered for this release): SUCCESS → Pass, running → In Progress, anything else → Fail.',
  examples: ['oar -r 4.19.1 stage-testing', 'oar -r 4.19.1 stage-testing -n 123', '/oar 4.19.1 stage-testing -n 123'],
  options: (z) => z.object({ buildNumber: idOption().optional().describe('Build number of zstreams/Stage-Pipeline: report this build instead of triggering') }),
  safety: (o) => (o.buildNumber === undefined ? 'write' : 'read'),
  task: TASK,
  scope: 'zstream',
  longRunning: true,
  // `--build_number` is the original's spelling.
  aliases: { n: 'buildNumber', build_number: 'buildNumber' },
  followUpKinds: [{ kind: JENKINS_BUILD_KIND, summary: 'Waits for the queued build to start and end, then runs `stage-testing -n <build>` to set Pass/Fail' }],
});
