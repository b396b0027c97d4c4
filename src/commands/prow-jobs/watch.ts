/**
 * Follow-up handlers of the work these commands leave behind: `prow-job` (image-consistency-check)
 * and `jenkins-build` (stage-testing). Each command's implementation names its factory in
 * `followUps`; the command registry builds it for the poller of src/jobs/watchers.ts.
 *
 * A poll first reads the job cheaply; while it runs, nothing else happens. Once it has ended,
 * the poll runs the command's status mode through the runner (`image-consistency-check -i <id>`,
 * `stage-testing -n <build>`), so a watch sets Pass/Fail with exactly the logic a user gets, under
 * the per-release lock, with the StateBox result, MR note / Slack notice and audit.
 *
 * The handlers declare no `task`: the runner has already recorded the task when the status-mode
 * run ends, so the poller must not write it again (it would replace the command's log with a
 * summary). For the same reason an expired watch leaves the task as it is and says how to check.
 *
 * The handlers implement the follow-up contract of src/commands/types.ts (FollowUpHandler).
 */
import { prowOutcome } from '../../integrations/prow.ts';
import type { RunRequest, RunResult } from '../runner.ts';
import type { Services } from '../services.ts';
import type { Actor, AnyCommand, FollowUpContext, FollowUpResult, Outcome } from '../types.ts';
import type { Store, Watch } from '../../store/types.ts';
import { userMessageOf } from '../errors.ts';

/** What these handlers read of the poll context (the follow-up contract's, commands/types.ts). */
export type CommandWatchPollContext = Pick<FollowUpContext, 'signal' | 'attempt'>;

/** A follow-up result; `status` is for the report only (the runner recorded the task). */
export interface CommandWatchPollResult extends FollowUpResult {
  /** The status-mode outcome (for callers that render it). */
  outcome?: Outcome;
}

export interface CommandWatchHandler {
  poll(watch: Watch, ctx: CommandWatchPollContext): Promise<CommandWatchPollResult>;
  onExpire(watch: Watch): Omit<CommandWatchPollResult, 'done'>;
}

export interface CommandWatchDeps {
  /** Integration clients for a release (`engine.services`). */
  services: (release: string) => Pick<Services, 'get'>;
  /** The runner (`(req) => engine.runner.execute(req)`). */
  execute(req: RunRequest): Promise<RunResult>;
  /** The registered command of a name (`(name) => engine.registry.get(name)`): status mode runs it. */
  command(name: string): AnyCommand | undefined;
  /** To remember a queued Jenkins build's number once it started (queue items are short-lived). */
  store?: Pick<Store, 'updateWatch'>;
  /** Who status-mode runs are audited as; it needs the write role. Default `job:watchers`. */
  actor?: Actor;
}

export const WATCH_ACTOR: Actor = { id: 'job:watchers', name: 'watchers', via: 'job' };

/** A job the watch cannot find this many times in a row is given up. */
const MAX_MISSING = 6;

/** `prow-job` watches: `{ jobId, job, command: 'image-consistency-check' }`. */
export function createProwJobWatchHandler(deps: CommandWatchDeps): CommandWatchHandler {
  return {
    async poll(watch, ctx) {
      const jobId = watch.subject.jobId;
      if (typeof jobId !== 'string' || !jobId) return { done: true, summary: 'the watch has no Prow job id' };
      const prow = await deps.services(watch.release).get('prow');
      const job = await prow.getJob(jobId);
      if (!job) {
        return ctx.attempt >= MAX_MISSING
          ? { done: true, summary: `Prow job ${jobId} not found after ${ctx.attempt} checks; stopped watching` }
          : { done: false, summary: `Prow job ${jobId} not found yet` };
      }
      const kind = prowOutcome(job.jobState);
      if (kind === 'running') return { done: false, summary: `Prow job ${jobId} is ${job.jobState}` };
      if (watch.subject.command !== 'image-consistency-check') {
        return { done: true, summary: `Prow job ${jobId} (${job.jobName}) ended with state '${job.jobState}'` };
      }
      return runStatusMode(watch, deps, ctx, 'image-consistency-check', { jobId });
    },
    onExpire(watch) {
      const id = String(watch.subject.jobId ?? '');
      return { summary: `Stopped watching Prow job ${id} at the deadline; the task is left as it is. Check it with \`image-consistency-check -i ${id}\`.` };
    },
  };
}

/** `jenkins-build` watches: `{ job, command: 'stage-testing', queueId, buildNumber?, buildUrl? }`. */
export function createJenkinsBuildWatchHandler(deps: CommandWatchDeps): CommandWatchHandler {
  return {
    async poll(watch, ctx) {
      const job = typeof watch.subject.job === 'string' ? watch.subject.job : undefined;
      if (!job) return { done: true, summary: 'the watch has no Jenkins job' };
      const jenkins = await deps.services(watch.release).get('jenkins');
      let buildNumber = typeof watch.subject.buildNumber === 'number' ? watch.subject.buildNumber : undefined;
      if (buildNumber === undefined) {
        const queueId = watch.subject.queueId;
        if (typeof queueId !== 'number') return { done: true, summary: 'the watch has neither a build number nor a queue item' };
        const item = await jenkins.queueItem(queueId);
        if (item.cancelled) return { done: true, summary: `queue item ${queueId} of ${job} was cancelled; trigger stage testing again` };
        if (!item.executable) return { done: false, summary: `${job} is still queued (${item.why ?? 'waiting'})` };
        buildNumber = item.executable.number;
        // Jenkins forgets left queue items after a few minutes: keep the build number.
        const subject = { ...watch.subject, buildNumber, buildUrl: item.executable.url };
        await deps.store?.updateWatch(watch.id, { subject });
      }
      const build = await jenkins.getBuild(job, buildNumber);
      if (build.inProgress) return { done: false, summary: `${job} build ${buildNumber} is running` };
      if (watch.subject.command !== 'stage-testing') return { done: true, summary: `${job} build ${buildNumber} finished with ${build.result ?? 'no result'}` };
      return runStatusMode(watch, deps, ctx, 'stage-testing', { buildNumber });
    },
    onExpire(watch) {
      const n = watch.subject.buildNumber;
      return { summary: `Stopped watching stage testing at the deadline; the task is left as it is.${typeof n === 'number' ? ` Check it with \`stage-testing -n ${n}\`.` : ''}` };
    },
  };
}

async function runStatusMode(watch: Watch, deps: CommandWatchDeps, ctx: CommandWatchPollContext, name: string, options: Record<string, unknown>): Promise<CommandWatchPollResult> {
  const command = deps.command(name);
  if (!command) return { done: true, summary: `${name} is not a registered command: cannot check the watched work` };
  let r: RunResult;
  try {
    r = await deps.execute({
      command,
      release: watch.release,
      options,
      actor: deps.actor ?? WATCH_ACTOR,
      signal: ctx.signal,
      text: `oar -r ${watch.release} ${command.name} ${Object.entries(options).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(v)}`).join(' ')}`,
      ...(watch.report ? { slack: watch.report } : {}),
    });
  } catch (e) {
    // Polled again next interval.
    return { done: false, summary: `${command.name} could not run: ${userMessageOf(e)}` };
  }
  switch (r.kind) {
    case 'done': {
      const o = r.outcome;
      // Still running, or image health not checkable yet (stage release): keep watching.
      if (o.status === 'in_progress') return { done: false, summary: o.summary, outcome: o };
      const status = o.status === 'pass' ? 'Pass' : o.status === 'fail' ? 'Fail' : undefined;
      return { done: true, ...(status ? { status } : {}), summary: o.summary, result: r.log, outcome: o };
    }
    case 'locked':
    case 'refused':
      return { done: false, summary: r.message };
    case 'denied':
    case 'duplicate':
      return { done: true, summary: `${command.name} could not run from the watch: ${r.message}` };
    case 'needs-confirmation':
      return { done: true, summary: `${command.name} needs a confirmation and cannot run from a watch` };
    case 'pending-approval':
      return { done: true, summary: `${command.name} needs a second approval and cannot run from a watch: ${r.message}` };
  }
}
