/** `help [command]`: the command list (only what the caller may run) or one command's help. */
import { commandHelp, registryHelp, type CommandRegistry } from './registry.ts';
import { CommandError } from './errors.ts';
import { defineCommand, ROLE_RANK, safetyOf, type AnyCommand, type Role } from './types.ts';

export function mayRun(def: AnyCommand, role: Role): boolean {
  // A command whose safety depends on options is listed when its least privileged mode is allowed.
  const safety = typeof def.safety === 'function' ? 'read' : safetyOf(def, {});
  return ROLE_RANK[role] >= ROLE_RANK[safety];
}

/** The role a command needs in its least privileged mode. */
export function neededRole(def: AnyCommand): Role {
  return typeof def.safety === 'function' ? 'read' : safetyOf(def, {});
}

export function makeHelpCommand(registry: CommandRegistry) {
  return defineCommand({
    name: 'help',
    group: 'oar',
    summary: 'List the commands you may run, or show one command with its options and examples',
    examples: ['oar help', 'oar help take-ownership', '/oar help push-to-cdn-staging'],
    safety: 'read',
    scope: 'none',
    positionals: ['topic'],
    options: (z) => z.object({ topic: z.string().optional().describe('A command name') }),
    async run(ctx, { topic }) {
      if (topic) {
        const def = registry.get(topic);
        if (!def) throw new CommandError(registry.unknownCommandMessage(topic));
        const text = commandHelp(def);
        return { status: 'info', summary: `${def.name}: ${def.summary}`, sections: [{ lines: text.split('\n') }], data: { command: def.name, text } };
      }
      const all = registry.list().filter((d) => d.name !== 'help');
      const visible = all.filter((d) => mayRun(d, ctx.role));
      const text = registryHelp(visible);
      return {
        status: 'info',
        summary: `${visible.length} commands you may run`,
        sections: [{ lines: text.split('\n') }],
        data: {
          role: ctx.role,
          ...(ctx.release ? { release: ctx.release } : {}),
          // Every command, with whether this caller may run it: front ends show the others with the role they need.
          commands: all.map((d) => ({ name: d.name, group: d.group, safety: typeof d.safety === 'function' ? 'varies' : d.safety, needs: neededRole(d), summary: d.summary, legacy: Boolean(d.legacy), mayRun: mayRun(d, ctx.role), scope: d.scope, examples: d.examples })),
          text,
        },
      };
    },
  });
}
