/**
 * A separate OS process that writes to one release's StateBox (concurrency proof and bench).
 * argv[2]: JSON WorkerSpec. Prints `ready`, waits for `go` on stdin (so several processes start
 * together), runs every op concurrently, prints one JSON line with the per-op results.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config/env.ts';
import { createStateBoxService } from '../../../src/release/statebox/factory.ts';
import type { StateBoxService, StateBoxWriteEvent } from '../../../src/release/statebox/service.ts';
import type { TaskStatus } from '../../../src/release/tasks.ts';

export type RaceOp = { kind: 'task'; task: string; status: TaskStatus; result?: string } | { kind: 'issue'; text: string; relatedTasks?: string[]; blocker?: boolean };

export interface WorkerSpec {
  env: Record<string, string>;
  release: string;
  ops: RaceOp[];
  /** One service instance per op (a true race) instead of one per process (queued in-process). */
  independent: boolean;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

export interface WorkerOpResult {
  op: RaceOp;
  attempts: number;
  conflicts: number;
  outcome: StateBoxWriteEvent['outcome'] | 'error';
  error?: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...spec.env });
const meta = { release: spec.release, advisories: { rpm: 1, rhcos: 2 }, jira_ticket: 'ART-1', candidate_builds: {}, shipment_mr: null, release_date: '2025-Dec-03' };

function makeService(onEvent: (e: StateBoxWriteEvent) => void): StateBoxService {
  return createStateBoxService(config, { metadataProvider: async () => meta, observer: onEvent, minRetryDelayMs: spec.minRetryDelayMs, maxRetryDelayMs: spec.maxRetryDelayMs });
}

const shared = spec.independent ? undefined : { events: [] as StateBoxWriteEvent[] };
const sharedService = shared ? makeService((e) => shared.events.push(e)) : undefined;

async function run(op: RaceOp): Promise<WorkerOpResult> {
  let event: StateBoxWriteEvent | undefined;
  const svc = sharedService ?? makeService((e) => (event = e));
  try {
    if (op.kind === 'task') await svc.updateTask(spec.release, op.task, op.status, op.result);
    else await svc.addIssue(spec.release, op.text, { relatedTasks: op.relatedTasks, blocker: op.blocker });
  } catch (e) {
    return { op, attempts: event?.attempts ?? 0, conflicts: event?.conflicts ?? 0, outcome: 'error', error: e instanceof Error ? e.message : String(e) };
  }
  if (shared) event = shared.events.find((e) => e.operation === (op.kind === 'task' ? `Update task: ${op.task}` : `Add issue: ${op.text.slice(0, 50)}`));
  return { op, attempts: event?.attempts ?? 0, conflicts: event?.conflicts ?? 0, outcome: event?.outcome ?? 'error' };
}

process.stdout.write('ready\n');
const rl = createInterface({ input: process.stdin });
rl.once('line', () => {
  rl.close();
  void Promise.all(spec.ops.map(run)).then((results) => {
    process.stdout.write(`${JSON.stringify({ pid: process.pid, results })}\n`);
  });
});
