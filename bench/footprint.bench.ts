/**
 * Footprint of the bot as deployed: `node bin/oar-bot.js` (`npm start`, the image's command) in
 * its own process, connected over Socket Mode to the simulated Slack, pointed at the simulated
 * world, scheduled jobs on (their cron schedules are registered; none is due during the measurement).
 *
 * Figures (issue 22), median of 3 starts: start_to_connected_ms (process spawn to the Socket
 * Mode connection the simulated Slack accepted, target <= 1500 ms) and idle_rss_mb (resident
 * memory once connected and idle for 5 s, target <= 120 MB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { startSimulatedSlack } from '../src/sandbox/slack/index.ts';
import { startSimulatedWorld } from '../src/sandbox/world.ts';
import { emit, median, note } from './lib.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 3;
const IDLE_MS = 5_000;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

const world = await startSimulatedWorld();
const connected: number[] = [];
const rss: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const slack = await startSimulatedSlack();
    const dir = mkdtempSync(join(tmpdir(), 'oar-footprint-'));
    const env = {
      ...process.env,
      ...world.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      OAR_DATA_DIR: dir,
      OAR_HTTP_PORT: '0',
      OAR_HTTP_HOST: '127.0.0.1',
      OAR_JOBS_ENABLED: 'true',
      OAR_PLAYGROUND: 'off',
      LOG_LEVEL: 'warn',
    };
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'oar-bot.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      await slack.waitForConnection({ timeoutMs: 30_000 });
      const ms = performance.now() - started;
      await delay(IDLE_MS);
      const mb = rssMb(child.pid!);
      connected.push(ms);
      rss.push(mb);
      note(`start ${i + 1}: connected after ${ms.toFixed(0)} ms, idle RSS ${mb.toFixed(1)} MB`);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await world.stop();
}
emit('footprint', 'start_to_connected_ms', median(connected), 'ms (target <= 1500)');
emit('footprint', 'idle_rss_mb', median(rss), 'MB (target <= 120)');
