/**
 * The terminal meets the playground: `npm start` (src/main.ts, as a child process) prints the line to
 * paste in another terminal; `oar --playground` then runs against the same simulated world (its
 * StateBox on the simulated GitHub) and the same store (the audit entry is in the playground's
 * SQLite), and the playground's log goes to the file the banner names, not to the terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import { loadConfig } from '../../src/config/env.ts';
import { PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';
import { readPlaygroundLink } from '../../src/cli/playground-link.ts';
import { DEMO_RELEASES, LEAD } from '../../src/sandbox/playground/index.ts';
import { openStore } from '../../src/store/index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'oar-link-'));
let child: ChildProcess;
let banner = '';

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, OAR_DATA_DIR: dataDir, OAR_PLAYGROUND_PORT: '0', OAR_HTTP_PORT: '0', LOG_LEVEL: 'info' };
  for (const k of Object.keys(env)) if (k.startsWith('SLACK_') || k === 'DATABASE_URL' || k === 'OAR_LOG_FORMAT') delete env[k];
  child = spawn(process.execPath, [join(PROJECT_ROOT, 'src', 'main.ts')], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      banner += d.toString();
      if (banner.includes('(link for the terminal:')) resolve();
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the playground exited ${code}: ${banner}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { OAR_DATA_DIR: dataDir, USER: 'tester', LOG_LEVEL: 'silent' }, isTTY: false, cwd: dataDir };
  return { io: value, out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('oar --playground', () => {
  it('the banner prints the command to paste and where the logs are; the terminal gets no info log line', () => {
    expect(banner).toContain(`npx oar --playground -r ${DEMO_RELEASES.konflux} release-status`);
    const logFile = join(dataDir, 'playground', 'oar-bot.log');
    expect(banner).toContain(`logs   ${logFile}`);
    expect(banner).toMatch(/Simulated on 127\.0\.0\.1: Slack, Jira/);
    expect(banner).not.toContain('"level":30');
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('StateBox on GitHub (simulated on 127.0.0.1: ');
    expect(log).toContain('"level":30');
  });

  it('runs commands against the same simulated world and the same store', async () => {
    const own = io();
    expect(await runCli('oar', ['--playground', '-r', DEMO_RELEASES.errata, 'take-ownership', '-e', LEAD.email], own.io, COMPOSITION), own.err()).toBe(0);
    expect(own.out()).toContain(`is now the QE owner of ${DEMO_RELEASES.errata}`);

    // The StateBox the command wrote lives in the playground's simulated GitHub (another process).
    const status = io();
    expect(await runCli('oar', ['--playground', '-r', DEMO_RELEASES.errata, 'release-status'], status.io, COMPOSITION), status.err()).toBe(0);
    expect(status.out()).toMatch(/Take Ownership: Pass/);

    // The audit entry is in the playground's own store.
    const link = readPlaygroundLink(join(dataDir, 'playground', 'cli-env.json'));
    expect(link.pid).toBe(child.pid);
    const store = await openStore(loadConfig(link.env));
    try {
      const entries = await store.queryAudit({ release: DEMO_RELEASES.errata, command: 'take-ownership', actorId: 'cli:tester' });
      expect(entries.map((e) => e.event)).toContain('run');
    } finally {
      await store.close();
    }
  });

  it('completion offers the playground\'s releases for -r', async () => {
    const t = io();
    // A generous budget: this asserts what is offered, not how fast (the default is a few seconds).
    t.io.completionTimeoutMs = 60_000;
    expect(await runCli('oar', ['__complete', '--playground', '-r', '4.19'], t.io, COMPOSITION)).toBe(0);
    expect(t.out().split('\n')).toContain('4.19.37');
  });

  it('the link is removed when the playground stops', async () => {
    const file = join(dataDir, 'playground', 'cli-env.json');
    expect(existsSync(file)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(file)).toBe(false);
    const t = io();
    expect(await runCli('oar', ['--playground', '-r', DEMO_RELEASES.errata, 'release-status'], t.io, COMPOSITION)).toBe(1);
    expect(t.err()).toContain('no running playground found');
  });
});
