/** Running a confirmed critical command from its pending record (a second approval, where configured, is the engine's). */
import type { PendingConfirmation } from '../store/types.ts';
import type { Actor } from '../commands/types.ts';
import type { ListenerDeps } from './deps.ts';
import type { Where } from './reply.ts';
import { runVisible, type CommandParsed } from './run.ts';

export interface PendingPayload {
  options?: Record<string, unknown>;
  channel?: string;
  threadTs?: string | null;
  text?: string;
}

export async function runPending(deps: ListenerDeps, pending: PendingConfirmation, actor: Actor): Promise<void> {
  const def = deps.registry.get(pending.command);
  if (!def) return;
  const payload = pending.payload as PendingPayload;
  const parsed: CommandParsed = { kind: 'command', group: def.group, command: def, release: pending.release, options: payload.options ?? {}, debug: false, text: payload.text ?? def.name };
  const where: Where = { channel: payload.channel ?? actor.id, ...(payload.threadTs ? { threadTs: payload.threadTs } : {}) };
  await runVisible(deps, parsed, actor, where, { confirmation: { id: pending.id } });
}
