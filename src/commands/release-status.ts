/**
 * `release-status`: the release's StateBox tasks and open blockers, for Slack (`/oar 4.19.1`),
 * the terminal and MCP. It reads StateBox only, so it works without OAR_JWK and the ConfigStore.
 */
import { z } from 'zod';
import { suggestNext } from '../blocks/home.ts';
import { statusView, type TaskStatusView } from '../release/statebox/operations.ts';
import type { IssueEntry } from '../release/statebox/schema.ts';
import { displayName, WORKFLOW_TASK_NAMES } from '../release/tasks.ts';
import { defineCommand, type NextStep, type OutcomeSection } from './types.ts';

function taskLine(t: Pick<TaskStatusView, 'display' | 'status' | 'started_at' | 'completed_at' | 'blocker'>): string {
  const when = t.completed_at ? ` (completed ${t.completed_at})` : t.started_at ? ` (started ${t.started_at})` : '';
  return `${t.display}: ${t.status}${when}${t.blocker ? ' [blocked]' : ''}`;
}

function issueLine(i: IssueEntry): string {
  const scope = i.related_tasks.length ? i.related_tasks.map(displayName).join(', ') : 'whole release';
  // Blocker texts can span lines (CVE tracker lists); the first line names it, the rest is in data.
  const [first = '', ...rest] = i.issue.trim().split('\n');
  return `${first}${rest.length ? ' …' : ''} (${scope}; reported ${i.reported_at})`;
}

export const releaseStatus = defineCommand({
  name: 'release-status',
  group: 'oar',
  summary: "Show the release's tasks and open blockers from StateBox",
  description: 'Reads only StateBox (no ConfigStore needed). `/oar 4.19.1` with no command runs it.',
  examples: ['oar -r 4.19.1 release-status', '/oar 4.19.1', '/oar 4.19.1 release-status'],
  safety: 'read',
  scope: 'zstream',
  options: z.object({}),
  async run(ctx) {
    const statebox = await ctx.services.get('statebox');
    const doc = await statebox.get(ctx.release);
    if (!doc) {
      const message = `${ctx.release} has no StateBox yet: create-test-report creates it`;
      return {
        status: 'info',
        summary: message,
        data: { source: 'none', release: ctx.release, overall_status: 'Unknown', tasks: {}, message },
        nextSteps: [{ label: 'Create test report', command: 'create-test-report' }],
      };
    }
    const view = statusView(doc.state);
    const recorded = new Set(view.tasks.map((t) => t.name));
    const notStarted = WORKFLOW_TASK_NAMES.filter((t) => !recorded.has(t)).map((name) => ({
      name,
      display: displayName(name),
      status: 'Not Started' as const,
      started_at: null,
      completed_at: null,
      blocker: null,
    }));
    const tasks = [...view.tasks, ...notStarted];
    const otherIssues = view.unresolvedIssues.filter((i) => !i.blocker);
    const sections: OutcomeSection[] = [
      {
        fields: [
          { label: 'Overall', value: view.overall },
          { label: 'Release date', value: view.metadata.release_date || 'not set' },
          { label: 'Flow', value: view.metadata.shipment_mr ? 'Konflux (shipment MR)' : 'Errata' },
          { label: 'Updated', value: view.updated_at },
        ],
      },
      { title: 'Tasks', lines: tasks.map(taskLine) },
      { title: 'Open blockers', lines: view.blockers.length ? view.blockers.map(issueLine) : ['none'] },
    ];
    if (otherIssues.length) sections.push({ title: 'Other open issues', lines: otherIssues.map(issueLine) });
    const nextSteps: NextStep[] = suggestNext(view.tasks).filter((n) => n.command !== 'release-status');
    const done = view.tasks.filter((t) => t.status === 'Pass').length;
    const blockers = view.blockers.length;
    return {
      status: 'info',
      summary: `${ctx.release}: ${view.overall}, ${done} of ${tasks.length} tasks passed, ${blockers} open blocker${blockers === 1 ? '' : 's'}`,
      sections,
      blockers: view.blockers.map((b) => b.issue.trim().split('\n')[0] ?? b.issue),
      links: /^https?:\/\//.test(doc.location) ? [{ label: 'StateBox', url: doc.location }] : [],
      nextSteps,
      data: doc.state,
    };
  },
});
