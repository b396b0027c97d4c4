/**
 * A Prow build verdict as data (what the aggregator decided on a build), with its plain-text line
 * for a notice without Block Kit. The Block Kit view is blocks/prow.ts, reached through the
 * notice renderer (TeamNotice.verdict), never imported from here.
 */
export interface VerdictRun {
  state: string;
  url?: string;
}

export interface VerdictJob {
  jobName: string;
  /** The part after `automated-release-`, when present. */
  shortName: string;
  optional: boolean;
  /** Completed and failed (false: still running). */
  failed: boolean;
  first: VerdictRun;
  retries: VerdictRun[];
}

export interface BuildVerdict {
  build: string;
  arch: string;
  release: string;
  nightly: boolean;
  accepted: boolean;
  manualPromotion: boolean;
  counts: { total: number; success: number; failed: number; required: number; successfulRequired: number };
  /** Jobs that did not succeed. */
  jobs: VerdictJob[];
  fileName: string;
  fileUrl: string;
  /** Whether the release payload got the Accepted label (undefined: not attempted). */
  labelled?: 'labelled' | 'failed' | 'not-configured';
}

export function shortJobName(jobName: string): string {
  const marker = 'automated-release-';
  const i = jobName.indexOf(marker);
  return i >= 0 ? jobName.slice(i + marker.length) : jobName;
}

/** The plain-text line (notification and fallback). */
export function verdictText(v: BuildVerdict): string {
  const stream = `${v.release} ${v.nightly ? 'nightly' : 'stable'}, ${v.arch}`;
  if (v.manualPromotion) return `Build ${v.build} (${stream}) is Accepted (Manually Promoted): ${v.counts.successfulRequired} of ${v.counts.required} required jobs passed`;
  if (v.accepted) return `QE accepted build ${v.build} (${stream}): all ${v.counts.required} required jobs passed`;
  const failedRequired = v.counts.required - v.counts.successfulRequired;
  return `QE rejected build ${v.build} (${stream}): ${failedRequired} of ${v.counts.required} required job${v.counts.required === 1 ? '' : 's'} did not pass`;
}
