/**
 * End-to-end harness: the real app (startApp: Bolt in Socket Mode, engine, store, HTTP) against
 * the simulated Slack over a real WebSocket and the simulated services over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app.ts';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';
import type { AnyCommand } from '../../src/commands/types.ts';

export interface E2E {
  app: RunningApp;
  slack: SimulatedSlack;
  world: SimulatedWorld;
  stop(): Promise<void>;
}

export async function startE2E(opts: { env?: Record<string, string>; extraCommands?: AnyCommand[]; slack?: Parameters<typeof startSimulatedSlack>[0] } = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), 'oar-e2e-'));
  const world = await startSimulatedWorld({ dir });
  const slack = await startSimulatedSlack(opts.slack);
  const app = await startApp({
    env: {
      ...world.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      OAR_HTTP_PORT: '0',
      OAR_HTTP_HOST: '127.0.0.1',
      OAR_DATA_DIR: join(dir, 'data'),
      OAR_JOBS_ENABLED: 'false',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...opts.env,
    },
    slackPingTimeoutMs: 300,
    ...(opts.extraCommands ? { extraCommands: opts.extraCommands } : {}),
  });
  return {
    app,
    slack,
    world,
    async stop() {
      await app.shutdown('test');
      await slack.stop();
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Text of a message's blocks and fallback, for assertions. */
export function textOf(m: { text: string; blocks?: unknown[] } | undefined): string {
  if (!m) return '';
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}
