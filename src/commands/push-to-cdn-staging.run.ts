/** What `pushToCdnStaging` does (declared in ./push-to-cdn-staging.ts; the registry imports this module on its first run). */
import type { ErrataClient } from '../integrations/errata/index.ts';
import { implement, type CommandContext, type Plan } from './types.ts';
import { loadReleaseAdvisories } from './approval/advisories.ts';
import { cdnPushFollowUp, cdnPushResume, cdnPushSubject, decideAll, resumeCdnPush, type PushAdvisory, type PushDecision } from './approval/push.ts';
import { CDN_PUSH_KIND, pushToCdnStaging } from './push-to-cdn-staging.ts';

/** The task the plan reads (the runner records it: the declaration's `task`). */
const CDN_PUSH_TASK = 'push-to-cdn-staging';

async function releaseAdvisories(ctx: CommandContext): Promise<{ errata: ErrataClient; ads: PushAdvisory[] }> {
  const cs = await ctx.configStore();
  const errata = await ctx.services.get('errata');
  const ads = (await loadReleaseAdvisories(errata, cs.advisories(), ctx.signal)).map((a) => ({ id: a.id, impetus: a.impetus, blockingAdvisories: a.blockingAdvisories }));
  return { errata, ads };
}

function count(decisions: readonly PushDecision[], ...outcomes: PushDecision['outcome'][]): number {
  return decisions.filter((d) => outcomes.includes(d.outcome)).length;
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

export default implement(pushToCdnStaging, {
  followUps: { [CDN_PUSH_KIND]: cdnPushFollowUp },

  async plan(ctx): Promise<Plan> {
    const { errata, ads } = await releaseAdvisories(ctx);
    const decisions = await decideAll(errata, ads, 'plan', undefined, ctx.signal);
    const changes: Plan['changes'] = decisions
      .filter((d) => d.outcome === 'would-trigger')
      .map((d) => ({ target: `advisory ${d.id} (${d.impetus})`, from: d.jobs.length ? d.jobs.map((j) => `${j.target} ${j.status}`).join(', ') : 'no push job', to: 'stage push triggered' }));
    const notes = decisions.filter((d) => d.outcome !== 'would-trigger').map((d) => d.message);
    const allComplete = decisions.every((d) => d.outcome === 'complete');
    const taskStatus = await ctx.statebox.getTaskStatus(ctx.release, CDN_PUSH_TASK);
    if (allComplete && taskStatus !== 'Pass') changes.push({ target: `StateBox task ${CDN_PUSH_TASK}`, from: taskStatus ?? 'Not Started', to: 'Pass' });
    if (!allComplete && changes.length === 0 && count(decisions, 'running', 'blocked') > 0) {
      changes.push({ target: 'stage push jobs', to: `watched every ${minutes(ctx.config.OAR_CDN_PUSH_POLL_MS)} until every job is COMPLETE` });
    }
    if (ads.length === 0) notes.push(`${ctx.release} has no advisory to push`);
    return {
      summary: `${ads.length} advisor${ads.length === 1 ? 'y' : 'ies'}: ${count(decisions, 'would-trigger')} to push, ${count(decisions, 'complete')} already COMPLETE, ${count(decisions, 'running')} running, ${count(decisions, 'blocked')} waiting for a blocking advisory${count(decisions, 'error') ? `, ${count(decisions, 'error')} unreadable` : ''}`,
      changes,
      notes,
      empty: changes.length === 0,
    };
  },

  async run(ctx, options) {
    // The cdn-push watch resuming this command to trigger a waiting push or record the end (approval/push.ts).
    const resume = cdnPushResume.of(options);
    if (resume) return resumeCdnPush(ctx, resume);
    const { errata, ads } = await releaseAdvisories(ctx);
    ctx.progress(`Checking the stage push jobs of ${ads.length} advisories`);
    const decisions = await decideAll(errata, ads, 'run', ctx.log, ctx.signal);
    const errors = decisions.filter((d) => d.outcome === 'error');
    const complete = count(decisions, 'complete');
    const sections = [{ title: 'Advisories', lines: decisions.length ? decisions.map((d) => d.message) : [`${ctx.release} has no advisory to push`] }];
    const links = decisions.map((d) => ({ label: `Advisory ${d.id} (${d.impetus})`, url: errata.advisoryUrl(d.id) }));
    const data = { advisories: decisions.map((d) => ({ id: d.id, impetus: d.impetus, outcome: d.outcome, jobs: d.jobs, blockedBy: d.blockedBy })) };
    if (errors.length) {
      return {
        status: 'fail',
        summary: `push to cdn failed for advisor${errors.length === 1 ? 'y' : 'ies'} ${errors.map((d) => d.id).join(', ')}; the others: ${decisions.length - errors.length - complete} pending, ${complete} COMPLETE`,
        sections,
        links,
        data,
      };
    }
    if (complete === decisions.length) {
      return { status: 'pass', summary: `Every stage push job of ${ctx.release} is COMPLETE (${decisions.length} advisor${decisions.length === 1 ? 'y' : 'ies'})`, sections, links, data };
    }
    const now = ctx.now();
    return {
      status: 'in_progress',
      summary: `${count(decisions, 'triggered')} stage push${count(decisions, 'triggered') === 1 ? '' : 'es'} triggered, ${count(decisions, 'running')} running, ${count(decisions, 'blocked')} waiting, ${complete} COMPLETE; checking every ${minutes(ctx.config.OAR_CDN_PUSH_POLL_MS)} until every job is COMPLETE`,
      sections,
      links,
      data,
      watch: {
        kind: CDN_PUSH_KIND,
        subject: { ...cdnPushSubject(ads) },
        intervalMs: ctx.config.OAR_CDN_PUSH_POLL_MS,
        createdAt: now,
        deadline: new Date(now.getTime() + ctx.config.OAR_CDN_PUSH_MAX_WAIT_MS),
        dedupKey: ctx.release,
      },
    };
  },
});
