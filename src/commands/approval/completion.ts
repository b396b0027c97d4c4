/**
 * The deferred half of change-advisory-status: once the payload metadata URL of the release is
 * reachable, make sure the shipment MR was not closed meanwhile (Konflux), move the advisories to
 * REL_PREP (checked first: nothing moves when one is blocked) and close the ART QE subtasks,
 * which change-advisory-status left open while the approval was deferred (defect 9).
 *
 * It runs as change-advisory-status itself, resumed by the `async-approval` watch
 * (approval/async-approval.ts) through the runner: the per-release lock, the audit entries and
 * the StateBox task are the runner's, as for every other run. The resume request is internal:
 * its option is not part of the command's option shape (change-advisory-status.ts), so no front
 * end can give it; only a RunRequest built in code (the follow-up) carries it.
 */
import type { CommandContext, Outcome } from '../types.ts';
import { loadReleaseAdvisories, moveAdvisoriesToRelPrep } from './advisories.ts';
import { errorMessage, type LineLog } from './log.ts';
import { closeQeSubtasks } from './subtasks.ts';
import { openShipment } from './shipment.ts';
import { CommandError } from '../errors.ts';
import { defineWatchResume, type WatchResumeRequest } from '../watch-resume.ts';
import { ASYNC_APPROVAL_KIND } from '../change-advisory-status.ts';

/** The async-approval watch's resume request (internal: not an option of the command's shape). */
export const asyncApprovalResume = defineWatchResume({
  key: 'asyncApprovalResume',
  kind: ASYNC_APPROVAL_KIND,
  command: 'change-advisory-status',
  what: 'an async approval',
  // `complete`: the URL was reachable at the watch's check; `timeout`: the deadline passed.
  steps: ['complete', 'timeout'],
});
export type AsyncApprovalResume = WatchResumeRequest<'complete' | 'timeout'>;

/** The original's final log lines of the completion (oar-commands 10.4 steps 5, 6, 8). */
export const COMPLETED_LINE = 'Release approval completed. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.';
const ONE_MONTH_MS = 31 * 24 * 3600_000;

export interface ApprovalCompletion {
  moved: number[];
  closedSubtasks: string[];
}

type CompletionContext = Pick<CommandContext, 'services' | 'configStore' | 'signal'>;

/** Move to REL_PREP and close the QE subtasks; throws on failure (a blocked advisory: nothing moved). */
export async function completeApproval(ctx: CompletionContext, log: LineLog): Promise<ApprovalCompletion> {
  const cs = await ctx.configStore();
  if (cs.flow() === 'konflux') {
    // The MR may have been abandoned while the approval waited: then the release does not ship.
    const shipment = await openShipment(await ctx.services.get('gitlab'), cs.shipmentMr(), log);
    if (shipment.state === 'closed') throw new CommandError(`Shipment MR !${shipment.iid} was closed (not merged) while the approval waited; the advisories were not moved`);
  }
  const errata = await ctx.services.get('errata');
  const ads = await loadReleaseAdvisories(errata, cs.advisories(), ctx.signal);
  const { moved } = await moveAdvisoriesToRelPrep(errata, ads, log);
  const jira = await ctx.services.get('jira');
  const closedSubtasks = await closeQeSubtasks(jira, cs.jiraTicket(), log);
  return { moved: moved.map((a) => a.id), closedSubtasks };
}

/**
 * change-advisory-status resumed by its async-approval watch, inside the runner (lock held, task
 * In Progress). `complete` checks the URL again under the lock, then completes the approval at
 * most once per watch (a store dedup key guards a re-claim after a crash); `timeout` records the
 * original's timeout lines. The outcome's summary is the error of a failure (the handler words
 * the notices); the captured log becomes the StateBox result.
 */
export async function resumeAsyncApproval(ctx: CommandContext, resume: AsyncApprovalResume): Promise<Outcome> {
  const release = ctx.release;
  const log = ctx.log;
  const watch = await asyncApprovalResume.watchOf(ctx, resume);
  const data = { release, resumed: resume.step, watch: watch.id };

  if (resume.step === 'timeout') {
    const days = Math.round((watch.deadline.getTime() - watch.createdAt.getTime()) / 86_400_000);
    log.warn(`Timeout reached after ${days} days, payload metadata URL still not accessible`);
    log.warn(`Release approval timeout. Payload metadata URL still not accessible after ${days} days.`);
    return { status: 'fail', summary: `Release approval timeout. Payload metadata URL still not accessible after ${days} days.`, data };
  }

  log.info(`Scheduler check #${resume.check}: Checking payload metadata URL accessibility for release ${release}`);
  const check = await (await ctx.services.get('payloadMetadata'))(release);
  for (const line of check.lines) log.info(line);
  if (!check.accessible) {
    // Reachable a moment ago, not now: keep waiting; the task stays In Progress.
    const summary = `Scheduler check #${resume.check}: Payload metadata URL still not accessible (${check.reason})`;
    log.info(summary);
    return { status: 'in_progress', summary, data };
  }
  log.info('Payload metadata URL is now accessible');
  const fail = (error: string): Outcome => {
    log.error(`Background metadata checker failed: ${error}`);
    log.error(`Release approval failed with error: ${error}`);
    return { status: 'fail', summary: error, data };
  };
  // At most once per watch, even if this replica dies before the watch is marked done.
  if (!ctx.store || !(await ctx.store.markSeen(`async-approval:complete:${watch.id}`, ONE_MONTH_MS))) {
    return fail('the approval completion was already started by an earlier check that did not finish; check the advisory states, then re-run change-advisory-status');
  }
  try {
    const done = await completeApproval(ctx, log);
    log.info(COMPLETED_LINE);
    return {
      status: 'pass',
      summary: COMPLETED_LINE,
      nextSteps: [{ label: 'Is it shipped?', command: 'is-release-shipped' }],
      data: { ...data, moved: done.moved, subtasksClosed: done.closedSubtasks },
    };
  } catch (e) {
    return fail(errorMessage(e));
  }
}
