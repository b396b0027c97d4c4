/**
 * Every registered command. Kept free of heavy imports so `oar help` starts fast: command
 * modules import integration clients only as types and get them from `ctx.services`.
 */
import { makeHelpCommand } from './help.ts';
import { CommandRegistry } from './registry.ts';
import { releaseInfo } from './release-info.ts';
import type { AnyCommand } from './types.ts';

export const COMMANDS: AnyCommand[] = [releaseInfo as unknown as AnyCommand];

export function createRegistry(extra: AnyCommand[] = []): CommandRegistry {
  const registry = new CommandRegistry();
  registry.register(makeHelpCommand(registry) as unknown as AnyCommand);
  for (const c of [...COMMANDS, ...extra]) registry.register(c);
  return registry;
}
