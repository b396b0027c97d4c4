/**
 * Shared set-up of the ownership / push / approval command tests (take-ownership,
 * push-to-cdn-staging, change-advisory-status, add-qe-approval, image-signed-check,
 * is-release-shipped): the simulated world, a simulated Slack with the demo ConfigStore's ART
 * group, an engine with the commands registered, and an SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { AnyCommand } from '../../src/commands/types.ts';
import type { RunResult } from '../../src/commands/runner.ts';
import type { SqliteTestStore } from '../helpers/store.ts';
import type { StateBoxDocument } from '../../src/release/statebox/index.ts';
import { takeOwnership } from '../../src/commands/take-ownership.ts';
import { pushToCdnStaging } from '../../src/commands/push-to-cdn-staging.ts';
import { changeAdvisoryStatus } from '../../src/commands/change-advisory-status.ts';
import { addQeApproval } from '../../src/commands/add-qe-approval.ts';
import { imageSignedCheck } from '../../src/commands/image-signed-check.ts';
import { isReleaseShipped } from '../../src/commands/is-release-shipped.ts';
import { openTestStore } from '../helpers/store.ts';
import { QE_SUBTASKS } from '../../src/release/tasks.ts';

export type Done = Extract<RunResult, { kind: 'done' }>;

export const MY_COMMANDS = [takeOwnership, pushToCdnStaging, changeAdvisoryStatus, addQeApproval, imageSignedCheck, isReleaseShipped] as unknown as AnyCommand[];

export interface ApprovalHarness {
  world: SimulatedWorld;
  slack: SimulatedSlack;
  engine: Engine;
  store: SqliteTestStore;
  /** Run to completion (critical commands are confirmed with a fresh confirmation id). */
  run(name: string, release: string, options?: Record<string, unknown>): Promise<Done>;
  /** Without confirmation: critical commands answer with their plan. */
  execute(name: string, release: string, options?: Record<string, unknown>, confirmation?: string): Promise<RunResult>;
  statebox(release: string): Promise<StateBoxDocument | null>;
  posted(channel: string): string[];
  /** Where the next runs come from in Slack (a watch reports there); default none. */
  from: { channel: string; threadTs?: string } | undefined;
  stop(): Promise<void>;
}

let confirmations = 0;

export async function startApprovalHarness(opts: { env?: Record<string, string>; omitEnv?: string[] } = {}): Promise<ApprovalHarness> {
  const world = await startSimulatedWorld();
  const slack = await startSimulatedSlack();
  // The demo ConfigStore names the ART group `art-team`.
  slack.addGroup({ id: 'S_ART_TEAM', handle: 'art-team', name: 'ART team', users: ['U_ART'] });
  const dataDir = mkdtempSync(join(tmpdir(), 'oar-approval-'));
  const env: Record<string, string> = { ...world.env, LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, ...opts.env };
  for (const k of opts.omitEnv ?? []) delete env[k];
  const store = await openTestStore();
  const registry = createRegistry(MY_COMMANDS);
  const engine = await createEngine({ frontEnd: 'test', config: loadConfig(env), registry, store });
  const command = (name: string) => {
    const c = registry.get(name);
    if (!c) throw new Error(`${name} is not registered`);
    return c;
  };
  const h = {
    from: undefined as ApprovalHarness['from'],
  };
  const execute = (name: string, release: string, options: Record<string, unknown> = {}, confirmation?: string) =>
    engine.runner.execute({ command: command(name), release, options, actor: { id: 'U_LEAD', via: 'slack' }, ...(h.from ? { slack: h.from } : {}), ...(confirmation ? { confirmation: { id: confirmation } } : {}) });
  return {
    get from() {
      return h.from;
    },
    set from(v) {
      h.from = v;
    },
    world,
    slack,
    engine,
    store,
    execute,
    async run(name, release, options = {}) {
      const critical = command(name).safety === 'critical';
      const r = await execute(name, release, options, critical ? `confirm-${process.pid}-${++confirmations}` : undefined);
      if (r.kind !== 'done') throw new Error(`expected ${name} to run, got ${r.kind}: ${'message' in r ? r.message : ''}`);
      return r;
    },
    statebox: (release) => engine.statebox.get(release),
    posted: (channel) => slack.messages(channel).map((m) => m.text),
    async stop() {
      await engine.close();
      await slack.stop();
      await world.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function taskOf(doc: StateBoxDocument | null, name: string) {
  return doc?.state.tasks.find((t) => t.name === name) ?? null;
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
