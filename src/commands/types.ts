/**
 * The command contract (DESIGN.md): every OAR operation is one module declaring its name,
 * safety, StateBox task, zod options and a `run` that returns a structured Outcome.
 * Commands never print and never know which front end called them.
 */
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { ConfigStore } from '../release/configstore.ts';
import type { TaskName, TaskStatus } from '../release/tasks.ts';
import type { NewWatch, SlackTarget, Store } from '../store/types.ts';
import type { CommandLog } from './log-capture.ts';
import type { Services } from './services.ts';
import type { ReleaseNotifier } from './notifier.ts';
import type { StateBoxPort } from './ports.ts';

export type Safety = 'read' | 'write' | 'critical';
export type Role = Safety;

export const ROLE_RANK: Record<Role, number> = { read: 0, write: 1, critical: 2 };

export interface Actor {
  /** Slack user id, `cli:<user>`, `mcp:<client>` or `job:<name>`. */
  id: string;
  name?: string;
  via: 'slack' | 'cli' | 'mcp' | 'job';
}

/** How the command line addresses a command: `oar -r <release> X`, `oarctl X`, `jobctl X`. */
export type CommandGroup = 'oar' | 'oarctl' | 'jobctl';

/** What `-r/--release` must be for this command. */
export type ReleaseScope = 'zstream' | 'ystream' | 'optional-ystream' | 'none';

export type OutcomeStatus = 'pass' | 'fail' | 'in_progress' | 'info';

export interface OutcomeLink {
  label: string;
  url: string;
}

/** How one row of a list reads at a glance (the front end picks the emoji). */
export type ItemState = 'pass' | 'fail' | 'in_progress' | 'not_started' | 'blocked' | 'warn' | 'info';

/** One row of a task or bug list: state, a name, what there is to say, and when (ISO). */
export interface OutcomeItem {
  state?: ItemState;
  label: string;
  text?: string;
  /** ISO time shown next to the row (Slack renders it in the reader's time zone). */
  at?: string;
  /** What `at` is (`completed`, `started`, `reported`). */
  atLabel?: string;
}

export interface OutcomeSection {
  title?: string;
  /** Plain lines (rendered as text, one per line). */
  lines?: string[];
  /** A list with a status per row (task lists, bug lists). */
  items?: OutcomeItem[];
  /** Label/value pairs. */
  fields?: { label: string; value: string }[];
}

/** A button / suggestion for the natural next step. */
export interface NextStep {
  label: string;
  /** Command name in the registry, run on the same release. */
  command: string;
  args?: string[];
  style?: 'primary' | 'danger';
}

export interface Outcome {
  status: OutcomeStatus;
  /** One line for humans. */
  summary: string;
  sections?: OutcomeSection[];
  links?: OutcomeLink[];
  blockers?: string[];
  nextSteps?: NextStep[];
  /** Long-running external work: the runner registers it in the store and the watchers report back. */
  watch?: Omit<NewWatch, 'release' | 'report'> & { report?: SlackTarget };
  /** Structured data for MCP / JSON output. */
  data?: unknown;
  /**
   * Whether the StateBox task should be recorded for this outcome. Default: recorded when the
   * command declares a task. A status query that learned nothing new may say false.
   */
  recordTask?: boolean;
  /**
   * The StateBox status to record when it is not the one implied by `status` — e.g. `Not Started`
   * after an aborted job, so the check can be triggered again (defect 3).
   */
  taskStatus?: TaskStatus;
  /** Set by the runner when it registered `watch`: front ends offer to stop watching. */
  watchId?: string;
}

/** What a critical command would change, shown in the confirmation step. */
export interface Plan {
  summary: string;
  changes: { target: string; from?: string; to: string }[];
  /** Why some targets are skipped / already done. */
  notes?: string[];
  /** Nothing to do: confirmation is pointless and the runner says so. */
  empty?: boolean;
  /** The run would be refused, with this sentence: nothing can be confirmed (implies empty). */
  refused?: string;
}

export interface CommandContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly actor: Actor;
  /** The caller's role (help lists only what the caller may run). */
  readonly role: Role;
  /** Validated release (`4.19.1`) or y-stream (`4.19`) per the command's scope; '' when none. */
  readonly release: string;
  readonly signal: AbortSignal;
  readonly dryRun: boolean;
  readonly slack: SlackTarget | undefined;
  /** The command's StateBox task status before this run (null when none/unknown). */
  readonly previousTaskStatus: TaskStatus | null;
  readonly correlationId: string;
  readonly store: Store | undefined;
  readonly statebox: StateBoxPort;
  readonly services: Services;
  /** Team notices: who they mention, where they go, summary in the channel and detail in the thread. */
  readonly notifier: ReleaseNotifier;
  /** The release's ConfigStore (cached in long-running processes). */
  configStore(): Promise<ConfigStore>;
  /** Captured log in the original's load-bearing format; becomes the StateBox result. */
  readonly log: CommandLog;
  /** Progress for the front end (Slack edits its message; the terminal prints to stderr). */
  progress(message: string): void;
  now(): Date;
}

export interface CommandDef<S extends z.ZodObject = z.ZodObject> {
  /** Unique registry key (audit, locks, Slack buttons); also the command-line spelling unless `cliName` is set. */
  name: string;
  /**
   * The spelling on its group's command line when it differs from `name`: `oarctl
   * image-consistency-check` (the in-Prow checker) shares its spelling with `oar
   * image-consistency-check` (which triggers it), so the checker's key is another name.
   */
  cliName?: string;
  group: CommandGroup;
  summary: string;
  description?: string;
  examples: string[];
  /** Static safety, or one computed from the options (e.g. `-i` status mode is read-only). */
  safety: Safety | ((options: z.output<S>) => Safety);
  /** Option values that reach the most dangerous mode of a computed safety, for tool annotations (MCP). */
  safetyProbes?: Record<string, unknown>[];
  task?: TaskName;
  scope: ReleaseScope;
  legacy?: boolean;
  longRunning?: boolean;
  /** Does not take the per-release lock (e.g. `unlock` itself). */
  noLock?: boolean;
  /** Option schema; keys are the long names in camelCase (`dryRun` ⇔ `--dry-run`). */
  options: S;
  /** Short flags: `{ e: 'email' }`. */
  aliases?: Record<string, string>;
  /** Positional arguments mapped onto option keys in order (`jobs run NAME`). */
  positionals?: string[];
  /** Critical commands: what would change, without changing anything. */
  plan?(ctx: CommandContext, options: z.output<S>): Promise<Plan>;
  run(ctx: CommandContext, options: z.output<S>): Promise<Outcome>;
}

/** The `--dry-run` / `dry_run` option every command that can change something accepts. */
export const DRY_RUN_OPTION = z.boolean().optional().describe('Show the plan of what would change; change nothing');

/**
 * Type helper so each command module gets its options typed from its schema. A command that can
 * change something (safety not plainly `read`) gets `dryRun` unless it declares its own: the
 * runner answers a dry run with the command's plan and changes nothing, whatever the front end.
 */
export function defineCommand<S extends z.ZodObject>(def: CommandDef<S>): CommandDef<S> {
  if (def.safety === 'read' || 'dryRun' in def.options.shape) return def;
  return { ...def, options: def.options.extend({ dryRun: DRY_RUN_OPTION }) as unknown as S };
}

export type AnyCommand = CommandDef<z.ZodObject>;

export function safetyOf(def: AnyCommand, options: Record<string, unknown>): Safety {
  return typeof def.safety === 'function' ? def.safety(options) : def.safety;
}

export type { TaskStatus };
