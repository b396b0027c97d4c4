/**
 * Slack ack latency (issue 8): 200 `/oar help` slash commands sent at once to the real Slack
 * front end (Bolt 5, Socket Mode, createSlackFrontEnd) over a real WebSocket from the simulated
 * Slack. The latency of one command is measured by the simulator, from writing its envelope to
 * reading its ack.
 *
 * The simulator runs in a worker thread (slack-ack-sim.worker.ts): in the bot's own thread it
 * could only read acks when the bot's event loop is idle, which times the whole burst instead of
 * each ack. Each run has its own simulator, front end, engine and SQLite store; before measuring,
 * a warm-up of 20 commands (not counted) takes the one-off costs of a fresh process (module
 * loading, JIT, SQLite statements), as a long-running bot has them behind it.
 *
 * Baseline (issue 22): a bare Bolt 5 app that only acks and posts its reply, on the same
 * simulated Slack with the same 200 concurrent slash commands, in rounds alternating with the
 * app's, so load on the machine hits both alike.
 *
 * Figures (median over 3 runs each): ack_p50_ms, ack_p99_ms, baseline_p99_ms, ack_p99_ratio
 * (app / bare Bolt, target <= 1.2), missed (target 0: not acked within Slack's 3 s, or sent with
 * no socket open).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config/env.ts';
import { createEngine } from '../src/engine.ts';
import { createSlackFrontEnd } from '../src/slack/index.ts';
import { openStore } from '../src/store/index.ts';
import type { FromSim, ToSim } from './slack-ack-sim.worker.ts';
import { emit, median, note, percentile } from './lib.ts';

const BENCH = 'slack-ack';
const COMMANDS = 200;
const WARMUP = 20;
const RUNS = 3;
const CHANNEL = 'C_QE_RELEASE';

/** The simulator thread: request/response over postMessage. */
class SimThread {
  private readonly worker: Worker;
  private readonly waiting: ((m: FromSim) => void)[] = [];
  private readonly failed: Promise<never>;

  constructor() {
    this.worker = new Worker(new URL('./slack-ack-sim.worker.ts', import.meta.url));
    this.worker.on('message', (m: FromSim) => this.waiting.shift()?.(m));
    this.failed = new Promise<never>((_, reject) => {
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => {
        if (code !== 0) reject(new Error(`simulated Slack thread exited with ${code}`));
      });
    });
    this.failed.catch(() => undefined);
  }

  next<T extends FromSim['type']>(type: T): Promise<Extract<FromSim, { type: T }>> {
    const answer = new Promise<FromSim>((resolve) => this.waiting.push(resolve)).then((m) => {
      if (m.type === 'error') throw new Error(`simulated Slack: ${m.message}`);
      if (m.type !== type) throw new Error(`simulated Slack answered ${m.type}, expected ${type}`);
      return m as Extract<FromSim, { type: T }>;
    });
    return Promise.race([answer, this.failed]);
  }

  ask<T extends FromSim['type']>(m: ToSim, type: T): Promise<Extract<FromSim, { type: T }>> {
    const answer = this.next(type);
    this.worker.postMessage(m);
    return answer;
  }

  async stop(): Promise<void> {
    await this.ask({ type: 'stop' }, 'stopped').catch(() => undefined);
    await this.worker.terminate();
  }
}

interface RunFigures {
  p50: number;
  p99: number;
  missed: number;
}

/** What a run measures: the real front end, or the bare Bolt baseline. */
interface Subject {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A Bolt 5 app that acks every slash command and posts one reply: the floor for the ack figure. */
function bareBolt(ready: { botToken: string; appToken: string; apiUrl: string }): Subject {
  const clientOptions = { slackApiUrl: ready.apiUrl };
  const receiver = new SocketModeReceiver({ appToken: ready.appToken, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } });
  const app = new App({ token: ready.botToken, receiver, logLevel: LogLevel.ERROR, clientOptions });
  app.command(/.*/, async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', text: 'help' });
  });
  return { start: async () => void (await app.start()), stop: async () => void (await app.stop()) };
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as (o: object) => void)({ type: 'major', execution: 'sync' });
  setFlagsFromString('--no-expose-gc');
}

async function oneRun(i: number, kind: 'app' | 'baseline'): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'oar-bench-ack-'));
  const sim = new SimThread();
  const ready = await sim.next('ready');
  let slack: Subject;
  let engine: Awaited<ReturnType<typeof createEngine>> | undefined;
  if (kind === 'baseline') {
    slack = bareBolt(ready);
  } else {
    const config = loadConfig({ SLACK_BOT_TOKEN: ready.botToken, SLACK_APP_TOKEN: ready.appToken, SLACK_API_URL: ready.apiUrl, OAR_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' });
    const store = await openStore(config);
    if (store.engine !== 'sqlite') throw new Error(`expected the SQLite store, got ${store.engine}`);
    engine = await createEngine({ frontEnd: 'test', config, store });
    slack = createSlackFrontEnd({ config, logger: engine.logger, registry: engine.registry, runner: engine.runner, store });
  }
  try {
    const connected = sim.ask({ type: 'wait-connection' }, 'connected');
    await slack.start();
    await connected;
    await sim.ask({ type: 'burst', count: WARMUP, text: 'help', channel: CHANNEL }, 'burst');
    // Earlier rounds' garbage (engines, stores, Bolt apps of this process) is collected before the
    // burst for the app and the baseline alike, so neither pays for the other's major GC.
    collectGarbage();
    const b = await sim.ask({ type: 'burst', count: COMMANDS, text: 'help', channel: CHANNEL }, 'burst');
    const figures = { p50: percentile(b.latenciesMs, 50), p99: percentile(b.latenciesMs, 99), missed: b.missed + b.noConnection };
    note(
      `${kind} run ${i + 1}: acked ${b.acked}/${COMMANDS}, missed ${b.missed}, no connection ${b.noConnection}, ` +
        `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${Math.max(...b.latenciesMs).toFixed(1)} ms, wall ${b.wallMs.toFixed(0)} ms, help replies ${b.replies}`,
    );
    // Latency by sending order: a rising curve means acks wait behind earlier commands' work.
    note(`  by send order: ${[0, 50, 100, 150, COMMANDS - 1].map((k) => `#${k} ${b.latenciesMs[k]?.toFixed(0) ?? '-'} ms`).join(', ')}`);
    return figures;
  } finally {
    await slack.stop();
    await engine?.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: RunFigures[] = [];
const baseline: RunFigures[] = [];
for (let i = 0; i < RUNS; i++) {
  // Alternating rounds: the machine's load hits the app and the baseline alike.
  baseline.push(await oneRun(i, 'baseline'));
  runs.push(await oneRun(i, 'app'));
}
const p99 = median(runs.map((r) => r.p99));
const baseP99 = median(baseline.map((r) => r.p99));
emit(BENCH, 'ack_p50_ms', median(runs.map((r) => r.p50)), 'ms');
emit(BENCH, 'ack_p99_ms', p99, 'ms');
emit(BENCH, 'baseline_p99_ms', baseP99, 'ms (bare Bolt 5)');
emit(BENCH, 'ack_p99_ratio', p99 / baseP99, 'x (target <= 1.2)');
emit(BENCH, 'missed', median(runs.map((r) => r.missed)), 'count (target 0)');
emit(BENCH, 'baseline_missed', median(baseline.map((r) => r.missed)), 'count');
