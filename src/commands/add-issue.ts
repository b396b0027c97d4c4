/** `add-issue --issue TEXT [--no-blocker] [--related-tasks a,b]` (oar-commands 5.5 add_issue; MCP `oar_add_issue`). */
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

export const options = (z: Zod) =>
  z.object({
    issue: z.string().trim().min(1, 'the issue text is empty').max(1000, 'the issue text is longer than 1000 characters').describe('What is wrong (1..1000 characters)'),
    blocker: z.boolean().default(true).describe('A blocker holds the release (--no-blocker: an issue to note only)'),
    relatedTasks: z.string().max(2000).optional().describe('Comma-separated StateBox tasks it blocks, e.g. push-to-cdn-staging,stage-testing; omit for a general issue'),
  });

export const addIssueCommand = declareCommand({
  name: 'add-issue',
  group: 'oar',
  summary: "Record an issue (by default a blocker) in the release's StateBox",
  description:
    'StateBox rules: the same unresolved text (case-insensitive) is recognised, not added twice; a task holds at most one unresolved blocker ' +
    '(resolve the old one first). With no related task the issue is general: it concerns the whole release.',
  examples: [
    'oar -r 4.19.1 add-issue --issue "Advisory 151165 is stuck in NEW_FILES" --related-tasks push-to-cdn-staging',
    'oar -r 4.19.1 add-issue --issue "Waiting for the kernel respin" --no-blocker',
  ],
  safety: 'write',
  scope: 'zstream',
  // StateBox writes merge on conflict (5.6): recording a blocker must not wait for a running command.
  noLock: true,
  options,
});
