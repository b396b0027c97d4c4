/**
 * `oarctl start-release-detector -r X.Y [--dry-run]`: the release detector for one y-stream, now
 * (the scheduled run covers every active y-stream). A new z-stream release gets its test report
 * (create-test-report through the runner) and one announcement in the release channel.
 */
import { RELEASE_DETECTOR_JOB } from './job-names.ts';
import { jobRunOutcome, requireScheduler, type SchedulerRef } from './jobs.ts';
import { defineCommand } from './types.ts';

export function makeStartReleaseDetectorCommand(getScheduler: SchedulerRef) {
  return defineCommand({
    name: 'start-release-detector',
    group: 'oarctl',
    summary: "Create the test report of a y-stream's new z-stream release (ART tracking file newer than the latest stable) and announce it",
    examples: ['oarctl start-release-detector -r 4.19', 'oarctl start-release-detector -r 5.0 --dry-run'],
    options: (z) => z.object({ dryRun: z.boolean().default(false).describe('Report what would be done; create and post nothing') }),
    safety: (o) => (o.dryRun ? 'read' : 'write'),
    scope: 'ystream',
    async run(ctx, o) {
      const scheduler = requireScheduler(getScheduler);
      ctx.progress(`checking ${ctx.release}`);
      return jobRunOutcome(await scheduler.runNow(RELEASE_DETECTOR_JOB, { dryRun: o.dryRun, params: { ystreams: [ctx.release] }, actor: ctx.actor, signal: ctx.signal }));
    },
  });
}
