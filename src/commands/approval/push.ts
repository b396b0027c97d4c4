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
 *
 * The `cdn-push` watch only reads while it polls. When a check would trigger a push (an advisory
 * that waited for its blocking advisory) or end the watch (Pass/Fail), it resumes
 * push-to-cdn-staging through the runner (like the async approval and the prow-job follow-up):
 * the runner takes the release lock, audits the run as the watchers and records the task; a held
 * lock defers it to the next check. The resume request is internal: its option is not part of
 * the command's option shape (push-to-cdn-staging.ts), and the run refuses it from anyone but a job.
 */
import type { ErrataClient, PushJob } from '../../integrations/errata/index.ts';
import { pushJobLine, summarizePushJobs } from '../../integrations/errata/push-jobs.ts';
import type { Watch } from '../../store/types.ts';
import type { Actor, AnyCommand, CommandContext, FollowUpContext, FollowUpDeps, FollowUpResult, Outcome, RunRequest, RunResult } from '../types.ts';
import { userMessageOf } from '../errors.ts';
import { CDN_PUSH_KIND } from '../push-to-cdn-staging.ts';
import { defineWatchResume, type WatchResumeRequest } from '../watch-resume.ts';
import { errorMessage, type LineLog } from './log.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';

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
 * - poll: the watcher's check, read only: reports a FAILED push as `failed` instead of re-running
 *   it unattended, and an advisory it would push (one that has no push job yet because it was
 *   waiting for its blocking advisory when the push was confirmed) as `would-trigger`;
 * - resume: the same decisions in push-to-cdn-staging resumed by the watch through the runner
 *   (release lock held): triggers that advisory.
 */
export type PushMode = 'run' | 'plan' | 'poll' | 'resume';

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
    if (mode === 'poll' || mode === 'resume') {
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
  if (mode === 'plan' || mode === 'poll') {
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
  advisories: { id: number; impetus: string }[];
}

/**
 * The watch's subject. No `task`: the resumed run records it through the runner (a task here
 * would make the poller write it again).
 */
export function cdnPushSubject(ads: readonly { id: number; impetus: string }[]): CdnPushSubject {
  return { advisories: ads.map((a) => ({ id: a.id, impetus: a.impetus })) };
}

function subjectAdvisories(watch: Pick<Watch, 'subject'>): { id: number; impetus: string }[] {
  const list = watch.subject.advisories;
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    const o = a as { id?: unknown; impetus?: unknown };
    return typeof o.id === 'number' && Number.isInteger(o.id) ? [{ id: o.id, impetus: typeof o.impetus === 'string' ? o.impetus : 'unknown' }] : [];
  });
}

/** Every watched advisory's decision, in order; an Errata Tool error throws (the check is retried). */
async function checkPushes(errata: ErrataClient, wanted: readonly { id: number; impetus: string }[], mode: 'poll' | 'resume', log: LineLog | undefined, signal: AbortSignal): Promise<PushDecision[]> {
  const ads: PushAdvisory[] = [];
  for (const a of wanted) ads.push({ ...a, blockingAdvisories: (await errata.getErratum(a.id, signal)).blockingAdvisories });
  const decisions: PushDecision[] = [];
  for (const ad of ads) decisions.push(await decidePush(errata, ad, mode, log, signal));
  return decisions;
}

/** Where the stage pushes of a release stand: Fail when one FAILED, Pass when every job is COMPLETE, else pending. */
function pushVerdict(release: string, decisions: readonly PushDecision[]): { status?: 'Pass' | 'Fail'; summary: string } {
  if (decisions.length === 0) return { status: 'Pass', summary: `${release} has no advisory to push to CDN staging` };
  const failed = decisions.filter((d) => d.outcome === 'failed');
  if (failed.length) {
    return { status: 'Fail', summary: `Stage push failed for advisor${failed.length > 1 ? 'ies' : 'y'} ${failed.map((d) => d.id).join(', ')} of ${release}; run push-to-cdn-staging again to re-trigger` };
  }
  const complete = decisions.filter((d) => d.outcome === 'complete');
  if (complete.length === decisions.length) {
    return { status: 'Pass', summary: `Every stage push job of ${release} is COMPLETE (${decisions.length} advisor${decisions.length > 1 ? 'ies' : 'y'})` };
  }
  const waiting = decisions.filter((d) => d.outcome !== 'complete').map((d) => d.message);
  return { summary: `${complete.length} of ${decisions.length} advisories pushed to CDN staging; ${waiting.join('; ')}` };
}

/** The generic deadline text of the watch poller (src/jobs/watchers.ts), kept for the cdn-push watch. */
function deadlineText(watch: Pick<Watch, 'kind' | 'release' | 'deadline'>): string {
  return `Stopped watching ${watch.kind} for ${watch.release}: not finished by the deadline ${watch.deadline.toISOString()}`;
}

// --- the resumed run ------------------------------------------------------------------------------------------

/** The cdn-push watch's resume request (internal: not an option of the command's shape). */
export const cdnPushResume = defineWatchResume({
  key: 'cdnPushResume',
  kind: CDN_PUSH_KIND,
  command: 'push-to-cdn-staging',
  what: 'a CDN push watch',
  // `check`: a check would trigger a push or end the watch; `timeout`: the deadline passed.
  steps: ['check', 'timeout'],
});
export type CdnPushResume = WatchResumeRequest<'check' | 'timeout'>;

/**
 * push-to-cdn-staging resumed by its cdn-push watch, inside the runner (lock held, task In
 * Progress): the check runs again under the lock, triggers the push of an advisory whose blocking
 * advisories are now done, and ends Pass/Fail/In Progress; the runner records the task with this
 * log. An Errata Tool error keeps the task In Progress (the watch tries again).
 */
export async function resumeCdnPush(ctx: CommandContext, resume: CdnPushResume): Promise<Outcome> {
  const release = ctx.release;
  const log = ctx.log;
  const watch = await cdnPushResume.watchOf(ctx, resume);
  const data = { release, resumed: resume.step, watch: watch.id };
  if (resume.step === 'timeout') {
    const summary = deadlineText(watch);
    log.warn(summary);
    return { status: 'fail', summary, data };
  }
  log.info(`check #${resume.check} of the stage push jobs of ${release}`);
  const wanted = subjectAdvisories(watch);
  let decisions: PushDecision[] = [];
  if (wanted.length) {
    try {
      decisions = await checkPushes(await ctx.services.get('errata'), wanted, 'resume', log, ctx.signal);
    } catch (e) {
      const summary = `check #${resume.check} of the stage push jobs of ${release} failed: ${errorMessage(e)}`;
      log.warn(summary);
      return { status: 'in_progress', summary, data };
    }
  }
  const verdict = pushVerdict(release, decisions);
  const status = verdict.status === 'Pass' ? 'pass' : verdict.status === 'Fail' ? 'fail' : 'in_progress';
  return { status, summary: verdict.summary, data: { ...data, advisories: decisions.map((d) => ({ id: d.id, impetus: d.impetus, outcome: d.outcome, jobs: d.jobs, blockedBy: d.blockedBy })) } };
}

// --- the follow-up handler ------------------------------------------------------------------------------------

/** What the cdn-push follow-up reads of the poll context, and what it answers (commands/types.ts contract). */
export type PollContext = Pick<FollowUpContext, 'signal' | 'attempt' | 'now'>;
export type PollResult = Omit<FollowUpResult, 'notify'>;
/** No `task`: the runner has recorded it when the resumed run ends (the poller must not write it again). */
export interface CdnPushWatchHandler {
  poll(watch: Watch, ctx: PollContext): Promise<PollResult>;
  onExpire(watch: Watch, ctx: PollContext): Promise<Omit<PollResult, 'done'>>;
}

export interface CdnPushWatchDeps {
  errata: () => Promise<ErrataClient>;
  /** The runner (`FollowUpDeps.execute`): the resumed push-to-cdn-staging runs through it. */
  execute(req: RunRequest): Promise<RunResult>;
  /** The registered push-to-cdn-staging (`FollowUpDeps.command`). */
  command(name: string): AnyCommand | undefined;
  /** Who the resumed runs are audited as (and hold the lock as). Default `job:watchers`. */
  actor?: Actor;
}

/**
 * The `cdn-push` handler: each check reads the push jobs; while they run (or wait for a blocking
 * advisory) it only says so. When the check would trigger a push or end the watch, push-to-cdn-staging
 * is resumed through the runner, which checks again under the lock and records the task. An Errata
 * Tool outage throws: the poller keeps the watch and tries again.
 */
export function createCdnPushWatchHandler(deps: CdnPushWatchDeps): CdnPushWatchHandler {
  /** push-to-cdn-staging resumed through the runner (commands/watch-resume.ts). */
  const resume = (watch: Watch, step: CdnPushResume['step'], ctx: PollContext): Promise<RunResult> => cdnPushResume.run(deps, watch, step, ctx.attempt, ctx.signal);

  return {
    async poll(watch, ctx) {
      const wanted = subjectAdvisories(watch);
      if (wanted.length) {
        const decisions = await checkPushes(await deps.errata(), wanted, 'poll', undefined, ctx.signal);
        const verdict = pushVerdict(watch.release, decisions);
        // Nothing to trigger and nothing to record: keep waiting, without the runner.
        if (!verdict.status && !decisions.some((d) => d.outcome === 'would-trigger')) return { done: false, summary: verdict.summary };
      }
      let r: RunResult;
      try {
        r = await resume(watch, 'check', ctx);
      } catch (e) {
        return { done: false, summary: `check #${ctx.attempt}: push-to-cdn-staging could not be resumed: ${userMessageOf(e)}` };
      }
      switch (r.kind) {
        case 'done': {
          const s = r.outcome.status;
          if (s === 'pass' || s === 'fail') return { done: true, status: s === 'pass' ? 'Pass' : 'Fail', summary: r.outcome.summary, result: r.log };
          return { done: false, summary: r.outcome.summary };
        }
        case 'locked':
        case 'refused':
          // Another run holds the release (or the store is away): the push waits for the next check.
          return { done: false, summary: `check #${ctx.attempt}: the stage pushes of ${watch.release} wait: ${r.message}` };
        case 'pending-approval':
          // OAR_SECOND_APPROVAL names push-to-cdn-staging: the request is posted; its approval runs the check.
          return { done: true, summary: `The stage push check of ${watch.release} waits for a second approval: ${r.message}` };
        case 'denied':
        case 'duplicate':
        case 'needs-confirmation':
          return { done: true, status: 'Fail', summary: `push-to-cdn-staging could not be resumed from the watch: ${'message' in r ? r.message : 'it asks for a confirmation'}` };
      }
    },
    async onExpire(watch, ctx) {
      let r: RunResult | undefined;
      let why: string;
      try {
        r = await resume(watch, 'timeout', ctx);
        why = 'message' in r ? r.message : r.kind;
      } catch (e) {
        why = userMessageOf(e);
      }
      if (r?.kind === 'done') return { status: 'Fail', summary: r.outcome.summary, result: r.log };
      // The watch ends at its deadline whatever happens: say that the task was not recorded.
      return { status: 'Fail', summary: `${deadlineText(watch)} (the push-to-cdn-staging task was not recorded: ${why})` };
    },
  };
}

/** push-to-cdn-staging's follow-up factory (`followUps` of its implementation). */
export function cdnPushFollowUp(deps: Pick<FollowUpDeps, 'services' | 'execute' | 'command'>): CdnPushWatchHandler {
  const services = deps.services(); // one set of clients for every poll
  return createCdnPushWatchHandler({ errata: () => services.get('errata'), execute: (req) => deps.execute(req), command: (name) => deps.command(name) });
}
