/**
 * Cold start of `oar help` against `node -e 0` on the same Node, alternating, 10 runs each
 * (issue 22 target: ratio_to_node <= 2.5). The ratio is what stays comparable on a loaded machine;
 * `modules_loaded` (every module `oar help` resolves, Node's own included) does not depend on load
 * at all, and is what grows when something heavy creeps onto the help path.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, median, note } from './lib.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 10;

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    note(r.stderr);
    process.exit(1);
  }
  return ms;
}

/** Modules resolved by one `oar help`, counted by a resolve hook preloaded in the child (not in the timed runs). */
function modulesLoaded(): number {
  const hook = `import { registerHooks } from 'node:module'; const seen = new Set(); registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.add(r.url); return r; } }); process.on('exit', () => process.stderr.write('modules ' + seen.size + '\\n'));`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, join(root, 'bin', 'oar.js'), 'help'], { encoding: 'utf8' });
  const m = /modules (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) {
    note(r.stderr);
    process.exit(1);
  }
  return Number(m[1]);
}

const oar: number[] = [];
const node: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // Alternating rounds: load on the machine hits both sides alike.
  node.push(timed(['-e', '0']));
  oar.push(timed([join(root, 'bin', 'oar.js'), 'help']));
}
note(`oar help (ms): ${oar.map((r) => r.toFixed(0)).join(' ')}`);
note(`node -e 0 (ms): ${node.map((r) => r.toFixed(0)).join(' ')}`);
emit('cli-start', 'median_ms', median(oar), 'ms');
emit('cli-start', 'node_median_ms', median(node), 'ms');
emit('cli-start', 'ratio_to_node', median(oar) / median(node), 'x (target <= 2.5)');
emit('cli-start', 'modules_loaded', modulesLoaded(), 'modules');
