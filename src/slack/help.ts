/**
 * `/oar help [command]` for Slack: the help command run through the runner (so the role is
 * the runner's), for a release lead on a y-stream they lead, rendered as Block Kit.
 */
import { commandHelpMessage, helpMessage, type HelpCommand } from '../blocks/help.ts';
import { errorMessage, type SlackMessage } from '../blocks/outcome.ts';
import type { Actor, Role } from '../commands/types.ts';
import type { ListenerDeps } from './deps.ts';

export async function helpReply(deps: ListenerDeps, actor: Actor, topic: string | undefined, opts: { shareable: boolean }): Promise<SlackMessage> {
  const help = deps.registry.get('help')!;
  const leads = (await deps.ledYstreams?.(actor.id).catch(() => [])) ?? [];
  // Help is evaluated for a y-stream the caller leads, so a lead sees what they may run there.
  const r = await deps.runner.execute({ command: help, release: leads[0] ?? '', options: topic ? { topic } : {}, actor });
  if (r.kind !== 'done') return errorMessage(r.kind === 'needs-confirmation' ? 'help is not available' : r.message);
  const data = r.outcome.data as { text?: string; role?: Role; commands?: HelpCommand[]; command?: string } | undefined;
  if (topic) return commandHelpMessage(data?.command ?? topic, data?.text ?? r.outcome.summary, opts);
  return helpMessage(data?.commands ?? [], { userId: actor.id, role: data?.role ?? 'read', leads }, opts);
}
