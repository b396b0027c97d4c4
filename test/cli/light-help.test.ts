/**
 * `oar help` must stay light: loading every command definition may not load the integration
 * libraries (they cost hundreds of milliseconds of cold start), nor zod (~95 modules) and
 * yargs-parser, most of what was left: option handling loads them on first use
 * (src/commands/on-demand.ts). Asserted on what is loaded, not on wall time: a fresh Node process
 * records every module it resolves (module.registerHooks).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');

/** Packages whose loading means a command definition pulled in a client or a service runtime. */
const HEAVY = ['@gitbeaker', 'octokit', '@octokit', 'jira.js', '@slack', 'amqplib', 'ldapts', 'node-cron', 'kafkajs', 'pg', 'prom-client', '@modelcontextprotocol', 'pino'];

interface Resolved {
  url: string;
  parent: string | null;
}

/** Runs `body` (an ES module snippet) in a fresh Node process and returns every module it resolved. */
function resolvedBy(body: string): { resolved: Resolved[]; result: unknown } {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const r = nextResolve(specifier, context);
        resolved.push({ url: r.url, parent: context.parentURL ?? null });
        return r;
      },
    });
    const result = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify({ resolved, result }));
  `;
  const r = spawnSync(node, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  if (r.status !== 0) throw new Error(`child process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { resolved: Resolved[]; result: unknown };
}

/** `@scope/name` or `name` of a module inside node_modules (the innermost, for nested copies). */
function packageOf(url: string): string | undefined {
  const i = url.lastIndexOf('/node_modules/');
  if (i < 0) return undefined;
  const parts = url.slice(i + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function isHeavy(pkg: string): boolean {
  return HEAVY.some((h) => pkg === h || (h.startsWith('@') && !h.includes('/') && pkg.startsWith(`${h}/`)));
}

/** Each heavy package loaded, with the import chain that first reached it (so a failure names the culprit). */
function heavyLoads(resolved: Resolved[], heavy: (pkg: string) => boolean = isHeavy): string[] {
  const parentOf = new Map<string, string | null>();
  for (const r of resolved) if (!parentOf.has(r.url)) parentOf.set(r.url, r.parent);
  const short = (u: string) => u.replace(pathToFileURL(root).href + '/', '');
  const out = new Map<string, string>();
  for (const url of parentOf.keys()) {
    const pkg = packageOf(url);
    if (!pkg || !heavy(pkg) || out.has(pkg)) continue;
    const chain: string[] = [];
    for (let u: string | null | undefined = parentOf.get(url); u; u = parentOf.get(u)) {
      if (!packageOf(u)) chain.push(short(u));
    }
    out.set(pkg, `${pkg} <- ${chain.join(' <- ')}`);
  }
  return [...out.values()];
}

/** Command implementation modules (`src/commands/*.run.ts`) that were loaded: `oar help` needs declarations only. */
function implementationLoads(resolved: Resolved[]): string[] {
  return [...new Set(resolved.map((r) => r.url).filter((u) => /\/src\/commands\/.*\.run\.ts$/.test(u)))];
}

/** zod and yargs-parser, with the chain that loaded them: a declaration building its schema at load time, or a light module importing one. */
const ON_DEMAND = ['zod', 'yargs-parser'];
const onDemandLoads = (resolved: Resolved[]) => heavyLoads(resolved, (pkg) => ON_DEMAND.includes(pkg));

describe('oar help loads no integration library', () => {
  it('classifies package names (the guard itself)', () => {
    expect(packageOf('file:///x/node_modules/@gitbeaker/rest/dist/index.mjs')).toBe('@gitbeaker/rest');
    expect(packageOf('file:///x/node_modules/a/node_modules/pg/lib/index.js')).toBe('pg');
    expect(isHeavy('@slack/web-api')).toBe(true);
    expect(isHeavy('pg')).toBe(true);
    expect(isHeavy('pg-types')).toBe(false);
    expect(isHeavy('zod')).toBe(false);
  });

  it('src/commands/index.ts and every command definition in it', () => {
    const indexUrl = pathToFileURL(join(root, 'src', 'commands', 'index.ts')).href;
    const { resolved, result } = resolvedBy(`
      const { createRegistry } = await import(${JSON.stringify(indexUrl)});
      return createRegistry().list().length;
    `);
    // The recording works: the registry was seen.
    expect(result).toBeGreaterThan(20);
    expect(resolved.some((r) => r.url === indexUrl)).toBe(true);
    expect(heavyLoads(resolved)).toEqual([]);
    expect(implementationLoads(resolved)).toEqual([]);
    // Option schemas are built on first use: listing the commands builds none.
    expect(onDemandLoads(resolved)).toEqual([]);
  });

  it('reading a command\'s options loads zod, parsing its flags yargs-parser (the guard above can see both)', () => {
    const indexUrl = pathToFileURL(join(root, 'src', 'commands', 'index.ts')).href;
    const optionsUrl = pathToFileURL(join(root, 'src', 'commands', 'options.ts')).href;
    const { resolved, result } = resolvedBy(`
      const { createRegistry } = await import(${JSON.stringify(indexUrl)});
      const { parseOptions } = await import(${JSON.stringify(optionsUrl)});
      const { z } = await import('zod');
      const command = createRegistry().get('take-ownership');
      const options = command.options;
      return {
        keys: Object.keys(options.shape),
        // The very zod every other module imports, not a second copy: a schema is one of its objects.
        sameZod: options instanceof z.ZodObject && options.shape.email instanceof z.ZodString,
        parsed: parseOptions(command, ['-e', 'someone@redhat.com']),
      };
    `);
    expect(result).toEqual({ keys: ['email', 'dryRun'], sameZod: true, parsed: { email: 'someone@redhat.com' } });
    expect(onDemandLoads(resolved).map((l) => l.split(' ')[0]).sort()).toEqual(['yargs-parser', 'zod']);
    expect(resolved.filter((r) => r.url.endsWith('/node_modules/zod/index.cjs'))).toEqual([]);
  });

  it('the follow-up kinds and their owners come from the declarations alone', () => {
    const indexUrl = pathToFileURL(join(root, 'src', 'commands', 'index.ts')).href;
    const { resolved, result } = resolvedBy(`
      const { createRegistry } = await import(${JSON.stringify(indexUrl)});
      return createRegistry().followUpKinds().map((k) => k.kind + ' ' + k.command).sort();
    `);
    expect(result).toEqual(['async-approval change-advisory-status', 'cdn-push push-to-cdn-staging', 'jenkins-build stage-testing', 'prow-job image-consistency-check']);
    expect(heavyLoads(resolved)).toEqual([]);
    expect(implementationLoads(resolved)).toEqual([]);
  });

  it('a command run loads its implementation module (the guard above can see one)', () => {
    const indexUrl = pathToFileURL(join(root, 'src', 'commands', 'index.ts')).href;
    const { resolved } = resolvedBy(`
      const { createRegistry } = await import(${JSON.stringify(indexUrl)});
      await createRegistry().get('unlock').load();
      return null;
    `);
    expect(implementationLoads(resolved).map((u) => u.replace(/^.*\/src\//, 'src/'))).toEqual(['src/commands/unlock.run.ts']);
  });

  it('the whole `oar help` path of the terminal front end, without the engine', () => {
    const mainUrl = pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href;
    const engineUrl = pathToFileURL(join(root, 'src', 'engine.ts')).href;
    const mcpUrl = pathToFileURL(join(root, 'src', 'mcp', 'index.ts')).href;
    // Composed as src/cli/oar.ts composes it: the engine and MCP are there, loaded only on demand.
    const { resolved, result } = resolvedBy(`
      const { runCli } = await import(${JSON.stringify(mainUrl)});
      const out = [];
      const compose = { engine: () => import(${JSON.stringify(engineUrl)}), mcp: () => import(${JSON.stringify(mcpUrl)}) };
      const code = await runCli('oar', ['help'], { stdout: (s) => out.push(s), stderr: (s) => out.push(s), env: {}, isTTY: false }, compose);
      return { code, text: out.join('\\n') };
    `);
    const { code, text } = result as { code: number; text: string };
    expect(code).toBe(0);
    expect(text).toContain('take-ownership');
    expect(heavyLoads(resolved)).toEqual([]);
    expect(onDemandLoads(resolved)).toEqual([]);
    expect(implementationLoads(resolved)).toEqual([]);
    expect(resolved.map((r) => r.url)).not.toContain(engineUrl);
    // Loaded only with --playground, and only for the cki-notifier's own help.
    const own = resolved.map((r) => r.url.replace(/^.*\/src\//, 'src/'));
    expect(own).not.toContain('src/cli/playground-link.ts');
    // The command list needs no parser, renderer or completion: they come with a command line.
    expect(own.filter((u) => ['src/commands/parser.ts', 'src/blocks/text.ts', 'src/cli/completion.ts', 'src/commands/approval-view.ts'].includes(u))).toEqual([]);
    expect(own.filter((u) => u.startsWith('src/jobs/'))).toEqual([]);
  });

  it('`bin/oar.js help`, as a user and the cli-start benchmark run it: the same, and no prompt machinery', () => {
    const binUrl = pathToFileURL(join(root, 'bin', 'oar.js')).href;
    const { resolved, result } = resolvedBy(`
      const out = [];
      const write = process.stdout.write;
      process.stdout.write = (s) => out.push(String(s));
      process.argv = [process.argv[0], 'oar', 'help'];
      try {
        await import(${JSON.stringify(binUrl)});
      } finally {
        process.stdout.write = write;
      }
      return { text: out.join(''), exitCode: process.exitCode ?? 0 };
    `);
    const { text, exitCode } = result as { text: string; exitCode: number };
    expect(exitCode).toBe(0);
    expect(text).toContain('take-ownership');
    expect(heavyLoads(resolved)).toEqual([]);
    expect(onDemandLoads(resolved)).toEqual([]);
    expect(implementationLoads(resolved)).toEqual([]);
    // The confirmation prompt's readline is imported when there is a question to ask.
    expect(resolved.map((r) => r.url).filter((u) => u.startsWith('node:readline'))).toEqual([]);
    expect(resolved.some((r) => r.url === binUrl)).toBe(true);
  });

  it('`oarctl help cki-notifier` still prints its usage; `--playground` without a playground still says so', async () => {
    const { runCli } = await import('../../src/cli/main.ts');
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), env: {}, cwd: root, isTTY: false };
    const compose = { engine: () => import('../../src/engine.ts'), mcp: () => import('../../src/mcp/index.ts') };
    expect(await runCli('oarctl', ['help', 'cki-notifier'], io, compose)).toBe(0);
    const { CKI_NOTIFIER_USAGE } = await import('../../src/jobs/cki-notifier/usage.ts');
    expect(out.join('\n')).toContain(CKI_NOTIFIER_USAGE.trim().split('\n')[0]!);
    out.length = 0;
    expect(await runCli('oar', ['--playground=' + join(root, 'no-such-dir', 'cli.env'), 'release-status'], io, compose)).toBe(1);
    expect(out.join('\n')).toMatch(/^oar: /);
    // The playground's own message, alone (not the generic hint of an unexpected error).
    expect(out).toHaveLength(1);
  });
});
