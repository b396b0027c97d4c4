/**
 * The terminal as a user meets it: help exits 0 everywhere and names the CLI it is printed by,
 * every documented command is listed, help fits the terminal, completion scripts and candidates,
 * missing configuration is one or two lines with the next step (no logs, no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeWords, completionScript, SHELLS } from '../../src/cli/completion.ts';
import { helpWidth, wrap } from '../../src/cli/help.ts';
import { nextStep, variablesIn } from '../../src/cli/hints.ts';
import { runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { cliNameOf } from '../../src/commands/registry.ts';
import { CommandParser, ParseError } from '../../src/commands/parser.ts';
import type { CommandGroup } from '../../src/commands/types.ts';
import { PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'oar-terminal-'));
const GROUPS: CommandGroup[] = ['oar', 'oarctl', 'jobctl'];

function io(opts: { env?: NodeJS.ProcessEnv; columns?: number } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, ...opts.env }, isTTY: false, ...(opts.columns ? { columns: opts.columns } : {}) };
  return { io: value, out: () => out.join('\n'), err: () => err.join('\n') };
}

async function run(group: CommandGroup, argv: string[], columns?: number) {
  const t = io(columns ? { columns } : {});
  const code = await runCli(group, argv, t.io, COMPOSITION);
  return { code, out: t.out(), err: t.err() };
}

const registry = createRegistry();
const commandsOf = (g: CommandGroup) => registry.list().filter((d) => d.group === g && d.name !== 'help').map((d) => cliNameOf(d));
const TERMINAL: Record<CommandGroup, string[]> = { oar: ['completion'], oarctl: ['mcp', 'cki-notifier', 'completion'], jobctl: ['completion'] };

describe('help', () => {
  it.each(GROUPS)('%s: --help, -h and help exit 0 and name %s in their hint', async (g) => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const r = await run(g, argv);
      expect(r.code, `${g} ${argv.join(' ')}`).toBe(0);
      expect(r.out).toContain(`Run \`${g} help <command>\``);
      for (const other of GROUPS.filter((o) => o !== g)) expect(r.out).not.toContain(`Run \`${other} help`);
    }
  });

  it.each(GROUPS)('%s: every command and terminal command has help that exits 0, asked either way', async (g) => {
    for (const name of [...commandsOf(g), ...TERMINAL[g]]) {
      for (const argv of [['help', name], [name, '--help'], [name, '-h']]) {
        const r = await run(g, argv);
        expect(r.code, `${g} ${argv.join(' ')}: ${r.err}`).toBe(0);
        expect(r.out.split('\n')[0]).toMatch(new RegExp(`^${name}\\b`));
      }
    }
  });

  it('oar help mcp explains the oarctl service (exit 0)', async () => {
    const r = await run('oar', ['help', 'mcp']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: oarctl mcp --stdio');
    expect((await run('oar', ['help', 'nonsense'])).code).toBe(2);
  });

  it('oarctl lists its services (mcp, cki-notifier) and does not advertise --yes; oar, with critical commands, does', async () => {
    const oarctl = (await run('oarctl', ['--help'])).out;
    expect(oarctl).toMatch(/^\s+mcp\s/m);
    expect(oarctl).toMatch(/^\s+cki-notifier\s/m);
    expect(oarctl).toMatch(/^\s+completion\s/m);
    expect(oarctl).not.toContain('--yes');
    expect((await run('jobctl', ['--help'])).out).not.toContain('--yes');
    expect((await run('oar', ['--help'])).out).toContain('--yes');
  });

  it('jobctl run: the help shows the job as required, and the job is accepted positionally or as --job-name', async () => {
    const help = await run('jobctl', ['help', 'run']);
    expect(help.out).toContain('Usage: jobctl run <jobName>');
    const parser = new CommandParser(registry);
    const a = parser.parseArgv('jobctl', ['run', 'aws-ipi-f999']);
    const b = parser.parseArgv('jobctl', ['run', '--job-name', 'aws-ipi-f999']);
    expect(a.kind === 'command' && a.options.jobName).toBe('aws-ipi-f999');
    expect(b.kind === 'command' && b.options.jobName).toBe('aws-ipi-f999');
    expect(() => parser.parseArgv('jobctl', ['run'])).toThrow(ParseError);
    const missing = await run('jobctl', ['run']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('`jobctl run <jobName>` (or --job-name <jobName>)');
  });

  it.each([60, 80, 120])('wraps to %i columns (example command lines stay whole)', async (columns) => {
    for (const g of GROUPS) {
      for (const argv of [['--help'], ['help', commandsOf(g)[0]!]]) {
        const { out } = await run(g, argv, columns);
        const long = out.split('\n').filter((l) => l.length > columns && !/^\s+(e\.g\. )?(oar|oarctl|jobctl|\/oar|npx|source) /.test(l));
        expect(long, `${g} ${argv.join(' ')}`).toEqual([]);
      }
    }
    expect(helpWidth(undefined)).toBe(80);
  });

  it('wrap continues under the description column', () => {
    const line = `  name${' '.repeat(10)}[read]  ${'word '.repeat(20).trim()}`;
    const wrapped = wrap(line, 50).split('\n');
    expect(wrapped.length).toBeGreaterThan(1);
    const col = line.indexOf('word');
    for (const l of wrapped.slice(1)) expect(l.slice(0, col).trim()).toBe('');
    expect(wrapped.join(' ').replace(/\s+/g, ' ').trim()).toBe(line.replace(/\s+/g, ' ').trim());
  });
});

describe('completion', () => {
  it.each(SHELLS)('%s: the script completes the three CLIs through the hidden __complete', async (shell) => {
    const r = await run('oar', ['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(completionScript(shell).trimEnd());
    for (const cli of GROUPS) expect(r.out).toContain(cli);
    expect(r.out).toContain('__complete');
  });

  it('an unknown shell is a usage error', async () => {
    const r = await run('oar', ['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('oar completion bash|zsh|fish');
  });

  it('bash accepts the script (syntax check)', () => {
    const r = spawnSync('bash', ['-n'], { input: completionScript('bash'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('candidates: commands, options of a command, option choices, releases for -r', async () => {
    const releases = async () => ['4.19.10', '4.19.1', '4.18.47'];
    const c = (g: CommandGroup, words: string[]) => completeWords(g, registry, words, { releases });
    expect(await c('oar', ['take-'])).toEqual(['take-ownership']);
    expect(await c('oarctl', [''])).toEqual(expect.arrayContaining(['jobs', 'jira-notificator', 'mcp', 'cki-notifier', 'completion', 'help']));
    expect(await c('oar', ['-r', '4.19.1'])).toEqual(['4.19.10', '4.19.1']);
    expect(await c('oar', ['-r', '4.19.1', 'take-ownership', '--'])).toEqual(expect.arrayContaining(['--email', '--release', '--help']));
    expect(await c('oar', ['-r', '4.19.1', 'push-to-cdn-staging', '--'])).toContain('--yes');
    expect(await c('oar', ['help', 'release-'])).toEqual(expect.arrayContaining(['release-info', 'release-status']));
    expect(await c('oar', ['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(await c('oar', ['--'])).toEqual(expect.arrayContaining(['--release', '--playground', '--help']));
  });

  it('__complete prints commands and exits 0 without any configuration', async () => {
    const r = await run('jobctl', ['__complete', 'start-']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').sort()).toEqual(['start-aggregator', 'start-controller']);
  });
});

describe('failures say what to do', () => {
  it('hints name the variables to set, their system and the README section', () => {
    expect(variablesIn('system environment variable OAR_JWK not found')).toEqual(['OAR_JWK']);
    const hint = nextStep('system environment variable OAR_JWK not found', { cli: 'oar' })!;
    expect(hint).toContain('set OAR_JWK and OAR_CONFIG_FILE');
    expect(hint).toContain('ConfigStore');
    expect(hint).toContain('README → "Configuration"');
    expect(hint).toContain('npx oar --playground');
    expect(nextStep('Jira: the issue OCPBUGS-1 does not exist', { cli: 'oar' })).toBeUndefined();
  });

  it('a real command without credentials: two lines on stderr (what failed, what to set), no log line, no stack trace', () => {
    const env = { PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: dataDir, OAR_DATA_DIR: mkdtempSync(join(tmpdir(), 'oar-nocreds-')) };
    const r = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'node'), [join(PROJECT_ROOT, 'bin', 'oar.js'), '-r', '4.19.1', 'release-info'], { cwd: dataDir, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('[FAIL] system environment variable OAR_JWK not found');
    expect(lines[1]).toMatch(/^Next: set OAR_JWK and OAR_CONFIG_FILE .*README → "Configuration"/);
    expect(r.stderr).not.toContain('"level"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('-v (anywhere on the line) adds the logs with the stack trace', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dataDir, OAR_DATA_DIR: mkdtempSync(join(tmpdir(), 'oar-nocreds-')) };
    const r = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'node'), [join(PROJECT_ROOT, 'bin', 'oar.js'), '-r', '4.19.1', 'release-info', '-v'], { cwd: dataDir, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"level":50');
    expect(r.stderr).toContain('ConfigStoreError: system environment variable OAR_JWK not found\\n    at ');
  });

  it('--playground without a running playground says how to start one', async () => {
    const r = await run('oar', ['--playground', '-r', '4.19.1', 'release-info']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^oar: no running playground found \(.*cli-env\.json does not exist\): start one with `npm start`/);
  });
});

describe('service failures are short too', () => {
  it('a command with an invalid variable: the problem and the next step, once, no stack trace', async () => {
    const t = io({ env: { OAR_HTTP_PORT: 'not-a-port' } });
    expect(await runCli('oar', ['-r', '4.19.1', 'release-info'], t.io, COMPOSITION)).toBe(1);
    const lines = t.err().split('\n');
    expect(lines[0]).toBe('oar: Invalid configuration:');
    expect(lines.filter((l) => l.startsWith('Next: '))).toEqual(['Next: fix the variables above; see README → "Configuration".']);
    expect(lines.at(-1)).toBe('Next: fix the variables above; see README → "Configuration".');
    expect(t.err()).toContain('OAR_HTTP_PORT');
    expect(t.err()).not.toMatch(/^\s+at /m);
  });

  it('oarctl cki-notifier with an invalid variable: the problem and the next step, no stack trace', async () => {
    const t = io({ env: { OAR_HTTP_PORT: 'not-a-port' } });
    expect(await runCli('oarctl', ['cki-notifier', '--status', 'unknown', '--checkout-id', 'redhat:1', '--dry-run'], t.io, COMPOSITION)).toBe(1);
    const lines = t.err().split('\n');
    expect(lines[0]).toBe('oarctl: Invalid configuration:');
    expect(lines.at(-1)).toBe('Next: fix the variables above; see README → "Configuration".');
    expect(t.err()).toContain('OAR_HTTP_PORT');
    expect(t.err()).not.toMatch(/^\s+at /m);
  });
});
