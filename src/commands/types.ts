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
import type { LockInfo, NewWatch, PendingState, SlackTarget, Store, Watch } from '../store/types.ts';
import type { CommandLog } from './log-capture.ts';
import type { Services } from './services.ts';
import type { ReleaseNoticeTargets, ReleaseNotifier } from './notifier.ts';
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
export interface CommandDecl<S extends z.ZodObject = z.ZodObject, K extends string = string> {
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
  /**
   * The follow-up (watch) kinds this command leaves behind for the poller, one owner per kind
   * (`oar help <command>` lists them). The implementation provides a handler factory per kind.
   */
  followUpKinds?: readonly FollowUpDecl<K>[];
}

/** A follow-up kind a command declares: light data, for help, docs and the registry. */
export interface FollowUpDecl<K extends string = string> {
  /** The watch kind (kebab-case), unique across commands. */
  kind: K;
  /** One line: what the follow-up watches and what it records at the end. */
  summary: string;
}

/**
 * What `declareCommand` and `defineCommand` are given: a declaration whose options are the schema
 * or, in a declaration `oar help` loads, the function that builds it (`options: (z) => z.object(...)`),
 * called with zod on the first read of `options` so that loading declarations loads no zod.
 * Write `options` before a computed `safety`: TypeScript infers the option type from an object's
 * function properties in order, and a `safety` read first would see untyped options.
 */
export type CommandSpec<S extends z.ZodObject = z.ZodObject, K extends string = string> = Omit<CommandDecl<S, K>, 'options'> & {
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
export type CommandImpl<S extends z.ZodObject = z.ZodObject, K extends string = never> = {
  /** Critical commands: what would change, without changing anything. */
  plan?: (ctx: CommandContext, options: z.output<S>) => Promise<Plan>;
  run: (ctx: CommandContext, options: z.output<S>) => Promise<Outcome>;
} & FollowUpImpl<K>;

/**
 * The handler factories of the follow-up kinds a declaration names: exactly those kinds (a missing
 * one, or one the declaration does not name, is a compile error), none when it names none. A
 * declaration whose kinds are not literal (`string`: a generic one) is not checked.
 */
export type FollowUpImpl<K extends string> = [K] extends [never]
  ? { followUps?: never }
  : string extends K
    ? { followUps?: { readonly [kind: string]: FollowUpFactory } }
    : { followUps: { readonly [P in K]: FollowUpFactory } };

/** A declaration and its implementation in one object (commands defined in place: tests, `help`, `jobs`). */
export type CommandDef<S extends z.ZodObject = z.ZodObject, K extends string = never> = CommandDecl<S, K> & CommandImpl<S, K>;

/** The options every registered command's implementation receives: parsed by its schema. */
type AnyOptions = Record<string, unknown>;

/** An implementation as the runner calls it, with options already parsed by the declaration's schema. */
export interface AnyImpl {
  plan?: (ctx: CommandContext, options: AnyOptions) => Promise<Plan>;
  run: (ctx: CommandContext, options: AnyOptions) => Promise<Outcome>;
  followUps?: { readonly [kind: string]: FollowUpFactory | undefined };
}

/** A registered command: its declaration, and its implementation on demand (imported once, then cached). */
export interface AnyCommand extends CommandDecl {
  load(): Promise<AnyImpl>;
}

/*
 * What a front end hands the runner (RunRequest) and what it gets back (RunResult); re-exported by
 * run-types.ts and runner.ts. Here, with the command, because a follow-up's dependencies run
 * commands (FollowUpDeps.execute) and the contract must not import back.
 */

export interface RunRequest {
  command: AnyCommand;
  release: string;
  options: Record<string, unknown>;
  actor: Actor;
  /** Where the request came from in Slack (for audit and for watches reporting back). */
  slack?: SlackTarget;
  /**
   * Critical commands run only when confirmed. `id` is the confirmation's unique id: a second
   * run with the same id (double click, redelivery) is refused.
   */
  confirmation?: { id: string };
  /**
   * Second-person approval: the command runs as `actor` (who asked and confirmed) once another
   * person with the role the command needs approves. The runner enforces both conditions.
   */
  approval?: { id: string; approver: Actor };
  progress?: (message: string) => void;
  correlationId?: string;
  signal?: AbortSignal;
  /** Command line as typed, for the audit log. */
  text?: string;
}

export type RunResult =
  | { kind: 'done'; outcome: Outcome; safety: Safety; durationMs: number; correlationId: string; log: string }
  | { kind: 'needs-confirmation'; plan: Plan; safety: Safety; correlationId: string }
  /** Confirmed, and now waiting for a second person (OAR_SECOND_APPROVAL); nothing ran yet. */
  | { kind: 'pending-approval'; approval: ApprovalView; message: string; correlationId: string }
  | { kind: 'denied'; needed: Role; has: Role; message: string; correlationId: string }
  | { kind: 'locked'; heldBy: LockInfo; message: string; correlationId: string }
  | { kind: 'duplicate'; message: string; correlationId: string }
  | { kind: 'refused'; message: string; correlationId: string };

/** What the runner stores with an approval request: enough to run it later from any process. */
export interface ApprovalPayload {
  options: Record<string, unknown>;
  text?: string;
  actorName?: string;
  via: Actor['via'];
  plan?: Plan;
  /** Where the request came from in Slack (the request is announced in its thread). */
  slack?: SlackTarget;
  correlationId?: string;
}

export interface ApprovalView {
  id: string;
  command: string;
  release: string;
  state: PendingState;
  requestedBy: string;
  requestedByName?: string;
  via: Actor['via'];
  plan?: Plan;
  createdAt: Date;
  expiresAt: Date;
  decidedBy?: string;
  /** Rejected by the person who asked: they withdrew their own request. */
  withdrawn?: boolean;
  /** The approved run's result (`pass: ...`), or the reason of a rejection (or of a withdrawal). */
  outcome?: string;
  /** The Slack message that carries the Approve / Reject buttons, once posted. */
  announcement?: SlackTarget;
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

/**
 * What a follow-up handler factory may use (`followUps: { kind: (deps) => handler }` in a
 * command's implementation). The jobs wiring builds it once per process from the engine's parts
 * and hands it to the command registry, which builds each handler once for it.
 */
export interface FollowUpDeps {
  /** The store's watch parts: a handler may update its watch's subject, and dedup an action. */
  store: Pick<Store, 'updateWatch' | 'markSeen'>;
  /** Integration clients, for a release's URLs when given (`engine.services`). */
  services(release?: string): Services;
  /** Runs a command through the runner (status mode of the command that started the watch). */
  execute(req: RunRequest): Promise<RunResult>;
  /** The registered command of a name, to `execute` it. */
  command(name: string): AnyCommand | undefined;
  /** The ConfigStore of a release (cached in long-running processes). */
  configStores: { get(release: string): Promise<ConfigStore> };
  /** Where release notices go: the release channel and the release leads' mention. */
  notices: ReleaseNoticeTargets;
}

/** Builds the handler of one follow-up kind from the process's dependencies. */
export type FollowUpFactory = (deps: FollowUpDeps) => FollowUpHandler;

/**
 * The poller's view of the follow-up handlers: the handler of a kind, or undefined when no
 * command declares it (the registry loads the owning implementation on first use).
 */
export interface FollowUpLookup {
  get(kind: string): FollowUpHandler | undefined | Promise<FollowUpHandler | undefined>;
  /** The kinds it knows. */
  kinds(): string[];
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
export function declareCommand<S extends z.ZodObject, const K extends string = never>(spec: CommandSpec<S, K>): CommandDecl<S, K> {
  const { options, ...decl } = spec;
  const complete = (schema: S): S =>
    // `extend` returns a wider schema type; the added key is optional, so S's output is unchanged.
    decl.safety === 'read' || 'dryRun' in schema.shape ? schema : (schema.extend({ dryRun: dryRunOption() }) as unknown as S);
  if (typeof options !== 'function') return { ...decl, options: complete(options) };
  let schema: S | undefined;
  return Object.defineProperty(decl, 'options', { enumerable: true, get: () => (schema ??= complete(options(loadZod()))) }) as CommandDecl<S, K>;
}

/** Types an implementation module's default export against its declaration: `export default implement(decl, { run })`. */
export function implement<S extends z.ZodObject, K extends string = never>(_decl: CommandDecl<S, K>, impl: CommandImpl<S, K>): CommandImpl<S, K> {
  return impl;
}

/** The one place the option type is erased: the implementation is typed against the same declaration. */
function register<S extends z.ZodObject, K extends string>(decl: CommandDecl<S, K>, load: () => Promise<CommandImpl<S, K>>): AnyCommand {
  let loading: Promise<CommandImpl<S, K>> | undefined;
  // The declaration's properties as they are (not `...decl`, which would read a lazy `options` and build the schema now).
  const command = Object.defineProperties({}, Object.getOwnPropertyDescriptors(decl)) as CommandDecl<S, K>;
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
export function lazy<S extends z.ZodObject, K extends string = never>(decl: CommandDecl<S, K>, load: () => Promise<{ default: CommandImpl<S, K> }>): AnyCommand {
  return register(decl, async () => (await load()).default);
}

/** A command defined in place, declaration and implementation together (tests, `help`, `jobs`). */
export function defineCommand<S extends z.ZodObject, const K extends string = never>(def: CommandSpec<S, K> & CommandImpl<S, K>): AnyCommand {
  const { run, plan, followUps, ...decl } = def;
  const impl = { run, ...(plan ? { plan } : {}), ...(followUps ? { followUps } : {}) } as CommandImpl<S, K>;
  return register(declareCommand<S, K>(decl), () => Promise.resolve(impl));
}

export function safetyOf(def: Pick<AnyCommand, 'safety'>, options: Record<string, unknown>): Safety {
  return typeof def.safety === 'function' ? def.safety(options) : def.safety;
}

export type { TaskStatus };
