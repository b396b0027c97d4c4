/** What `issuesCommand` does (declared in ./issues.ts; the registry imports this module on its first run). */
import { listIssues } from './blockers.ts';
import { implement } from './types.ts';
import { issuesCommand } from './issues.ts';

export default implement(issuesCommand, {
  run: (ctx, o) => listIssues(ctx, { unresolvedOnly: o.unresolvedOnly, blockersOnly: o.blockersOnly, taskName: o.task }),
});
