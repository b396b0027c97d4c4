/** "Stop watching" on a long-running command's message. */
import type { App } from '@slack/bolt';
import { WATCH_CANCEL_ACTION_ID } from '../../blocks/action-ids.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { ephemeral } from '../reply.ts';

export function watchCancel(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const where = whereOf(body);
    if (!(await firstClick(deps.store, body, action))) return;
    if (!deps.cancelWatch) {
      await ephemeral(deps.client, deps.logger, where, body.user.id, errorMessage('Watches are not handled by this oar-bot process.'));
      return;
    }
    const r = await deps.cancelWatch(action.value ?? '', actorOf(body.user.id, body.user.name));
    if (r.ok && where.threadTs) await deps.client.chat.postMessage({ channel: where.channel, thread_ts: where.threadTs, text: `<@${body.user.id}>: ${r.message}` });
    else await ephemeral(deps.client, deps.logger, where, body.user.id, errorMessage(r.message, undefined, r.ok ? ':octagonal_sign:' : ':warning:'));
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(WATCH_CANCEL_ACTION_ID, watchCancel(deps) as never);
}
