/** What `changeAdvisoryStatus` does (declared in ./change-advisory-status.ts; the registry imports this module on its first run). */
import { asyncApprovalFollowUp, asyncApprovalWatch } from './approval/async-approval.ts';
import { asyncApprovalResume, resumeAsyncApproval } from './approval/completion.ts';
import type { MetadataCheck } from '../integrations/release-controller.ts';
import { releaseAdvisoryEntries } from '../integrations/errata/index.ts';
import { CommandError } from './errors.ts';
import { implement, type CommandContext, type OutcomeLink, type Plan } from './types.ts';
import { applyRelPrep, assertApprovable, checkRelPrep, loadReleaseAdvisories, REL_PREP } from './approval/advisories.ts';
import { errorMessage } from './approval/log.ts';
import { approvalState, approveShipment, openShipment, type OpenedShipment } from './approval/shipment.ts';
import { closeQeSubtasks, findQeSubtasks, openQeSubtasks, readSubtasksToClose, type SubtasksToClose } from './approval/subtasks.ts';
import { checkKernelTags, collectKernelChecks, startKernelChecks, stopShipHits, stopShipIssueText, stopShipRefusal, type KernelCheck } from './approval/kernel-guard.ts';
import type { LineLog } from './approval/log.ts';
import { ASYNC_APPROVAL_KIND, changeAdvisoryStatus } from './change-advisory-status.ts';

export const CHANGE_ADVISORY_STATUS_TASK = 'change-advisory-status';

function closedMrMessage(s: OpenedShipment): string {
  return `Shipment MR !${s.iid} is closed, not merged: there is nothing to approve and the release would not ship. Fix the shipment MR (or the release's shipment url in ocp-build-data) and run change-advisory-status again`;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

async function checkMetadata(ctx: CommandContext, release: string): Promise<MetadataCheck> {
  const check = await ctx.services.get('payloadMetadata');
  return check(release);
}

/** The kernel stop-ship guard (6.8 step 3) over the release's advisories. */
async function kernelGuard(ctx: CommandContext, errata: Parameters<typeof checkKernelTags>[0]['errata'], ads: readonly { id: number; impetus: string }[], log?: LineLog): Promise<KernelCheck[]> {
  return checkKernelTags({ errata, brew: () => ctx.services.get('brew') }, ads, log, ctx.signal);
}

/**
 * A stop-ship kernel is a release blocker: recorded in StateBox for this task (the same text is
 * recognised on a re-run; a blocker someone else holds for the task is left alone and said so).
 */
async function recordStopShipBlocker(ctx: CommandContext, text: string): Promise<string> {
  if (!ctx.services.has('statebox')) return 'StateBox is not available in this process: the blocker was not recorded';
  try {
    const statebox = await ctx.services.get('statebox');
    const { created, issue } = await statebox.addIssue(ctx.release, text, { blocker: true, relatedTasks: [CHANGE_ADVISORY_STATUS_TASK] });
    return created ? 'recorded as a StateBox blocker' : `already recorded as a StateBox blocker on ${issue.reported_at}`;
  } catch (e) {
    return `the StateBox blocker was not recorded: ${errorMessage(e)}`;
  }
}

/**
 * The Jira reads of the last step (the QE subtasks and their transitions) started now, side by
 * side with the Errata and GitLab work they do not depend on; the step itself still comes last.
 */
function readSubtasksAhead(ctx: CommandContext, ticket: string | null): Promise<SubtasksToClose | undefined> {
  if (!ticket) return Promise.resolve(undefined);
  const ahead = ctx.services.get('jira').then((jira) => readSubtasksToClose(jira, ticket));
  ahead.catch(() => undefined); // awaited by the last step; a run that stops earlier leaves it unread
  return ahead;
}

async function activeApprovalWatch(ctx: CommandContext, release: string) {
  if (!ctx.store) return undefined;
  return (await ctx.store.listWatches({ state: 'active', release, kind: ASYNC_APPROVAL_KIND }))[0];
}

export default implement(changeAdvisoryStatus, {
  followUps: { [ASYNC_APPROVAL_KIND]: asyncApprovalFollowUp },

  async plan(ctx): Promise<Plan> {
    const cs = await ctx.configStore();
    const release = cs.release;
    const flow = cs.flow();
    const errata = await ctx.services.get('errata');
    const ads = await loadReleaseAdvisories(errata, cs.advisories(), ctx.signal);
    const kernel = await kernelGuard(ctx, errata, ads);
    const hits = stopShipHits(kernel);
    const kernelNotes = kernel.map((k) => `Kernel stop-ship guard: ${k.line}`);
    if (hits.length) return { summary: `${release} cannot be approved: a kernel is under embargo`, changes: [], notes: kernelNotes, empty: true, refused: stopShipRefusal(hits) };
    const check = await checkRelPrep(errata, ads, undefined, { alerts: 'read' });
    if (check.problems.length) throw new CommandError(`the approval cannot run: ${check.problems.join('; ')}`);
    const changes: Plan['changes'] = [];
    const notes: string[] = [...kernelNotes];
    let deferred = false;
    if (flow === 'konflux') {
      const shipment = await openShipment(await ctx.services.get('gitlab'), cs.shipmentMr());
      if (shipment.state === 'closed') throw new CommandError(closedMrMessage(shipment));
      if (shipment.state === 'merged') notes.push(`Shipment MR !${shipment.iid} is already merged: the QE approval step is skipped`);
      else {
        const a = await approvalState(shipment.mr);
        if (a.approved) notes.push(`Shipment MR !${shipment.iid} is already approved by ${a.username}`);
        else changes.push({ target: `shipment MR !${shipment.iid}`, from: a.approvedBy.length ? `approved by ${a.approvedBy.join(', ')}` : 'not approved', to: `approved by ${a.username}` });
      }
      const metadata = await checkMetadata(ctx, release);
      deferred = !metadata.accessible;
      if (deferred) {
        const existing = await activeApprovalWatch(ctx, release);
        notes.push(
          existing
            ? `The payload metadata URL of ${release} is not reachable yet (${metadata.reason}); an async approval is already waiting for it (next check ${existing.nextCheckAt.toISOString()})`
            : `The payload metadata URL of ${release} is not reachable yet (${metadata.reason}): the advisories move to ${REL_PREP} and the QE subtasks close when it is, checked every ${duration(ctx.config.OAR_APPROVAL_CHECK_INTERVAL_MS)} for up to ${duration(ctx.config.OAR_APPROVAL_MAX_WAIT_MS)}`,
        );
      } else notes.push(`The payload metadata URL of ${release} is reachable`);
    }
    for (const ad of check.toMove) changes.push({ target: `advisory ${ad.id} (${ad.impetus})`, from: ad.state, to: deferred ? `${REL_PREP} once the payload metadata URL is reachable` : REL_PREP });
    for (const ad of check.done) notes.push(`advisory ${ad.id} (${ad.impetus}) is already ${ad.state}`);
    const ticket = cs.jiraTicket();
    if (ticket) {
      const open = openQeSubtasks(await findQeSubtasks(await ctx.services.get('jira'), ticket));
      for (const s of open) changes.push({ target: `Jira ${s.key} (${s.summary})`, from: s.status, to: deferred ? 'Closed once the approval completes' : 'Closed' });
      if (open.length === 0) notes.push(`The QE subtasks of ${ticket} are closed already`);
    } else notes.push(`${release} has no ART Jira ticket: no QE subtask to close`);
    return {
      summary: `${flow === 'konflux' ? 'Konflux' : 'Errata'} flow: ${check.toMove.length} advisor${check.toMove.length === 1 ? 'y' : 'ies'} to ${REL_PREP}${deferred ? ' (deferred until the payload metadata URL is reachable)' : ''}`,
      changes,
      notes,
      empty: changes.length === 0,
    };
  },

  async run(ctx, options) {
    // The async-approval watch resuming a deferred approval (approval/async-approval.ts).
    const resume = asyncApprovalResume.of(options);
    if (resume) return resumeAsyncApproval(ctx, resume);
    const cs = await ctx.configStore();
    const release = cs.release;
    const flow = cs.flow();
    const log = ctx.log;
    const links: OutcomeLink[] = [];
    // Errata flow: the subtasks are always closed at the end (a refusal stops before, with reads only).
    // Konflux flow: not until the payload metadata URL is reachable, so they are read once it is.
    let subtasksAhead = flow === 'konflux' ? undefined : readSubtasksAhead(ctx, cs.jiraTicket());
    try {
      ctx.progress('Checking the advisories');
      const errata = await ctx.services.get('errata');
      // The kernel guard needs only each advisory's id and impetus: it runs alongside the reads that
      // say which advisories count (a dropped one's check is ignored, as if never made).
      const guard = startKernelChecks({ errata, brew: () => ctx.services.get('brew') }, releaseAdvisoryEntries(cs.advisories()).map(([impetus, id]) => ({ id, impetus })), ctx.signal);
      const ads = await loadReleaseAdvisories(errata, cs.advisories(), ctx.signal);
      for (const ad of ads) links.push({ label: `Advisory ${ad.id} (${ad.impetus})`, url: errata.advisoryUrl(ad.id) });
      ctx.progress('Checking the kernel stop-ship tag');
      const hits = stopShipHits(await collectKernelChecks(guard, ads, log));
      if (hits.length) {
        const recorded = await recordStopShipBlocker(ctx, stopShipIssueText(hits));
        log.error(`${stopShipRefusal(hits)} (${recorded})`);
        throw new CommandError(stopShipRefusal(hits));
      }
      const check = await checkRelPrep(errata, ads, log, { alerts: 'refresh' });
      assertApprovable(check, log);

      let shipment: OpenedShipment | undefined;
      let approval: 'approved' | 'already-approved' | 'merged' | undefined;
      if (flow === 'konflux') {
        ctx.progress('Approving the shipment MR');
        shipment = await openShipment(await ctx.services.get('gitlab'), cs.shipmentMr(), log);
        links.push({ label: `Shipment MR !${shipment.iid}`, url: shipment.url });
        if (shipment.state === 'closed') throw new CommandError(closedMrMessage(shipment));
        if (shipment.state === 'opened') approval = await approveShipment(shipment.mr, log);
        else {
          log.info(`Shipment MR for ${release} already merged, skipping QE approval step`);
          approval = 'merged';
        }

        ctx.progress('Checking the payload metadata URL');
        const metadata = await checkMetadata(ctx, release);
        for (const line of metadata.lines) log.info(line);
        if (!metadata.accessible) {
          log.info('Payload metadata URL not accessible immediately, scheduling background check...');
          const shipmentLine = `Shipment MR !${shipment.iid}: ${approval === 'merged' ? 'already merged' : approval === 'approved' ? 'approved' : 'already approved'}`;
          const existing = await activeApprovalWatch(ctx, release);
          if (existing) {
            log.info('Not all the release resources are approved e.g. ET advisories are not updated yet. Please try again later');
            log.info(`an async approval of ${release} is already waiting for the payload metadata URL (watch ${existing.id}, next check ${existing.nextCheckAt.toISOString()})`);
            return {
              status: 'in_progress',
              summary: `${release}: the payload metadata URL is not reachable yet and an async approval is already waiting for it (next check ${existing.nextCheckAt.toISOString()})`,
              sections: [{ lines: [shipmentLine, `Payload metadata: ${metadata.reason}`] }],
              links,
              data: { release, flow, deferred: true, approval, metadata: { accessible: false, reason: metadata.reason }, watch: existing.id },
            };
          }
          log.info('Background metadata checker process started. Task status will be updated when metadata URL becomes accessible.');
          const watch = asyncApprovalWatch(release, ctx.config, { now: ctx.now() });
          return {
            status: 'in_progress',
            summary: `${release}: shipment MR ${approval === 'merged' ? 'already merged' : 'approved'}; the payload metadata URL is not reachable yet, so the advisories move to ${REL_PREP} (and the QE subtasks close) when it is — checked every ${duration(ctx.config.OAR_APPROVAL_CHECK_INTERVAL_MS)} for up to ${duration(ctx.config.OAR_APPROVAL_MAX_WAIT_MS)}`,
            sections: [
              { lines: [shipmentLine, `Payload metadata: ${metadata.reason}`] },
              { title: `Waiting to move to ${REL_PREP}`, lines: check.toMove.map((a) => `advisory ${a.id} (${a.impetus}) ${a.state}`) },
            ],
            links,
            data: { release, flow, deferred: true, approval, metadata: { accessible: false, reason: metadata.reason } },
            watch: { kind: watch.kind, subject: watch.subject, intervalMs: watch.intervalMs, deadline: watch.deadline, ...(watch.createdAt ? { createdAt: watch.createdAt } : {}), ...(watch.nextCheckAt ? { nextCheckAt: watch.nextCheckAt } : {}), ...(watch.dedupKey ? { dedupKey: watch.dedupKey } : {}) },
          };
        }
        subtasksAhead = readSubtasksAhead(ctx, cs.jiraTicket());
      }

      ctx.progress(`Moving the advisories to ${REL_PREP}`);
      const moved = await applyRelPrep(errata, check, log);
      ctx.progress('Closing the QE subtasks');
      const ahead = await subtasksAhead;
      const closed = await closeQeSubtasks(await ctx.services.get('jira'), cs.jiraTicket(), log, ahead);
      return {
        status: 'pass',
        summary: `${release} approved: ${moved.length} advisor${moved.length === 1 ? 'y' : 'ies'} moved to ${REL_PREP}${check.done.length ? `, ${check.done.length} already there` : ''}${approval ? `, shipment MR ${approval === 'merged' ? 'already merged' : approval === 'approved' ? 'approved' : 'already approved'}` : ''}, ${closed.length} QE subtask${closed.length === 1 ? '' : 's'} closed`,
        sections: [
          { title: 'Advisories', lines: [...moved.map((a) => `${a.id} (${a.impetus}) QE → ${REL_PREP}`), ...check.done.map((a) => `${a.id} (${a.impetus}) already ${a.state}`)] },
          ...(closed.length ? [{ title: 'QE subtasks closed', lines: closed }] : []),
        ],
        links,
        nextSteps: [{ label: 'Is it shipped?', command: 'is-release-shipped' }],
        data: { release, flow, deferred: false, approval: approval ?? null, moved: moved.map((a) => a.id), alreadyApproved: check.done.map((a) => a.id), subtasksClosed: closed },
      };
    } catch (e) {
      if (e instanceof CommandError) throw e;
      throw new CommandError(`change advisory status to ${REL_PREP} failed: ${errorMessage(e)}`, { cause: e });
    }
  },
});
