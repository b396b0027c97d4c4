/**
 * The one second-person approval lifecycle, for every front end (Slack, MCP, CLI):
 *
 *   propose (runner, after the requester confirmed) -> pending, announced in Slack
 *   -> approve (another person with the critical role) -> approved -> the command runs once -> executed
 *   -> or reject -> rejected, or nobody decides in time -> expired.
 *
 * State lives in the store (pendings of kind `approval`), so any process sharing it sees the
 * same request. Who runs an approved command: the process that receives the approval (the bot
 * whose Approve button was pressed) claims the request atomically (pending -> approved) and runs
 * it through the runner; a waiting CLI or MCP client only reads the end state from the store.
 * Every transition is audited. Front ends only render and hand over to this module.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { AuditEntry, PendingConfirmation, SlackTarget, Store } from '../store/types.ts';
import { approvalView, describeApproval, isFinal, payloadOf, type ApprovalPayload, type ApprovalView } from './approval-view.ts';
import { userMessageOf } from './errors.ts';
import type { RunRequest, RunResult } from './run-types.ts';
import type { SlackMessage, SlackNotifier } from '../integrations/slack-notify.ts';
import { ROLE_RANK, type Actor, type AnyCommand, type Plan, type Role } from './types.ts';

export type { ApprovalView } from './approval-view.ts';

/** Posts and updates the approval request in Slack (through the Slack notify integration). */
export interface ApprovalAnnouncer {
  /** Whether this process can post to Slack at all (a plain terminal cannot: a running bot announces for it). */
  readonly available: boolean;
  post(v: ApprovalView, target?: SlackTarget): Promise<SlackTarget>;
  /** Update the request and, when it was confirmed in Slack, the channel message there (`origin.messageTs`). */
  update(v: ApprovalView, origin?: SlackTarget): Promise<void>;
}

export interface ApprovalsDeps {
  store: Store;
  config: Pick<Config, 'OAR_SECOND_APPROVAL' | 'OAR_APPROVAL_TTL_MS' | 'OAR_APPROVAL_POLL_MS'>;
  logger: Logger;
  now: () => Date;
  roleFor(actor: Actor, release: string): Promise<Role>;
  execute(req: RunRequest): Promise<RunResult>;
  /** Commands by name (the registry): a request proposed elsewhere is run from its name. */
  command(name: string): AnyCommand | undefined;
  announcer?: ApprovalAnnouncer;
}

export type DecisionResult =
  | { ok: true; approval: ApprovalView; result?: RunResult }
  | { ok: false; approval?: ApprovalView; message: string; reason: 'not-found' | 'denied' | 'decided' };

export class Approvals {
  private readonly deps: ApprovalsDeps;

  constructor(deps: ApprovalsDeps) {
    this.deps = deps;
  }

  /** Whether the runner must hold this command for a second person. */
  required(command: string): boolean {
    return this.deps.config.OAR_SECOND_APPROVAL.includes(command);
  }

  /** The requester confirmed a command that needs a second person: store the request and announce it. */
  async propose(req: RunRequest, options: Record<string, unknown>, plan: Plan | undefined, audit: Omit<AuditEntry, 'event'>): Promise<ApprovalView> {
    const now = this.deps.now();
    const payload: ApprovalPayload = {
      options,
      via: req.actor.via,
      ...(req.text ? { text: req.text } : {}),
      ...(req.actor.name ? { actorName: req.actor.name } : {}),
      ...(plan ? { plan } : {}),
      ...(req.slack ? { slack: req.slack } : {}),
      ...(audit.correlationId ? { correlationId: audit.correlationId } : {}),
    };
    const id = `apr-${randomUUID()}`;
    const stored = await this.deps.store.createPending({
      id, kind: 'approval', actorId: req.actor.id, release: req.release, command: req.command.name,
      payload: payload as unknown as Record<string, unknown>, createdAt: now, expiresAt: new Date(now.getTime() + this.deps.config.OAR_APPROVAL_TTL_MS), // the store keeps the approval payload as an opaque JSON object
    });
    await this.audit({ ...audit, event: 'propose', outcome: 'awaiting second approval', detail: `approval ${id} requested via ${req.actor.via}; expires ${stored.expiresAt.toISOString()}` });
    return (await this.announce(stored)) ?? approvalView(stored);
  }

  async get(id: string): Promise<ApprovalView | undefined> {
    const p = await this.deps.store.getPending(id, this.deps.now());
    return p && p.kind === 'approval' ? approvalView(p) : undefined;
  }

  /**
   * A second person approves: checked (not the requester, the role the command needs), claimed
   * atomically so it runs once, audited, run through the runner as the requester, and the
   * outcome recorded. The caller's process executes it.
   */
  async approve(id: string, approver: Actor, opts: Pick<RunRequest, 'progress' | 'signal'> & { slack?: SlackTarget } = {}): Promise<DecisionResult> {
    const found = await this.pending(id);
    if ('message' in found) return found;
    const { p, view, command } = found;
    const base = this.baseAudit(p, approver);
    const role = await this.deps.roleFor(approver, p.release);
    if (approver.id === p.actorId) return this.deny(view, base, 'A second person must approve: you cannot approve your own request.');
    if (ROLE_RANK[role] < ROLE_RANK.critical) return this.deny(view, base, `You are not allowed to approve \`${p.command}\` on ${p.release}: it needs the critical role and you have ${role}.`);
    const claimed = await this.deps.store.transitionPending(id, 'pending', 'approved', this.deps.now(), { decidedBy: approver.id });
    if (!claimed) return this.alreadyDecided(id);
    await this.audit({ ...base, event: 'approve', detail: `approved the request of ${p.actorId} (via ${view.via}); approval ${id}` });
    await this.refresh(claimed);
    const payload = payloadOf(p);
    const requester: Actor = { id: p.actorId, ...(payload.actorName ? { name: payload.actorName } : {}), via: payload.via };
    let result: RunResult;
    try {
      result = await this.deps.execute({
        command,
        release: p.release,
        options: payload.options,
        actor: requester,
        confirmation: { id },
        approval: { id, approver },
        ...(opts.slack ?? payload.slack ? { slack: opts.slack ?? payload.slack } : {}),
        ...(payload.correlationId ? { correlationId: payload.correlationId } : {}),
        ...(payload.text ? { text: payload.text } : {}),
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      result = { kind: 'refused', message: userMessageOf(e), correlationId: payload.correlationId ?? id };
    }
    const outcome = (result.kind === 'done' ? `${result.outcome.status}: ${result.outcome.summary}` : `${result.kind}: ${'message' in result ? result.message : ''}`).slice(0, 500);
    const done = await this.deps.store.transitionPending(id, 'approved', 'executed', this.deps.now(), { outcome });
    if (done) await this.refresh(done);
    return { ok: true, approval: done ? approvalView(done) : { ...approvalView(claimed), state: 'executed', outcome }, result };
  }

  /** Reject (a person with the critical role) or withdraw (the requester): nothing runs; audited. */
  async reject(id: string, actor: Actor, reason?: string): Promise<DecisionResult> {
    const found = await this.pending(id);
    if ('message' in found) return found;
    const { p, view } = found;
    const base = this.baseAudit(p, actor);
    if (actor.id !== p.actorId) {
      const role = await this.deps.roleFor(actor, p.release);
      if (ROLE_RANK[role] < ROLE_RANK.critical) return this.deny(view, base, `You are not allowed to reject \`${p.command}\` on ${p.release}: it needs the critical role and you have ${role}.`);
    }
    // Who decided says whether it was a withdrawal (the view's `withdrawn`); the outcome is only the reason.
    const withdrawn = actor.id === p.actorId;
    const moved = await this.deps.store.transitionPending(id, 'pending', 'rejected', this.deps.now(), { decidedBy: actor.id, ...(reason ? { outcome: reason } : {}) });
    if (!moved) return this.alreadyDecided(id);
    await this.audit({ ...base, event: 'reject', detail: `${withdrawn ? 'withdrew their own request' : `rejected the request of ${p.actorId}`}${reason ? ` (${reason})` : ''}; approval ${id}` });
    await this.refresh(moved);
    return { ok: true, approval: approvalView(moved) };
  }

  /**
   * Wait until the request ends (executed, rejected, expired) or `timeoutMs` passes; returns
   * the latest view either way. Expiry is honoured here too: a lapsed request is marked expired.
   */
  async wait(id: string, opts: { timeoutMs: number; signal?: AbortSignal; onChange?: (v: ApprovalView) => void }): Promise<ApprovalView | undefined> {
    const start = Date.now();
    let last: string | undefined;
    for (;;) {
      let v = await this.get(id);
      if (!v) return undefined;
      if (v.state === 'expired') v = await this.expire(id) ?? v;
      if (v.state !== last) {
        last = v.state;
        opts.onChange?.(v);
      }
      if (isFinal(v.state) || Date.now() - start >= opts.timeoutMs || opts.signal?.aborted) return v;
      try {
        await sleep(Math.min(this.deps.config.OAR_APPROVAL_POLL_MS, Math.max(1, opts.timeoutMs - (Date.now() - start))), undefined, opts.signal ? { signal: opts.signal } : {});
      } catch {
        return v; // aborted: the client gave up waiting; the request itself goes on
      }
    }
  }

  /** Housekeeping of a process that can post to Slack: announce requests made elsewhere, expire lapsed ones. */
  async tick(): Promise<{ announced: number; expired: number }> {
    let announced = 0;
    let expired = 0;
    for (const p of await this.deps.store.listPendings({ kind: 'approval', state: 'pending' }, this.deps.now())) {
      if (p.state === 'expired') {
        if (await this.expire(p.id)) expired++;
      } else if (!p.message && this.deps.announcer?.available) {
        if ((await this.announce(p))?.announcement) announced++;
      }
    }
    return { announced, expired };
  }

  /** pending -> expired (once, by whichever process notices first), audited, the Slack message updated. */
  private async expire(id: string): Promise<ApprovalView | undefined> {
    const moved = await this.deps.store.transitionPending(id, 'pending', 'expired', this.deps.now());
    if (!moved) return undefined;
    await this.audit({ event: 'expire', actorId: moved.actorId, release: moved.release, command: moved.command, detail: `approval ${id} expired at ${moved.expiresAt.toISOString()} without a decision; nothing was run` });
    await this.refresh(moved);
    return approvalView(moved);
  }

  /** Post the request in Slack once (replicas claim it); returns the view with where it waits. */
  private async announce(p: PendingConfirmation): Promise<ApprovalView | undefined> {
    const announcer = this.deps.announcer;
    if (!announcer?.available) return undefined;
    if (!(await this.deps.store.claimPendingAnnouncement(p.id, this.deps.now()))) return undefined;
    const view = approvalView(p);
    try {
      const at = await announcer.post(view, payloadOf(p).slack);
      await this.deps.store.annotatePending(p.id, { message: at });
      return { ...view, announcement: at };
    } catch (e) {
      this.deps.logger.error({ err: e, approval: p.id }, 'could not post the approval request in Slack');
      return view;
    }
  }

  private async refresh(p: PendingConfirmation): Promise<void> {
    const origin = payloadOf(p).slack;
    if (!(p.message || origin?.messageTs) || !this.deps.announcer?.available) return;
    await this.deps.announcer.update(approvalView(p), origin).catch((e: unknown) => this.deps.logger.warn({ err: e, approval: p.id }, 'could not update the approval request in Slack'));
  }

  private async pending(id: string): Promise<{ p: PendingConfirmation; view: ApprovalView; command: AnyCommand } | Extract<DecisionResult, { ok: false }>> {
    const p = await this.deps.store.getPending(id, this.deps.now());
    const command = p ? this.deps.command(p.command) : undefined;
    if (!p || p.kind !== 'approval' || !command) return { ok: false, reason: 'not-found', message: `There is no approval request ${id}.` };
    const view = approvalView(p);
    if (p.state === 'expired') return { ok: false, reason: 'decided', approval: (await this.expire(id)) ?? view, message: describeApproval(view) };
    if (p.state !== 'pending') return { ok: false, reason: 'decided', approval: view, message: `This request was already decided: ${describeApproval(view)}.` };
    return { p, view, command };
  }

  private async alreadyDecided(id: string): Promise<DecisionResult> {
    const now = await this.get(id);
    return { ok: false, reason: 'decided', ...(now ? { approval: now } : {}), message: now ? `This request was already decided: ${describeApproval(now)}.` : `There is no approval request ${id}.` };
  }

  private async deny(view: ApprovalView, base: Omit<AuditEntry, 'event'>, message: string): Promise<DecisionResult> {
    await this.audit({ ...base, event: 'deny', outcome: `approval refused: ${message}` });
    return { ok: false, reason: 'denied', approval: view, message };
  }

  private baseAudit(p: PendingConfirmation, actor: Actor): Omit<AuditEntry, 'event'> {
    const payload = payloadOf(p);
    return {
      actorId: actor.id, ...(actor.name ? { actorName: actor.name } : {}), release: p.release, command: p.command,
      ...(payload.slack ? { channel: payload.slack.channel, ...(payload.slack.threadTs ? { threadTs: payload.slack.threadTs } : {}) } : {}),
      ...(payload.correlationId ? { correlationId: payload.correlationId } : {}),
    };
  }

  private async audit(entry: AuditEntry): Promise<void> {
    try {
      await this.deps.store.audit(entry);
    } catch (e) {
      this.deps.logger.error({ err: e, event: entry.event, command: entry.command }, 'approval audit write failed');
      throw e;
    }
  }
}

/**
 * Announces through the Slack notify integration: in the thread the request came from (Slack),
 * otherwise in the release's QE channel (ConfigStore contact `qe-release`). The message itself is
 * a view (src/blocks/approval.ts), handed in by the composition root.
 */
export function slackApprovalAnnouncer(deps: {
  config: Pick<Config, 'SLACK_BOT_TOKEN'>;
  slack: (release: string) => Promise<SlackNotifier>;
  releaseChannel: (release: string) => Promise<string>;
  /** The request as a Slack message (`approvalRequestMessage`). */
  message: (v: ApprovalView) => SlackMessage;
  /** The channel message where it was confirmed, in the request's current state (`approvalChannelMessage`). */
  channelMessage?: (v: ApprovalView) => SlackMessage;
}): ApprovalAnnouncer {
  return {
    available: Boolean(deps.config.SLACK_BOT_TOKEN),
    async post(v, target) {
      const slack = await deps.slack(v.release);
      const to = target?.channel ? { channel: target.channel, ...(target.threadTs ? { threadTs: target.threadTs } : {}) } : { channel: await deps.releaseChannel(v.release) };
      const posted = await slack.post(to, deps.message(v));
      return { channel: posted.channel, messageTs: posted.ts, ...(to.threadTs ? { threadTs: to.threadTs } : {}) };
    },
    async update(v, origin) {
      const updates: [string, string, SlackMessage][] = [];
      if (v.announcement?.messageTs) updates.push([v.announcement.channel, v.announcement.messageTs, deps.message(v)]);
      // Someone skimming the channel sees how it ended, not only the request in the thread.
      if (origin?.messageTs && deps.channelMessage) updates.push([origin.channel, origin.messageTs, deps.channelMessage(v)]);
      if (!updates.length) return;
      const slack = await deps.slack(v.release);
      const failed = (await Promise.allSettled(updates.map(([channel, ts, m]) => slack.update(channel, ts, m)))).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
