/**
 * Terminal front end shared by `oar`, `oarctl` and `jobctl`: parse, hand over to the engine,
 * render. Exit codes: 0 ok, 2 usage error, 1 anything else (the reason on stderr).
 * Heavy modules are imported only when a command actually runs, so `oar help` starts fast.
 */
import { createInterface } from 'node:readline/promises';
import { createRegistry } from '../commands/index.ts';
import { commandHelp, registryHelp } from '../commands/registry.ts';
import { CommandParser, ParseError, type Parsed } from '../commands/parser.ts';
import type { CommandGroup } from '../commands/types.ts';
import type { JobScheduler } from '../jobs/scheduler.ts';
import { renderPlan, renderResult } from './render.ts';
import { VERSION } from '../version.ts';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Ask a yes/no question (interactive confirmation). */
  ask?: (question: string) => Promise<string>;
}

export { VERSION };

function defaultIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(`${s}\n`),
    stderr: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    ask: async (q) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    },
  };
}

export async function runCli(group: CommandGroup, argv: string[], io: CliIO = defaultIO()): Promise<number> {
  // Long-running services behind oarctl: not commands (they serve until stopped).
  if (group === 'oarctl' && (argv[0] === 'mcp' || argv[0] === 'cki-notifier')) return runService(argv, io);
  const schedulerHolder: { scheduler?: JobScheduler } = {};
  const registry = createRegistry([], { scheduler: () => schedulerHolder.scheduler });
  const parser = new CommandParser(registry);
  // --yes / -y confirms critical commands non-interactively (terminal only).
  const yes = argv.includes('--yes') || argv.includes('-y');
  const args = argv.filter((a) => a !== '--yes' && a !== '-y');
  let parsed: Parsed;
  try {
    parsed = parser.parseArgv(group, args);
  } catch (e) {
    if (e instanceof ParseError) {
      io.stderr(`Error: ${e.message}`);
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
    if (parsed.topic) {
      const def = registry.get(parsed.topic)!;
      io.stdout(commandHelp(def));
    } else {
      const defs = registry.list().filter((d) => d.name !== 'help' && (group === 'oar' || d.group === group));
      io.stdout(registryHelp(defs));
      io.stdout('\nGlobal options: -r/--release <release>, -v/--debug, -V/--version, -h/--help, --yes (confirm critical commands)');
    }
    return 0;
  }

  const { createEngine } = await import('../engine.ts');
  let engine: Awaited<ReturnType<typeof createEngine>>;
  try {
    engine = await createEngine({ env: io.env, debug: parsed.debug, registry, frontEnd: 'cli' });
  } catch (e) {
    io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  try {
    // Job commands (oarctl jobs, jira-notificator, start-release-detector) run the same job code
    // as the bot's scheduler, by hand, under the same leases.
    if (parsed.command.group === 'oarctl' && engine.store) {
      const { wireJobs } = await import('../jobs/wiring.ts');
      schedulerHolder.scheduler = wireJobs(engine, engine.store).scheduler;
    }
    const actor = { id: `cli:${io.env.USER ?? 'unknown'}`, name: io.env.USER, via: 'cli' as const };
    const request = {
      command: parsed.command,
      release: parsed.release,
      options: parsed.options,
      actor,
      text: parsed.text,
      progress: (m: string) => io.stderr(`… ${m}`),
    };
    let result = await engine.runner.execute(request);
    if (result.kind === 'needs-confirmation') {
      io.stderr(renderPlan(result.plan));
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
    const text = renderResult(result);
    if (result.kind === 'done' && result.outcome.status !== 'fail') {
      io.stdout(text);
      return 0;
    }
    io.stderr(text);
    return 1;
  } finally {
    await engine.close();
  }
}

/** `oarctl mcp --stdio` and `oarctl cki-notifier ...`. */
async function runService(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === 'mcp') {
    if (!argv.includes('--stdio')) {
      io.stderr('Usage: oarctl mcp --stdio   (the HTTP transport is served by the bot at /mcp)');
      return 2;
    }
    const [{ createEngine }, { runMcpStdio }] = await Promise.all([import('../engine.ts'), import('../mcp/index.ts')]);
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
