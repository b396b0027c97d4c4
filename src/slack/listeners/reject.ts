/** "Reject" on a second-person approval request: the engine records it (audited) and updates the request. */
import type { App } from '@slack/bolt';
import { REJECT_ACTION_ID } from '../../blocks/action-ids.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { ephemeral } from '../reply.ts';
import { NO_STORE } from './approve.ts';

export function reject(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await firstClick(deps.store, body, action))) return;
    const { client, logger } = deps;
    const where = whereOf(body);
    const actor = actorOf(body.user.id, body.user.name);
    const approvals = deps.runner.approvals;
    if (!approvals) return ephemeral(client, logger, where, actor.id, errorMessage(NO_STORE));
    const r = await approvals.reject(action.value ?? '', actor);
    if (!r.ok) await ephemeral(client, logger, where, actor.id, errorMessage(r.message, undefined, r.reason === 'denied' ? ':no_entry:' : ':information_source:'));
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(REJECT_ACTION_ID, reject(deps) as never);
}
