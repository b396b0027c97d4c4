/** What `stageTesting` does (declared in ./stage-testing.ts; the registry imports this module on its first run). */
import { STAGE_PIPELINE_JOB } from '../integrations/jenkins.ts';
import { ystreamOf } from '../release/version.ts';
import { CommandError, userMessageOf } from './errors.ts';
import { implement, type CommandContext, type Outcome } from './types.ts';
import { buildNumberOf, concludedStatus, stageBuildUrls } from './prow-jobs/task-record.ts';
import { storedTask } from './prow-jobs/stored-task.ts';
import { jenkinsTriggeredText, notifyQeRelease } from './prow-jobs/notify.ts';
import { JENKINS_BUILD_KIND, stageTesting, TASK } from './stage-testing.ts';
import { createJenkinsBuildWatchHandler } from './prow-jobs/watch.ts';

/** The pipeline runs 2-4 hours. */
export const JENKINS_WATCH_INTERVAL_MS = 15 * 60_000;
export const JENKINS_WATCH_DEADLINE_MS = 10 * 3600_000;
/** Name used in the Slack notice (the original's `share_jenkins_build_url("Stage-Pipeline", ...)`). */
const JOB_SHORT_NAME = 'Stage-Pipeline';

export default implement(stageTesting, {
  followUps: { [JENKINS_BUILD_KIND]: createJenkinsBuildWatchHandler },
  async run(ctx, o) {
    return o.buildNumber === undefined ? trigger(ctx) : checkBuild(ctx, o.buildNumber);
  },
});


const checkStep = (n: number) => ({ label: `Check build ${n}`, command: 'stage-testing', args: ['-n', String(n)] });

function buildWatch(ctx: CommandContext, job: string, subject: { buildNumber?: number; buildUrl?: string; queueId: number }): NonNullable<Outcome['watch']> {
  return {
    kind: JENKINS_BUILD_KIND,
    subject: { job, command: 'stage-testing', ...subject },
    intervalMs: JENKINS_WATCH_INTERVAL_MS,
    deadline: new Date(ctx.now().getTime() + JENKINS_WATCH_DEADLINE_MS),
    dedupKey: subject.buildNumber !== undefined ? `jenkins:${job}#${subject.buildNumber}` : `jenkins:${job}:queue:${subject.queueId}`,
  };
}

// --- status mode --------------------------------------------------------------------------------------------

async function checkBuild(ctx: CommandContext, n: number): Promise<Outcome> {
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
  // Neither the CSRF crumb nor the notice's mention depends on the queue check: read them alongside it.
  jenkins.prefetchCrumb();
  ctx.notifier.prefetchMentions();
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
