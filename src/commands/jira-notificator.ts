/**
 * `oarctl jira-notificator [--dry-run] [--from-date YYYY-MM-DD] [--search-batch-size N]`: the
 * scheduled Jira ON_QA escalation, run now through the scheduler (same code, same lease, the run
 * is recorded). A dry run writes nothing (not even labels) and reports what it would do.
 */
import { JIRA_NOTIFICATOR_JOB } from './job-names.ts';
import { jobRunOutcome, requireScheduler, type SchedulerRef } from './jobs.ts';
import { dateOption } from './schemas.ts';
import { defineCommand } from './types.ts';

export function makeJiraNotificatorCommand(getScheduler: SchedulerRef) {
  return defineCommand({
    name: 'jira-notificator',
    group: 'oarctl',
    summary: 'Escalate OCPBUGS issues that stay in ON_QA: Jira comments, Need Info From, pending label',
    description: 'QA contact after 24 weekday hours in ON_QA, then team lead, then manager (LDAP), then the ert:pending-onqa-over-96hrs label; assignee/reporter fallbacks once per issue. Target versions come from release discovery (or OAR_SUPPORTED_YSTREAMS).',
    examples: ['oarctl jira-notificator --dry-run', 'oarctl jira-notificator --from-date 2025-07-01', '/oar jira-notificator --dry-run --search-batch-size 50'],
    options: (z) => z.object({
      dryRun: z.boolean().default(false).describe('Report what would be done; write nothing to Jira or Slack'),
      fromDate: dateOption().optional().describe('Only issues that moved to ON_QA after this date (YYYY-MM-DD)'),
      searchBatchSize: z.coerce.number().int().min(1).max(1000).optional().describe('Issues per Jira search page (default JIRA_PAGE_SIZE)'),
    }),
    safety: (o) => (o.dryRun ? 'read' : 'write'),
    scope: 'none',
    async run(ctx, o) {
      const scheduler = requireScheduler(getScheduler);
      ctx.progress(`querying ON_QA issues${o.dryRun ? ' (dry run)' : ''}`);
      const params: Record<string, unknown> = {};
      if (o.fromDate !== undefined) params.fromDate = o.fromDate;
      if (o.searchBatchSize !== undefined) params.searchBatchSize = o.searchBatchSize;
      return jobRunOutcome(await scheduler.runNow(JIRA_NOTIFICATOR_JOB, { dryRun: o.dryRun, params, actor: ctx.actor, signal: ctx.signal }));
    },
  });
}
