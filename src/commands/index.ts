/**
 * THE list of commands: each declaration (name, help, safety, options — what help, completion,
 * parsing and the MCP tool list read) paired with the module that implements it, imported by the
 * registry on the command's first run (`lazy`, the only place laziness lives). Declarations import
 * no integration or release module, so `oar help` starts fast (test/cli/light-help.test.ts).
 *
 * To add a command: `<name>.ts` (declareCommand) and `<name>.run.ts` (export default implement(...)),
 * side by side, and one line here.
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
import { getTaskBlocker } from './get-task-blocker.ts';
import { lazy, type AnyCommand } from './types.ts';


/** The release workflow commands, in the order of a release (help lists them in this order). */
export const COMMANDS: AnyCommand[] = [
  lazy(createTestReport, () => import('./create-test-report.run.ts')),
  lazy(releaseInfo, () => import('./release-info.run.ts')),
  lazy(releaseStatus, () => import('./release-status.run.ts')),
  lazy(takeOwnership, () => import('./take-ownership.run.ts')),
  lazy(checkCveTrackerBug, () => import('./check-cve-tracker-bug.run.ts')),
  lazy(imageConsistencyCheck, () => import('./image-consistency-check.run.ts')),
  lazy(pushToCdnStaging, () => import('./push-to-cdn-staging.run.ts')),
  lazy(stageTesting, () => import('./stage-testing.run.ts')),
  lazy(imageSignedCheck, () => import('./image-signed-check.run.ts')),
  lazy(changeAdvisoryStatus, () => import('./change-advisory-status.run.ts')),
  lazy(isReleaseShipped, () => import('./is-release-shipped.run.ts')),
  lazy(issuesCommand, () => import('./issues.run.ts')),
  lazy(addIssueCommand, () => import('./add-issue.run.ts')),
  lazy(resolveIssueCommand, () => import('./resolve-issue.run.ts')),
  lazy(unlock, () => import('./unlock.run.ts')),
  lazy(updateBugList, () => import('./update-bug-list.run.ts')),
  lazy(dropBugs, () => import('./drop-bugs.run.ts')),
  lazy(checkGreenwaveCvpTests, () => import('./check-greenwave-cvp-tests.run.ts')),
  lazy(addQeApproval, () => import('./add-qe-approval.run.ts')),
  lazy(runJob, () => import('./run-job.run.ts')),
  lazy(triggerJobsForBuild, () => import('./trigger-jobs-for-build.run.ts')),
  lazy(startController, () => import('./start-controller.run.ts')),
  lazy(startAggregator, () => import('./start-aggregator.run.ts')),
  lazy(promoteTestResults, () => import('./promote-test-results.run.ts')),
  lazy(updateRetriedJobRun, () => import('./update-retried-job-run.run.ts')),
  lazy(payloadImageConsistencyCheck, () => import('./payload-image-consistency-check.run.ts')),
];

/** Commands only the MCP front end offers (as tools of the original server); not in the registry. */
export const MCP_ONLY_COMMANDS: AnyCommand[] = [lazy(getTaskBlocker, () => import('./get-task-blocker.run.ts'))];

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

/** The registered (runnable) built-in command of a declaration: `commandOf(takeOwnership)`. */
export function commandOf(decl: { name: string }): AnyCommand {
  const c = [...COMMANDS, ...MCP_ONLY_COMMANDS].find((x) => x.name === decl.name);
  if (!c) throw new Error(`${decl.name} is not a built-in command of the list`);
  return c;
}
