/**
 * The set-up command tests share: the simulated world, a simulated Slack (the engine posts
 * through its bot token and API URL), an engine with the commands under test registered and
 * a migrated SQLite store. stop() tears it all down and removes the data directory.
 *
 * Area harnesses (test/commands/*.harness.ts) add what their commands need on top: Slack
 * groups or channels, environment, by-name runners, seeding helpers.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { AnyCommand } from '../../src/commands/types.ts';
import type { RunResult } from '../../src/commands/runner.ts';
import type { StateBoxDocument } from '../../src/release/statebox/index.ts';
import { openTestStore, type SqliteTestStore } from './store.ts';

export type Done = Extract<RunResult, { kind: 'done' }>;

/** Where a run comes from in Slack (a watch it leaves reports there). */
export interface SlackOrigin {
  channel: string;
  threadTs?: string;
}

export interface CommandWorldOptions {
  commands: AnyCommand[];
  /** Added to the world's environment (and overriding it). */
  env?: Record<string, string>;
  /** Variables taken out of the environment, to test a missing setting. */
  omitEnv?: string[];
  world?: Parameters<typeof startSimulatedWorld>[0];
  /** Prepare the simulated Slack before the engine starts (groups, channels). */
  prepareSlack?: (slack: SimulatedSlack) => void;
  /** Engine overrides built from the started world (e.g. its LDAP). */
  overrides?: (world: SimulatedWorld) => EngineOptions['overrides'];
  /** Prefix of the temporary OAR_DATA_DIR. */
  dataDirPrefix?: string;
}

export interface CommandWorld {
  world: SimulatedWorld;
  slack: SimulatedSlack;
  engine: Engine;
  store: SqliteTestStore;
  /** The registered command named `name` (throws when it is not). */
  command(name: string): AnyCommand;
  /** One runner call as user U_LEAD from Slack; critical commands answer with their plan unless `confirmation` is given. */
  execute(command: AnyCommand, release: string, options?: Record<string, unknown>, extra?: { confirmation?: string; slack?: SlackOrigin }): Promise<RunResult>;
  /** Run to completion: critical commands are confirmed with a fresh confirmation id. */
  run(command: AnyCommand, release: string, options?: Record<string, unknown>, extra?: { slack?: SlackOrigin }): Promise<Done>;
  statebox(release: string): Promise<StateBoxDocument | null>;
  /** Texts the bot posted to a channel (by name, e.g. `#team-qe-release`). */
  posted(channel: string): string[];
  /** The full text of each notice: a long notice's summary is replaced by its thread (where the full text is). */
  noticeTexts(channel: string): string[];
  stop(): Promise<void>;
}

let confirmations = 0;
/** Worlds started and not stopped yet, so a per-test teardown also stops one a test started itself. */
const running = new Set<CommandWorld>();

/** After a command test: vi spies restored and every command world still running stopped (also one the test started itself). */
export async function endCommandTest(): Promise<void> {
  vi.restoreAllMocks();
  for (const w of [...running]) await w.stop();
}

/** For a describe block: a fresh harness before each test, handed to `assign`; endCommandTest after it. */
export function freshHarnessPerTest<H>(start: () => Promise<H>, assign: (h: H) => void): void {
  beforeEach(async () => {
    assign(await start());
  });
  afterEach(endCommandTest);
}

export async function startCommandWorld(opts: CommandWorldOptions): Promise<CommandWorld> {
  const world = await startSimulatedWorld(opts.world);
  const slack = await startSimulatedSlack();
  opts.prepareSlack?.(slack);
  const dataDir = mkdtempSync(join(tmpdir(), opts.dataDirPrefix ?? 'oar-commands-'));
  const env: Record<string, string> = { ...world.env, LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, ...opts.env };
  for (const k of opts.omitEnv ?? []) delete env[k];
  const store = await openTestStore();
  const overrides = opts.overrides?.(world);
  const engine = await createEngine({ frontEnd: 'test', config: loadConfig(env), registry: createRegistry(opts.commands), store, ...(overrides ? { overrides } : {}) });
  const execute: CommandWorld['execute'] = (command, release, options = {}, extra = {}) =>
    engine.runner.execute({
      command,
      release,
      options,
      actor: { id: 'U_LEAD', via: 'slack' },
      ...(extra.slack ? { slack: extra.slack } : {}),
      ...(extra.confirmation ? { confirmation: { id: extra.confirmation } } : {}),
    });
  const started: CommandWorld = {
    world,
    slack,
    engine,
    store,
    command(name) {
      const c = engine.registry.get(name);
      if (!c) throw new Error(`${name} is not registered`);
      return c;
    },
    execute,
    async run(command, release, options = {}, extra = {}) {
      const confirmation = command.safety === 'critical' ? `confirm-${process.pid}-${++confirmations}` : undefined;
      const r = await execute(command, release, options, { ...extra, ...(confirmation ? { confirmation } : {}) });
      if (r.kind !== 'done') throw new Error(`expected ${command.name} to run, got ${r.kind}: ${'message' in r ? r.message : ''}`);
      return r;
    },
    statebox: (release) => engine.statebox.get(release),
    posted: (channel) => slack.messages(channel).map((m) => m.text),
    noticeTexts: (channel) =>
      slack.messages(channel).map((m) => {
        const replies = slack.messages(channel, m.ts).filter((r) => r.ts !== m.ts);
        return replies.length ? replies.map((r) => r.text).join('') : m.text;
      }),
    async stop() {
      running.delete(started);
      await engine.close();
      await slack.stop();
      await world.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  running.add(started);
  return started;
}

/** A task of a StateBox document, or null. */
export function taskOf(doc: StateBoxDocument | null, name: string) {
  return doc?.state.tasks.find((t) => t.name === name) ?? null;
}
