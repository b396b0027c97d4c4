/**
 * The async release approval of `change-advisory-status` (oar-commands.md 10.4, agents.md 2) as
 * a durable watch instead of a detached process:
 *
 * - one watch per release (`dedupKey` = the release; the original locked per y-stream with a
 *   lock file that a crash left behind forever);
 * - every OAR_APPROVAL_CHECK_INTERVAL_MS (30 min) up to OAR_APPROVAL_MAX_WAIT_MS (2 days) the
 *   payload metadata URL of THAT release is checked;
 * - when it is reachable, the approval completion (advisories → REL_PREP; supplied by the command
 *   author) runs at most once per watch (a store dedup key guards a re-claim after a crash);
 * - the outcome sets the `change-advisory-status` task, is posted in the thread where the approval
 *   was started, and (as the original did) to the QE release channel mentioning the release leads.
 */
import type { Config } from '../../config/env.ts';
import type { NewWatch, SlackTarget, Store, Watch } from '../../store/types.ts';
import type { FollowUpContext, FollowUpDeps, FollowUpHandler, FollowUpResult } from '../types.ts';
import { LEAD_FALLBACK } from '../notifier.ts';
import { createApprovalCompletion } from './completion.ts';
import { errorMessage } from './log.ts';

import { ASYNC_APPROVAL_KIND } from '../change-advisory-status.ts';

export { ASYNC_APPROVAL_KIND };
export const ASYNC_APPROVAL_TASK = 'change-advisory-status';

/** The metadata check result (release-controller.ts MetadataCheck has this shape). */
export interface MetadataCheckLike {
  accessible: boolean;
  reason: string;
  lines: string[];
}

export interface AsyncApprovalDeps {
  /** Is the payload metadata URL of this release reachable? Never throws (checkPayloadMetadataUrl). */
  checkMetadata(release: string): Promise<MetadataCheckLike>;
  /** Move the advisories to REL_PREP (the command author's function); throws on failure. */
  completeApproval(release: string, ctx: FollowUpContext): Promise<{ lines?: string[] } | void>;
  /** `{lead}` of the y-stream (the ReleaseNotifier's one lead rule); absent or failing: its `@qe-release` fallback. */
  releaseLeadMention?(release: string): Promise<string | undefined>;
  /** The QE release channel (ConfigStore contact `qe-release`), when known. */
  releaseChannel?(release: string): Promise<string | undefined>;
  store: Pick<Store, 'markSeen'>;
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
    subject: { release, task: ASYNC_APPROVAL_TASK },
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

const ONE_MONTH_MS = 31 * 24 * 3600_000;

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

  return {
    task: ASYNC_APPROVAL_TASK,
    async poll(watch, ctx) {
      const release = releaseOf(watch);
      const lines = [`Scheduler check #${ctx.attempt}: Checking payload metadata URL accessibility for release ${release}`];
      const check = await deps.checkMetadata(release);
      lines.push(...check.lines);
      if (!check.accessible) {
        return { done: false, summary: `Scheduler check #${ctx.attempt}: Payload metadata URL still not accessible (${check.reason})` };
      }
      lines.push('Payload metadata URL is now accessible');
      const g = await group(release, ctx);
      // At most once per watch, even if this replica dies before the watch is marked done.
      if (!(await deps.store.markSeen(`async-approval:complete:${watch.id}`, ONE_MONTH_MS))) {
        const error = 'the approval completion was already started by an earlier check that did not finish; check the advisory states, then re-run change-advisory-status';
        const text = approvalFailedText(g, release, error);
        return { done: true, status: 'Fail', summary: text, result: [...lines, `Release approval failed with error: ${error}`].join('\n'), notify: await notify(release, text, ctx) };
      }
      try {
        const out = await deps.completeApproval(release, ctx);
        lines.push(...(out?.lines ?? []), 'Release approval completed. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.');
        const text = approvalCompletedText(g, release);
        return { done: true, status: 'Pass', summary: text, result: lines.join('\n'), notify: await notify(release, text, ctx) };
      } catch (e) {
        const error = errorMessage(e);
        lines.push(`Background metadata checker failed: ${error}`, `Release approval failed with error: ${error}`);
        const text = approvalFailedText(g, release, error);
        return { done: true, status: 'Fail', summary: text, result: lines.join('\n'), notify: await notify(release, text, ctx) };
      }
    },
    async onExpire(watch, ctx) {
      const release = releaseOf(watch);
      const text = approvalTimeoutText(await group(release, ctx), release);
      const days = Math.round((watch.deadline.getTime() - watch.createdAt.getTime()) / 86_400_000);
      return {
        status: 'Fail',
        summary: text,
        result: [`Timeout reached after ${days} days, payload metadata URL still not accessible`, `Release approval timeout. Payload metadata URL still not accessible after ${days} days.`].join('\n'),
        notify: await notify(release, text, ctx),
      };
    },
  };
}

/**
 * change-advisory-status's follow-up factory (`followUps` of its implementation): the approval is
 * completed with the command's own completion, and announced in the release channel.
 */
export function asyncApprovalFollowUp(deps: FollowUpDeps): FollowUpHandler {
  const services = deps.services(); // one set of clients for every poll
  return createAsyncApprovalHandler({
    store: deps.store,
    completeApproval: createApprovalCompletion({ services: (r) => deps.services(r), configStores: deps.configStores }),
    async checkMetadata(release) {
      const check = await services.get('payloadMetadata');
      return check(release);
    },
    releaseChannel: deps.notices.releaseChannel,
    releaseLeadMention: deps.notices.leadMention,
  });
}
