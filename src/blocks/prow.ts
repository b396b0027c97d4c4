/**
 * The aggregator's verdict on a build, for the release channel: accepted or rejected, the
 * counts, and every job that did not succeed with links to its runs. Pure.
 */
import type { KnownBlock } from '@slack/types';
import { esc } from './outcome.ts';
import { fitText, splitOnLines } from '../integrations/slack-limits.ts';

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

const MAX_JOBS = 25;

function link(run: VerdictRun, label: string): string {
  return run.url ? `<${run.url}|${esc(label)}>` : esc(label);
}

function jobLine(j: VerdictJob): string {
  const retries = j.retries.map((r, i) => link(r, `retry ${i + 1}: ${r.state}`));
  const tag = j.optional ? ' _(optional)_' : '';
  return `• ${link(j.first, j.shortName)}${tag} — ${esc(j.first.state)}${retries.length ? ` (${retries.join(', ')})` : ''}`;
}

export function buildVerdictMessage(v: BuildVerdict): { text: string; blocks: KnownBlock[] } {
  const text = verdictText(v);
  const emoji = v.accepted || v.manualPromotion ? ':white_check_mark:' : ':x:';
  const label =
    v.labelled === 'labelled'
      ? 'release payload labelled `qe_state=Accepted`'
      : v.labelled === 'failed'
        ? ':warning: labelling the release payload failed'
        : v.labelled === 'not-configured'
          ? 'release payload not labelled (Kubernetes not configured)'
          : undefined;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: fitText(`${emoji} ${esc(text)}`, 2990) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Build*\n${esc(v.build)}` },
        { type: 'mrkdwn', text: `*Stream*\n${esc(v.release)} ${v.nightly ? 'nightly' : 'stable'} · ${esc(v.arch)}` },
        { type: 'mrkdwn', text: `*Required jobs passed*\n${v.counts.successfulRequired} of ${v.counts.required}` },
        { type: 'mrkdwn', text: `*All jobs*\n${v.counts.success} passed, ${v.counts.failed} failed, ${v.counts.total} total` },
      ],
    },
  ];
  if (v.jobs.length) {
    const lines = v.jobs.slice(0, MAX_JOBS).map(jobLine);
    if (v.jobs.length > MAX_JOBS) lines.push(`…and ${v.jobs.length - MAX_JOBS} more in the file`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*Jobs that did not pass*' } });
    for (const chunk of splitOnLines(lines.join('\n'), 2990)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  const context = [`Prow aggregator · <${v.fileUrl}|${esc(v.fileName)}>`, ...(label ? [label] : [])].join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(context, 2990) }] });
  return { text, blocks };
}
