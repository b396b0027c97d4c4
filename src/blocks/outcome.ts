/**
 * Block Kit views of command results: pure functions from data to blocks, no I/O.
 * Every message carries a plain-text fallback and a context line with the correlation id.
 */
import type { KnownBlock } from '@slack/types';
import type { RunResult } from '../commands/runner.ts';
import type { NextStep, Outcome, OutcomeStatus, Plan } from '../commands/types.ts';
import { displayName } from '../release/tasks.ts';
import { fitText, splitOnLines } from './limits.ts';
import { watchCancelButton } from './watch.ts';
import { APPROVE_ACTION_ID, CONFIRM_OPEN_ACTION_ID, runActionId } from './action-ids.ts';

export interface RunMeta {
  actorId: string;
  command: string;
  release: string;
  correlationId?: string;
  /** The command line as run (`oar -r 4.19.1 release-status`), for Retry and Share. */
  text?: string;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const STATUS_EMOJI: Record<OutcomeStatus, string> = {
  pass: ':white_check_mark:',
  fail: ':x:',
  in_progress: ':hourglass_flowing_sand:',
  info: ':information_source:',
};

const STATUS_WORD: Record<OutcomeStatus, string> = { pass: 'Pass', fail: 'Fail', in_progress: 'In Progress', info: '' };

/** Slack mrkdwn escaping of user-provided text (&, <, >). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function what(meta: RunMeta): string {
  return `\`${meta.command}\`${meta.release ? ` on *${meta.release}*` : ''}`;
}

function context(meta: RunMeta, extra?: string): KnownBlock {
  const parts = [`<@${meta.actorId}>`, `\`${meta.command}\``];
  if (meta.release) parts.push(meta.release);
  if (extra) parts.push(extra);
  if (meta.correlationId) parts.push(`id ${meta.correlationId}`);
  return { type: 'context', elements: [{ type: 'mrkdwn', text: parts.join(' · ') }] };
}

/** The first message of a run: who runs what on which release. */
export function runningMessage(meta: RunMeta, progress?: string): SlackMessage {
  const text = `<@${meta.actorId}> is running ${what(meta)}…`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: ${text}` } }];
  if (progress) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(esc(progress), 2900) }] });
  blocks.push(context(meta));
  return { text: `${meta.actorId} is running ${meta.command}${meta.release ? ` on ${meta.release}` : ''}`, blocks };
}

/** A button's value: the release and command it runs (≤ 2000 chars). */
export interface ButtonValue {
  r: string;
  c: string;
  a?: string[];
}

export function nextStepButtons(steps: NextStep[], release: string): KnownBlock | undefined {
  if (!steps.length) return undefined;
  return {
    type: 'actions',
    block_id: 'oar_next',
    elements: steps.slice(0, 5).map((s, i) => ({
      type: 'button' as const,
      action_id: runActionId(i),
      text: { type: 'plain_text' as const, text: fitText(s.label, 75) },
      value: JSON.stringify({ r: release, c: s.command, a: s.args } satisfies ButtonValue).slice(0, 2000),
      ...(s.style ? { style: s.style } : {}),
    })),
  };
}

function codeSections(lines: string[]): KnownBlock[] {
  // Section text limit 3000 minus the fences.
  return splitOnLines(lines.join('\n'), 2990).map((chunk) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `\`\`\`${chunk}\`\`\`` } }));
}

export function outcomeBlocks(outcome: Outcome, meta: RunMeta): KnownBlock[] {
  const word = STATUS_WORD[outcome.status];
  const head = `${STATUS_EMOJI[outcome.status]} ${word ? `*${word}* · ` : ''}${what(meta)}\n${esc(outcome.summary)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: fitText(head, 2990) } }];
  for (const s of outcome.sections ?? []) {
    if (s.title) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${esc(s.title)}*` } });
    if (s.fields?.length) {
      for (let i = 0; i < s.fields.length; i += 10) {
        blocks.push({
          type: 'section',
          fields: s.fields.slice(i, i + 10).map((f) => ({ type: 'mrkdwn' as const, text: fitText(`*${esc(f.label)}*\n${esc(f.value)}`, 1990) })),
        });
      }
    }
    if (s.lines?.length) blocks.push(...codeSections(s.lines.map(esc)));
  }
  if (outcome.blockers?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(`:warning: *Blockers*\n${outcome.blockers.map((b) => `• ${esc(b)}`).join('\n')}`, 2990) } });
  }
  if (outcome.links?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitText(outcome.links.map((l) => `<${l.url}|${esc(l.label)}>`).join('  ·  '), 2990) } });
  }
  const buttons = nextStepButtons(outcome.nextSteps ?? [], meta.release);
  if (buttons) blocks.push(buttons);
  if (outcome.watchId) blocks.push(watchCancelButton(outcome.watchId));
  blocks.push(context(meta));
  return blocks;
}

/** The final message of a run (or the refusal), with a plain-text fallback. */
/** What only the front end knows when rendering: mentions for e-mails, link bases, whether the answer is private. */
export interface RenderOptions {
  /** e-mail → Slack user id */
  mentions?: Map<string, string>;
  links?: { jira: string; errata: string };
  /** A private answer: offer "Share in channel". */
  shareable?: boolean;
}

export function resultMessage(result: RunResult, meta: RunMeta, _opts: RenderOptions = {}): SlackMessage {
  const m = { ...meta, correlationId: meta.correlationId ?? result.correlationId };
  switch (result.kind) {
    case 'done': {
      const o = result.outcome;
      const word = STATUS_WORD[o.status];
      return { text: `${word ? `[${word}] ` : ''}${meta.command}${meta.release ? ` ${meta.release}` : ''}: ${o.summary}`, blocks: outcomeBlocks(o, m) };
    }
    case 'needs-confirmation':
      return { text: `${meta.command} needs confirmation: ${result.plan.summary}`, blocks: [...planBlocks(result.plan), context(m)] };
    case 'denied':
      return errorMessage(result.message, m, ':no_entry:');
    case 'locked':
      return errorMessage(result.message, m, ':lock:');
    default:
      return errorMessage(result.message, m);
  }
}

export function errorMessage(message: string, meta?: RunMeta, emoji = ':warning:'): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: fitText(`${emoji} ${esc(message)}`, 2990) } }];
  if (meta) blocks.push(context(meta));
  return { text: message, blocks };
}

export function planBlocks(plan: Plan): KnownBlock[] {
  const lines = plan.changes.map((c) => `• *${esc(c.target)}*: ${c.from ? `${esc(c.from)} → ` : ''}${esc(c.to)}`);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: fitText(`*${esc(plan.summary)}*`, 2990) } }];
  if (lines.length) for (const chunk of splitOnLines(lines.join('\n'), 2990)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  else blocks.push({ type: 'section', text: { type: 'mrkdwn', text: plan.empty ? '_Nothing to change._' : '_No itemised changes._' } });
  if (plan.notes?.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(plan.notes.map(esc).join('\n'), 2990) }] });
  return blocks;
}

/** Help or any plain text as code sections. */
export function textMessage(title: string, text: string): SlackMessage {
  return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${esc(title)}*` } }, ...codeSections(text.split('\n').map(esc))] };
}

export function taskLabel(task: string): string {
  return displayName(task);
}

/** A critical command typed as a message (no trigger_id to open a modal): a button that opens it. */
export function confirmButtonMessage(p: { command: string; release: string; actorId: string; pendingId: string }): SlackMessage {
  return {
    text: `${p.command} on ${p.release} is critical: review and confirm`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: \`${p.command}\` on *${p.release}* is critical. <@${p.actorId}>, review what will change and confirm.` } },
      { type: 'actions', elements: [{ type: 'button', action_id: CONFIRM_OPEN_ACTION_ID, text: { type: 'plain_text', text: 'Review and confirm' }, style: 'danger', value: p.pendingId }] },
    ],
  };
}

/** A confirmed critical command that needs a second person's approval. */
export function approvalRequestMessage(p: { actorId: string; command: string; release: string; approvalId: string }): SlackMessage {
  return {
    text: `${p.command} on ${p.release} needs a second approval`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:busts_in_silhouette: <@${p.actorId}> confirmed \`${p.command}\` on *${p.release}*. It needs a second person with the critical role to approve.` } },
      { type: 'actions', elements: [{ type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: p.approvalId }] },
    ],
  };
}
