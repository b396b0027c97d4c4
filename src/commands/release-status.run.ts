/** What `releaseStatus` does (declared in ./release-status.ts; the registry imports this module on its first run). */
import { statusView, type TaskStatusView } from '../release/statebox/operations.ts';
import type { IssueEntry } from '../release/statebox/schema.ts';
import { displayName, humanTaskName, suggestNext, WORKFLOW_TASK_NAMES } from '../release/tasks.ts';
import { implement, type NextStep, type OutcomeItem, type OutcomeSection } from './types.ts';
import { releaseStatus } from './release-status.ts';
import { releaseOwner } from './release-owner.ts';

const ITEM_STATE = { Pass: 'pass', Fail: 'fail', 'In Progress': 'in_progress', 'Not Started': 'not_started' } as const;

/** One task row: display name, status, the time that matters (completed, else started). */
export function taskItem(t: Pick<TaskStatusView, 'display' | 'status' | 'started_at' | 'completed_at' | 'blocker'>): OutcomeItem {
  const at = t.completed_at ?? t.started_at;
  return {
    state: t.blocker && t.status !== 'Pass' ? 'blocked' : ITEM_STATE[t.status],
    label: t.display,
    text: `${t.status}${t.blocker ? ' (blocked)' : ''}`,
    ...(at ? { at, atLabel: t.completed_at ? 'completed' : 'started' } : {}),
  };
}

function issueItem(i: IssueEntry): OutcomeItem {
  const scope = i.related_tasks.length ? i.related_tasks.map(displayName).join(', ') : 'whole release';
  return { state: 'warn', label: scope, text: i.issue.trim(), at: i.reported_at, atLabel: 'reported' };
}

export default implement(releaseStatus, {
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
    // The checklist in workflow order (StateBox keeps tasks in the order they were first recorded).
    const rank = (n: string) => {
      const i = (WORKFLOW_TASK_NAMES as readonly string[]).indexOf(n);
      return i < 0 ? WORKFLOW_TASK_NAMES.length : i;
    };
    const tasks = [...view.tasks, ...notStarted].sort((a, b) => rank(a.name) - rank(b.name)).map((t) => ({ ...t, display: humanTaskName(t.name) }));
    const otherIssues = view.unresolvedIssues.filter((i) => !i.blocker);
    const owner = await releaseOwner(ctx.store, ctx.release, doc.state.tasks, (message) => ctx.log.warn(message));
    const advisories = Object.entries(view.metadata.advisory_ids ?? {}).map(([impetus, id]) => `${impetus}: advisory ${id}`);
    const sections: OutcomeSection[] = [
      {
        fields: [
          { label: 'Overall', value: view.overall },
          { label: 'Release date', value: view.metadata.release_date || 'not set' },
          { label: 'Flow', value: view.metadata.shipment_mr ? 'Konflux (shipment MR)' : 'Errata' },
          { label: 'Updated', value: view.updated_at },
          ...(owner ? [{ label: 'QE owner', value: owner }] : []),
          ...(view.metadata.jira_ticket ? [{ label: 'Jira', value: view.metadata.jira_ticket }] : []),
          ...(advisories.length ? [{ label: 'Advisories', value: advisories.join('\n') }] : []),
        ],
      },
      { title: 'Tasks', items: tasks.map(taskItem) },
    ];
    if (otherIssues.length) sections.push({ title: 'Other open issues', items: otherIssues.map(issueItem) });
    const nextSteps: NextStep[] = suggestNext(view.tasks).filter((n) => n.command !== 'release-status');
    const done = view.tasks.filter((t) => t.status === 'Pass').length;
    const blockers = view.blockers.length;
    return {
      status: 'info',
      summary: `${ctx.release}: ${view.overall}, ${done} of ${tasks.length} tasks passed, ${blockers} open blocker${blockers === 1 ? '' : 's'}`,
      sections,
      // Each blocker once and in full: a CVE tracker list spans lines and every line matters.
      blockers: view.blockers.map((b) => b.issue.trim()),
      links: [
        ...(/^https?:\/\//.test(doc.location) ? [{ label: 'StateBox', url: doc.location }] : []),
        ...(view.metadata.shipment_mr && /^https?:\/\//.test(view.metadata.shipment_mr) ? [{ label: 'Shipment MR', url: view.metadata.shipment_mr }] : []),
      ],
      nextSteps,
      data: doc.state,
    };
  },
});
