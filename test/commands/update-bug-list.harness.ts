/**
 * Shared set-up of the bug and release-tracking command tests (update-bug-list, drop-bugs,
 * check-cve-tracker-bug, check-greenwave-cvp-tests, create-test-report, release-status): the
 * simulated world, a simulated Slack with the channels the demo ConfigStore names, an engine
 * with the commands registered, and an SQLite store.
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
import type { Store } from '../../src/store/types.ts';
import type { StateBoxDocument } from '../../src/release/statebox/index.ts';
import { openTestStore } from '../helpers/store.ts';

export type Done = Extract<RunResult, { kind: 'done' }>;

export interface BugsHarness {
  world: SimulatedWorld;
  slack: SimulatedSlack;
  engine: Engine;
  store: Store;
  /** Run to completion (critical commands are confirmed with a fresh confirmation id). */
  run(command: AnyCommand, release: string, options?: Record<string, unknown>): Promise<Done>;
  execute(command: AnyCommand, release: string, options?: Record<string, unknown>, confirmation?: string): Promise<RunResult>;
  statebox(release: string): Promise<StateBoxDocument | null>;
  /** Texts the bot posted to a channel (by name, e.g. `#team-qe-release`). */
  posted(channel: string): string[];
  stop(): Promise<void>;
}

let confirmations = 0;

export async function startBugsHarness(opts: { commands: AnyCommand[]; env?: Record<string, string>; omitEnv?: string[]; world?: Parameters<typeof startSimulatedWorld>[0] }): Promise<BugsHarness> {
  const world = await startSimulatedWorld(opts.world);
  const slack = await startSimulatedSlack();
  // Channels of the demo ConfigStore that the simulated workspace lacks.
  slack.addChannel({ id: 'C_FORUM_OCP_QE', name: 'forum-ocp-qe' });
  slack.addChannel({ id: 'C_APPROVERS', name: 'ocp-approvers' });
  const dataDir = mkdtempSync(join(tmpdir(), 'oar-bugs-'));
  const env: Record<string, string> = { ...world.env, LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, OAR_DROP_BUGS_MERGE_POLL_MS: '5', ...opts.env };
  for (const k of opts.omitEnv ?? []) delete env[k];
  const store = await openTestStore();
  const engine = await createEngine({ frontEnd: 'test', config: loadConfig(env), registry: createRegistry(opts.commands), store, overrides: { ldap: world.ldap } });
  const execute = (command: AnyCommand, release: string, options: Record<string, unknown> = {}, confirmation?: string) =>
    engine.runner.execute({ command, release, options, actor: { id: 'U_LEAD', via: 'slack' }, ...(confirmation ? { confirmation: { id: confirmation } } : {}) });
  return {
    world,
    slack,
    engine,
    store,
    execute,
    async run(command, release, options = {}) {
      const critical = command.safety === 'critical';
      const r = await execute(command, release, options, critical ? `confirm-${++confirmations}` : undefined);
      if (r.kind !== 'done') throw new Error(`expected ${command.name} to run, got ${r.kind}: ${'message' in r ? r.message : ''}`);
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

/** The status of a task in StateBox, or null. */
export function taskOf(doc: StateBoxDocument | null, name: string) {
  return doc?.state.tasks.find((t) => t.name === name) ?? null;
}
