/** `/oar help [command]` for Slack: the help command run through the runner, rendered as Block Kit. */
import { textMessage, type SlackMessage } from '../blocks/outcome.ts';
import type { Actor } from '../commands/types.ts';
import type { ListenerDeps } from './deps.ts';

export async function helpReply(deps: ListenerDeps, actor: Actor, topic: string | undefined, _opts: { shareable: boolean }): Promise<SlackMessage> {
  const help = deps.registry.get('help')!;
  const r = await deps.runner.execute({ command: help, release: '', options: topic ? { topic } : {}, actor });
  const text = r.kind === 'done' ? ((r.outcome.data as { text?: string } | undefined)?.text ?? r.outcome.summary) : 'help is not available';
  return textMessage(topic ? `/oar help ${topic}` : 'oar-bot commands you may run', text);
}
