/** App Home: the release dashboard, published when the viewer opens the Home tab. */
import type { App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import { publishHome } from '../home-view.ts';

export type HomeArgs = Pick<SlackEventMiddlewareArgs<'app_home_opened'>, 'event'>;

export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event }: HomeArgs): Promise<void> => {
    if (event.tab && event.tab !== 'home') return;
    await publishHome(deps, event.user);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
