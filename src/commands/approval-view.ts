/**
 * What everyone sees of a second-person approval request: the stored pending entry read as a
 * view (who asked, through which front end, the plan, where it waits, how it ended). Pure.
 */
import type { PendingConfirmation, PendingState } from '../store/types.ts';
import type { ApprovalPayload, ApprovalView } from './types.ts';

export type { ApprovalPayload, ApprovalView } from './types.ts';

/** States after which nothing more happens to an approval request. */
export const APPROVAL_FINAL_STATES: readonly PendingState[] = ['executed', 'rejected', 'expired', 'cancelled'];

export function isFinal(state: PendingState): boolean {
  return APPROVAL_FINAL_STATES.includes(state);
}

export function payloadOf(p: PendingConfirmation): ApprovalPayload {
  const raw = p.payload as Partial<ApprovalPayload>;
  return { options: raw.options ?? {}, via: raw.via ?? 'slack', ...(raw.text ? { text: raw.text } : {}), ...(raw.actorName ? { actorName: raw.actorName } : {}), ...(raw.plan ? { plan: raw.plan } : {}), ...(raw.slack ? { slack: raw.slack } : {}), ...(raw.correlationId ? { correlationId: raw.correlationId } : {}) };
}

export function approvalView(p: PendingConfirmation): ApprovalView {
  const payload = payloadOf(p);
  return {
    id: p.id,
    command: p.command,
    release: p.release,
    state: p.state,
    requestedBy: p.actorId,
    ...(payload.actorName ? { requestedByName: payload.actorName } : {}),
    via: payload.via,
    ...(payload.plan ? { plan: payload.plan } : {}),
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
    ...(p.decidedBy ? { decidedBy: p.decidedBy } : {}),
    ...(p.state === 'rejected' && p.decidedBy === p.actorId ? { withdrawn: true } : {}),
    ...(p.outcome ? { outcome: p.outcome } : {}),
    ...(p.message ? { announcement: p.message } : {}),
  };
}

/** One sentence on where an approval stands, for the terminal, MCP and logs. */
/**
 * Whether an executed approval's run went well. The recorded outcome starts with the run's kind
 * or status (`pass: …`, `fail: …`, `denied: …`), so every front end reads it the same way.
 */
export function approvalRunFailed(v: Pick<ApprovalView, 'state' | 'outcome'>): boolean {
  return v.state === 'executed' && /^(fail|denied|locked|refused|duplicate)\b/.test(v.outcome ?? '');
}

export function describeApproval(v: ApprovalView): string {
  const what = `${v.command} on ${v.release}`;
  switch (v.state) {
    case 'pending': {
      const where = v.announcement ? ` in Slack channel ${v.announcement.channel}` : ' (not yet announced in Slack: a running oar-bot posts it)';
      return `${what} waits for a second person with the critical role to approve it${where}; approval ${v.id} expires ${v.expiresAt.toISOString()}`;
    }
    case 'approved':
      return `${what} was approved by ${v.decidedBy ?? 'someone'} and is running`;
    case 'executed':
      return `${what} was approved by ${v.decidedBy ?? 'someone'} and ran: ${v.outcome ?? 'no result recorded'}`;
    case 'rejected':
      return `${what} was ${v.withdrawn ? 'withdrawn by the requester' : `rejected by ${v.decidedBy ?? 'someone'}`}${v.outcome ? ` (${v.outcome})` : ''}; nothing was changed`;
    case 'expired':
      return `${what} was not approved before ${v.expiresAt.toISOString()}: the request expired and nothing was changed`;
    default:
      return `${what}: ${v.state}`;
  }
}
