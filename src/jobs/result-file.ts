/**
 * Prow test-result records on the `record` branch (`_releases/ocp-test-result-{build}-{arch}.json`,
 * agents.md 6.6): file-name parsing, the "rejected" rule of the checker (7.4) and the per-job
 * verdict of the aggregator (6.7 step 6.4), used to list the failed jobs. Pure.
 */
import { z } from 'zod';
import { ARCHES } from '../integrations/release-controller.ts';

export interface ResultFileName {
  /** File name: `ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json`. */
  name: string;
  /** Repository path. */
  path: string;
  /** `4.19.0-0.nightly-2026-07-01-085304`, `4.21.18`, `4.19.0-rc.4` */
  build: string;
  arch: string;
  /** `4.19` */
  release: string;
  nightly: boolean;
}

const NAME = new RegExp(`^ocp-test-result-((\\d+)\\.(\\d+)\\.\\d+\\S*?)-(${ARCHES.join('|')})\\.json$`);

/** Nightly AND stable (GA, rc, ec) builds; anything else (ocp-latest-*, other files) is null. */
export function parseResultFileName(path: string): ResultFileName | null {
  const name = path.split('/').at(-1) ?? path;
  const m = NAME.exec(name);
  if (!m) return null;
  const build = m[1]!;
  return { name, path, build, arch: m[4]!, release: `${m[2]}.${m[3]}`, nightly: build.includes('nightly') };
}

const jobRunSchema = z.looseObject({
  jobID: z.string().nullish(),
  jobURL: z.string().nullish(),
  jobState: z.string().nullish(),
  jobStartTime: z.string().nullish(),
  jobCompletionTime: z.string().nullish(),
  testResultSummary: z.unknown().optional(),
});
export type JobRunRecord = z.infer<typeof jobRunSchema>;

const entrySchema = z.looseObject({
  jobName: z.string(),
  firstJob: jobRunSchema.nullish(),
  retriedJobs: z.array(jobRunSchema).nullish(),
});
export type ResultEntry = z.infer<typeof entrySchema>;

export const resultFileSchema = z.looseObject({
  result: z.array(entrySchema).nullish(),
  build: z.looseObject({ name: z.string(), phase: z.string().nullish(), pullSpec: z.string().nullish(), downloadURL: z.string().nullish() }).nullish(),
  aggregated: z.boolean().nullish(),
  accepted: z.boolean().nullish(),
});
export type ResultFile = z.infer<typeof resultFileSchema>;

export class ResultFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultFileError';
  }
}

/** The raw JSON object (the rejected rule looks at key presence) and its validated view. */
export function parseResultFile(text: string, name: string): { raw: Record<string, unknown>; file: ResultFile } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ResultFileError(`Error decoding JSON in file ${name}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ResultFileError(`${name} is not a JSON object`);
  const parsed = resultFileSchema.safeParse(raw);
  if (!parsed.success) throw new ResultFileError(`${name} is not a test-result record: ${parsed.error.issues.slice(0, 2).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { raw: raw as Record<string, unknown>, file: parsed.data };
}

/**
 * Rejected (agents.md 7.3/7.4): no `manual_promotion` key AND an `accepted` key whose value is
 * false. The aggregator writes `accepted` only together with `aggregated: true`.
 */
export function isRejected(raw: Record<string, unknown>): boolean {
  return !('manual_promotion' in raw) && 'accepted' in raw && raw.accepted === false;
}

export function isAggregated(raw: Record<string, unknown>): boolean {
  return raw.aggregated === true;
}

const SUCCESS = 'success';
const FAILED_STATES = new Set(['failure', 'aborted']);

export interface JobVerdict {
  completed: boolean;
  success: boolean;
  failed: boolean;
  retries: number;
  successfulRetries: number;
}

/** agents.md 6.7 step 6.4: a retry succeeds with a majority of ALL runs (2/2, 3/4, 4/6). */
export function jobVerdict(entry: ResultEntry): JobVerdict {
  const first = entry.firstJob ?? {};
  const retried = entry.retriedJobs ?? [];
  const firstCompleted = Boolean(first.jobCompletionTime);
  const firstSuccess = first.jobState === SUCCESS;
  const firstFailed = FAILED_STATES.has(first.jobState ?? '');
  const retriesCompleted = retried.every((r) => Boolean(r.jobCompletionTime));
  const successfulRetries = retried.filter((r) => r.jobState === SUCCESS).length;
  const retrySuccess = retried.length > 0 && retriesCompleted && successfulRetries >= Math.round((retried.length + 1.1) / 2);
  const completed = firstCompleted && retriesCompleted;
  const success = firstSuccess || retrySuccess;
  return { completed, success, failed: completed && firstFailed && !retrySuccess, retries: retried.length, successfulRetries };
}

export interface FailedJob {
  jobName: string;
  /** The part after `automated-release-` when present. */
  shortName: string;
  state: string;
  url?: string;
  retries: { state: string; url?: string }[];
  /** Failed test cases of the first run's QE report, when it has one. */
  failures?: number;
}

export function shortJobName(jobName: string): string {
  const i = jobName.indexOf('automated-release-');
  return i >= 0 ? jobName.slice(i + 'automated-release-'.length) : jobName;
}

function failureCount(summary: unknown): number | undefined {
  if (!summary || typeof summary !== 'object') return undefined;
  let total = 0;
  let seen = false;
  for (const suite of Object.values(summary as Record<string, unknown>)) {
    if (!suite || typeof suite !== 'object') continue;
    const s = suite as { failures?: unknown; errors?: unknown };
    for (const v of [s.failures, s.errors]) {
      if (typeof v === 'number') {
        total += v;
        seen = true;
      }
    }
  }
  return seen ? total : undefined;
}

/** Jobs that did not succeed (their first run, its retries, and the failure counts). */
export function failedJobs(file: ResultFile): FailedJob[] {
  const out: FailedJob[] = [];
  for (const entry of file.result ?? []) {
    if (jobVerdict(entry).success) continue;
    const first = entry.firstJob ?? {};
    const failures = failureCount(first.testResultSummary);
    out.push({
      jobName: entry.jobName,
      shortName: shortJobName(entry.jobName),
      state: first.jobState ?? 'pending',
      ...(first.jobURL ? { url: first.jobURL } : {}),
      retries: (entry.retriedJobs ?? []).map((r) => ({ state: r.jobState ?? 'pending', ...(r.jobURL ? { url: r.jobURL } : {}) })),
      ...(failures !== undefined ? { failures } : {}),
    });
  }
  return out;
}

/** Latest start/completion time in the file (ms), for "newest first"; null when it has none. */
export function latestActivity(file: ResultFile): number | null {
  let best: number | null = null;
  for (const entry of file.result ?? []) {
    for (const run of [entry.firstJob, ...(entry.retriedJobs ?? [])]) {
      for (const t of [run?.jobCompletionTime, run?.jobStartTime]) {
        const ms = t ? Date.parse(t) : NaN;
        if (!Number.isNaN(ms) && (best === null || ms > best)) best = ms;
      }
    }
  }
  return best;
}
