/** Operations end to end: /health states, /metrics after a command, graceful shutdown with a running command. */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startApp } from '../../src/app.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { startE2E, textOf } from './harness.ts';

describe('operations', () => {
  it('without Slack credentials the process still serves /livez, /health (503 degraded naming the missing variables) and /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-ops-'));
    const app = await startApp({ env: { OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false' } });
    try {
      expect((await fetch(`${app.http.url}/livez`)).status).toBe(200);
      const health = await fetch(`${app.http.url}/health`);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { status: string; environment: { missing_required: string[] } };
      expect(body.status).toBe('degraded');
      expect(JSON.stringify(body)).toContain('SLACK_BOT_TOKEN');
      expect((await fetch(`${app.http.url}/metrics`)).status).toBe(200);
      expect(app.slack).toBeUndefined();
    } finally {
      await app.shutdown('test');
    }
  });

  it('healthy with Slack connected; degraded when the Slack connection is lost; metrics count commands', async () => {
    const e = await startE2E();
    try {
      e.world.seedRelease('4.19.1');
      const ok = await fetch(`${e.app.http.url}/health`);
      const okBody = (await ok.json()) as { status: string; reasons?: string[] };
      expect(okBody.status).toBe('healthy');
      expect(ok.status).toBe(200);
      await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 release-info' });
      await e.slack.waitForMessage((m) => textOf(m).includes('Errata flow'), { existing: true });
      const metrics = await (await fetch(`${e.app.http.url}/metrics`)).text();
      expect(metrics).toMatch(/oar_commands_total\{[^}]*command="release-info"[^}]*\} 1/);
      expect(metrics).toMatch(/oar_slack_acks_total\{type="slash_command"\} \d/);
      await e.app.slack!.app.stop();
      const down = await fetch(`${e.app.http.url}/health`);
      expect(down.status).toBe(503);
      expect(JSON.stringify(await down.json())).toMatch(/slack/i);
    } finally {
      await e.stop();
    }
  });

  it('SIGTERM during a running command lets it finish, releases its lock and refuses new work', async () => {
    let finish!: () => void;
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    const slow = defineCommand({
      name: 'test-slow', group: 'oar', summary: 'slow write', examples: [], safety: 'write', scope: 'zstream', options: z.object({}),
      async run() {
        started();
        await new Promise<void>((r) => (finish = r));
        return { status: 'pass', summary: 'finished after shutdown began' };
      },
    });
    const e = await startE2E({ env: { OAR_CRITICAL_USERS: 'U_LEAD' }, extraCommands: [slow] });
    try {
      e.world.seedRelease('4.19.1');
      await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-slow' });
      await startedP;
      expect((await e.app.store.listLocks()).map((l) => l.key)).toEqual(['release:4.19.1']);
      const releases = vi.spyOn(e.app.store, 'releaseLock');
      const stopping = e.app.shutdown('SIGTERM');
      const refused = await e.app.engine.runner.execute({ command: slow, release: '4.19.1', options: {}, actor: { id: 'U_LEAD', via: 'slack' } });
      expect(refused.kind === 'refused' && refused.message).toBe('oar-bot is restarting, try again in a minute');
      finish();
      await stopping;
      const done = e.slack.allMessages().find((m) => textOf(m).includes('finished after shutdown began'));
      expect(done).toBeDefined();
      expect(releases).toHaveBeenCalledWith('release:4.19.1', { holder: 'U_LEAD' });
      expect(await releases.mock.results[0]!.value).toBe(true);
    } finally {
      await e.slack.stop();
      await e.world.stop();
    }
  });
});
