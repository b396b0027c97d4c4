/** What `resolveIssueCommand` does (declared in ./resolve-issue.ts; the registry imports this module on its first run). */
import { resolveIssue, resolveIssuePlan } from './blockers.ts';
import { implement } from './types.ts';
import { resolveIssueCommand } from './resolve-issue.ts';

export default implement(resolveIssueCommand, {
  plan: (ctx, o) => resolveIssuePlan(ctx, o),
  run: (ctx, o) => resolveIssue(ctx, o),
});
