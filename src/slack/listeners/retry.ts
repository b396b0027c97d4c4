/** "Retry" on a failure: the same command line again, through the same policy (confirmation included). */
import type { App } from '@slack/bolt';
import { RETRY_ACTION_ID } from '../../blocks/action-ids.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { dispatch, parseErrorMessage } from '../dispatch.ts';
import { ephemeral } from '../reply.ts';

export function retry(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await firstClick(deps.store, body, action))) return;
    const where = whereOf(body);
    const actor = actorOf(body.user.id, body.user.name);
    try {
      await dispatch(deps, deps.parser.parseLine(action.value ?? ''), actor, where, { triggerId: body.trigger_id });
    } catch (e) {
      await ephemeral(deps.client, deps.logger, where, actor.id, parseErrorMessage(deps, e));
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(RETRY_ACTION_ID, retry(deps) as never);
}
