/** `/oar …`: acked at once; the work starts on the next turn so a burst of commands is acked first. */
import type { App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { errorMessage, type SlackMessage } from '../../blocks/outcome.ts';
import type { Parsed } from '../../commands/parser.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { dispatch, parseErrorMessage, stripQuiet } from '../dispatch.ts';

export type SlashArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'>;

export function slashCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond }: SlashArgs): Promise<void> => {
    const t0 = performance.now();
    const acked = () => deps.metrics?.ack('slash_command', performance.now() - t0);
    if (!deps.lifecycle.accepting) {
      await ack({ response_type: 'ephemeral', text: 'oar-bot is restarting, try again in a minute.' });
      acked();
      return;
    }
    let parsed: Parsed;
    // `--quiet` is accepted for habit's sake: read-only answers to /oar are private anyway.
    const { text: slashText } = stripQuiet(command.text);
    try {
      parsed = deps.parser.parseSlash(slashText);
    } catch (e) {
      const msg = parseErrorMessage(deps, e);
      await ack({ response_type: 'ephemeral', text: msg.text, blocks: msg.blocks });
      acked();
      return;
    }
    await ack();
    acked();
    const reply = async (m: SlackMessage) => {
      await respond({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
    };
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const actor = actorOf(command.user_id, command.user_name);
      // Read-only answers are private with "Share in channel"; write and critical runs are public.
      await dispatch(deps, parsed, actor, { channel: command.channel_id }, { triggerId: command.trigger_id, respond: reply, quiet: true, shareable: true });
    } catch (e) {
      deps.logger.error({ err: e }, '/oar failed');
      await reply(errorMessage(`Something went wrong: ${(e as Error).message.split('\n')[0]}`)).catch(() => undefined);
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.command('/oar', slashCommand(deps));
}
