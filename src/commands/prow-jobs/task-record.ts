/**
 * Reading what a previous run left in a StateBox task (pure).
 *
 * The runner marks a write command's task `In Progress` before the command runs (a `Pass` is
 * kept), so by the time a trigger command looks at its task the status no longer tells what the
 * previous run concluded. The stored result does: it is the previous run's captured log, which
 * ends with the status line the runner (or the original's callback) wrote. The rules follow the
 * original's result callback (spec 3.6), with `[Not Started]` recognised (defect 3).
 */
import type { TaskStatus } from '../../release/tasks.ts';

export interface StoredTask {
  status: TaskStatus | string;
  result?: string | null;
}

const MARKERS: [string, TaskStatus][] = [
  ['[Fail]', 'Fail'],
  ['[Pass]', 'Pass'],
  ['[In Progress]', 'In Progress'],
  ['[Not Started]', 'Not Started'],
];

/** The status the last run concluded, from the result's last line; null when nothing was recorded. */
export function concludedStatus(task: StoredTask | null | undefined): TaskStatus | null {
  if (!task) return null;
  // StateBox never demotes a Pass (the runner's pre-run write included).
  if (task.status === 'Pass') return 'Pass';
  const text = (task.result ?? '').trim();
  if (!text) {
    // A task with no result was created by the runner's pre-run write (or set by hand without
    // text): only a terminal status set by hand means something.
    return task.status === 'Fail' ? 'Fail' : null;
  }
  const last = text.split('\n').at(-1) ?? '';
  for (const [marker, status] of MARKERS) if (last.includes(marker)) return status;
  return text.includes(': ERROR:') ? 'Fail' : 'In Progress';
}

const TRIGGERED_RE = /(?:Triggered|Previously triggered) image consistency check Prow job: (\S+)/g;
const CHECKED_RE = /Checking image consistency check Prow job status for job ID: (\S+)/g;

/** Prow job ids named by trigger lines (`Triggered image consistency check Prow job: <id>`), newest last. */
export function triggeredJobIds(result: string | null | undefined): string[] {
  return unique([...(result ?? '').matchAll(TRIGGERED_RE)].map((m) => m[1]!));
}

/** Prow job ids a status-mode run looked at (`... for job ID: <id>`), newest last. */
export function checkedJobIds(result: string | null | undefined): string[] {
  return unique([...(result ?? '').matchAll(CHECKED_RE)].map((m) => m[1]!));
}

const STAGE_BUILD_RE = /triggered stage pipeline job: <(\S+?)\/?>/g;

/** Build URLs of `triggered stage pipeline job: <url>` lines, newest last. */
export function stageBuildUrls(result: string | null | undefined): string[] {
  return unique([...(result ?? '').matchAll(STAGE_BUILD_RE)].map((m) => m[1]!).filter((u) => /\/\d+$/.test(u)));
}

/** `.../job/zstreams/job/Stage-Pipeline/123/` → 123 */
export function buildNumberOf(url: string): number | undefined {
  const m = /\/(\d+)\/?$/.exec(url);
  return m ? Number(m[1]) : undefined;
}

function unique(ids: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ids.reverse()) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.unshift(id);
  }
  return out;
}
