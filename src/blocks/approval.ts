/**
 * The second-person approval request in Slack: who asked and through which front end, the
 * plan, Approve / Reject while it is pending, and how it ended afterwards. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { ApprovalView } from '../commands/approval-view.ts';
import { esc, planBlocks, type SlackMessage } from './outcome.ts';
import { fitText } from '../integrations/slack-limits.ts';
import { slackDate } from './format.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from './action-ids.ts';
export { APPROVE_ACTION_ID, REJECT_ACTION_ID };

const VIA: Record<ApprovalView['via'], string> = { slack: 'Slack', cli: 'the terminal (oar)', mcp: 'an MCP client', job: 'a scheduled job' };

function who(id: string, name?: string): string {
  // Slack users are mentioned; terminal and MCP identities are shown as they are.
  if (/^[UW][A-Z0-9_]+$/.test(id)) return `<@${id}>`;
  return `\`${esc(name && !id.includes(name) ? `${id} (${name})` : id)}\``;
}

const PLAN_TITLE: Partial<Record<ApprovalView['state'], string>> = { pending: 'What will change', rejected: 'What it would have changed', expired: 'What it would have changed' };

/** The header of each state: what happened, to what, in one line. */
function title(v: ApprovalView): string {
  const what = `${v.command} on ${v.release}`;
  switch (v.state) {
    case 'pending':
      return `:raised_hand: Second approval needed: ${what}`;
    case 'approved':
      return `:arrow_forward: Approved, running: ${what}`;
    case 'executed':
      return `${v.outcome?.startsWith('fail') ? ':x:' : ':white_check_mark:'} Approved and run: ${what}`;
    case 'rejected':
      return `:no_entry_sign: Rejected: ${what}`;
    case 'expired':
      return `:hourglass: Expired: ${what}`;
    default:
      return `${what}: ${v.state}`;
  }
}

function facts(v: ApprovalView): string[] {
  const decider = v.decidedBy ? who(v.decidedBy) : 'someone';
  const out = [`*Asked by*\n${who(v.requestedBy, v.requestedByName)} via ${VIA[v.via]}`];
  switch (v.state) {
    case 'pending':
      out.push(`*Expires*\n${slackDate(v.expiresAt)}`, '*Who can approve*\nanother person with the critical role');
      break;
    case 'approved':
      out.push(`*Approved by*\n${decider}`);
      break;
    case 'executed':
      out.push(`*Approved by*\n${decider}`, `*Result*\n${esc(v.outcome ?? 'no result recorded')}`);
      break;
    case 'rejected':
      out.push(`*Rejected by*\n${decider}`, `*Changed*\nnothing${v.outcome ? ` · ${esc(v.outcome)}` : ''}`);
      break;
    case 'expired':
      out.push(`*Expired*\n${slackDate(v.expiresAt)}`, '*Changed*\nnothing');
      break;
  }
  return out.map((t) => fitText(t, 1990));
}

/**
 * The request in the command's thread: a header that says what waits for whom, who asked and
 * when it expires (a date each reader sees in their own time zone), what will change, and
 * Approve / Reject while it is pending. The same message, updated, says how it ended.
 */
export function approvalRequestMessage(v: ApprovalView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title(v).slice(0, 150), emoji: true } },
    { type: 'section', fields: facts(v).map((text) => ({ type: 'mrkdwn' as const, text })) },
  ];
  // The decision first (a long plan would push it out of sight), then what it changes.
  if (v.state === 'pending') {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: v.id },
        { type: 'button', action_id: REJECT_ACTION_ID, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: v.id },
      ],
    });
  }
  if (v.plan) blocks.push({ type: 'divider' }, ...planBlocks({ ...v.plan, summary: `${PLAN_TITLE[v.state] ?? 'What it changes'}: ${v.plan.summary}` }));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `second-person approval \`${esc(v.id)}\`` }] });
  const text = v.state === 'pending' ? `${v.command} on ${v.release} needs a second approval` : `${v.command} on ${v.release}: approval ${v.state}`;
  return { text, blocks };
}

/** The channel line of each state: what happened, by whom, where to read more. */
function channelLine(v: ApprovalView): string {
  const what = `\`${esc(v.command)}\` on *${esc(v.release)}*`;
  const decider = v.decidedBy ? who(v.decidedBy) : 'someone';
  switch (v.state) {
    case 'pending': {
      const where = v.announcement ? 'Approve or Reject in the thread' : 'a running oar-bot posts the request';
      return `:hourglass_flowing_sand: ${what} waits for a second person with the critical role: ${where}. Expires ${slackDate(v.expiresAt)}.`;
    }
    case 'approved':
      return `:arrow_forward: ${what} was approved by ${decider} and is running: the result follows in the thread.`;
    case 'executed':
      return `${v.outcome?.startsWith('fail') ? ':x:' : ':white_check_mark:'} ${what} was approved by ${decider} and run: ${esc(v.outcome ?? 'no result recorded')}.`;
    case 'rejected': {
      // The requester withdrawing their own request reads as such; a reason given is kept.
      return `:no_entry_sign: ${what} was ${v.withdrawn ? 'withdrawn' : 'rejected'} by ${decider}${v.outcome ? ` (${esc(v.outcome)})` : ''}: nothing was changed.`;
    }
    case 'expired':
      return `:hourglass: ${what} expired ${slackDate(v.expiresAt)} without a second approval: nothing was changed.`;
    default:
      return `${what}: approval ${v.state}.`;
  }
}

/**
 * What the channel shows where the command was confirmed: it waits and the request is in the
 * thread; updated with the request, it says how it ended (approved, run, rejected, expired).
 */
export function approvalChannelMessage(v: ApprovalView): SlackMessage {
  const text = v.state === 'pending' ? `${v.command} on ${v.release} waits for a second approval` : `${v.command} on ${v.release}: approval ${v.state}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: fitText(channelLine(v), 2990) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `confirmed by ${who(v.requestedBy, v.requestedByName)} · approval \`${esc(v.id)}\`` }] },
    ],
  };
}
