/**
 * The per-advisory CDN stage push decision (oar-commands 11.9) and the `cdn-push` watch that
 * follows the pushes until every job is COMPLETE.
 *
 * Decision, per advisory (newest job per target counts):
 *  1. every target COMPLETE → complete;
 *  2. jobs running and none FAILED → running (wait);
 *  3. a blocking advisory whose stage pushes are not complete → blocked (not triggered);
 *  4. otherwise trigger `push?defaults=stage` (Errata Tool re-runs failed pushes and leaves
 *     completed ones alone).
 * The original recursed into blocking advisories and triggered *their* pushes too; here a
 * blocking advisory is only read (one outside the release is not ours to push, one inside it gets
 * its own decision in the same run).
 */
import type { ErrataClient, PushJob } from '../../integrations/errata/index.ts';
import { pushJobLine, summarizePushJobs } from '../../integrations/errata/push-jobs.ts';
import type { Watch } from '../../store/types.ts';
import { taskStatusLine } from '../../release/tasks.ts';
import { CommandLog } from '../log-capture.ts';
import type { FollowUpContext, FollowUpDeps, FollowUpResult } from '../types.ts';
import { errorMessage, type LineLog } from './log.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';

export { CDN_PUSH_KIND } from '../push-to-cdn-staging.ts';
export const CDN_PUSH_TASK = 'push-to-cdn-staging';

export type PushOutcome = 'complete' | 'running' | 'triggered' | 'would-trigger' | 'blocked' | 'failed' | 'error';

export interface PushAdvisory {
  id: number;
  impetus: string;
  blockingAdvisories: number[];
}

export interface PushDecision {
  id: number;
  impetus: string;
  outcome: PushOutcome;
  /** Newest job per target, as read before any trigger. */
  jobs: PushJob[];
  hasFailed: boolean;
  blockedBy: number[];
  /** One line for the report. */
  message: string;
}

/**
 * - run: trigger when the decision says so (re-runs FAILED pushes);
 * - plan: never trigger, say `would-trigger`;
 * - poll: the watcher; triggers only an advisory that has no push job yet (one that was waiting
 *   for its blocking advisory when the push was confirmed) and reports a FAILED push as `failed`
 *   instead of re-running it unattended.
 */
export type PushMode = 'run' | 'plan' | 'poll';

const SHIPPED_OR_DROPPED = ['SHIPPED_LIVE', 'DROPPED_NO_SHIP'];

function jobsText(jobs: readonly PushJob[]): string {
  return jobs.map((j) => `${j.target} ${j.status}`).join(', ');
}

async function blockersNotComplete(errata: ErrataClient, ad: PushAdvisory, log: LineLog | undefined, signal?: AbortSignal): Promise<number[]> {
  const waiting: number[] = [];
  for (const b of ad.blockingAdvisories) {
    const blocker = await errata.getErratum(b, signal);
    // A shipped or dropped blocker no longer gates the stage push.
    if (SHIPPED_OR_DROPPED.includes(blocker.state)) continue;
    if (summarizePushJobs(await errata.listPushJobs(b, signal)).completed) continue;
    log?.warn(`push jobs of blocking advisory ${b} are not completed yet, will not trigger push job for ${ad.id}, please try again later`);
    waiting.push(b);
  }
  return waiting;
}

export async function decidePush(errata: ErrataClient, ad: PushAdvisory, mode: PushMode, log?: LineLog, signal?: AbortSignal): Promise<PushDecision> {
  const summary = summarizePushJobs(await errata.listPushJobs(ad.id, signal));
  const base = { id: ad.id, impetus: ad.impetus, jobs: summary.latest, hasFailed: summary.hasFailed, blockedBy: [] as number[] };
  if (summary.none) log?.info(`no push job found for advisory ${ad.id}`);
  for (const job of summary.latest) log?.info(pushJobLine(job));
  if (summary.completed) return { ...base, outcome: 'complete', message: `advisory ${ad.id} (${ad.impetus}): every stage push is COMPLETE (${jobsText(summary.latest)})` };
  if (summary.running && !summary.hasFailed) return { ...base, outcome: 'running', message: `advisory ${ad.id} (${ad.impetus}): stage push running (${jobsText(summary.latest)})` };
  if (summary.hasFailed) {
    if (mode === 'poll') {
      const failed = summary.latest.filter((j) => j.status === 'FAILED').map((j) => j.target);
      log?.error(`stage push of advisory ${ad.id} failed (${failed.join(', ')}); run push-to-cdn-staging again to re-trigger it`);
      return { ...base, outcome: 'failed', message: `advisory ${ad.id} (${ad.impetus}): stage push FAILED (${jobsText(summary.latest)})` };
    }
    log?.warn('found failed push job, will trigger again');
  }
  const blockedBy = await blockersNotComplete(errata, ad, log, signal);
  if (blockedBy.length) {
    return { ...base, blockedBy, outcome: 'blocked', message: `advisory ${ad.id} (${ad.impetus}): waits for the stage push of blocking advisor${blockedBy.length > 1 ? 'ies' : 'y'} ${blockedBy.join(', ')}` };
  }
  if (mode === 'plan') {
    return { ...base, outcome: 'would-trigger', message: `advisory ${ad.id} (${ad.impetus}): stage push ${summary.hasFailed ? 're-triggered (a push FAILED)' : 'triggered'}` };
  }
  await errata.triggerStagePush(ad.id);
  log?.info(`push job for advisory ${ad.id} is triggered`);
  return { ...base, outcome: 'triggered', message: `advisory ${ad.id} (${ad.impetus}): stage push triggered${summary.hasFailed ? ' again after a FAILED push' : ''}` };
}

/** Every advisory's decision; a failure on one advisory is reported for it and the others go on. */
export async function decideAll(errata: ErrataClient, ads: readonly PushAdvisory[], mode: PushMode, log?: LineLog, signal?: AbortSignal): Promise<PushDecision[]> {
  // The advisories are independent of each other: side by side (bounded), reported in order.
  return mapLimit(ads, SERVICE_CONCURRENCY, async (ad): Promise<PushDecision> => {
    try {
      return await decidePush(errata, ad, mode, log, signal);
    } catch (e) {
      const why = errorMessage(e);
      log?.error(`push to cdn failed for advisory ${ad.id}: ${why}`);
      return { id: ad.id, impetus: ad.impetus, outcome: 'error', jobs: [], hasFailed: false, blockedBy: [], message: `advisory ${ad.id} (${ad.impetus}): ${why}` };
    }
  });
}

// --- the cdn-push watch -------------------------------------------------------------------------------------

/** What push-to-cdn-staging stores in the watch (kind `cdn-push`, one per release). */
export interface CdnPushSubject {
  task: typeof CDN_PUSH_TASK;
  advisories: { id: number; impetus: string }[];
}

export function cdnPushSubject(ads: readonly { id: number; impetus: string }[]): CdnPushSubject {
  return { task: CDN_PUSH_TASK, advisories: ads.map((a) => ({ id: a.id, impetus: a.impetus })) };
}

function subjectAdvisories(watch: Pick<Watch, 'subject'>): { id: number; impetus: string }[] {
  const list = watch.subject.advisories;
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    const o = a as { id?: unknown; impetus?: unknown };
    return typeof o.id === 'number' && Number.isInteger(o.id) ? [{ id: o.id, impetus: typeof o.impetus === 'string' ? o.impetus : 'unknown' }] : [];
  });
}

/** What the cdn-push follow-up reads of the poll context, and what it answers (commands/types.ts contract). */
export type PollContext = Pick<FollowUpContext, 'signal' | 'attempt' | 'now'>;
export type PollResult = Omit<FollowUpResult, 'notify'>;
export interface CdnPushWatchHandler {
  task: typeof CDN_PUSH_TASK;
  poll(watch: Watch, ctx: PollContext): Promise<PollResult>;
}

/**
 * One check of the stage pushes of a release: done (Pass) when every job is COMPLETE, done (Fail)
 * when a push FAILED (a person re-runs push-to-cdn-staging, which re-triggers it), otherwise
 * pending. An Errata Tool outage throws: the poller keeps the watch and tries again.
 */
export async function pollPushJobs(watch: Pick<Watch, 'release' | 'subject'>, ctx: PollContext, deps: { errata: () => Promise<ErrataClient>; mask?: (s: string) => string }): Promise<PollResult> {
  const log = new CommandLog({ now: () => ctx.now(), ...(deps.mask ? { mask: deps.mask } : {}) });
  const wanted = subjectAdvisories(watch);
  log.info(`check #${ctx.attempt} of the stage push jobs of ${watch.release}`);
  if (wanted.length === 0) {
    log.info(taskStatusLine(CDN_PUSH_TASK, 'Pass'));
    return { done: true, status: 'Pass', summary: `${watch.release} has no advisory to push to CDN staging`, result: log.text() };
  }
  const errata = await deps.errata();
  const ads: PushAdvisory[] = [];
  for (const a of wanted) ads.push({ ...a, blockingAdvisories: (await errata.getErratum(a.id, ctx.signal)).blockingAdvisories });
  const decisions: PushDecision[] = [];
  for (const ad of ads) decisions.push(await decidePush(errata, ad, 'poll', log, ctx.signal));
  const failed = decisions.filter((d) => d.outcome === 'failed');
  if (failed.length) {
    log.info(taskStatusLine(CDN_PUSH_TASK, 'Fail'));
    return { done: true, status: 'Fail', summary: `Stage push failed for advisor${failed.length > 1 ? 'ies' : 'y'} ${failed.map((d) => d.id).join(', ')} of ${watch.release}; run push-to-cdn-staging again to re-trigger`, result: log.text() };
  }
  const complete = decisions.filter((d) => d.outcome === 'complete');
  if (complete.length === decisions.length) {
    log.info(taskStatusLine(CDN_PUSH_TASK, 'Pass'));
    return { done: true, status: 'Pass', summary: `Every stage push job of ${watch.release} is COMPLETE (${decisions.length} advisor${decisions.length > 1 ? 'ies' : 'y'})`, result: log.text() };
  }
  const waiting = decisions.filter((d) => d.outcome !== 'complete').map((d) => d.message);
  return { done: false, summary: `${complete.length} of ${decisions.length} advisories pushed to CDN staging; ${waiting.join('; ')}` };
}

/** The `cdn-push` handler for the watch poller, from the Errata client it polls. */
export function createCdnPushWatchHandler(deps: { errata: () => Promise<ErrataClient>; mask?: (s: string) => string }): CdnPushWatchHandler {
  return { task: CDN_PUSH_TASK, poll: (watch, ctx) => pollPushJobs(watch, ctx, deps) };
}

/** push-to-cdn-staging's follow-up factory (`followUps` of its implementation). */
export function cdnPushFollowUp(deps: Pick<FollowUpDeps, 'services'>): CdnPushWatchHandler {
  const services = deps.services(); // one set of clients for every poll
  return createCdnPushWatchHandler({ errata: () => services.get('errata') });
}
