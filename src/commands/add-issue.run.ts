/** What `addIssueCommand` does (declared in ./add-issue.ts; the registry imports this module on its first run). */
import type { z } from 'zod';
import { addIssue, addIssuePlan, splitTasks } from './blockers.ts';
import { implement } from './types.ts';
import type { options } from './add-issue.ts';
import { addIssueCommand } from './add-issue.ts';

const input = (o: z.output<ReturnType<typeof options>>) => ({ issue: o.issue, blocker: o.blocker, relatedTasks: splitTasks(o.relatedTasks) });

export default implement(addIssueCommand, {
  plan: (ctx, o) => addIssuePlan(ctx, input(o)),
  run: (ctx, o) => addIssue(ctx, input(o)),
});
