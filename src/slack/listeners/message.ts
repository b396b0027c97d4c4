/** `message` events: commands typed in channels the bot is in and in its DM (message.im). */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import { onChat, type ChatEvent } from '../chat.ts';

export type MessageArgs = Pick<SlackEventMiddlewareArgs<'message'>, 'event' | 'body'>;

export function messageEvent(deps: ListenerDeps) {
  return async ({ event, body }: MessageArgs): Promise<void> => {
    deps.metrics?.ack('event', 0);
    await onChat(deps, event as unknown as ChatEvent, (body as { event_id?: string }).event_id, false).catch((e: unknown) => deps.logger.error({ err: e }, 'message handling failed')); // Bolt's message event union; onChat reads only the fields of ChatEvent
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.event('message', messageEvent(deps) as (args: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => Promise<void>);
}
