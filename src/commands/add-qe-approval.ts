/**
 * `add-qe-approval` (legacy, oar-commands 7.4; de-registered by the original in July 2025 and
 * superseded by change-advisory-status): approve the shipment MR (exactly once, edge case 9) and
 * close the ART QE subtasks. It does not move advisories, and it has no StateBox task (the
 * original only wrote the legacy Sheets cells). Konflux flow only: an Errata-flow release has no
 * shipment MR, and its GitLab client is never built.
 */
import { z } from 'zod';
import { CommandError } from './errors.ts';
import { defineCommand, type Plan } from './types.ts';
import { approvalState, approveShipment, openShipment } from './approval/shipment.ts';
import { closeQeSubtasks, findQeSubtasks, openQeSubtasks } from './approval/subtasks.ts';

function errataFlowError(release: string): CommandError {
  return new CommandError(`add-qe-approval needs a shipment MR (Konflux flow); ${release} uses the Errata flow. Use change-advisory-status.`);
}

export const addQeApproval = defineCommand({
  name: 'add-qe-approval',
  group: 'oar',
  summary: 'Legacy: approve the shipment MR and close the ART QE subtasks (superseded by change-advisory-status)',
  description: 'Kept for parity with the original legacy command. It approves the shipment MR once and closes the QE subtasks, but does not move advisories: prefer change-advisory-status.',
  examples: ['oar -r 4.19.10 add-qe-approval'],
  safety: 'critical',
  scope: 'zstream',
  legacy: true,
  options: z.object({}),

  async plan(ctx): Promise<Plan> {
    const cs = await ctx.configStore();
    if (cs.flow() !== 'konflux') throw errataFlowError(cs.release);
    const changes: Plan['changes'] = [];
    const notes: string[] = ['Legacy command: advisories are not moved; change-advisory-status is the full approval'];
    const shipment = await openShipment(await ctx.services.get('gitlab'), cs.shipmentMr());
    if (shipment.state === 'opened') {
      const a = await approvalState(shipment.mr);
      if (a.approved) notes.push(`Shipment MR !${shipment.iid} is already approved by ${a.username}`);
      else changes.push({ target: `shipment MR !${shipment.iid}`, from: 'not approved', to: `approved by ${a.username}` });
    } else notes.push(`Shipment MR !${shipment.iid} is ${shipment.state}: nothing to approve`);
    const ticket = cs.jiraTicket();
    if (ticket) for (const s of openQeSubtasks(await findQeSubtasks(await ctx.services.get('jira'), ticket))) changes.push({ target: `Jira ${s.key} (${s.summary})`, from: s.status, to: 'Closed' });
    return { summary: `Approve the shipment MR of ${cs.release} and close its QE subtasks`, changes, notes, empty: changes.length === 0 };
  },

  async run(ctx) {
    const cs = await ctx.configStore();
    if (cs.flow() !== 'konflux') throw errataFlowError(cs.release);
    const log = ctx.log;
    const shipment = await openShipment(await ctx.services.get('gitlab'), cs.shipmentMr(), log);
    let approval: string;
    if (shipment.state === 'opened') approval = await approveShipment(shipment.mr, log);
    else if (shipment.state === 'merged') {
      log.info(`Shipment MR for ${cs.release} already merged, skipping QE approval step`);
      approval = 'merged';
    } else throw new CommandError(`Shipment MR !${shipment.iid} is closed, not merged: there is nothing to approve`);
    const closed = await closeQeSubtasks(await ctx.services.get('jira'), cs.jiraTicket(), log);
    return {
      status: 'pass',
      summary: `Shipment MR !${shipment.iid} ${approval === 'approved' ? 'approved' : approval === 'merged' ? 'already merged' : 'already approved'}; ${closed.length} QE subtask${closed.length === 1 ? '' : 's'} closed`,
      links: [{ label: `Shipment MR !${shipment.iid}`, url: shipment.url }],
      nextSteps: [{ label: 'Full approval', command: 'change-advisory-status', style: 'primary' }],
      data: { approval, subtasksClosed: closed },
    };
  },
});
