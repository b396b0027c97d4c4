/**
 * The release detector's announcement of a new z-stream release, with buttons for the first
 * workflow steps (the Slack action handler runs the command named in each button). Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { NextStep, OutcomeLink } from '../commands/types.ts';
import { esc, nextStepButtons } from './outcome.ts';
import { fitText } from '../integrations/slack-limits.ts';

export interface NewReleaseAnnouncement {
  release: string;
  ystream: string;
  /** Latest stable release of the y-stream at detection time. */
  stable: string;
  /** What create-test-report said. */
  reportSummary: string;
  links?: OutcomeLink[];
  nextSteps: NextStep[];
  /** `<!subteam^ID>` of the release leads, when known. */
  leadMention?: string;
}

/** The first steps of the workflow, as buttons (commands that need more input are described in text). */
export const FIRST_STEPS: readonly NextStep[] = [
  { label: 'Release status', command: 'release-status', style: 'primary' },
  { label: 'Image consistency check', command: 'image-consistency-check' },
  { label: 'Check CVE tracker bugs', command: 'check-cve-tracker-bug' },
];

export function newReleaseMessage(a: NewReleaseAnnouncement): { text: string; blocks: KnownBlock[] } {
  const hello = a.leadMention ? `Hello ${a.leadMention}, ` : '';
  const text = `${hello}new z-stream release ${a.release} is detected (latest ${a.ystream} stable is ${a.stable}); its test report is ready.`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: fitText(`:rocket: ${hello}new z-stream release *${esc(a.release)}* is detected (latest ${esc(a.ystream)} stable is ${esc(a.stable)}).\n${esc(a.reportSummary)}`, 2990) } },
  ];
  if (a.links?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(a.links.map((l) => `<${l.url}|${esc(l.label)}>`).join('  ·  '), 2990) } });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `Next: take ownership with \`/oar ${esc(a.release)} take-ownership -e <your e-mail>\`, then run the first checks:` } });
  const buttons = nextStepButtons(a.nextSteps, a.release);
  if (buttons) blocks.push(buttons);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `release detector · ${esc(a.ystream)}` }] });
  return { text, blocks };
}
