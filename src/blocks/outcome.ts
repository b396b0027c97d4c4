/**
 * Block Kit views of command results: pure functions from data to blocks, no I/O.
 * A header and fields for the summary, rich-text lists with a status emoji per row, each
 * blocker once and in full, links and mentions in the text, Slack date tokens for times,
 * buttons for the next step and for recovery; a plain-text fallback and a context line
 * (who, what, correlation id) on every message.
 */
import type { ActionsBlock, Button, KnownBlock, RichTextBlock, RichTextElement, SectionBlock } from '@slack/types';
import type { RunResult } from '../commands/runner.ts';
import type { ItemState, NextStep, Outcome, OutcomeItem, OutcomeStatus, Plan } from '../commands/types.ts';
import { displayName } from '../release/tasks.ts';
import { CONFIRM_OPEN_ACTION_ID, HELP_ACTION_ID, linkActionId, RESOLVE_ACTION_ID, RETRY_ACTION_ID, runActionId, SHARE_ACTION_ID } from './action-ids.ts';
import { escMrkdwn, mrkdwn, richElements, type TextContext } from './format.ts';
import { chunk, fitText, splitOnLines } from '../integrations/slack-limits.ts';
import { watchCancelButton } from './watch.ts';

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

/** What only the front end knows when rendering. */
export interface RenderOptions extends TextContext {
  /** A private answer: offer "Share in channel". */
  shareable?: boolean;
  /** Offer "Resolve" on each open blocker (the engine has resolve-issue). */
  resolvable?: boolean;
  /** Where this release's StateBox file can be opened in a browser. */
  stateboxUrl?: string;
}

export const STATUS_EMOJI: Record<OutcomeStatus, string> = {
  pass: ':white_check_mark:',
  fail: ':x:',
  in_progress: ':hourglass_flowing_sand:',
  info: ':information_source:',
};

export const ITEM_EMOJI: Record<ItemState, string> = {
  pass: 'white_check_mark',
  fail: 'x',
  in_progress: 'hourglass_flowing_sand',
  not_started: 'white_circle',
  blocked: 'no_entry',
  warn: 'warning',
  info: 'small_blue_diamond',
};

const STATUS_WORD: Record<OutcomeStatus, string> = { pass: 'Pass', fail: 'Fail', in_progress: 'In Progress', info: '' };

/** Slack mrkdwn escaping of user-provided text (&, <, >). */
export const esc = escMrkdwn;

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

const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: fitText(text, 2990) } });

/** The first message of a run: who runs what on which release. */
export function runningMessage(meta: RunMeta, progress?: string): SlackMessage {
  const text = `<@${meta.actorId}> is running ${what(meta)}…`;
  const blocks: KnownBlock[] = [section(`:hourglass_flowing_sand: ${text}`)];
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

/** One rich_text row: status emoji, bold label, text, and a date token. */
function itemRow(item: OutcomeItem, ctx: TextContext): RichTextElement[] {
  const row: RichTextElement[] = [];
  if (item.state) row.push({ type: 'emoji', name: ITEM_EMOJI[item.state] }, { type: 'text', text: ' ' });
  row.push({ type: 'text', text: item.label, style: { bold: true } });
  if (item.text) row.push({ type: 'text', text: ' — ' }, ...richElements(item.text, ctx));
  if (item.at) row.push({ type: 'text', text: item.atLabel ? ` · ${item.atLabel} ` : ' · ' }, ...richElements(item.at, ctx));
  return row;
}

/** A list with a status per row as rich_text (40 rows per block keeps each block small). */
export function itemBlocks(items: OutcomeItem[], ctx: TextContext = {}): RichTextBlock[] {
  return chunk(items, 40).map((rows) => ({
    type: 'rich_text',
    elements: [{ type: 'rich_text_section', elements: rows.flatMap((r, i) => [...itemRow(r, ctx), ...(i < rows.length - 1 ? [{ type: 'text' as const, text: '\n' }] : [])]) }],
  }));
}

/** Each open blocker once, in full, with a Resolve button where the engine can resolve it. */
export function blockerBlocks(blockers: string[], release: string, opts: RenderOptions = {}): KnownBlock[] {
  if (!blockers.length) return [];
  const out: KnownBlock[] = [section(`:no_entry: *Open blockers (${blockers.length})*`)];
  blockers.forEach((b, i) => {
    const block: SectionBlock = section(mrkdwn(b.trim(), opts));
    if (opts.resolvable && release) {
      block.block_id = `oar_blocker_${release}_${i}`;
      block.accessory = { type: 'button', action_id: RESOLVE_ACTION_ID, text: { type: 'plain_text', text: 'Resolve' }, value: resolveValue(release, b) };
    }
    out.push(block);
  });
  return out;
}

/** The Resolve button's value: release and the issue text (cut; the listener matches it against StateBox). */
export function resolveValue(release: string, issue: string): string {
  return JSON.stringify({ r: release, i: issue.trim().slice(0, 1800) });
}

/** Retry, Help for this command, Open StateBox: what helps after a failure. */
export function recoveryButtons(meta: RunMeta, opts: RenderOptions = {}): ActionsBlock {
  const elements: Button[] = [];
  if (meta.text) elements.push({ type: 'button', action_id: RETRY_ACTION_ID, text: { type: 'plain_text', text: 'Retry' }, value: meta.text.slice(0, 2000) });
  elements.push({ type: 'button', action_id: HELP_ACTION_ID, text: { type: 'plain_text', text: `Help: ${meta.command}`.slice(0, 75) }, value: meta.command });
  if (opts.stateboxUrl) elements.push({ type: 'button', action_id: linkActionId(0), text: { type: 'plain_text', text: 'Open StateBox' }, url: opts.stateboxUrl });
  return { type: 'actions', block_id: 'oar_recovery', elements };
}

/** "Share in channel" under a private answer. */
export function shareButton(meta: RunMeta): ActionsBlock | undefined {
  if (!meta.text) return undefined;
  return { type: 'actions', block_id: 'oar_share', elements: [{ type: 'button', action_id: SHARE_ACTION_ID, text: { type: 'plain_text', text: 'Share in channel' }, value: meta.text.slice(0, 2000) }] };
}

function headerText(outcome: Outcome, meta: RunMeta): string {
  const word = STATUS_WORD[outcome.status];
  return fitText(`${STATUS_EMOJI[outcome.status]} ${meta.release ? `${meta.release} · ` : ''}${displayName(meta.command)}${word ? ` · ${word}` : ''}`, 150);
}

export function outcomeBlocks(outcome: Outcome, meta: RunMeta, opts: RenderOptions = {}): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: headerText(outcome, meta), emoji: true } }, section(mrkdwn(outcome.summary, opts))];
  for (const s of outcome.sections ?? []) {
    if (s.title) blocks.push(section(`*${esc(s.title)}*`));
    for (const fields of chunk(s.fields ?? [], 10)) {
      blocks.push({ type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn' as const, text: fitText(`*${esc(f.label)}*\n${mrkdwn(f.value, opts)}`, 1990) })) });
    }
    if (s.items?.length) blocks.push(...itemBlocks(s.items, opts));
    if (s.lines?.length) for (const c of splitOnLines(s.lines.join('\n'), 2990)) blocks.push(section(mrkdwn(c, opts)));
  }
  blocks.push(...blockerBlocks(outcome.blockers ?? [], meta.release, opts));
  if (outcome.links?.length) blocks.push(section(outcome.links.map((l) => `<${l.url}|${esc(l.label)}>`).join('  ·  ')));
  const buttons = nextStepButtons(outcome.nextSteps ?? [], meta.release);
  if (buttons) blocks.push(buttons);
  if (outcome.status === 'fail') blocks.push(recoveryButtons(meta, opts));
  if (outcome.watchId) blocks.push(watchCancelButton(outcome.watchId));
  const share = opts.shareable ? shareButton(meta) : undefined;
  if (share) blocks.push(share);
  blocks.push(context(meta));
  return blocks;
}

/** The final message of a run (or the refusal), with a plain-text fallback. */
export function resultMessage(result: RunResult, meta: RunMeta, opts: RenderOptions = {}): SlackMessage {
  const m = { ...meta, correlationId: meta.correlationId ?? result.correlationId };
  switch (result.kind) {
    case 'done': {
      const o = result.outcome;
      const word = STATUS_WORD[o.status];
      return { text: `${word ? `[${word}] ` : ''}${meta.command}${meta.release ? ` ${meta.release}` : ''}: ${o.summary}`, blocks: outcomeBlocks(o, m, opts) };
    }
    case 'needs-confirmation':
      return { text: `${meta.command} needs confirmation: ${result.plan.summary}`, blocks: [...planBlocks(result.plan), context(m)] };
    case 'denied':
      return errorMessage(result.message, m, ':no_entry:');
    case 'locked':
      return failureMessage(result.message, m, ':lock:', opts);
    case 'pending-approval':
      return errorMessage(result.message, m, ':hourglass_flowing_sand:');
    default:
      return failureMessage(result.message, m, ':warning:', opts);
  }
}

export function errorMessage(message: string, meta?: RunMeta, emoji = ':warning:'): SlackMessage {
  const blocks: KnownBlock[] = [section(`${emoji} ${esc(message)}`)];
  if (meta) blocks.push(context(meta));
  return { text: message, blocks };
}

/** A run that could not finish: the reason and the buttons that help. */
export function failureMessage(message: string, meta: RunMeta, emoji: string, opts: RenderOptions = {}): SlackMessage {
  return { text: message, blocks: [section(`${emoji} ${mrkdwn(message, opts)}`), recoveryButtons(meta, opts), context(meta)] };
}

export function planBlocks(plan: Plan): KnownBlock[] {
  const lines = plan.changes.map((c) => `• *${esc(c.target)}*: ${c.from ? `${esc(c.from)} → ` : ''}${esc(c.to)}`);
  const blocks: KnownBlock[] = [section(`*${esc(plan.summary)}*`)];
  if (plan.refused) blocks.push(section(`:no_entry: *Refused:* ${esc(plan.refused)}`));
  else if (lines.length) for (const c of splitOnLines(lines.join('\n'), 2990)) blocks.push(section(c));
  else blocks.push(section(plan.empty ? '_Nothing to change._' : '_No itemised changes._'));
  if (plan.notes?.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(plan.notes.map(esc).join('\n'), 2990) }] });
  return blocks;
}

/** Plain text (one line per line, never a code block) under a bold title. */
export function textMessage(title: string, text: string): SlackMessage {
  return { text: title, blocks: [section(`*${esc(title)}*`), ...splitOnLines(esc(text), 2990).map(section)] };
}

export function taskLabel(task: string): string {
  return displayName(task);
}

/** A critical command typed as a message (no trigger_id to open a modal): a button that opens it. */
export function confirmButtonMessage(p: { command: string; release: string; actorId: string; pendingId: string }): SlackMessage {
  return {
    text: `${p.command} on ${p.release} is critical: review and confirm`,
    blocks: [
      section(`:rotating_light: \`${p.command}\` on *${p.release}* is critical. <@${p.actorId}>, review what will change and confirm.`),
      { type: 'actions', elements: [{ type: 'button', action_id: CONFIRM_OPEN_ACTION_ID, text: { type: 'plain_text', text: 'Review and confirm' }, style: 'danger', value: p.pendingId }] },
    ],
  };
}

