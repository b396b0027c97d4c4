/**
 * Terminal front end shared by `oar`, `oarctl` and `jobctl`: parse, hand over to the engine,
 * render. Exit codes: 0 ok, 2 usage error, 1 anything else (the reason on stderr), 3 a
 * second-person approval is still pending (`--no-wait`; the approval id is on stdout).
 * Heavy modules are imported only when a command actually runs, so `oar help` starts fast.
 */
import { join } from 'node:path';
import { createRegistry } from '../commands/index.ts';
import type { Parsed } from '../commands/parser.ts';
import type { Config } from '../config/env.ts';
import { cliHelp, helpWidth, terminalCommand, topicHelp, wrap } from './help.ts';
import type { AnyCommand, CommandGroup } from '../commands/types.ts';
import type { RunResult } from '../commands/runner.ts';
import type { Engine } from '../commands/engine-port.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Logger } from '../log.ts';
import type { Approvals } from '../commands/approvals.ts';
import type { ApprovalView } from '../commands/approval-view.ts';
import type { Shell } from './completion.ts';
import type { Store } from '../store/types.ts';
import { VERSION } from '../version.ts';
import type { CliIO } from './io.ts';

export type { CliIO };

/**
 * Next-step hints for a failure. Imported when something failed: they read config/env.ts, whose
 * variable schemas are zod, which `oar help` and completion do not load (test/cli/light-help.test.ts).
 */
const hints = () => import('./hints.ts');

/** Terminal-only flags, taken out before the command parser sees the words. */
interface TerminalFlags {
  yes: boolean;
  /** `--wait`: follow long-running work (a watch) to its end in this terminal. */
  wait: boolean;
  /** `--no-wait`: do not wait for a second-person approval (print its id, exit 3). */
  noWait: boolean;
  /** `--playground[=<file>]`: the link file of a running playground ('' = the default place). */
  playground?: string;
  debug: boolean;
  args: string[];
}

export function terminalFlags(argv: string[]): TerminalFlags {
  const args: string[] = [];
  let yes = false;
  let wait = false;
  let noWait = false;
  let playground: string | undefined;
  let debug = false;
  for (const a of argv) {
    if (a === '--yes' || a === '-y') yes = true;
    else if (a === '--wait') wait = true;
    else if (a === '--no-wait') noWait = true;
    else if (a === '--playground') playground = '';
    else if (a.startsWith('--playground=')) playground = a.slice('--playground='.length);
    // -v/--debug anywhere on the line (the parser takes it before the command name).
    else if (a === '-v' || a === '--debug') debug = true;
    else args.push(a);
  }
  return { yes, wait, noWait, ...(playground !== undefined ? { playground } : {}), debug, args: debug ? ['-v', ...args] : args };
}

/**
 * What the terminal gets from the composition root (the entry files src/cli/{oar,oarctl,jobctl}.ts):
 * module loaders, so the engine and the MCP server are imported only when a command runs and
 * `oar help` and shell completion stay light.
 */
export interface TerminalComposition {
  /** src/engine.ts. */
  engine(): Promise<{ createEngine(opts: TerminalEngineOptions): Promise<Engine> }>;
  /** The MCP front end, for `oarctl mcp --stdio`. */
  mcp(): Promise<{ runMcpStdio(deps: { engine: Engine; statusReader: Engine['statebox']; clientName: string }): Promise<{ closed: Promise<void> }> }>;
}

/** What the terminal asks the engine for. */
export interface TerminalEngineOptions {
  frontEnd: 'cli' | 'mcp';
  env?: NodeJS.ProcessEnv;
  config?: Config;
  logger?: Logger;
  debug?: boolean;
  registry?: CommandRegistry;
}

export interface CliOptions extends TerminalComposition {
  /** Commands beyond the registry's (tests). */
  extraCommands?: AnyCommand[];
}

/** Exit code of a run that waits for a second person (`--no-wait`). */
export const EXIT_PENDING_APPROVAL = 3;

/**
 * Every failure is a line or two on stderr: what failed and the next step. Stack traces only with
 * -v (or an explicit LOG_LEVEL / OAR_LOG_FORMAT, which turn the JSON logs on).
 */
export async function runCli(group: CommandGroup, argv: string[], io: CliIO, opts: CliOptions): Promise<number> {
  const flags = terminalFlags(argv);
  try {
    return await runCliInner(group, flags, io, opts);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // By name: playground-link.ts is imported only with --playground, config/env.ts only when a command runs.
    if (e instanceof Error && e.name === 'PlaygroundLinkError') {
      io.stderr(`${group}: ${message}`);
      return 1;
    }
    if (e instanceof Error && e.name === 'ConfigError') {
      io.stderr(`${group}: ${message}`);
      io.stderr(`Next: fix the variables above; see README → "Configuration".`);
      return 1;
    }
    io.stderr(`${group}: ${message.split('\n')[0]}`);
    if (flags.debug && e instanceof Error && e.stack) io.stderr(e.stack);
    else io.stderr((await hints()).nextStep(message, { cli: group, playground: flags.playground !== undefined }) ?? 'Run again with -v to see the stack trace.');
    return 1;
  }
}

async function runCliInner(group: CommandGroup, flags: TerminalFlags, io: CliIO, opts: CliOptions): Promise<number> {
  const { args } = flags;
  const width = helpWidth(io.columns);
  const print = (text: string) => io.stdout(wrap(text, width));
  // The environment of a running playground, when asked for (simulated world and its store).
  const env = flags.playground !== undefined ? await playgroundEnv(flags.playground, io) : io.env;
  const runIo: CliIO = { ...io, env };

  // Terminal commands: help for them, completion, the hidden completion helper, services.
  const first = args.find((a) => !a.startsWith('-'));
  const wantsHelp = args.includes('--help') || args.includes('-h');
  if (args[0] === 'help' && args[1] !== undefined) {
    const helpRegistry = createRegistry();
    const text = helpRegistry.has(args[1]) ? undefined : await topicHelp(group, helpRegistry, args[1]);
    if (text) {
      print(text);
      return 0;
    }
  }
  if (first !== undefined && terminalCommand(group, first) && args[0] === first) {
    if (wantsHelp || args[1] === 'help') {
      print((await topicHelp(group, createRegistry(), first))!);
      return 0;
    }
    if (first === 'completion') return await printCompletion(group, args[1], io);
    // Long-running services behind oarctl: not commands (they serve until stopped).
    return runService(args, runIo, opts);
  }
  if (args[0] === '__complete') return complete(group, args.slice(1), runIo);

  // `jobs`, `jira-notificator` and `start-release-detector` reach the scheduler through a
  // SchedulerRef, a getter read when such a command runs: the jobs are built after the engine
  // (below), as in app.ts, since they run commands through its runner.
  const registry = createRegistry(opts.extraCommands ?? [], { scheduler: () => jobs?.scheduler });
  // The command list needs no parsing (`oar`, `oar help`, what the parser would answer): the parser,
  // the renderers and completion are imported for a command line (test/cli/light-help.test.ts).
  if (args.length === 0 || (args.length === 1 && args[0] === 'help')) {
    print(cliHelp(group, registry));
    return 0;
  }
  const { CommandParser, ParseError } = await import('../commands/parser.ts');
  const parser = new CommandParser(registry);
  let parsed: Parsed;
  try {
    parsed = parser.parseArgv(group, args);
  } catch (e) {
    if (e instanceof ParseError) {
      io.stderr(`${group}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (parsed.kind === 'version') {
    io.stdout(`${group} v${VERSION}`);
    io.stdout(`node ${process.version}`);
    return 0;
  }
  if (parsed.kind === 'help') {
    print(parsed.topic ? (await topicHelp(group, registry, parsed.topic))! : cliHelp(group, registry));
    return 0;
  }

  // A ConfigError is reported by runCli's handler (the variables, then where to fix them).
  const { loadConfig } = await import('../config/env.ts');
  const config = loadConfig(env);
  const logger = await cliLogger(config, flags.debug, env);
  const { createEngine } = await opts.engine();
  let engine: Engine;
  try {
    engine = await createEngine({ config, logger, debug: parsed.debug, registry, frontEnd: 'cli' });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`${group}: could not start the engine: ${message.split('\n')[0]}`);
    io.stderr((await hints()).nextStep(message, { cli: group, playground: flags.playground !== undefined }) ?? 'Run again with -v for details.');
    if (flags.debug && e instanceof Error && e.stack) io.stderr(e.stack);
    return 1;
  }
  // Job commands (oarctl jobs, jira-notificator, start-release-detector) run the same job code as
  // the bot's scheduler, by hand, under the same leases.
  const jobs =
    parsed.command.group === 'oarctl' && engine.store
      ? await wireTerminalJobs(engine, engine.store).catch(async (e: unknown) => {
          await engine.close();
          throw e;
        })
      : undefined;
  try {
    const actor = { id: `cli:${io.env.USER ?? 'unknown'}`, name: io.env.USER, via: 'cli' as const };
    const yes = flags.yes;
    const request = {
      command: parsed.command,
      release: parsed.release,
      options: parsed.options,
      actor,
      text: parsed.text,
      progress: (m: string) => io.stderr(`… ${m}`),
    };
    const { renderPlan, renderResult } = await import('../blocks/text.ts');
    let result = await engine.runner.execute(request);
    if (result.kind === 'needs-confirmation') {
      io.stderr(renderPlan(result.plan));
      if (result.plan.refused) return 1;
      if (result.plan.empty) {
        io.stdout('Nothing to do.');
        return 0;
      }
      let confirmed = yes;
      if (!confirmed && io.isTTY && io.ask) {
        const answer = await io.ask(`Type the release (${parsed.release}) to confirm ${parsed.command.name}: `);
        confirmed = answer.trim() === parsed.release;
        if (!confirmed) io.stderr('Not confirmed; nothing was changed.');
      } else if (!confirmed) {
        io.stderr(`${parsed.command.name} is critical: re-run with --yes to confirm, or --dry-run to only show the plan.`);
      }
      if (!confirmed) return 1;
      result = await engine.runner.execute({ ...request, confirmation: { id: `cli-${result.correlationId}` } });
    }
    if (result.kind === 'pending-approval') return await awaitApproval(result, engine.runner.approvals, { noWait: flags.noWait, io, timeoutMs: engine.config.OAR_APPROVAL_TTL_MS });
    const text = renderResult(result);
    if (result.kind === 'done' && result.outcome.status !== 'fail') {
      io.stdout(text);
      if (result.outcome.watchId && engine.store) {
        const { followUpWatch } = await import('./watch.ts');
        return (await followUpWatch(engine, engine.store, result.outcome.watchId, { wait: flags.wait, io })) ?? 0;
      }
      return 0;
    }
    io.stderr(text);
    const why = result.kind === 'done' ? result.outcome.summary : 'message' in result ? result.message : '';
    const next = (await hints()).nextStep(why, { cli: group, playground: flags.playground !== undefined });
    if (next) io.stderr(next);
    return 1;
  } finally {
    await engine.close();
  }
}

/** The jobs of a terminal process, for manual runs (never started: no cron here). */
async function wireTerminalJobs(engine: Engine, store: Store) {
  const { wireJobs } = await import('../jobs/wiring.ts');
  return wireJobs(engine, store);
}

/**
 * The terminal's logger: silent by default (failures are rendered above, one or two lines);
 * -v gives debug logs with stack traces; an explicit LOG_LEVEL or OAR_LOG_FORMAT gives the
 * configured logs (JSON when piped).
 */
async function cliLogger(config: Config, debug: boolean, env: NodeJS.ProcessEnv) {
  const { loggerFor } = await import('../log.ts');
  if (debug) return loggerFor({ ...config, LOG_LEVEL: 'debug' });
  if (env.LOG_LEVEL !== undefined || env.OAR_LOG_FORMAT !== undefined) return loggerFor(config);
  return loggerFor({ ...config, LOG_LEVEL: 'silent' });
}

async function playgroundEnv(file: string, io: CliIO): Promise<NodeJS.ProcessEnv> {
  const { CLI_ENV_FILE, playgroundDir, readPlaygroundLink } = await import('./playground-link.ts');
  const path = file || join(playgroundDir(io.env, io.cwd), CLI_ENV_FILE);
  const link = readPlaygroundLink(path);
  // The playground's variables win; the terminal keeps its own USER, PATH, LOG_LEVEL, …
  return { ...io.env, ...link.env };
}

async function printCompletion(group: CommandGroup, shell: string | undefined, io: CliIO): Promise<number> {
  const { completionScript, SHELLS } = await import('./completion.ts');
  if (!SHELLS.includes(shell as Shell)) {
    io.stderr(`${group}: completion needs a shell: \`${group} completion bash|zsh|fish\``);
    return 2;
  }
  io.stdout(completionScript(shell as Shell).trimEnd());
  return 0;
}

/** Completion budget for live releases: Tab must answer quickly, with or without a network. */
export const COMPLETION_TIMEOUT_MS = 3000;

/** `<cli> __complete <words…>` (hidden): candidates for the last word, one per line. */
async function complete(group: CommandGroup, words: string[], io: CliIO): Promise<number> {
  const flags = terminalFlags(words);
  const env = flags.playground !== undefined ? await playgroundEnv(flags.playground, io).catch(() => io.env) : io.env;
  const registry = createRegistry();
  const { completeWords } = await import('./completion.ts');
  const candidates = await completeWords(group, registry, flags.args.length ? flags.args : [''], {
    releases: () => completionReleases(group, env, io.completionTimeoutMs ?? COMPLETION_TIMEOUT_MS),
  });
  if (candidates.length) io.stdout(candidates.join('\n'));
  return 0;
}

async function completionReleases(group: CommandGroup, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve([]);
    }, timeoutMs);
  });
  const work = (async () => {
    const { loadConfig } = await import('../config/env.ts');
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const { activeReleases } = await import('./releases.ts');
    const found = await activeReleases(config, controller.signal);
    return group === 'oar' ? found : [...new Set(found.map((r) => r.split('.').slice(0, 2).join('.')))];
  })().catch(() => [] as string[]);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A command that needs a second person: say where the request waits, then (unless --no-wait)
 * wait for it, with each change on stderr. The approved command runs in the process that
 * received the approval (the bot); this one reads the end state from the store.
 */
async function awaitApproval(result: Extract<RunResult, { kind: 'pending-approval' }>, approvals: Approvals | undefined, o: { noWait: boolean; io: CliIO; timeoutMs: number }): Promise<number> {
  const { io } = o;
  const { approvalRunFailed, describeApproval } = await import('../commands/approval-view.ts');
  io.stderr(result.message);
  if (o.noWait || !approvals) {
    io.stdout(result.approval.id);
    return EXIT_PENDING_APPROVAL;
  }
  io.stderr('Waiting for the approval (Ctrl-C stops waiting; the request stays open until it expires)…');
  const end = await approvals.wait(result.approval.id, { timeoutMs: o.timeoutMs + 60_000, onChange: (v: ApprovalView) => v.state !== 'pending' && io.stderr(`… ${describeApproval(v)}`) });
  if (!end) {
    io.stderr(`approval ${result.approval.id} is gone from the store`);
    return 1;
  }
  if (end.state === 'executed') {
    const ok = !approvalRunFailed(end);
    (ok ? io.stdout : io.stderr)(end.outcome ?? describeApproval(end));
    return ok ? 0 : 1;
  }
  if (end.state === 'pending' || end.state === 'approved') {
    io.stdout(end.id);
    return EXIT_PENDING_APPROVAL;
  }
  return 1;
}

/** `oarctl mcp --stdio` and `oarctl cki-notifier ...`. */
async function runService(argv: string[], io: CliIO, compose: TerminalComposition): Promise<number> {
  if (argv[0] === 'mcp') {
    if (!argv.includes('--stdio')) {
      io.stderr('oarctl mcp: --stdio is required (`oarctl mcp --stdio`); the HTTP transport is served by the bot at /mcp. See `oarctl help mcp`.');
      return 2;
    }
    const [{ createEngine }, { runMcpStdio }] = await Promise.all([compose.engine(), compose.mcp()]);
    // Logs go to stderr; stdout carries the MCP protocol.
    const engine = await createEngine({ env: io.env, frontEnd: 'mcp' });
    try {
      const handle = await runMcpStdio({ engine, statusReader: engine.statebox, clientName: `stdio-${io.env.USER ?? 'user'}` });
      await handle.closed;
      return 0;
    } finally {
      await engine.close();
    }
  }
  const [{ runCkiNotifierCli }, { loadConfig }, { loggerFor }, { openStore }] = await Promise.all([
    import('../jobs/cki-notifier/cli.ts'),
    import('../config/env.ts'),
    import('../log.ts'),
    import('../store/index.ts'),
  ]);
  const config = loadConfig(io.env);
  const store = await openStore(config);
  try {
    return await runCkiNotifierCli(argv.slice(1), { config, logger: loggerFor(config), store, stdout: (t) => io.stdout(t.replace(/\n$/, '')), stderr: (t) => io.stderr(t.replace(/\n$/, '')) });
  } finally {
    await store.close();
  }
}
