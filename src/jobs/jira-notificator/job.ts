/**
 * The notificator as a scheduled job (and what `oarctl jira-notificator` runs): resolves its
 * clients at run time (missing credentials fail the run, not the bot), runs, and posts the
 * summary to OAR_NOTIFICATOR_CHANNEL.
 */
import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import { notificatorNotice, notificatorSummaryMessage } from '../../blocks/notificator.ts';
import type { ReleaseNotifier } from '../../commands/notifier.ts';
import type { Logger } from '../../log.ts';
import { resolveYStreams, type YStreamSource } from '../ystreams.ts';
import { errorText, type JobDefinition, type JobReport, type SlackPoster } from '../types.ts';
import { reportCounts, runJiraNotificator, RUN_ERROR_MESSAGE, type NotificatorDeps, type NotificatorReport } from './run.ts';
import { JIRA_NOTIFICATOR_JOB } from '../../commands/job-names.ts';
import { defineJob } from '../declare.ts';
import { githubPullRequestLabels } from './premerge.ts';

export { JIRA_NOTIFICATOR_JOB };

/** Manual-run parameters (`oarctl jira-notificator --from-date 2025-07-01 --search-batch-size 50`). */
export const notificatorParamsSchema = z.object({
  fromDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '--from-date must be YYYY-MM-DD').optional(),
  searchBatchSize: z.number().int().min(1).max(1000).optional(),
});

export interface JiraNotificatorJobDeps {
  config: Pick<Config, 'OAR_CRON_JIRA_NOTIFICATOR' | 'OAR_NOTIFICATOR_CHANNEL' | 'OAR_SUPPORTED_YSTREAMS'>;
  /** Clients, built when a run starts. */
  clients(): Promise<Omit<NotificatorDeps, 'targetVersions' | 'logger' | 'now'>>;
  /** Release discovery (undefined: not configured). */
  discovery?: () => Promise<YStreamSource | undefined>;
  /** Slack for the summary; undefined: the summary is only logged. */
  slack?: () => Promise<SlackPoster | undefined>;
  /** A poster of the summary for one run (the jobs' env's: Block Kit, warnings into the run's log). */
  notifier(logger: Logger): Pick<ReleaseNotifier, 'post'>;
}

export function notificatorLines(r: NotificatorReport): string[] {
  const verb = r.dryRun ? 'would ' : '';
  const lines = r.actions.map((a) => {
    const who = a.recipients.length ? ` → ${a.recipients.join(', ')}` : '';
    if (a.kind === 'label-added') return `${a.key}: ${verb}add label ert:pending-onqa-over-96hrs`;
    if (a.kind === 'label-removed') return `${a.key}: ${verb}remove label ert:pending-onqa-over-96hrs`;
    return `${a.key}: ${verb}notify ${a.kind}${who}`;
  });
  for (const k of r.premergeVerified) lines.push(`${k}: pre-merge verified, skipped`);
  for (const k of r.noTransition) lines.push(`${k}: no ON_QA transition in the changelog`);
  for (const e of r.errors) lines.push(`${e.key}: error: ${e.message}`);
  return lines;
}

export const jiraNotificator = defineJob<JiraNotificatorJobDeps>({
  name: JIRA_NOTIFICATOR_JOB,
  description: 'Escalates OCPBUGS issues that stay in ON_QA (QA contact → team lead → manager → label), with Jira comments and Need Info From',
  schedule: 'OAR_CRON_JIRA_NOTIFICATOR',
  // A long run over many issues: renewals keep it; the TTL bounds a dead replica's hold.
  lease: { ttlMs: 10 * 60_000 },
  deps: ({ config, services, optional, discovery, slack, notifier }) => ({
    config,
    discovery,
    slack,
    notifier,
    async clients() {
      const jira = await services.get('jira');
      const ldap = services.has('ldap') ? await optional('LDAP', () => services.get('ldap')) : undefined;
      // Pre-merge verification needs GitHub credentials (agents.md 3.6: without them it is skipped).
      const github = config.GITHUB_TOKEN ? await optional('GitHub', () => services.get('github')) : undefined;
      return { jira, ...(ldap ? { ldap } : {}), ...(github ? { prLabels: githubPullRequestLabels(github) } : {}) };
    },
  }),
  async run(ctx, deps): Promise<JobReport> {
    const params = notificatorParamsSchema.parse(ctx.params);
    const { ystreams, source } = await resolveYStreams({ discovery: deps.discovery, configured: deps.config.OAR_SUPPORTED_YSTREAMS, logger: ctx.logger });
    const clients = await deps.clients();
    const report = await runJiraNotificator(
      { ...clients, targetVersions: ystreams.map((y) => `${y}.z`), logger: ctx.logger, now: ctx.now },
      { dryRun: ctx.dryRun, signal: ctx.signal, ...params },
    );
    const summaryData = { ...report, premergeVerified: report.premergeVerified.length, browseUrl: (k: string) => clients.jira.browseUrl(k) };
    const summary = notificatorSummaryMessage(summaryData);
    const lines = [`y-streams (${source}): ${ystreams.join(', ')}`, ...notificatorLines(report)];
    if (!ctx.dryRun && (report.actions.length > 0 || report.errors.length > 0)) {
      const channel = deps.config.OAR_NOTIFICATOR_CHANNEL;
      const slack = channel ? await deps.slack?.() : undefined;
      if (channel && slack) {
        try {
          const posted = await deps.notifier(ctx.logger).post(channel, notificatorNotice(summaryData));
          // The notifier has warned about each one in the run's log; the run's record names them too.
          if (posted.threadFailures.length) {
            lines.push(`${posted.threadFailures.length} thread message(s) of the notificator summary in ${channel} were not sent: ${posted.threadFailures.map((f) => f.error).join('; ')}`);
          }
        } catch (e) {
          // The Jira work is done and recorded; a lost summary is reported but does not undo it.
          ctx.logger.error({ err: e, channel }, `could not post the notificator summary: ${errorText(e)}`);
          lines.push(`the summary could not be posted to ${channel}: ${errorText(e)}`);
        }
      } else ctx.logger.info('notificator summary not posted: OAR_NOTIFICATOR_CHANNEL or Slack is not configured');
    }
    return {
      summary: summary.text,
      counts: reportCounts(report),
      lines,
      links: [...new Map(report.actions.map((a) => [a.key, { label: a.key, url: a.url }])).values()],
      ...(report.errors.length ? { error: RUN_ERROR_MESSAGE } : {}),
      data: report,
    };
  },
});

export function jiraNotificatorJob(deps: JiraNotificatorJobDeps): JobDefinition {
  return jiraNotificator.with(deps, deps.config);
}
