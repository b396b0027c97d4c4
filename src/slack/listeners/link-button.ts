/** URL buttons (Open StateBox, links): Slack opens the page and still sends an action, which must be acked. */
import type { App } from '@slack/bolt';
import { LINK_ACTION_PATTERN } from '../../blocks/action-ids.ts';
import type { ButtonArgs } from '../actions.ts';
import type { ListenerDeps } from '../deps.ts';

export function linkButton(_deps: ListenerDeps) {
  return async ({ ack }: Pick<ButtonArgs, 'ack'>): Promise<void> => {
    await ack();
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(LINK_ACTION_PATTERN, linkButton(deps) as never);
}
