/**
 * The second-person approval request in Slack: who asked and through which front end, the
 * plan, Approve / Reject while it is pending, and how it ended afterwards. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { ApprovalView } from '../commands/approval-view.ts';
import { esc, planBlocks, type SlackMessage } from './outcome.ts';
import { fitText } from '../integrations/slack-limits.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from './action-ids.ts';
export { APPROVE_ACTION_ID, REJECT_ACTION_ID };


const VIA: Record<ApprovalView['via'], string> = { slack: 'Slack', cli: 'the terminal (oar)', mcp: 'an MCP client', job: 'a scheduled job' };

function who(id: string, name?: string): string {
  // Slack users are mentioned; terminal and MCP identities are shown as they are.
  if (/^[UW][A-Z0-9_]+$/.test(id)) return `<@${id}>`;
  return `\`${esc(name && !id.includes(name) ? `${id} (${name})` : id)}\``;
}

function slackDate(d: Date): string {
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString()}>`;
}

function stateLine(v: ApprovalView): string {
  const decider = v.decidedBy ? who(v.decidedBy) : 'someone';
  switch (v.state) {
    case 'pending':
      return `Waiting for a second person with the critical role. Expires ${slackDate(v.expiresAt)}.`;
    case 'approved':
      return `:arrow_forward: Approved by ${decider}; running.`;
    case 'executed':
      return `:white_check_mark: Approved by ${decider}. Result: ${esc(v.outcome ?? 'no result recorded')}`;
    case 'rejected':
      return `:no_entry_sign: Rejected by ${decider}${v.outcome ? `: ${esc(v.outcome)}` : ''}. Nothing was changed.`;
    case 'expired':
      return `:hourglass: Expired at ${slackDate(v.expiresAt)} without approval. Nothing was changed.`;
    default:
      return esc(v.state);
  }
}

export function approvalRequestMessage(v: ApprovalView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: fitText(`:busts_in_silhouette: ${who(v.requestedBy, v.requestedByName)} confirmed \`${esc(v.command)}\` on *${esc(v.release)}* through ${VIA[v.via]}. It needs a second approval by another person with the critical role.`, 2990) } },
  ];
  if (v.plan) blocks.push(...planBlocks(v.plan));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(`${stateLine(v)}  ·  approval \`${v.id}\``, 2990) }] });
  if (v.state === 'pending') {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: v.id },
        { type: 'button', action_id: REJECT_ACTION_ID, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: v.id },
      ],
    });
  }
  const text = v.state === 'pending' ? `${v.command} on ${v.release} needs a second approval` : `${v.command} on ${v.release}: approval ${v.state}`;
  return { text, blocks };
}
