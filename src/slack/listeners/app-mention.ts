/** `app_mention`: `@oar-bot oar -r 4.19.1 …`; a bare mention gets a short greeting. */
import type { App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import { onChat, type ChatEvent } from '../chat.ts';

export type MentionArgs = Pick<SlackEventMiddlewareArgs<'app_mention'>, 'event' | 'body'>;

export function appMention(deps: ListenerDeps) {
  return async ({ event, body }: MentionArgs): Promise<void> => {
    await onChat(deps, event as unknown as ChatEvent, (body as { event_id?: string }).event_id, true).catch((e: unknown) => deps.logger.error({ err: e }, 'mention handling failed')); // Bolt's app_mention event; onChat reads only the fields of ChatEvent
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_mention', appMention(deps));
}
