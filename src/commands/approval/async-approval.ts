/**
 * The async release approval of `change-advisory-status` (oar-commands.md 10.4, agents.md 2) as
 * a durable watch instead of a detached process:
 *
 * - one watch per release (`dedupKey` = the release; the original locked per y-stream with a
 *   lock file that a crash left behind forever);
 * - every OAR_APPROVAL_CHECK_INTERVAL_MS (30 min) up to OAR_APPROVAL_MAX_WAIT_MS (2 days) the
 *   payload metadata URL of THAT release is checked (a cheap read, outside any lock);
 * - when it is reachable, change-advisory-status is resumed through the runner (like the
 *   `prow-job` and `jenkins-build` follow-ups run their status modes): the runner takes the
 *   release lock, audits the run as the watchers and records the `change-advisory-status` task;
 *   the completion itself (approval/completion.ts) runs at most once per watch. A held lock
 *   defers it to the next check. At the deadline the timeout is recorded the same way;
 * - the outcome is posted in the thread where the approval was started and (as the original did)
 *   to the QE release channel mentioning the release leads.
 *
 * The handler declares no `task` and its watches carry none: the runner has recorded the task
 * when the resumed run ends, so the poller must not write it again (its `status` is for the
 * report only).
 */
import type { Config } from '../../config/env.ts';
import type { NewWatch, SlackTarget, Watch } from '../../store/types.ts';
import type { Actor, AnyCommand, FollowUpContext, FollowUpDeps, FollowUpHandler, FollowUpResult, RunRequest, RunResult } from '../types.ts';
import { LEAD_FALLBACK } from '../notifier.ts';
import { ASYNC_APPROVAL_KIND } from '../change-advisory-status.ts';
import { userMessageOf } from '../errors.ts';
import { asyncApprovalResume, type AsyncApprovalResume } from './completion.ts';

/** The metadata check result (release-controller.ts MetadataCheck has this shape). */
export interface MetadataCheckLike {
  accessible: boolean;
  reason: string;
  lines: string[];
}

export interface AsyncApprovalDeps {
  /** Is the payload metadata URL of this release reachable? Never throws (checkPayloadMetadataUrl). */
  checkMetadata(release: string): Promise<MetadataCheckLike>;
  /** The runner (`FollowUpDeps.execute`): the resumed change-advisory-status runs through it. */
  execute(req: RunRequest): Promise<RunResult>;
  /** The registered change-advisory-status (`FollowUpDeps.command`). */
  command(name: string): AnyCommand | undefined;
  /** `{lead}` of the y-stream (the ReleaseNotifier's one lead rule); absent or failing: its `@qe-release` fallback. */
  releaseLeadMention?(release: string): Promise<string | undefined>;
  /** The QE release channel (ConfigStore contact `qe-release`), when known. */
  releaseChannel?(release: string): Promise<string | undefined>;
  /** Who the resumed runs are audited as (and hold the lock as). Default `job:watchers`. */
  actor?: Actor;
}

/** The watch `change-advisory-status` returns as its outcome's `watch` (the runner stores it). */
export function asyncApprovalWatch(
  release: string,
  config: Pick<Config, 'OAR_APPROVAL_CHECK_INTERVAL_MS' | 'OAR_APPROVAL_MAX_WAIT_MS'>,
  opts: { now?: Date; report?: SlackTarget; firstCheckAt?: Date } = {},
): Omit<NewWatch, 'report'> & { report?: SlackTarget } {
  const now = opts.now ?? new Date();
  return {
    kind: ASYNC_APPROVAL_KIND,
    release,
    // No `task`: the resumed run records it through the runner (a task here would make the poller write it again).
    subject: { release },
    intervalMs: config.OAR_APPROVAL_CHECK_INTERVAL_MS,
    deadline: new Date(now.getTime() + config.OAR_APPROVAL_MAX_WAIT_MS),
    createdAt: now,
    nextCheckAt: opts.firstCheckAt ?? new Date(now.getTime() + config.OAR_APPROVAL_CHECK_INTERVAL_MS),
    dedupKey: release,
    ...(opts.report ? { report: opts.report } : {}),
  };
}

export function approvalCompletedText(group: string, release: string): string {
  return `Hello ${group}, Release approval completed for ${release}. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.`;
}
export function approvalFailedText(group: string, release: string, error: string): string {
  return `Hello ${group}, Release approval failed for ${release}. Error: ${error}`;
}
export function approvalTimeoutText(group: string, release: string): string {
  return `Hello ${group}, Release approval timeout for ${release}. Payload metadata URL still not accessible`;
}

export function createAsyncApprovalHandler(deps: AsyncApprovalDeps): FollowUpHandler {
  async function group(release: string, ctx: FollowUpContext): Promise<string> {
    try {
      return (await deps.releaseLeadMention?.(release)) ?? LEAD_FALLBACK;
    } catch (e) {
      ctx.logger.warn({ err: e }, 'cannot resolve the release lead group');
      return LEAD_FALLBACK;
    }
  }
  async function notify(release: string, text: string, ctx: FollowUpContext): Promise<FollowUpResult['notify']> {
    try {
      const channel = await deps.releaseChannel?.(release);
      return channel ? [{ channel, text }] : [];
    } catch (e) {
      ctx.logger.warn({ err: e }, 'cannot resolve the QE release channel');
      return [];
    }
  }
  const releaseOf = (w: Watch) => (typeof w.subject.release === 'string' ? w.subject.release : w.release);

  /** change-advisory-status resumed through the runner (commands/watch-resume.ts). */
  const resume = (watch: Watch, step: AsyncApprovalResume['step'], ctx: FollowUpContext): Promise<RunResult> => asyncApprovalResume.run(deps, watch, step, ctx.attempt, ctx.signal);

  /** The end of a resumed run in the original's words: thread summary, release channel notice. */
  async function ended(release: string, r: Extract<RunResult, { kind: 'done' }>, ctx: FollowUpContext, timeout = false): Promise<Omit<FollowUpResult, 'done'>> {
    const g = await group(release, ctx);
    const pass = r.outcome.status === 'pass';
    const text = pass ? approvalCompletedText(g, release) : timeout ? approvalTimeoutText(g, release) : approvalFailedText(g, release, r.outcome.summary);
    return { status: pass ? 'Pass' : 'Fail', summary: text, result: r.log, notify: await notify(release, text, ctx) };
  }

  return {
    async poll(watch, ctx) {
      const release = releaseOf(watch);
      const check = await deps.checkMetadata(release);
      if (!check.accessible) {
        return { done: false, summary: `Scheduler check #${ctx.attempt}: Payload metadata URL still not accessible (${check.reason})` };
      }
      let r: RunResult;
      try {
        r = await resume(watch, 'complete', ctx);
      } catch (e) {
        return { done: false, summary: `Scheduler check #${ctx.attempt}: the approval completion could not run: ${userMessageOf(e)}` };
      }
      switch (r.kind) {
        case 'done':
          // Not reachable any more when checked again under the lock: keep waiting.
          if (r.outcome.status === 'in_progress' || r.outcome.status === 'info') return { done: false, summary: r.outcome.summary };
          return { done: true, ...(await ended(release, r, ctx)) };
        case 'locked':
        case 'refused':
          // Another run holds the release (or the store is away): the completion waits for the next check.
          return { done: false, summary: `Scheduler check #${ctx.attempt}: Payload metadata URL is accessible; the approval completion waits: ${r.message}` };
        case 'pending-approval':
          // OAR_SECOND_APPROVAL names change-advisory-status: the request is posted; its approval runs the completion.
          return { done: true, summary: `Payload metadata URL of ${release} is accessible; moving the advisories to REL_PREP waits for a second approval: ${r.message}` };
        case 'denied':
        case 'duplicate':
        case 'needs-confirmation': {
          const error = `change-advisory-status could not be resumed from the watch: ${'message' in r ? r.message : 'it asks for a confirmation'}`;
          const text = approvalFailedText(await group(release, ctx), release, error);
          return { done: true, status: 'Fail', summary: text, notify: await notify(release, text, ctx) };
        }
      }
    },
    async onExpire(watch, ctx) {
      const release = releaseOf(watch);
      const text = approvalTimeoutText(await group(release, ctx), release);
      let r: RunResult | undefined;
      let why: string;
      try {
        r = await resume(watch, 'timeout', ctx);
        why = 'message' in r ? r.message : r.kind;
      } catch (e) {
        why = userMessageOf(e);
      }
      if (r?.kind === 'done') return ended(release, r, ctx, true);
      // The watch ends at its deadline whatever happens: say that the task was not recorded.
      return { status: 'Fail', summary: `${text} (the change-advisory-status task was not recorded: ${why})`, notify: await notify(release, text, ctx) };
    },
  };
}

/**
 * change-advisory-status's follow-up factory (`followUps` of its implementation): the approval is
 * completed by the command itself, resumed through the runner, and announced in the release channel.
 */
export function asyncApprovalFollowUp(deps: FollowUpDeps): FollowUpHandler {
  const services = deps.services(); // one set of clients for every poll
  return createAsyncApprovalHandler({
    execute: (req) => deps.execute(req),
    command: (name) => deps.command(name),
    async checkMetadata(release) {
      const check = await services.get('payloadMetadata');
      return check(release);
    },
    releaseChannel: deps.notices.releaseChannel,
    releaseLeadMention: deps.notices.leadMention,
  });
}
