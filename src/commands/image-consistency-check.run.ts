/** What `imageConsistencyCheck` does (declared in ./image-consistency-check.ts; the registry imports this module on its first run). */
import { IMAGE_CONSISTENCY_JOB, prowOutcome } from '../integrations/prow.ts';
import { userMessageOf, CommandError } from './errors.ts';
import { implement, type CommandContext, type Outcome } from './types.ts';
import { concludedStatus, checkedJobIds, triggeredJobIds, type StoredTask } from './prow-jobs/task-record.ts';
import { storedTask } from './prow-jobs/stored-task.ts';
import { notifyQeRelease, prowJobTriggeredText } from './prow-jobs/notify.ts';
import { checkReleaseImageHealth } from './prow-jobs/image-health-check.ts';
import { imageConsistencyCheck, PROW_JOB_KIND, TASK } from './image-consistency-check.ts';
import { createProwJobWatchHandler } from './prow-jobs/watch.ts';

/** The job runs 90-120 minutes. */
export const PROW_WATCH_INTERVAL_MS = 10 * 60_000;
export const PROW_WATCH_DEADLINE_MS = 8 * 3600_000;

export default implement(imageConsistencyCheck, {
  followUps: { [PROW_JOB_KIND]: createProwJobWatchHandler },
  async run(ctx, o) {
    return o.jobId ? checkJob(ctx, o.jobId) : triggerJob(ctx);
  },
});


function prowWatch(ctx: CommandContext, jobId: string, jobName: string): NonNullable<Outcome['watch']> {
  return {
    kind: PROW_JOB_KIND,
    subject: { jobId, job: jobName, command: 'image-consistency-check' },
    intervalMs: PROW_WATCH_INTERVAL_MS,
    deadline: new Date(ctx.now().getTime() + PROW_WATCH_DEADLINE_MS),
    dedupKey: `prow:${jobId}`,
  };
}

const checkStep = (jobId: string) => ({ label: 'Check job status', command: 'image-consistency-check', args: ['-i', jobId] });

// --- trigger mode ---------------------------------------------------------------------------------------

async function triggerJob(ctx: CommandContext): Promise<Outcome> {
  const task = await storedTask(ctx, TASK);
  const concluded = concludedStatus(task);
  if (concluded === 'Pass') {
    ctx.log.info('Image consistency check already passed, skipping');
    return { status: 'pass', summary: 'Image consistency check already passed, skipping', recordTask: false };
  }
  const duplicate = await duplicateGuard(ctx, task, concluded, IMAGE_CONSISTENCY_JOB);
  if (duplicate) return duplicate;

  const cs = await ctx.configStore();
  const payload = `quay.io/openshift-release-dev/ocp-release:${ctx.release}-x86_64`;
  let triggered;
  let prowUrl: string;
  try {
    const mrUrl = cs.shipmentMr();
    if (!mrUrl) throw new CommandError(`No shipment MR found for release ${ctx.release}. Image consistency check requires Konflux flow with a shipment MR.`);
    const prow = await ctx.services.get('prow');
    prowUrl = prow.prowUrl;
    // A triggered job is announced: read Slack's user groups (the lead's mention) alongside the trigger.
    ctx.notifier.prefetchMentions();
    triggered = await prow.triggerImageConsistencyCheck(payload, mergeRequestIid(mrUrl), { signal: ctx.signal });
  } catch (e) {
    const message = `Failed to trigger image consistency check Prow job: ${userMessageOf(e)}`;
    ctx.log.error(message);
    return { status: 'fail', summary: message };
  }
  const { id } = triggered;
  ctx.log.info(`Triggered image consistency check Prow job: ${id}`);
  const url = triggered.job?.jobURL ?? undefined;
  if (url) ctx.log.info(`Prow job URL: ${url}`);
  else ctx.log.warn(`${triggered.message ?? `Job ${id} has no URL yet.`} The job was created; it is watched until it ends.`);
  const jobPage = url ?? `${prowUrl}/prowjob?prowjob=${id}`;
  const notice = await notifyQeRelease(ctx, cs, (lead) => prowJobTriggeredText(ctx.release, lead, IMAGE_CONSISTENCY_JOB, jobPage));
  return {
    status: 'in_progress',
    summary: `Triggered image consistency check Prow job ${id}`,
    sections: [{ fields: [{ label: 'Job', value: IMAGE_CONSISTENCY_JOB }, { label: 'Job id', value: id }, { label: 'Payload', value: payload }] }],
    links: [{ label: 'Prow job', url: jobPage }],
    ...(notice ? { blockers: [notice] } : {}),
    nextSteps: [checkStep(id)],
    watch: prowWatch(ctx, id, IMAGE_CONSISTENCY_JOB),
    data: { jobId: id, jobName: IMAGE_CONSISTENCY_JOB, url: url ?? null, payload },
  };
}

/** `https://.../-/merge_requests/123` → 123 (0 when absent: the Prow client's check names it). */
export function mergeRequestIid(url: string): number {
  const m = /\/merge_requests\/(\d+)/.exec(url);
  return m ? Number(m[1]) : 0;
}

/**
 * Is a job for this release still running, or succeeded but not assessed yet? Candidates are the
 * active `prow-job` watches of the release and the job ids in the stored task result, newest first.
 */
async function duplicateGuard(ctx: CommandContext, task: StoredTask | null, concluded: string | null, jobName: string): Promise<Outcome | undefined> {
  const candidates: string[] = [];
  const add = (id: string) => {
    if (!candidates.includes(id)) candidates.push(id);
  };
  if (ctx.store) {
    const watches = await ctx.store.listWatches({ state: 'active', release: ctx.release, kind: PROW_JOB_KIND });
    for (const w of watches.reverse()) if (w.subject.job === jobName && typeof w.subject.jobId === 'string') add(w.subject.jobId);
  }
  for (const id of [...triggeredJobIds(task?.result), ...checkedJobIds(task?.result)].reverse()) add(id);
  if (candidates.length === 0) return undefined;
  // A job whose result a status-mode run already turned into Pass/Fail/Not Started is settled.
  const assessed = new Set(concluded && concluded !== 'In Progress' ? checkedJobIds(task?.result) : []);
  const prow = await ctx.services.get('prow');
  for (const id of candidates) {
    let job;
    try {
      job = await prow.getJob(id);
    } catch (e) {
      const message = `Could not read Prow job ${id} (${userMessageOf(e)}); not triggering, to avoid a duplicate job`;
      ctx.log.error(message);
      return { status: 'fail', summary: message, recordTask: false };
    }
    if (!job) {
      ctx.log.info(`Prow job ${id} not found, ignoring it`);
      continue;
    }
    const kind = prowOutcome(job.jobState);
    if (kind === 'running' || (kind === 'success' && !assessed.has(id))) {
      const message = `Prow job ${id} already in state '${job.jobState}', skipping duplicate trigger`;
      ctx.log.info(message);
      return {
        status: 'in_progress',
        summary: kind === 'success' ? `${message}; run \`image-consistency-check -i ${id}\` for its result` : message,
        recordTask: false,
        ...(job.jobURL ? { links: [{ label: 'Prow job', url: job.jobURL }] } : {}),
        nextSteps: [checkStep(id)],
        ...(kind === 'running' ? { watch: prowWatch(ctx, id, jobName) } : {}),
        data: { jobId: id, jobState: job.jobState, duplicate: true },
      };
    }
    ctx.log.info(`Prow job ${id} ended with state '${job.jobState}', re-triggering`);
  }
  return undefined;
}

// --- status mode ------------------------------------------------------------------------------------------

async function checkJob(ctx: CommandContext, jobId: string): Promise<Outcome> {
  ctx.log.info(`Checking image consistency check Prow job status for job ID: ${jobId}`);
  const task = await storedTask(ctx, TASK);
  // Keep the last trigger in the result this run records (defect 4).
  const previous = triggeredJobIds(task?.result).filter((id) => id !== jobId).at(-1);
  if (previous) ctx.log.info(`Previously triggered image consistency check Prow job: ${previous}`);

  const prow = await ctx.services.get('prow');
  const job = await prow.getJob(jobId);
  if (!job) {
    ctx.log.error(`Could not retrieve job info for job ID: ${jobId}`);
    return { status: 'fail', summary: `Job ${jobId} not found or Prow API error` };
  }
  if (job.jobName !== IMAGE_CONSISTENCY_JOB) {
    const message = `Prow job ${jobId} is ${job.jobName}, not ${IMAGE_CONSISTENCY_JOB}`;
    ctx.log.error(message);
    return { status: 'fail', summary: message, recordTask: false };
  }
  ctx.log.info(`Job state: ${job.jobState}, URL: ${job.jobURL ?? 'None'}`);
  const links = job.jobURL ? [{ label: 'Prow job', url: job.jobURL }] : [];
  const data = { jobId, jobState: job.jobState, url: job.jobURL };

  switch (prowOutcome(job.jobState)) {
    case 'running':
      return { status: 'in_progress', summary: `Prow job ${jobId} is ${job.jobState}`, links, watch: prowWatch(ctx, jobId, IMAGE_CONSISTENCY_JOB), data };
    case 'aborted':
      return resetForRetrigger(ctx, jobId, job.jobState, links, data);
    case 'success':
      break;
    default:
      return { status: 'fail', summary: `Prow job ${jobId} ended with state '${job.jobState}'`, links, nextSteps: [{ label: 'Trigger again', command: 'image-consistency-check' }], data };
  }

  const cs = await ctx.configStore();
  const health = await checkReleaseImageHealth(ctx, cs);
  const sections = [
    { title: 'Image health', lines: [health.summary, ...health.lines] },
    ...(health.warnings.length ? [{ title: 'Warnings', lines: health.warnings }] : []),
  ];
  const common = { links: [...links, ...health.links], sections, data: { ...data, health: health.data } };
  if (health.verdict === 'pending') {
    // The consistency job passed; health needs the stage release. Keep watching.
    return { status: 'in_progress', summary: `Prow job ${jobId} succeeded; ${health.summary}`, ...common, watch: prowWatch(ctx, jobId, IMAGE_CONSISTENCY_JOB) };
  }
  if (health.verdict === 'healthy') return { status: 'pass', summary: `Image consistency check passed and images are healthy (${health.summary})`, ...common };
  return { status: 'fail', summary: `Image consistency check passed but image health failed: ${health.summary}`, ...common };
}

/**
 * An aborted/errored job did not judge the payload: reset the task to `Not Started` so the check
 * is triggered again (defect 3). The outcome's taskStatus tells the runner to record Not Started.
 */
async function resetForRetrigger(ctx: CommandContext, jobId: string, state: string, links: Outcome['links'], data: Record<string, unknown>): Promise<Outcome> {
  ctx.log.warn(`Prow job ${jobId} ended with state '${state}', resetting for re-trigger`);
  const current = await ctx.statebox.getTaskStatus(ctx.release, TASK);
  if (current === 'Pass') {
    ctx.log.info('Image consistency check already passed; the task is not reset');
    return { status: 'info', summary: `Prow job ${jobId} ended with state '${state}'; the task already passed and is kept`, recordTask: false, ...(links ? { links } : {}), data };
  }
  return {
    status: 'info',
    taskStatus: 'Not Started',
    summary: `Prow job ${jobId} ended with state '${state}'; the task is reset to Not Started, trigger the check again`,
    ...(links ? { links } : {}),
    nextSteps: [{ label: 'Trigger again', command: 'image-consistency-check', style: 'primary' }],
    data: { ...data, taskStatus: 'Not Started' },
  };
}
