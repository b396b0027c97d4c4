/**
 * QE test reports of completed runs (agents.md 6.8): `openshift-e2e-test-qe-report/artifacts/
 * test-results.yaml` under `logs/{jobName}/{runId}` of the run's bucket, stored in the record as
 * `testResultSummary`. The source is an interface so the aggregator does not care where the
 * artifacts live; integrations/gcs.ts reads them from Google Cloud Storage.
 */
import { load } from 'js-yaml';

export interface QeReportSource {
  /** The parsed report of the run behind `jobURL`, or null when the run has none. */
  qeReport(jobURL: string, opts?: { signal?: AbortSignal }): Promise<unknown>;
}

export const QE_REPORT_PATTERN = /openshift-e2e-test-qe-report\/artifacts\/test-results\.yaml/;

/** `{jobName, runId}` from the last two path segments of a deck URL. */
export function runOfJobUrl(jobURL: string): { jobName: string; runId: string } | null {
  let path: string;
  try {
    path = new URL(jobURL).pathname;
  } catch {
    return null;
  }
  const segs = path.split('/').filter(Boolean);
  const runId = segs.at(-1);
  const jobName = segs.at(-2);
  if (!runId || !jobName) return null;
  return { jobName, runId };
}

function replaceFirst(s: string, from: string, to: string): string {
  const i = s.indexOf(from);
  return i < 0 ? s : s.slice(0, i) + to + s.slice(i + from.length);
}

/**
 * The report has two `ginkgo` keys; YAML parsers reject duplicates, so the original renamed them
 * with four first-occurrence replacements (ginkgo → g1, ginkgo → g2, g1 → ginkgo-1,
 * g2 → ginkgo-2) before parsing. Same here, replacements included.
 */
export function parseQeReport(text: string): unknown {
  let s = replaceFirst(text, 'ginkgo', 'g1');
  s = replaceFirst(s, 'ginkgo', 'g2');
  s = replaceFirst(s, 'g1', 'ginkgo-1');
  s = replaceFirst(s, 'g2', 'ginkgo-2');
  return load(s);
}
