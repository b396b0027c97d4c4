/**
 * `oar_get_task_blocker` (agents.md 9.4): the one issue tool without a command-line spelling
 * (`oar -r R issues --task T --unresolved-only --blockers-only` lists the same blocker). The other
 * three issue tools are the registered commands add-issue, resolve-issue and issues.
 */
import { z } from 'zod';
import { getTaskBlocker } from '../commands/blockers.ts';
import { defineCommand, type AnyCommand } from '../commands/types.ts';
import type { ApiCommand } from './api-commands.ts';

export const getTaskBlockerCommand = (): AnyCommand =>
  defineCommand({
    name: 'get-task-blocker',
    group: 'oar',
    summary: 'The first unresolved blocker of a StateBox task, if any',
    description: 'Returns {success, blocked, blocker (issue entry or null), task_name, release}; on error success and blocked are false and blocker is null.',
    examples: ['oar -r 4.19.1 issues --task push-to-cdn-staging --unresolved-only --blockers-only'],
    safety: 'read',
    scope: 'zstream',
    options: z.object({ taskName: z.string().trim().min(1).max(200).describe('The StateBox task, e.g. push-to-cdn-staging') }),
    run: (ctx, o) => getTaskBlocker(ctx, o.taskName),
  });

export function issueApiCommands(): ApiCommand[] {
  return [{ toolName: 'oar_get_task_blocker', command: getTaskBlockerCommand() }];
}
