/** `issues [--unresolved-only] [--blockers-only] [--task NAME]` (oar-commands 5.5 get_issues; MCP `oar_get_issues`). */
import { declareCommand } from './types.ts';

export const issuesCommand = declareCommand({
  name: 'issues',
  group: 'oar',
  summary: "The issues and blockers recorded in the release's StateBox",
  description: 'Filters are combined (AND). --task lists the issues related to that StateBox task.',
  examples: ['oar -r 4.19.1 issues', 'oar -r 4.19.1 issues --unresolved-only --blockers-only', 'oar -r 4.19.1 issues --task check-cve-tracker-bug'],
  safety: 'read',
  scope: 'zstream',
  options: (z) => z.object({
    unresolvedOnly: z.boolean().default(false).describe('Only issues not resolved yet'),
    blockersOnly: z.boolean().default(false).describe('Only blockers'),
    task: z.string().trim().min(1).max(200).optional().describe('Only issues related to this StateBox task'),
  }),
});
