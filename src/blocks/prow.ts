/**
 * The aggregator's verdict on a build, for the release channel: accepted or rejected, the
 * counts, and every job that did not succeed with links to its runs. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { TeamNotice } from '../commands/notifier.ts';
import { verdictText, type BuildVerdict, type VerdictJob, type VerdictRun } from '../commands/prow/build-verdict.ts';
import { esc } from './outcome.ts';
import { fitText, splitOnLines } from '../integrations/slack-limits.ts';

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

/**
 * The verdict as a team notice: the sentence, the build's fields and the record link in the
 * channel; the jobs that did not pass in its thread.
 */
export function buildVerdictNotice(v: BuildVerdict): TeamNotice {
  const full = buildVerdictMessage(v);
  const listStart = full.blocks.findIndex((b) => b.type === 'section' && 'text' in b && b.text?.text === '*Jobs that did not pass*');
  if (listStart < 0) return { text: full.text, message: full };
  const context = full.blocks.at(-1)!;
  return {
    text: full.text,
    message: { text: full.text, blocks: [...full.blocks.slice(0, listStart), context] },
    details: [{ text: `Jobs that did not pass: ${v.build}`, blocks: full.blocks.slice(listStart, -1) }],
  };
}
