/**
 * Shared set-up of the ownership / push / approval command tests (take-ownership,
 * push-to-cdn-staging, change-advisory-status, add-qe-approval, image-signed-check,
 * is-release-shipped): the simulated world, a simulated Slack with the demo ConfigStore's ART
 * group, an engine with the commands registered, and an SQLite store.
 */
import type { SimulatedWorld } from '../../src/sandbox/world.ts';
import type { RunResult } from '../../src/commands/runner.ts';
import { takeOwnership as takeOwnershipDecl } from '../../src/commands/take-ownership.ts';
import { pushToCdnStaging as pushToCdnStagingDecl } from '../../src/commands/push-to-cdn-staging.ts';
import { changeAdvisoryStatus as changeAdvisoryStatusDecl } from '../../src/commands/change-advisory-status.ts';
import { addQeApproval as addQeApprovalDecl } from '../../src/commands/add-qe-approval.ts';
import { imageSignedCheck as imageSignedCheckDecl } from '../../src/commands/image-signed-check.ts';
import { isReleaseShipped as isReleaseShippedDecl } from '../../src/commands/is-release-shipped.ts';
import { QE_SUBTASKS } from '../../src/release/tasks.ts';
import { createCdnPushWatchHandler } from '../../src/commands/approval/push.ts';
import { createWatchPoller, WatchHandlerRegistry, type WatchPoller } from '../../src/jobs/watchers.ts';
import { startCommandWorld, taskOf, type CommandWorld, type Done, type SlackOrigin } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const takeOwnership = commandOf(takeOwnershipDecl);
const pushToCdnStaging = commandOf(pushToCdnStagingDecl);
const changeAdvisoryStatus = commandOf(changeAdvisoryStatusDecl);
const addQeApproval = commandOf(addQeApprovalDecl);
const imageSignedCheck = commandOf(imageSignedCheckDecl);
const isReleaseShipped = commandOf(isReleaseShippedDecl);

export { taskOf, type Done };

export const MY_COMMANDS = [takeOwnership, pushToCdnStaging, changeAdvisoryStatus, addQeApproval, imageSignedCheck, isReleaseShipped];

/** The shared command world, with runs by command name from `from`. */
export interface ApprovalHarness extends Omit<CommandWorld, 'run' | 'execute'> {
  /** Run to completion (critical commands are confirmed with a fresh confirmation id). */
  run(name: string, release: string, options?: Record<string, unknown>): Promise<Done>;
  /** Without confirmation: critical commands answer with their plan. */
  execute(name: string, release: string, options?: Record<string, unknown>, confirmation?: string): Promise<RunResult>;
  /** Where the next runs come from in Slack (a watch reports there); default none. */
  from: SlackOrigin | undefined;
}

export async function startApprovalHarness(opts: { env?: Record<string, string>; omitEnv?: string[] } = {}): Promise<ApprovalHarness> {
  const base = await startCommandWorld({
    commands: MY_COMMANDS,
    ...opts,
    dataDirPrefix: 'oar-approval-',
    // The demo ConfigStore names the ART group `art-team`.
    prepareSlack: (slack) => slack.addGroup({ id: 'S_ART_TEAM', handle: 'art-team', name: 'ART team', users: ['U_ART'] }),
  });
  let from: SlackOrigin | undefined;
  const origin = () => (from ? { slack: from } : {});
  return {
    ...base,
    get from() {
      return from;
    },
    set from(v) {
      from = v;
    },
    execute: (name, release, options = {}, confirmation) => base.execute(base.command(name), release, options, { ...origin(), ...(confirmation ? { confirmation } : {}) }),
    run: (name, release, options = {}) => base.run(base.command(name), release, options, origin()),
  };
}

/** The ART ticket's QE subtask keys by role (seeded by world.seedRelease). */
export function qeSubtaskKeys(world: SimulatedWorld, ticket: string): Record<keyof typeof QE_SUBTASKS, string> {
  const parent = world.jira.state.issues.get(ticket)!;
  const subs = (parent.fields.subtasks as { key: string }[]).map((s) => s.key);
  const bySummary = (summary: string) => subs.find((k) => (world.jira.state.issues.get(k)!.fields.summary as string) === summary)!;
  return { relPrep: bySummary(QE_SUBTASKS.relPrep), verification: bySummary(QE_SUBTASKS.verification), onQaNotify: bySummary(QE_SUBTASKS.onQaNotify) };
}

export function issueStatus(world: SimulatedWorld, key: string): string {
  return (world.jira.state.issues.get(key)!.fields.status as { name: string }).name;
}

/**
 * A watch poller with only the cdn-push handler, on the harness's store and StateBox, at a test
 * clock; the handler resumes push-to-cdn-staging through the harness's runner.
 */
export function cdnPushPoller(h: ApprovalHarness, clock: { now: number }): WatchPoller {
  const handlers = new WatchHandlerRegistry();
  const handler = createCdnPushWatchHandler({
    errata: () => h.engine.services().get('errata'),
    execute: (req) => h.engine.runner.execute(req),
    command: (name) => h.engine.registry.get(name),
  });
  handlers.register('cdn-push', handler);
  return createWatchPoller({
    store: h.store,
    statebox: { updateTask: async (r, t, s, res) => void (await h.engine.statebox.updateTask(r, t, s, res ?? null)) },
    handlers,
    now: () => new Date(clock.now),
  });
}
