/**
 * The watch poller (watchers.ts) as a scheduled job (OAR_CRON_WATCHERS). A dry run lists the
 * due watches.
 */
import type { Config } from '../config/env.ts';
import { defineJob } from './declare.ts';
import type { JobDefinition, JobReport } from './types.ts';
import type { WatchPoller } from './watchers.ts';

interface WatchersJobDeps {
  poller: Pick<WatchPoller, 'due' | 'pollOnce'>;
}

export const watchers = defineJob<WatchersJobDeps>({
  name: 'watchers',
  description: 'Polls the long-running work commands left behind (Prow jobs, Jenkins builds, CDN pushes, async approval) and reports back',
  schedule: 'OAR_CRON_WATCHERS',
  lease: {},
  deps: ({ poller }) => ({ poller }),
  async run(ctx, deps): Promise<JobReport> {
    if (ctx.dryRun) {
      const due = await deps.poller.due();
      return { summary: `${due.length} watch${due.length === 1 ? ' is' : 'es are'} due`, counts: { due: due.length }, lines: due.map((w) => `${w.kind} ${w.release} (watch ${w.id}, check #${w.attempts + 1}, deadline ${w.deadline.toISOString()})`) };
    }
    const s = await deps.poller.pollOnce({ signal: ctx.signal });
    return {
      summary: `${s.claimed} due: ${s.done} finished, ${s.expired} expired, ${s.pending} still running${s.errors ? `, ${s.errors} poll errors` : ''}`,
      counts: { claimed: s.claimed, done: s.done, expired: s.expired, pending: s.pending, errors: s.errors, noHandler: s.noHandler },
      lines: s.results.map((r) => `${r.kind} ${r.release}: ${r.outcome}: ${r.summary}`),
    };
  },
});

export function watchersJob(deps: { config: Pick<Config, 'OAR_CRON_WATCHERS'>; poller: WatchPoller }): JobDefinition {
  return watchers.with(deps, deps.config);
}
