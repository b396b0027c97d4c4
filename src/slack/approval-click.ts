/** What Approve and Reject share: the click once, where it came from, who clicked, and the engine's approvals. */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { errorMessage } from '../blocks/outcome.ts';
import type { Approvals } from '../commands/approvals.ts';
import type { Actor } from '../commands/types.ts';
import { firstClick, whereOf } from './actions.ts';
import { actorOf, type ListenerDeps } from './deps.ts';
import { ephemeral, type Where } from './reply.ts';

export interface ApprovalClick {
  where: Where;
  actor: Actor;
  approvals: Approvals;
  id: string;
}

/** undefined: nothing more to do (a second delivery of the click, or no store, already answered). */
export async function approvalClick(deps: ListenerDeps, body: BlockAction, action: ButtonAction): Promise<ApprovalClick | undefined> {
  if (!(await firstClick(deps.store, body, action))) return undefined;
  const where = whereOf(body);
  const actor = actorOf(body.user.id, body.user.name);
  const approvals = deps.runner.approvals;
  if (!approvals) {
    await ephemeral(deps.client, deps.logger, where, actor.id, errorMessage('Approvals need the operational store, which this oar-bot does not have.'));
    return undefined;
  }
  return { where, actor, approvals, id: action.value ?? '' };
}

/** The engine's refusal, privately to the clicker. */
export async function refuse(deps: ListenerDeps, click: ApprovalClick, r: { reason?: string; message: string }): Promise<void> {
  await ephemeral(deps.client, deps.logger, click.where, click.actor.id, errorMessage(r.message, undefined, r.reason === 'denied' ? ':no_entry:' : ':information_source:'));
}
