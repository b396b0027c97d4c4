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
