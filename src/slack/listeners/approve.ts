/**
 * "Approve" on a second-person approval request. The engine's approval lifecycle
 * (src/commands/approvals.ts) decides everything: who may approve, that it runs once, expiry,
 * audit. This listener acks, hands over and renders: a refusal privately to the clicker, the
 * approved run's result in the request's thread (the request message itself is updated by the engine).
 */
import type { App } from '@slack/bolt';
import { APPROVE_ACTION_ID } from '../../blocks/action-ids.ts';
import { resultMessage } from '../../blocks/outcome.ts';
import type { ButtonArgs } from '../actions.ts';
import { approvalClick, refuse } from '../approval-click.ts';
import type { ListenerDeps } from '../deps.ts';
import { postLong } from '../reply.ts';

export function approve(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const click = await approvalClick(deps, body, action);
    if (!click) return;
    const work = (async () => {
      const r = await click.approvals.approve(click.id, click.actor, { slack: click.where });
      if (!r.ok) return refuse(deps, click, r);
      if (!r.result) return;
      await postLong(deps.client, click.where, resultMessage(r.result, { actorId: click.actor.id, command: r.approval.command, release: r.approval.release }));
    })().catch((e: unknown) => deps.logger.error({ err: e, approval: click.id }, 'approval failed'));
    await deps.lifecycle.track(work);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(APPROVE_ACTION_ID, approve(deps) as never);
}
