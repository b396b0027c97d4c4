/**
 * One Slack message per rejected build (agents.md 7): the original's sentence as the text, and
 * blocks with the build, the failed jobs and links to their runs. Pure.
 */
import type { KnownBlock } from '@slack/types';
import { esc } from './outcome.ts';
import { fitText, splitOnLines } from '../integrations/slack-limits.ts';

export interface RejectedJob {
  shortName: string;
  jobName: string;
  state: string;
  url?: string;
  retries: { state: string; url?: string }[];
  failures?: number;
}

export interface RejectedBuild {
  build: string;
  arch: string;
  release: string;
  nightly: boolean;
  fileName: string;
  fileUrl: string;
  totalJobs: number;
  failedJobs: RejectedJob[];
  /** Release controller page of the build, when known. */
  buildUrl?: string;
}

/** The original's notification sentence (kept as the plain-text fallback). */
export function rejectedBuildText(b: Pick<RejectedBuild, 'fileName' | 'fileUrl'>): string {
  return `Rejected build detected in test result file: <${b.fileUrl}|${b.fileName}>. Please check!`;
}

const MAX_JOBS = 25;

function jobLine(j: RejectedJob): string {
  const name = j.url ? `<${j.url}|${esc(j.shortName)}>` : esc(j.shortName);
  const retries = j.retries.map((r, i) => (r.url ? `<${r.url}|retry ${i + 1}: ${esc(r.state)}>` : `retry ${i + 1}: ${esc(r.state)}`));
  const failures = j.failures !== undefined ? `, ${j.failures} failed test${j.failures === 1 ? '' : 's'}` : '';
  return `• ${name} — ${esc(j.state)}${failures}${retries.length ? ` (${retries.join(', ')})` : ''}`;
}

export function rejectedBuildMessage(b: RejectedBuild): { text: string; blocks: KnownBlock[] } {
  const text = rejectedBuildText(b);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: fitText(`:x: ${text}`, 2990) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Build*\n${b.buildUrl ? `<${b.buildUrl}|${esc(b.build)}>` : esc(b.build)}` },
        { type: 'mrkdwn', text: `*Stream*\n${esc(b.release)} ${b.nightly ? 'nightly' : 'stable'} · ${esc(b.arch)}` },
        { type: 'mrkdwn', text: `*Failed jobs*\n${b.failedJobs.length} of ${b.totalJobs}` },
      ],
    },
  ];
  if (b.failedJobs.length) {
    const lines = b.failedJobs.slice(0, MAX_JOBS).map(jobLine);
    if (b.failedJobs.length > MAX_JOBS) lines.push(`…and ${b.failedJobs.length - MAX_JOBS} more in the file`);
    for (const chunk of splitOnLines(lines.join('\n'), 2990)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `rejected-build checker · <${b.fileUrl}|test result file>` }] });
  return { text, blocks };
}
