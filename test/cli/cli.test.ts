import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'oar-cli-'));

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, ...env }, isTTY: false };
  return { io: value, out, err };
}

describe('oar / oarctl terminal front end', () => {
  it('prints help with safety and examples, exit 0', async () => {
    const t = io();
    expect(await runCli('oar', ['help'], t.io, COMPOSITION)).toBe(0);
    expect(t.out.join('\n')).toMatch(/release-info\s+\[read\]/);
    expect(t.out.join('\n')).toContain('e.g. oar -r 4.19.1 release-info');
  });

  it('fails with a clear z-stream message and exit 2 for a y-stream', async () => {
    const t = io();
    expect(await runCli('oar', ['-r', '4.19', 'release-info'], t.io, COMPOSITION)).toBe(2);
    expect(t.err.join('\n')).toContain('4.19 is a y-stream; a z-stream release has three numbers, like 4.19.1');
  });

  it('suggests commands for nonsense, exit 2', async () => {
    const t = io();
    expect(await runCli('oar', ['-r', '4.19.1', 'nonsense'], t.io, COMPOSITION)).toBe(2);
    expect(t.err.join('\n')).toMatch(/unknown command `nonsense`\. Available commands: .*release-info/);
  });

  it('prints the version', async () => {
    const t = io();
    expect(await runCli('oar', ['-V'], t.io, COMPOSITION)).toBe(0);
    expect(t.out[0]).toMatch(/^oar v\d+\.\d+\.\d+$/);
  });

  it('reports a missing ConfigStore key as a command failure, exit 1', async () => {
    const t = io();
    expect(await runCli('oar', ['-r', '4.19.1', 'release-info'], t.io, COMPOSITION)).toBe(1);
    expect(t.err.join('\n')).toContain('system environment variable OAR_JWK not found');
  });

  it('the installed bin runs on Node 24 with the right exit code', () => {
    const r = spawnSync(join('node_modules', '.bin', 'oar'), ['-r', '4.19', 'release-info'], { encoding: 'utf8', env: { ...process.env, PATH: `${join(process.cwd(), 'node_modules', '.bin')}:${process.env.PATH}` } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is a y-stream');
  });
});
