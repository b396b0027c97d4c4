/**
 * Long-running work started from a terminal: the CLI says who follows it up, and `--wait`
 * follows it here (Ctrl-C stops following, the watch stays). Real CLI, real SQLite store in
 * OAR_DATA_DIR, the simulated world behind real HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import { loadConfig } from '../../src/config/env.ts';
import { openStore } from '../../src/store/index.ts';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';

let world: SimulatedWorld;
beforeEach(async () => {
  world = await startSimulatedWorld();
  world.seedRelease('4.19.1');
});
afterEach(() => world.stop());

function io(extra: Partial<CliIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { ...world.env, LOG_LEVEL: 'silent', USER: 'qe' }, isTTY: false, ...extra };
  return { io: value, out, err };
}

async function activeWatches() {
  const store = await openStore(loadConfig({ ...world.env, LOG_LEVEL: 'silent' }));
  try {
    return await store.listWatches({ state: 'active', release: '4.19.1', kind: 'cdn-push' });
  } finally {
    await store.close();
  }
}

describe('watches started from a terminal', () => {
  it('without a bot polling the store, the CLI says nothing follows the push up and how to', async () => {
    const t = io();
    expect(await runCli('oar', ['-r', '4.19.1', 'push-to-cdn-staging', '--yes'], t.io, COMPOSITION)).toBe(0);
    const err = t.err.join('\n');
    expect(err).toMatch(/No bot is polling this store \(no watcher run in the last 15 min\), so nothing follows the cdn-push watch \S+ of 4\.19\.1 up yet/);
    expect(err).toContain('`oarctl jobs run watchers`');
    expect(err).toContain('Add --wait');
    expect(await activeWatches()).toHaveLength(1);
  });

  it('with a bot polling the same store, the CLI says the bot follows it up', async () => {
    const store = await openStore(loadConfig({ ...world.env, LOG_LEVEL: 'silent' }));
    await store.recordJobStart('watchers', 'oar-bot-7f9c', new Date());
    await store.close();
    const t = io();
    expect(await runCli('oar', ['-r', '4.19.1', 'push-to-cdn-staging', '--yes'], t.io, COMPOSITION)).toBe(0);
    expect(t.err.join('\n')).toMatch(/A bot polling this store \(replica oar-bot-7f9c\) follows the cdn-push watch \S+ of 4\.19\.1 up/);
  });

  it('--wait polls here at once and reports progress; Ctrl-C stops following and leaves the watch active (exit 130)', async () => {
    const ctl = new AbortController();
    const t = io({ signal: ctl.signal });
    const stderr = t.io.stderr;
    t.io.stderr = (s) => {
      stderr(s);
      // The first check's progress line is printed: the person presses Ctrl-C.
      if (s.startsWith('… ') && t.err.some((l) => l.startsWith('Following the cdn-push watch'))) ctl.abort();
    };
    expect(await runCli('oar', ['-r', '4.19.1', 'push-to-cdn-staging', '--yes', '--wait'], t.io, COMPOSITION)).toBe(130);
    const err = t.err.join('\n');
    expect(err).toMatch(/Following the cdn-push watch \S+ of 4\.19\.1 until it ends .*no bot polls this store, so this terminal polls it/);
    expect(err).toMatch(/Stopped following; the cdn-push watch \S+ of 4\.19\.1 stays active/);
    const [watch] = await activeWatches();
    expect(watch?.attempts).toBe(1);
  });
});
