/**
 * Run by self-contained.test.ts under Node's permission model (reads allowed only inside the
 * repository and the temp dir): the whole playground starts (demo world seeded from fixtures/,
 * the real app, the web page), its page answers and the seeded StateBox reads back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../../src/sandbox/fixtures.ts';
import { startPlayground } from '../../src/sandbox/playground/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'oar-self-contained-'));
const pg = await startPlayground({ port: 0, dir, baseEnv: { LOG_LEVEL: 'silent' }, runJob: null });
try {
  const page = await fetch(pg.url);
  const status = await pg.engine.statebox.readStatus(pg.world.releases.konflux.release);
  process.stdout.write(JSON.stringify({ fixtures: fixturesDir(), page: page.status, tasks: status?.tasks.length ?? 0 }));
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
