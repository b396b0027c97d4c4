/**
 * Compare two bench outputs (JSON lines from `npm run bench`): one line per metric with both
 * values and the change. `node bench/compare.ts before.jsonl after.jsonl`
 */
import { readFileSync } from 'node:fs';

interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
}

function load(path: string): Map<string, Figure> {
  const out = new Map<string, Figure>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const f = JSON.parse(line) as Figure;
    out.set(`${f.bench} ${f.metric}`, f);
  }
  return out;
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: node bench/compare.ts before.jsonl after.jsonl');
  process.exit(2);
}
const before = load(beforePath);
const after = load(afterPath);
const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
const width = Math.max(...keys.map((k) => k.length));
for (const k of keys) {
  const a = before.get(k);
  const b = after.get(k);
  const change = a && b && a.value !== 0 ? `${(((b.value - a.value) / Math.abs(a.value)) * 100).toFixed(0).padStart(5)} %` : '';
  console.log(`${k.padEnd(width)}  ${String(a?.value ?? '-').padStart(10)}  ${String(b?.value ?? '-').padStart(10)}  ${change}  ${(b ?? a)!.unit}`);
}
