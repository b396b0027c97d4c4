/**
 * Every registered command. Kept free of heavy imports so `oar help` starts fast: command
 * modules import integration clients only as types and get them from `ctx.services`; constants
 * they need live in light modules (e.g. integrations/gitlab/constants.ts, jobs/names.ts), heavy
 * helpers are imported inside `run`. test/cli/light-help.test.ts fails when a library slips back in.
 */
import { makeHelpCommand } from './help.ts';
import { CommandRegistry } from './registry.ts';
import { releaseInfo } from './release-info.ts';
import { releaseStatus } from './release-status.ts';
import { unlock } from './unlock.ts';
import { createTestReport } from './create-test-report.ts';
import { checkCveTrackerBug } from './check-cve-tracker-bug.ts';
import { imageConsistencyCheck } from './image-consistency-check.ts';
import { stageTesting } from './stage-testing.ts';
import { updateBugList } from './update-bug-list.ts';
import { dropBugs } from './drop-bugs.ts';
import { checkGreenwaveCvpTests } from './check-greenwave-cvp-tests.ts';
import { makeJobsCommand, type SchedulerRef } from './jobs.ts';
import { makeJiraNotificatorCommand } from './jira-notificator.ts';
import { makeStartReleaseDetectorCommand } from './start-release-detector.ts';
import { runJob } from './run-job.ts';
import { triggerJobsForBuild } from './trigger-jobs-for-build.ts';
import { startController } from './start-controller.ts';
import { startAggregator } from './start-aggregator.ts';
import { promoteTestResults } from './promote-test-results.ts';
import { updateRetriedJobRun } from './update-retried-job-run.ts';
import { payloadImageConsistencyCheck } from './payload-image-consistency-check.ts';
import { takeOwnership } from './take-ownership.ts';
import { pushToCdnStaging } from './push-to-cdn-staging.ts';
import { changeAdvisoryStatus } from './change-advisory-status.ts';
import { addQeApproval } from './add-qe-approval.ts';
import { imageSignedCheck } from './image-signed-check.ts';
import { isReleaseShipped } from './is-release-shipped.ts';
import { addIssueCommand } from './add-issue.ts';
import { resolveIssueCommand } from './resolve-issue.ts';
import { issuesCommand } from './issues.ts';
import type { AnyCommand } from './types.ts';


/** The release workflow commands, in the order of a release (help lists them in this order). */
export const COMMANDS: AnyCommand[] = [
  createTestReport,
  releaseInfo,
  releaseStatus,
  takeOwnership,
  checkCveTrackerBug,
  imageConsistencyCheck,
  pushToCdnStaging,
  stageTesting,
  imageSignedCheck,
  changeAdvisoryStatus,
  isReleaseShipped,
  issuesCommand,
  addIssueCommand,
  resolveIssueCommand,
  unlock,
  updateBugList,
  dropBugs,
  checkGreenwaveCvpTests,
  addQeApproval,
  runJob,
  triggerJobsForBuild,
  startController,
  startAggregator,
  promoteTestResults,
  updateRetriedJobRun,
  payloadImageConsistencyCheck,
];

export interface RegistryOptions {
  /** The process's scheduler, for `jobs`, `jira-notificator` and `start-release-detector`. */
  scheduler?: SchedulerRef;
}

export function createRegistry(extra: AnyCommand[] = [], opts: RegistryOptions = {}): CommandRegistry {
  const registry = new CommandRegistry();
  registry.register(makeHelpCommand(registry));
  const scheduler: SchedulerRef = opts.scheduler ?? (() => undefined);
  const byName = new Map<string, AnyCommand>();
  // `extra` comes last: a test or an embedding may replace a built-in command of the same name.
  for (const c of [...COMMANDS, makeJobsCommand(scheduler), makeJiraNotificatorCommand(scheduler), makeStartReleaseDetectorCommand(scheduler), ...extra]) byName.set(c.name, c);
  for (const c of byName.values()) registry.register(c);
  return registry;
}
