/** What `isReleaseShipped` does (declared in ./is-release-shipped.ts; the registry imports this module on its first run). */
import type { ShipmentMergeRequest } from '../integrations/gitlab/index.ts';
import { ShipmentMrNotOpenError } from '../integrations/gitlab/errors.ts';
import { implement, type CommandContext } from './types.ts';
import { APPROVED_STATES } from './approval/advisories.ts';
import { errorMessage } from './approval/log.ts';
import { isReleaseShipped } from './is-release-shipped.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../limit.ts';

export interface ShipmentStatus {
  shipped: boolean;
  flow_type: 'errata' | 'konflux';
  details: Record<string, string>;
}

async function advisoriesShipped(ctx: CommandContext, advisories: Record<string, number>, details: Record<string, string>): Promise<boolean> {
  const errata = await ctx.services.get('errata');
  const entries = Object.entries(advisories);
  // One read per advisory, side by side (bounded); the details keep the advisories' order.
  const states = await mapLimit(entries, SERVICE_CONCURRENCY, async ([, id]) => {
    try {
      return { state: (await errata.getErratum(id, ctx.signal)).state };
    } catch (e) {
      return { error: errorMessage(e) };
    }
  });
  let all = true;
  entries.forEach(([impetus], i) => {
    const r = states[i]!;
    details[`${impetus}_advisory`] = r.state ?? `error: ${r.error}`;
    if (r.state === undefined || !APPROVED_STATES.includes(r.state)) all = false;
  });
  return all;
}

async function shipmentReady(ctx: CommandContext, mrUrl: string, details: Record<string, string>): Promise<boolean> {
  let mr: ShipmentMergeRequest;
  try {
    mr = await (await ctx.services.get('gitlab')).openShipmentMergeRequest(mrUrl);
  } catch (e) {
    if (e instanceof ShipmentMrNotOpenError) {
      details.shipment_mr_status = e.state === 'merged' ? 'merged' : e.state;
      return e.state === 'merged';
    }
    details.shipment_mr_status = `error: ${errorMessage(e)}`;
    return false;
  }
  let prod = false;
  try {
    // Just opened: the MR as read is current (no second read of it).
    prod = (await mr.isProdReleaseSuccess({ refresh: false })).success;
    details.prod_release = prod ? 'success' : 'not yet';
  } catch (e) {
    details.prod_release = `error: ${errorMessage(e)}`;
  }
  // Opened successfully means the MR is open: not merged.
  details.shipment_mr_merged = mr.isMerged ? 'yes' : 'no';
  return prod || mr.isMerged;
}

export async function releaseShipmentStatus(ctx: CommandContext): Promise<ShipmentStatus> {
  const cs = await ctx.configStore();
  const flow = cs.flow();
  const details: Record<string, string> = {};
  let advisories: Record<string, number> = {};
  let advisoriesOk = true;
  try {
    advisories = cs.advisories();
  } catch (e) {
    details.advisories_error = errorMessage(e);
    advisoriesOk = false;
  }
  if (flow === 'konflux') {
    // The shipment MR and the advisories are independent: read side by side, details in the same order as before.
    const adDetails: Record<string, string> = {};
    const [ready, ads] = await Promise.all([shipmentReady(ctx, cs.shipmentMr(), details), advisoriesOk && advisoriesShipped(ctx, advisories, adDetails)]);
    return { shipped: ready && ads, flow_type: 'konflux', details: { ...details, ...adDetails } };
  }
  const ads = advisoriesOk && (await advisoriesShipped(ctx, advisories, details));
  return { shipped: ads, flow_type: 'errata', details };
}

export default implement(isReleaseShipped, {
  async run(ctx) {
    let status: ShipmentStatus;
    try {
      status = await releaseShipmentStatus(ctx);
    } catch (e) {
      const error = errorMessage(e);
      return { status: 'fail', summary: `Could not tell whether ${ctx.release} is shipped: ${error}`, data: { error, shipped: false, details: {} } };
    }
    return {
      status: 'info',
      summary: `${ctx.release} ${status.shipped ? 'is shipped' : 'is not shipped yet'} (${status.flow_type} flow)`,
      sections: [{ fields: Object.entries(status.details).map(([label, value]) => ({ label, value })) }],
      data: status,
    };
  },
});
