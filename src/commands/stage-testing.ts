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
import { z } from 'zod';
import { ystreamOf } from '../release/version.ts';
import { CommandError, userMessageOf } from './errors.ts';
import { idOption } from './schemas.ts';
import { defineCommand, type CommandContext, type Outcome } from './types.ts';
import { buildNumberOf, concludedStatus, stageBuildUrls } from './prow-jobs/task-record.ts';
import { storedTask } from './prow-jobs/stored-task.ts';
import { jenkinsTriggeredText, notifyQeRelease } from './prow-jobs/notify.ts';

const TASK = 'stage-testing' as const;
/** The pipeline runs 2-4 hours. */
export const JENKINS_WATCH_INTERVAL_MS = 15 * 60_000;
export const JENKINS_WATCH_DEADLINE_MS = 10 * 3600_000;
/** Name used in the Slack notice (the original's `share_jenkins_build_url("Stage-Pipeline", ...)`). */
const JOB_SHORT_NAME = 'Stage-Pipeline';

export const stageTesting = defineCommand({
  name: 'stage-testing',
  group: 'oar',
  summary: 'Trigger the Jenkins stage-testing pipeline for the release payload; with -n, report a build',
  description:
    'Without -n: triggers zstreams/Stage-Pipeline with VERSION, PULL_SPEC and (when the release has one) METADATA_AD, unless stage testing already passed ' +
    'or is in progress; Konflux releases need a successful stage release first. The build is watched until it finishes. ' +
    'With -n <build>: reports that build (it must have been triggered for this release): SUCCESS → Pass, running → In Progress, anything else → Fail.',
  examples: ['oar -r 4.19.1 stage-testing', 'oar -r 4.19.1 stage-testing -n 123', '/oar 4.19.1 stage-testing -n 123'],
  safety: (o) => (o.buildNumber === undefined ? 'write' : 'read'),
  task: TASK,
  scope: 'zstream',
  longRunning: true,
  options: z.object({ buildNumber: idOption().optional().describe('Build number of zstreams/Stage-Pipeline: report this build instead of triggering') }),
  // `--build_number` is the original's spelling.
  aliases: { n: 'buildNumber', build_number: 'buildNumber' },
  async run(ctx, o) {
    return o.buildNumber === undefined ? trigger(ctx) : checkBuild(ctx, o.buildNumber);
  },
});

const jenkinsModule = () => import('../integrations/jenkins.ts');

const checkStep = (n: number) => ({ label: `Check build ${n}`, command: 'stage-testing', args: ['-n', String(n)] });

function buildWatch(ctx: CommandContext, job: string, subject: { buildNumber?: number; buildUrl?: string; queueId: number }): NonNullable<Outcome['watch']> {
  return {
    kind: 'jenkins-build',
    subject: { job, command: 'stage-testing', ...subject },
    intervalMs: JENKINS_WATCH_INTERVAL_MS,
    deadline: new Date(ctx.now().getTime() + JENKINS_WATCH_DEADLINE_MS),
    dedupKey: subject.buildNumber !== undefined ? `jenkins:${job}#${subject.buildNumber}` : `jenkins:${job}:queue:${subject.queueId}`,
  };
}

// --- status mode --------------------------------------------------------------------------------------------

async function checkBuild(ctx: CommandContext, n: number): Promise<Outcome> {
  const { STAGE_PIPELINE_JOB } = await jenkinsModule();
  ctx.log.info(`check stage job status according to job id: ${n}`);
  const cs = await ctx.configStore();
  const jenkins = await ctx.services.get('jenkins');
  let build;
  try {
    build = await jenkins.getBuildStatusForRelease(STAGE_PIPELINE_JOB, n, ctx.release, cs.candidateBuilds().x86_64);
  } catch (e) {
    // Another release's build, or Jenkins unreachable: nothing was learned about this release.
    const message = userMessageOf(e);
    ctx.log.error(message);
    return { status: 'fail', summary: message, recordTask: false };
  }
  ctx.log.info(`build status of ${STAGE_PIPELINE_JOB}/${n} is ${build.status}`);
  const links = [{ label: `${JOB_SHORT_NAME} #${n}`, url: build.url }];
  const data = { buildNumber: n, url: build.url, status: build.status, parameters: build.parameters };
  if (build.status === 'SUCCESS') return { status: 'pass', summary: `Stage testing build ${n} succeeded`, links, data };
  if (build.status === 'In Progress') return { status: 'in_progress', summary: `Stage testing build ${n} is still running`, links, data };
  return { status: 'fail', summary: `Stage testing build ${n} ended with ${build.status ?? 'no result'}`, links, data };
}

// --- trigger mode ---------------------------------------------------------------------------------------------

async function trigger(ctx: CommandContext): Promise<Outcome> {
  const { STAGE_PIPELINE_JOB } = await jenkinsModule();
  ctx.log.info('job id is not set, will trigger stage testing');
  const task = await storedTask(ctx, TASK);
  const concluded = concludedStatus(task);
  if (concluded === 'Pass') {
    ctx.log.info('stage testing already passed, no need to trigger again');
    return { status: 'pass', summary: 'stage testing already passed, no need to trigger again', recordTask: false };
  }
  if (concluded === 'In Progress') {
    ctx.log.info('stage testing already triggered and in progress, no need to trigger again');
    const last = stageBuildUrls(task?.result).at(-1);
    const n = last ? buildNumberOf(last) : undefined;
    return {
      status: 'in_progress',
      summary: 'stage testing already triggered and in progress, no need to trigger again',
      recordTask: false,
      ...(last ? { links: [{ label: `${JOB_SHORT_NAME} #${n}`, url: last }] } : {}),
      ...(n !== undefined ? { nextSteps: [checkStep(n)] } : {}),
    };
  }

  const cs = await ctx.configStore();
  if (cs.flow() === 'konflux') {
    const gitlab = await ctx.services.get('gitlab');
    const shipment = await gitlab.openShipmentMergeRequest(cs.shipmentMr(), { requireOpen: false });
    if (!shipment.isOpen) ctx.log.info(`Shipment MR ${shipment.iid} is ${shipment.state}; reading its stage release status anyway`);
    const stage = await shipment.isStageReleaseSuccess();
    if (!stage.success) {
      for (const line of stage.errors) ctx.log.error(line);
      ctx.log.info('stage release pipeline is not success, will not trigger stage test');
      // Fail (as the original recorded) so that a later run can trigger once the stage release is done.
      return { status: 'fail', summary: `stage release pipeline is not success (status ${stage.status}), will not trigger stage test`, links: [{ label: `Shipment MR !${shipment.iid}`, url: shipment.url }] };
    }
  }

  const jenkins = await ctx.services.get('jenkins');
  if (await jenkins.isQueued(STAGE_PIPELINE_JOB)) {
    ctx.log.info('there is pending job in the queue, please try again later');
    return { status: 'info', summary: 'there is pending job in the queue, please try again later', recordTask: false };
  }

  const payload = `quay.io/openshift-release-dev/ocp-release:${ctx.release}-x86_64`;
  let result;
  try {
    const metadata = cs.advisories().metadata;
    if (cs.flow() === 'errata' && metadata === undefined) throw new CommandError('metadata advisory not found');
    const parameters: Record<string, string> = { VERSION: ystreamOf(ctx.release) ?? ctx.release, PULL_SPEC: payload, ...(metadata !== undefined ? { METADATA_AD: String(metadata) } : {}) };
    result = await jenkins.triggerAndFollow(STAGE_PIPELINE_JOB, parameters, { signal: ctx.signal });
  } catch (e) {
    const message = `trigger stage pipeline job failed: ${userMessageOf(e)}`;
    ctx.log.error(message);
    return { status: 'fail', summary: message };
  }
  if (result.kind === 'cancelled') {
    const message = `trigger stage pipeline job failed: ${result.message}`;
    ctx.log.error(message);
    return { status: 'fail', summary: message };
  }
  const buildUrl = result.kind === 'started' ? result.buildUrl : undefined;
  ctx.log.info(`triggered stage pipeline job: <${buildUrl ?? result.message}>`);
  const notice = await notifyQeRelease(ctx, cs, (lead) => jenkinsTriggeredText(ctx.release, lead, JOB_SHORT_NAME, { ...(buildUrl ? { buildUrl } : {}), message: result.message }));
  const common = { ...(notice ? { blockers: [notice] } : {}), data: { ...result, payload } };
  if (result.kind === 'started') {
    return {
      status: 'in_progress',
      summary: `Triggered ${JOB_SHORT_NAME} build ${result.buildNumber}`,
      links: [{ label: `${JOB_SHORT_NAME} #${result.buildNumber}`, url: result.buildUrl }],
      nextSteps: [checkStep(result.buildNumber)],
      watch: buildWatch(ctx, STAGE_PIPELINE_JOB, { buildNumber: result.buildNumber, buildUrl: result.buildUrl, queueId: result.queueId }),
      ...common,
    };
  }
  // Queued but not started yet (blocked, or the wait ran out): the watch follows the queue item.
  return {
    status: 'in_progress',
    summary: result.message,
    links: [{ label: 'Queue item', url: result.queueUrl }],
    watch: buildWatch(ctx, STAGE_PIPELINE_JOB, { queueId: result.queueId }),
    ...common,
  };
}
