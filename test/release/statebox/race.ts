/** Harness: N OS processes writing concurrently to one release's StateBox (tests and bench). */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { SUPPORTED_TASK_NAMES } from '../../../src/release/tasks.ts';
import type { RaceOp, WorkerOpResult, WorkerSpec } from './worker.ts';

const NODE = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** 20 updates to different tasks and issues: 10 tasks (statuses vary) and 10 issues. */
export function twentyOps(): RaceOp[] {
  const statuses = ['Pass', 'Fail', 'In Progress'] as const;
  const tasks: RaceOp[] = SUPPORTED_TASK_NAMES.slice(0, 10).map((task, i) => ({ kind: 'task', task, status: statuses[i % 3]!, result: `2025-11-27T21:5${i}:00Z: INFO: writer result ${i} by qe${i}@redhat.com` }));
  const issues: RaceOp[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'issue', text: `race issue ${i}`, blocker: i % 2 === 0, relatedTasks: i % 2 === 0 ? [`race-task-${i}`] : [] }));
  return [...tasks, ...issues];
}

export interface RaceOptions {
  env: Record<string, string>;
  release: string;
  ops: RaceOp[];
  processes?: number;
  independent?: boolean;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

function collect(child: ChildProcessByStdio<Writable, Readable, null>): { ready: Promise<void>; done: Promise<{ pid: number; results: WorkerOpResult[] }> } {
  let buffer = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<{ pid: number; results: WorkerOpResult[] }>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') onReady();
        else if (line.startsWith('{')) resolve(JSON.parse(line) as { pid: number; results: WorkerOpResult[] });
      }
    });
    child.on('exit', (code) => reject(new Error(`worker ${child.pid} exited with ${code} before reporting`)));
    child.on('error', reject);
  });
  return { ready, done };
}

/** Splits the ops round-robin over the processes, starts them together, returns every op's result. */
export async function runRace(opts: RaceOptions): Promise<WorkerOpResult[]> {
  const n = opts.processes ?? 2;
  const children = Array.from({ length: n }, (_, p) => {
    const spec: WorkerSpec = {
      env: opts.env,
      release: opts.release,
      ops: opts.ops.filter((_, i) => i % n === p),
      independent: opts.independent ?? false,
      minRetryDelayMs: opts.minRetryDelayMs ?? 50,
      maxRetryDelayMs: opts.maxRetryDelayMs ?? 2_000,
    };
    const child = spawn(NODE, [WORKER, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
    return { child, ...collect(child) };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.end('go\n');
    const reports = await Promise.all(children.map((c) => c.done));
    return reports.flatMap((r) => r.results);
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}
