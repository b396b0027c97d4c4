/** The composition root builds the jobs before the front ends: the job commands see the app's scheduler. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/app.ts';

describe('composition root', () => {
  it('the `jobs` command lists the scheduler the app built, with every declared job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-app-'));
    const app = await startApp({ env: { OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false' } });
    try {
      const command = app.engine.registry.get('jobs')!;
      const result = await app.engine.runner.execute({ command, release: '', options: {}, actor: { id: 'cli:test', via: 'cli' }, text: 'oarctl jobs' });
      if (result.kind !== 'done') throw new Error(`${result.kind}: ${'message' in result ? result.message : ''}`);
      expect(result.outcome.status).not.toBe('fail');
      const titles = (result.outcome.sections ?? []).map((s) => s.title?.split(' — ')[0]);
      expect(titles).toEqual(app.scheduler.names());
      expect(titles).toEqual(['jira-notificator', 'result-checker', 'release-detector', 'watchers', 'prow-release-gate', 'housekeeping']);
    } finally {
      await app.shutdown('test');
    }
  });
});

describe('composition root with Slack', () => {
  it("a release's QE lead group (ConfigStore contacts, Slack user groups) is resolved from the first command", async () => {
    const { startE2E, textOf } = await import('./e2e/harness.ts');
    const { z } = await import('zod');
    const { defineCommand } = await import('../src/commands/types.ts');
    const ran: string[] = [];
    const leadOnly = defineCommand({
      name: 'test-lead-only', group: 'oar', summary: 'a critical no-op', examples: [], safety: 'critical', scope: 'zstream', options: z.object({}),
      plan: async () => ({ summary: 'nothing', changes: [] }),
      async run(ctx) {
        ran.push(`${ctx.actor.id}:${ctx.release}`);
        return { status: 'pass', summary: 'lead-only ran' };
      },
    });
    const e = await startE2E({ extraCommands: [leadOnly] });
    try {
      e.world.seedRelease('4.19.1');
      await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 test-lead-only --dry-run' });
      await e.slack.waitForMessage((m) => textOf(m).includes('You are not allowed to run `test-lead-only` on 4.19.1'), { existing: true });
      await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-lead-only --dry-run' });
      await e.slack.waitForMessage((m) => textOf(m).includes('Dry run') && textOf(m).includes('nothing'), { existing: true });
    } finally {
      await e.stop();
    }
  });
});
