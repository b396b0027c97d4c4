/** Cold start of `oar help` over 10 runs (target: median under 300 ms). */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, median, note } from './lib.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs: number[] = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'oar.js'), 'help'], { encoding: 'utf8' });
  runs.push(performance.now() - t0);
  if (r.status !== 0) {
    note(r.stderr);
    process.exit(1);
  }
}
note(`runs (ms): ${runs.map((r) => r.toFixed(0)).join(' ')}`);
emit('cli-start', 'median_ms', median(runs), 'ms');
