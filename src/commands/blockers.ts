/**
 * Blocker management (oar-commands 5.5 add_issue / resolve_issue / get_issues / get_task_blocker):
 * the StateBox reads and writes behind `add-issue`, `resolve-issue`, `issues` and the MCP tools
 * `oar_add_issue`, `oar_resolve_issue`, `oar_get_issues`, `oar_get_task_blocker`. Each returns the
 * original MCP server's JSON shape (agents.md 9.4) as `data`, so every front end shows the same
 * facts and MCP clients get the original's result.
 */
import type { IssueEntry, StateBoxState } from '../release/statebox/schema.ts';
import { applyAddIssue, filterIssues, findIssueToResolve, taskBlocker } from '../release/statebox/operations.ts';
import { userMessageOf } from './errors.ts';
import type { CommandContext, Outcome, OutcomeSection, Plan } from './types.ts';

/** `a, b,,c` → ['a', 'b', 'c'] (the original's comma-separated related_tasks). */
export function splitTasks(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One line for an issue: state, blocker flag, scope, text (first line), and its resolution. */
export function issueLine(i: IssueEntry): string {
  const scope = i.related_tasks.length ? i.related_tasks.join(', ') : 'general';
  const state = i.resolved ? `resolved${i.resolved_at ? ` ${i.resolved_at}` : ''}${i.resolution ? `: ${i.resolution}` : ''}` : `open since ${i.reported_at}`;
  return `${i.blocker ? 'BLOCKER' : 'issue'} [${scope}] ${i.issue.split('\n')[0]} (${state})`;
}

/**
 * An error as the original's issue tools report it: StateBox errors as they are, anything else
 * prefixed "Unexpected error: ".
 */
function toolError(e: unknown): string {
  const message = userMessageOf(e);
  return e instanceof Error && e.name === 'StateBoxError' ? message : `Unexpected error: ${message}`;
}

function failed(summary: string, data: Record<string, unknown>): Outcome {
  return { status: 'fail', summary: summary.split('\n')[0]!, sections: summary.includes('\n') ? [{ lines: summary.split('\n').slice(1) }] : [], data };
}

async function stateOf(ctx: CommandContext): Promise<StateBoxState | null> {
  const statebox = await ctx.services.get('statebox');
  return (await statebox.get(ctx.release))?.state ?? null;
}

export interface AddIssueInput {
  issue: string;
  blocker: boolean;
  relatedTasks: string[];
}

export async function addIssuePlan(ctx: CommandContext, o: AddIssueInput): Promise<Plan> {
  const state = structuredClone((await stateOf(ctx)) ?? { release: ctx.release, issues: [] as IssueEntry[] }) as StateBoxState;
  const out = applyAddIssue(state, o.issue, { blocker: o.blocker, relatedTasks: o.relatedTasks }, ctx.now().toISOString());
  if (!out.created) return { summary: `The issue is already recorded for ${ctx.release}`, changes: [], notes: [issueLine(out.issue)], empty: true };
  return { summary: `Add a ${o.blocker ? 'blocking' : 'non-blocking'} issue to the StateBox of ${ctx.release}`, changes: [{ target: `StateBox issues of ${ctx.release}`, to: issueLine(out.issue) }] };
}

export async function addIssue(ctx: CommandContext, o: AddIssueInput): Promise<Outcome> {
  try {
    const statebox = await ctx.services.get('statebox');
    const { issue, created } = await statebox.addIssue(ctx.release, o.issue, { blocker: o.blocker, relatedTasks: o.relatedTasks });
    const message = `Added ${issue.blocker ? 'blocking' : 'non-blocking'} issue`;
    ctx.log.info(created ? `${message}: ${issue.issue}` : `Issue already exists: ${issue.issue}`);
    return {
      status: 'pass',
      summary: created ? `${message} to ${ctx.release}` : `This issue is already recorded for ${ctx.release} (since ${issue.reported_at}); nothing changed`,
      sections: [{ lines: [issueLine(issue)] }],
      data: { success: true, message, issue, release: ctx.release },
    };
  } catch (e) {
    const error = toolError(e);
    return failed(error, { success: false, error, release: ctx.release });
  }
}

export async function resolveIssuePlan(ctx: CommandContext, o: { issue: string; resolution: string }): Promise<Plan> {
  const state = await stateOf(ctx);
  const issue = findIssueToResolve(state ?? ({ release: ctx.release, issues: [] } as unknown as StateBoxState), o.issue); // an empty state for a release without StateBox: findIssueToResolve reads only `issues`
  return { summary: `Resolve an issue of ${ctx.release}`, changes: [{ target: issueLine(issue), from: 'open', to: `resolved: ${o.resolution}` }] };
}

export async function resolveIssue(ctx: CommandContext, o: { issue: string; resolution: string }): Promise<Outcome> {
  try {
    const statebox = await ctx.services.get('statebox');
    const issue = await statebox.resolveIssue(ctx.release, o.issue, o.resolution);
    ctx.log.info(`Resolved issue: ${issue.issue}`);
    return { status: 'pass', summary: `Resolved on ${ctx.release}: ${issue.issue.split('\n')[0]}`, sections: [{ lines: [issueLine(issue)] }], data: { success: true, message: 'Issue resolved successfully', issue, release: ctx.release } };
  } catch (e) {
    const error = toolError(e);
    return failed(error, { success: false, error, release: ctx.release });
  }
}

export interface IssuesFilter {
  unresolvedOnly: boolean;
  blockersOnly: boolean;
  taskName?: string | undefined;
}

export async function listIssues(ctx: CommandContext, f: IssuesFilter): Promise<Outcome> {
  const filters = { unresolved_only: f.unresolvedOnly, blockers_only: f.blockersOnly, task_name: f.taskName ?? null };
  try {
    const state = await stateOf(ctx);
    const issues = state ? filterIssues(state, { unresolvedOnly: f.unresolvedOnly, blockersOnly: f.blockersOnly, ...(f.taskName !== undefined ? { taskName: f.taskName } : {}) }) : [];
    const what = [f.unresolvedOnly ? 'unresolved' : '', f.blockersOnly ? 'blocking' : ''].filter(Boolean).join(' ');
    const sections: OutcomeSection[] = issues.length ? [{ title: 'Issues', lines: issues.map(issueLine) }] : [];
    const none = state ? '' : ` (${ctx.release} has no StateBox yet)`;
    return {
      status: 'info',
      summary: `${issues.length} ${what ? `${what} ` : ''}issue${issues.length === 1 ? '' : 's'}${f.taskName ? ` for task ${f.taskName}` : ''} in ${ctx.release}${none}`,
      sections,
      data: { success: true, count: issues.length, issues, filters, release: ctx.release },
    };
  } catch (e) {
    const error = toolError(e);
    return failed(error, { success: false, error, count: 0, issues: [], filters, release: ctx.release });
  }
}

export async function getTaskBlocker(ctx: CommandContext, taskName: string): Promise<Outcome> {
  try {
    const state = await stateOf(ctx);
    const blocker = state ? taskBlocker(state, taskName) : null;
    return {
      status: 'info',
      summary: blocker ? `${taskName} on ${ctx.release} is blocked: ${blocker.issue.split('\n')[0]}` : `${taskName} on ${ctx.release} has no unresolved blocker`,
      data: { success: true, blocked: blocker !== null, blocker, task_name: taskName, release: ctx.release },
    };
  } catch (e) {
    const error = toolError(e);
    return failed(error, { success: false, error, blocked: false, blocker: null, task_name: taskName, release: ctx.release });
  }
}
