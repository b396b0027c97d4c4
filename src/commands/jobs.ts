/**
 * `jobs`: the scheduled jobs of this process. `/oar jobs` (or `oarctl jobs`) lists each job with
 * its schedule, last run, outcome, counts and next run; `/oar jobs run NAME [--dry-run]` runs one
 * now (on this replica, under the job's lease, recorded like a scheduled run; a dry run writes
 * nothing). Listing is read-only; running is a write unless it is a dry run.
 */
import type { ScheduledJobRun, ScheduledJobStatus, SchedulerPort, SchedulerRef } from './ports.ts';
import { CommandError } from './errors.ts';
import { defineCommand, type Outcome, type OutcomeSection } from './types.ts';

export type { SchedulerRef };

const MAX_LINES = 200;

export function requireScheduler(get: SchedulerRef): SchedulerPort {
  const s = get();
  if (!s) throw new CommandError('the job scheduler is not available in this process');
  return s;
}

function when(d: Date | undefined | null): string {
  return d ? d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC') : '—';
}

function countsText(counts: Record<string, number> | undefined): string {
  if (!counts) return '';
  const parts = Object.entries(counts).filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

export function jobStatusSection(j: ScheduledJobStatus): OutcomeSection {
  const last = j.lastRun;
  const lastText = last
    ? `${when(last.startedAt)} · ${last.outcome ?? 'running'}${last.endedAt ? ` in ${Math.round((last.endedAt.getTime() - last.startedAt.getTime()) / 1000)} s` : ''}${last.owner ? ` on ${last.owner}` : ''}`
    : 'never';
  const fields = [
    { label: 'Schedule', value: `${j.schedule} (${j.timezone})${j.scheduleVar ? ` · ${j.scheduleVar}` : ''}` },
    { label: 'Next run', value: when(j.nextRun) },
    { label: 'Last run', value: lastText },
  ];
  if (last?.counts) fields.push({ label: 'Counts', value: countsText(last.counts) });
  if (last?.error) fields.push({ label: 'Error', value: last.error.slice(0, 500) });
  if (j.running || j.leaseHolder) fields.push({ label: 'Running', value: j.running ? 'now, on this replica' : `lease held by ${j.leaseHolder}` });
  if (j.failing) fields.push({ label: 'Failing', value: `${j.failing.failures} run(s) in a row since ${j.failing.since}` });
  return { title: `${j.name} — ${j.description}`, fields };
}

/** A job run as a command outcome (shared by jobs, jira-notificator and start-release-detector). */
export function jobRunOutcome(r: ScheduledJobRun): Outcome {
  const report = r.report;
  const lines = report?.lines ?? [];
  const sections: OutcomeSection[] = [];
  if (report?.counts) sections.push({ title: 'Counts', fields: Object.entries(report.counts).map(([label, v]) => ({ label, value: String(v) })) });
  if (lines.length) sections.push({ title: r.dryRun ? 'Would do' : 'Details', lines: lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `…and ${lines.length - MAX_LINES} more`] : lines });
  const links = (report?.links ?? []).slice(0, 20);
  if (r.outcome === 'skipped') return { status: 'fail', summary: `${r.job} did not run: ${r.error ?? 'skipped'}`, data: r };
  const summary = `${r.dryRun ? 'Dry run of ' : ''}${r.job}: ${report?.summary ?? r.error ?? r.outcome}${r.outcome === 'failed' && report && r.error ? ` — ${r.error}` : ''}`;
  return {
    status: r.outcome === 'failed' ? 'fail' : r.dryRun ? 'info' : 'pass',
    summary,
    sections,
    ...(links.length ? { links } : {}),
    data: { job: r.job, outcome: r.outcome, dryRun: r.dryRun, runId: r.runId, error: r.error, counts: report?.counts, report: report?.data },
  };
}

export function makeJobsCommand(getScheduler: SchedulerRef) {
  return defineCommand({
    name: 'jobs',
    group: 'oarctl',
    summary: 'List the scheduled jobs (schedule, last run, outcome, next run), or run one now',
    description: 'Jobs: jira-notificator, result-checker, release-detector, watchers. A manual run takes the job lease and is recorded like a scheduled run; --dry-run writes nothing.',
    examples: ['/oar jobs', 'oarctl jobs', '/oar jobs run jira-notificator --dry-run', 'oarctl jobs run result-checker'],
    options: (z) => z.object({
      action: z.enum(['list', 'run']).default('list').describe('list (default) or run'),
      name: z.string().optional().describe('The job to run'),
      dryRun: z.boolean().default(false).describe('Report what the job would do; write nothing'),
    }),
    safety: (o) => (o.action === 'run' && !o.dryRun ? 'write' : 'read'),
    scope: 'none',
    positionals: ['action', 'name'],
    async run(ctx, o) {
      const scheduler = requireScheduler(getScheduler);
      if (o.action === 'list') {
        if (o.name) throw new CommandError(`\`jobs ${o.name}\`: did you mean \`jobs run ${o.name}\`?`);
        const jobs = await scheduler.list();
        const failing = jobs.filter((j) => j.failing).length;
        return {
          status: 'info',
          summary: `${jobs.length} scheduled jobs${failing ? `, ${failing} failing` : ''} (replica ${scheduler.owner})`,
          sections: jobs.map(jobStatusSection),
          data: jobs,
        };
      }
      if (!o.name) throw new CommandError(`jobs run needs a job name: one of ${scheduler.names().join(', ')}`);
      if (!scheduler.job(o.name)) throw new CommandError(`unknown job ${o.name}; jobs: ${scheduler.names().join(', ')}`);
      ctx.progress(`running ${o.name}${o.dryRun ? ' (dry run)' : ''}`);
      return jobRunOutcome(await scheduler.runNow(o.name, { dryRun: o.dryRun, actor: ctx.actor, signal: ctx.signal }));
    },
  });
}
