/** "Help: <command>" on a failure: that command's help, privately. */
import type { App } from '@slack/bolt';
import { HELP_ACTION_ID } from '../../blocks/action-ids.ts';
import { whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { helpReply } from '../help.ts';
import { ephemeral } from '../reply.ts';

export function helpButton(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body.user.id, body.user.name);
    const topic = deps.registry.get(action.value ?? '') ? action.value : undefined;
    await ephemeral(deps.client, deps.logger, whereOf(body), actor.id, await helpReply(deps, actor, topic, { shareable: false }));
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(HELP_ACTION_ID, helpButton(deps) as never);
}
