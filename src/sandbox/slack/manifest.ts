/**
 * The bot events the app subscribes to, read from the project's manifest.yml: the simulated
 * Slack delivers only those, as real Slack does (a command typed in the bot's DM reaches the
 * app only with message.im).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../fixtures.ts';
import type { SubscribedEvent } from './context.ts';

const manifestSchema = z.looseObject({
  settings: z.looseObject({ event_subscriptions: z.looseObject({ bot_events: z.array(z.string()) }) }),
});

export function manifestBotEvents(path = join(PROJECT_ROOT, 'manifest.yml')): SubscribedEvent[] {
  const doc = manifestSchema.parse(load(readFileSync(path, 'utf8')));
  return doc.settings.event_subscriptions.bot_events as SubscribedEvent[];
}

/** The message.* event that carries a message posted in this kind of conversation. */
export function messageEventFor(ch: { isIm: boolean; isPrivate: boolean; isMpim?: boolean }): SubscribedEvent {
  if (ch.isIm) return 'message.im';
  if (ch.isMpim) return 'message.mpim';
  return ch.isPrivate ? 'message.groups' : 'message.channels';
}
