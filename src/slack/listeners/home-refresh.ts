/** App Home "Refresh": publish the viewer's dashboard again. */
import type { App } from '@slack/bolt';
import { HOME_REFRESH_ACTION_ID } from '../../blocks/action-ids.ts';
import type { ButtonArgs } from '../actions.ts';
import type { ListenerDeps } from '../deps.ts';
import { publishHome } from '../home-view.ts';

export function homeRefresh(deps: ListenerDeps) {
  return async ({ ack, body }: Pick<ButtonArgs, 'ack' | 'body'>): Promise<void> => {
    await ack();
    await publishHome(deps, body.user.id);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(HOME_REFRESH_ACTION_ID, homeRefresh(deps) as never);
}
