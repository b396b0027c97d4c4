/**
 * The shipment MR during the approval (edge cases 1 and 9). Opening it keeps the original's
 * ShipmentData rule: an MR that is not `opened` raises `Gitlab MR <iid> state is not open`, and
 * the approval tolerates it when the MR was merged (nothing left to approve). A *closed* MR was
 * abandoned, not shipped: the approval refuses instead of treating it as merged (defect 16's
 * confusion, avoided here too).
 */
import { z } from 'zod';
import type { GitLabClient, ShipmentMergeRequest } from '../../integrations/gitlab/index.ts';
import { ShipmentMrNotOpenError } from '../../integrations/gitlab/errors.ts';
import { errorMessage, type LineLog } from './log.ts';

export type ShipmentState = 'opened' | 'merged' | 'closed';

export type OpenedShipment =
  | { state: 'opened'; mr: ShipmentMergeRequest; iid: number; url: string }
  | { state: 'merged'; iid: number; url: string; error: string }
  | { state: 'closed'; iid: number; url: string; error: string };

/** Open the shipment MR; a not-open MR is reported (with the original's error text), not thrown. */
export async function openShipment(gitlab: GitLabClient, url: string, log?: LineLog): Promise<OpenedShipment> {
  try {
    const mr = await gitlab.openShipmentMergeRequest(url);
    return { state: 'opened', mr, iid: mr.iid, url: mr.url || url };
  } catch (e) {
    if (!(e instanceof ShipmentMrNotOpenError)) throw e;
    const common = { iid: e.iid, url: e.mergeRequest.webUrl || url, error: e.userMessage };
    if (e.state === 'merged') {
      log?.info(`ShipmentData initialization failed (MR likely merged): ${e.userMessage}`);
      return { state: 'merged', ...common };
    }
    log?.warn(`Shipment MR ${e.iid} is ${e.state}, not merged: ${e.userMessage}`);
    return { state: 'closed', ...common };
  }
}

const ApprovalsSchema = z.looseObject({ approved_by: z.array(z.looseObject({ user: z.looseObject({ username: z.string() }) })).nullish() });

/** Who the token is and whether it already approved the MR (read only: for plans). */
export async function approvalState(mr: ShipmentMergeRequest): Promise<{ username: string; approved: boolean; approvedBy: string[] }> {
  const username = (await mr.client.currentUser()).username;
  const raw = await mr.client.run(`reading the approvals of MR ${mr.iid}`, (api) => api.MergeRequestApprovals.showConfiguration(mr.projectPath, { mergerequestIId: mr.iid }));
  const approvedBy = (ApprovalsSchema.parse(raw).approved_by ?? []).map((a) => a.user.username);
  return { username, approved: approvedBy.includes(username), approvedBy };
}

/**
 * Approve the open MR exactly once (edge case 9: state-checked, already-approved is a no-op).
 * Failures keep the client's sentence (`Failed to approve merge request due to GitLab error: ...`).
 */
export async function approveShipment(mr: ShipmentMergeRequest, log: LineLog): Promise<'approved' | 'already-approved'> {
  try {
    const r = await mr.approve();
    log.info(r.message);
    return r.outcome;
  } catch (e) {
    if (errorMessage(e).startsWith('Failed to approve merge request due to GitLab error')) log.error(`Failed to approve MR ${mr.iid}: GitLab API error`);
    throw e;
  }
}
