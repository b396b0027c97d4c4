/**
 * Cross-process race harness: two OS processes (node_modules/.bin/node running race-worker.ts)
 * open the same database. For each round the parent writes `race <n>` to both stdins (the
 * barrier: neither starts before the message), both race, both answer; exactly one must win
 * the lock, the lease and the dedup key. Then `reset <n>` makes the winner give the lock and
 * lease back, so every round fights over the same rows. No sleeps: rounds advance on answers.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';

export type RaceTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; schema: string };

const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
const WORKER = fileURLToPath(new URL('./race-worker.ts', import.meta.url));

interface Worker {
  name: string;
  proc: ChildProcessByStdio<Writable, Readable, null>;
  next(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startWorker(target: RaceTarget, name: string): Worker {
  const proc = spawn(NODE, [WORKER, JSON.stringify(target), name], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    name,
    proc,
    exited,
    async next() {
      const r = await lines.next();
      if (r.done) throw new Error(`race worker ${name} ended early (exit code ${String(await exited)})`);
      return JSON.parse(r.value) as Record<string, unknown>;
    },
  };
}

export async function raceWorkers(target: RaceTarget, rounds: number): Promise<{ rounds: number; violations: string[]; wins: Record<string, Record<string, number>> }> {
  const workers = [startWorker(target, 'A'), startWorker(target, 'B')];
  const violations: string[] = [];
  const wins: Record<string, Record<string, number>> = { A: { lock: 0, lease: 0, seen: 0 }, B: { lock: 0, lease: 0, seen: 0 } };
  let done = 0;
  try {
    for (const w of workers) {
      const ready = await w.next();
      if (ready.type !== 'ready') throw new Error(`race worker ${w.name} did not start: ${JSON.stringify(ready)}`);
    }
    for (let round = 0; round < rounds; round++) {
      // Alternate who hears first so neither is systematically favoured.
      const order = round % 2 ? [workers[1]!, workers[0]!] : [workers[0]!, workers[1]!];
      for (const w of order) w.proc.stdin.write(`race ${round}\n`);
      const answers = await Promise.all(workers.map((w) => w.next()));
      for (const what of ['lock', 'lease', 'seen'] as const) {
        const winners = workers.filter((_, i) => answers[i]![what] === true).map((w) => w.name);
        if (winners.length !== 1) violations.push(`round ${round}: ${what} won by [${winners.join(', ')}]`);
        for (const n of winners) wins[n]![what]!++;
      }
      for (const a of answers) if (a.type !== 'result' || a.round !== round) violations.push(`round ${round}: unexpected answer ${JSON.stringify(a)}`);
      // Only now, with both answers in, may the winner give the lock and lease back.
      for (const w of workers) w.proc.stdin.write(`reset ${round}\n`);
      for (const ack of await Promise.all(workers.map((w) => w.next()))) if (ack.type !== 'reset') violations.push(`round ${round}: bad reset ack ${JSON.stringify(ack)}`);
      done++;
    }
    for (const w of workers) w.proc.stdin.end('quit\n');
    const codes = await Promise.all(workers.map((w) => w.exited));
    codes.forEach((c, i) => { if (c !== 0) violations.push(`worker ${workers[i]!.name} exited with ${String(c)}`); });
  } finally {
    for (const w of workers) if (w.proc.exitCode === null) w.proc.kill();
  }
  console.error(`race on ${target.engine}: ${done} rounds, wins ${JSON.stringify(wins)}`);
  return { rounds: done, violations, wins };
}
