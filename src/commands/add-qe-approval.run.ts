/** What `addQeApproval` does (declared in ./add-qe-approval.ts; the registry imports this module on its first run). */
import { CommandError } from './errors.ts';
import { implement, type Plan } from './types.ts';
import { approvalState, approveShipment, openShipment } from './approval/shipment.ts';
import { closeQeSubtasks, findQeSubtasks, openQeSubtasks } from './approval/subtasks.ts';
import { addQeApproval } from './add-qe-approval.ts';

function errataFlowError(release: string): CommandError {
  return new CommandError(`add-qe-approval needs a shipment MR (Konflux flow); ${release} uses the Errata flow. Use change-advisory-status.`);
}

export default implement(addQeApproval, {

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
