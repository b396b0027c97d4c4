/**
 * `oar_get_task_blocker` (agents.md 9.4): the one issue tool without a command-line spelling
 * (`oar -r R issues --task T --unresolved-only --blockers-only` lists the same blocker). The other
 * three issue tools are the registered commands add-issue, resolve-issue and issues. An MCP-only
 * command: listed in MCP_ONLY_COMMANDS (commands/index.ts), not in the registry.
 */
import { declareCommand } from './types.ts';

export const getTaskBlocker = declareCommand({
  name: 'get-task-blocker',
  group: 'oar',
  summary: 'The first unresolved blocker of a StateBox task, if any',
  description: 'Returns {success, blocked, blocker (issue entry or null), task_name, release}; on error success and blocked are false and blocker is null.',
  examples: ['oar -r 4.19.1 issues --task push-to-cdn-staging --unresolved-only --blockers-only'],
  safety: 'read',
  scope: 'zstream',
  options: (z) => z.object({ taskName: z.string().trim().min(1).max(200).describe('The StateBox task, e.g. push-to-cdn-staging') }),
});
