/**
 * "Share in channel" on a private answer: the same read-only command is run again, in public,
 * as the person who shared it (a fresh answer, never a stale copy), and the private one goes away.
 */
import type { App } from '@slack/bolt';
import { SHARE_ACTION_ID } from '../../blocks/action-ids.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { dispatch, parseErrorMessage } from '../dispatch.ts';
import { helpReply } from '../help.ts';
import { ephemeral, threadOf } from '../reply.ts';

export function share(deps: ListenerDeps) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await firstClick(deps.store, body, action))) return;
    const where = whereOf(body);
    const actor = actorOf(body.user.id, body.user.name);
    try {
      const parsed = deps.parser.parseLine(action.value ?? '');
      if (parsed.kind === 'help') {
        const msg = await helpReply(deps, actor, parsed.topic, { shareable: false });
        await deps.client.chat.postMessage({ channel: where.channel, ...threadOf(where), text: msg.text, blocks: msg.blocks });
      } else {
        await dispatch(deps, parsed, actor, where, {});
      }
      await respond?.({ delete_original: true }).catch(() => undefined);
    } catch (e) {
      await ephemeral(deps.client, deps.logger, where, actor.id, parseErrorMessage(deps, e));
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(SHARE_ACTION_ID, share(deps) as never);
}
