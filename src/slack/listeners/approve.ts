/**
 * "Approve" on a second-person approval request. The engine's approval lifecycle
 * (src/commands/approvals.ts) decides everything: who may approve, that it runs once, expiry,
 * audit. This listener acks, hands over and renders: a refusal privately to the clicker, the
 * approved run's result in the request's thread (the request message itself is updated by the engine).
 */
import type { App } from '@slack/bolt';
import { APPROVE_ACTION_ID } from '../../blocks/action-ids.ts';
import { errorMessage, resultMessage } from '../../blocks/outcome.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { ephemeral, postLong } from '../reply.ts';

export const NO_STORE = 'Approvals need the operational store, which this oar-bot does not have.';

export function approve(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await firstClick(deps.store, body, action))) return;
    const { client, logger } = deps;
    const where = whereOf(body);
    const approver = actorOf(body.user.id, body.user.name);
    const approvals = deps.runner.approvals;
    if (!approvals) return ephemeral(client, logger, where, approver.id, errorMessage(NO_STORE));
    const id = action.value ?? '';
    const work = (async () => {
      const r = await approvals.approve(id, approver, { slack: where });
      if (!r.ok) return ephemeral(client, logger, where, approver.id, errorMessage(r.message, undefined, r.reason === 'denied' ? ':no_entry:' : ':information_source:'));
      if (!r.result) return;
      await postLong(client, where, resultMessage(r.result, { actorId: approver.id, command: r.approval.command, release: r.approval.release }));
    })().catch((e: unknown) => logger.error({ err: e, approval: id }, 'approval failed'));
    await deps.lifecycle.track(work);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(APPROVE_ACTION_ID, approve(deps) as never);
}
