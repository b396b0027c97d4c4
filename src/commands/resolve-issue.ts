/** `resolve-issue --issue TEXT --resolution TEXT` (oar-commands 5.5 resolve_issue; MCP `oar_resolve_issue`). */
import { declareCommand } from './types.ts';

export const resolveIssueCommand = declareCommand({
  name: 'resolve-issue',
  group: 'oar',
  summary: "Resolve an open issue (blocker) in the release's StateBox",
  description:
    '--issue is the issue text, or a part of it that matches exactly one open issue (case-insensitive). Several matches or none: ' +
    'nothing changes and the open issues are listed.',
  examples: ['oar -r 4.19.1 resolve-issue --issue "stuck in NEW_FILES" --resolution "ART moved it to QE"'],
  safety: 'write',
  scope: 'zstream',
  // StateBox writes merge on conflict (5.6): clearing a blocker must not wait for a running command.
  noLock: true,
  options: (z) => z.object({
    issue: z.string().trim().min(1, 'give the issue text or a unique part of it').max(1000).describe('The issue text, or a part of it matching exactly one open issue'),
    resolution: z.string().trim().min(1, 'say how it was resolved').max(1000).describe('How it was resolved'),
  }),
});
