/**
 * The command contract (DESIGN.md): every OAR operation is one module declaring its name,
 * safety, StateBox task, zod options and a `run` that returns a structured Outcome.
 * Commands never print and never know which front end called them.
 */
import type { z } from 'zod';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { ConfigStore } from '../release/configstore.ts';
import type { TaskName, TaskStatus } from '../release/tasks.ts';
import type { NewWatch, SlackTarget, Store, Watch } from '../store/types.ts';
import type { CommandLog } from './log-capture.ts';
import type { Services } from './services.ts';
import type { ReleaseNotifier } from './notifier.ts';
import type { Actor, StateBoxPort } from './ports.ts';
import { loadZod, type Zod } from './on-demand.ts';

export type Safety = 'read' | 'write' | 'critical';
export type Role = Safety;

export const ROLE_RANK: Record<Role, number> = { read: 0, write: 1, critical: 2 };

export type { Actor } from './ports.ts';

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

/**
 * What a command IS, without what it does: name, help text, safety, StateBox task, options. Help,
 * completion, parsing and the MCP tool list read declarations only, so a declaration imports no
 * integration or release module (`oar help` must start fast; test/cli/light-help.test.ts).
 */
export interface CommandDecl<S extends z.ZodObject = z.ZodObject> {
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
  safety: Safety | SafetyFn<S>;
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
}

/**
 * What `declareCommand` and `defineCommand` are given: a declaration whose options are the schema
 * or, in a declaration `oar help` loads, the function that builds it (`options: (z) => z.object(...)`),
 * called with zod on the first read of `options` so that loading declarations loads no zod.
 * Write `options` before a computed `safety`: TypeScript infers the option type from an object's
 * function properties in order, and a `safety` read first would see untyped options.
 */
export type CommandSpec<S extends z.ZodObject = z.ZodObject> = Omit<CommandDecl<S>, 'options'> & {
  options: S | ((zod: Zod) => S);
};

/**
 * A computed safety. Method syntax on purpose: a method's parameter is compared bivariantly, so a
 * declaration typed for its own options still is an `AnyCommand` (a plain function type would not
 * widen, which is what forced `as unknown as AnyCommand` everywhere).
 */
interface SafetyMethod<S extends z.ZodObject> {
  bivariant(options: z.output<S>): Safety;
}
export type SafetyFn<S extends z.ZodObject> = SafetyMethod<S>['bivariant'];

/** What a command DOES: loaded on first run (also for a plan / dry run), cached by the registry. */
export interface CommandImpl<S extends z.ZodObject = z.ZodObject> {
  /** Critical commands: what would change, without changing anything. */
  plan?: (ctx: CommandContext, options: z.output<S>) => Promise<Plan>;
  run: (ctx: CommandContext, options: z.output<S>) => Promise<Outcome>;
}

/** A declaration and its implementation in one object (commands defined in place: tests, `help`, `jobs`). */
export type CommandDef<S extends z.ZodObject = z.ZodObject> = CommandDecl<S> & CommandImpl<S>;

/** The options every registered command's implementation receives: parsed by its schema. */
type AnyOptions = Record<string, unknown>;

/** An implementation as the runner calls it, with options already parsed by the declaration's schema. */
export interface AnyImpl {
  plan?: (ctx: CommandContext, options: AnyOptions) => Promise<Plan>;
  run: (ctx: CommandContext, options: AnyOptions) => Promise<Outcome>;
}

/** A registered command: its declaration, and its implementation on demand (imported once, then cached). */
export interface AnyCommand extends CommandDecl {
  load(): Promise<AnyImpl>;
}

/*
 * The follow-up contract: long-running work a command starts (`Outcome.watch`) is a watch in the
 * store; the command also provides the handler that checks on it. jobs/ polls due watches and
 * calls the handler of the watch's kind; it knows nothing else of the command.
 */

export interface FollowUpContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Number of this poll (1 for the first). */
  readonly attempt: number;
  now(): Date;
}

export interface FollowUpResult {
  done: boolean;
  status?: 'Pass' | 'Fail';
  /** One line for humans (posted in the thread, kept as the watch's last result). */
  summary: string;
  /** Long result (log lines): the StateBox task result, and posted as output in the thread. */
  result?: string;
  /** Further messages, e.g. the release channel summary of an async approval. */
  notify?: { channel: string; text: string }[];
}

export interface FollowUpHandler {
  /** StateBox task set when the watch ends (a watch's `subject.task` takes precedence). */
  task?: TaskName;
  poll(watch: Watch, ctx: FollowUpContext): Promise<FollowUpResult>;
  /** What to say and record when the deadline passes (default: a generic timeout, Fail). */
  onExpire?(watch: Watch, ctx: FollowUpContext): Promise<Omit<FollowUpResult, 'done'>> | Omit<FollowUpResult, 'done'>;
}

let dryRun: z.ZodOptional<z.ZodBoolean> | undefined;

/** The `--dry-run` / `dry_run` option every command that can change something accepts (one schema, built on first use). */
export function dryRunOption(): z.ZodOptional<z.ZodBoolean> {
  dryRun ??= loadZod().boolean().optional().describe('Show the plan of what would change; change nothing');
  return dryRun;
}

/**
 * Declares a command, with its options typed from its schema. A command that can change something
 * (safety not plainly `read`) gets `dryRun` unless it declares its own: the runner answers a dry
 * run with the command's plan and changes nothing, whatever the front end.
 *
 * Options given as a function are built on the first read of `options` (a memoised getter, kept
 * by `lazy` and `defineCommand`): help's command list never builds them.
 */
export function declareCommand<S extends z.ZodObject>(spec: CommandSpec<S>): CommandDecl<S> {
  const { options, ...decl } = spec;
  const complete = (schema: S): S =>
    // `extend` returns a wider schema type; the added key is optional, so S's output is unchanged.
    decl.safety === 'read' || 'dryRun' in schema.shape ? schema : (schema.extend({ dryRun: dryRunOption() }) as unknown as S);
  if (typeof options !== 'function') return { ...decl, options: complete(options) };
  let schema: S | undefined;
  return Object.defineProperty(decl, 'options', { enumerable: true, get: () => (schema ??= complete(options(loadZod()))) }) as CommandDecl<S>;
}

/** Types an implementation module's default export against its declaration: `export default implement(decl, { run })`. */
export function implement<S extends z.ZodObject>(_decl: CommandDecl<S>, impl: CommandImpl<S>): CommandImpl<S> {
  return impl;
}

/** The one place the option type is erased: the implementation is typed against the same declaration. */
function register<S extends z.ZodObject>(decl: CommandDecl<S>, load: () => Promise<CommandImpl<S>>): AnyCommand {
  let loading: Promise<CommandImpl<S>> | undefined;
  // The declaration's properties as they are (not `...decl`, which would read a lazy `options` and build the schema now).
  const command = Object.defineProperties({}, Object.getOwnPropertyDescriptors(decl)) as CommandDecl<S>;
  return Object.assign(command, {
    load: () => {
      loading ??= load().catch((e: unknown) => {
        loading = undefined; // a failed import is retried on the next run
        throw e;
      });
      // The runner passes options parsed by `decl.options`, i.e. z.output<S>: erased here, once.
      return loading as unknown as Promise<AnyImpl>;
    },
  });
}

/**
 * A declaration paired with the module that implements it, imported on the first run and cached:
 * `lazy(takeOwnership, () => import('./take-ownership.run.ts'))`. The module's default export must
 * implement this declaration's options (checked here, at the one list of commands).
 */
export function lazy<S extends z.ZodObject>(decl: CommandDecl<S>, load: () => Promise<{ default: CommandImpl<S> }>): AnyCommand {
  return register(decl, async () => (await load()).default);
}

/** A command defined in place, declaration and implementation together (tests, `help`, `jobs`). */
export function defineCommand<S extends z.ZodObject>(def: CommandSpec<S> & CommandImpl<S>): AnyCommand {
  const { run, plan, ...decl } = def;
  const impl: CommandImpl<S> = plan ? { run, plan } : { run };
  return register(declareCommand(decl), () => Promise.resolve(impl));
}

export function safetyOf(def: Pick<AnyCommand, 'safety'>, options: Record<string, unknown>): Safety {
  return typeof def.safety === 'function' ? def.safety(options) : def.safety;
}

export type { TaskStatus };
