/**
 * The README's "Filtered and ignored messages" rules that look at the checkout. Pure: callers
 * load the data, these functions only decide. Each rule names its skip reason.
 */
import type { DwBuild, DwCheckout } from '../../integrations/datawarehouse.ts';
import type { CheckoutMessage } from './message.ts';
import type { SkipReason } from './types.ts';

/** Only checkouts CKI itself submitted are announced (README: "not from origin redhat"). */
export const CKI_ORIGIN = 'redhat';

export type Verdict = { pass: true } | { pass: false; reason: SkipReason; detail: string };

const PASS: Verdict = { pass: true };
const drop = (reason: SkipReason, detail: string): Verdict => ({ pass: false, reason, detail });

/**
 * The cheap pre-check on the checkout serialized in the message (README: `object.misc.retrigger`),
 * made before any DataWarehouse call. The same rules run again on the checkout loaded from
 * DataWarehouse, which is authoritative.
 */
export function filterMessageObject(message: CheckoutMessage): Verdict {
  const o = message.object;
  if (!o) return PASS;
  if (o.retrigger === true) return drop('retrigger', 'the message object is a retriggered checkout');
  if (o.origin !== undefined && o.origin !== CKI_ORIGIN) return drop('origin', `the message object comes from origin ${o.origin}`);
  return PASS;
}

/** Retriggered, foreign and invalid checkouts. */
export function filterCheckout(checkout: DwCheckout): Verdict {
  if (checkout.misc?.retrigger === true) return drop('retrigger', `checkout ${checkout.id} is a retrigger`);
  if (checkout.origin !== CKI_ORIGIN) return drop('origin', `checkout ${checkout.id} comes from origin ${checkout.origin}`);
  // Decision: only an explicit `valid: false` (merge/apply failed) is invalid; an unset verdict
  // is not, because the "has builds" rule right after already drops checkouts that built nothing.
  if (checkout.valid === false) return drop('invalid_checkout', `checkout ${checkout.id} is not valid`);
  return PASS;
}

export function filterBuilds(checkoutId: string, builds: readonly DwBuild[]): Verdict {
  return builds.length === 0 ? drop('no_builds', `checkout ${checkoutId} has no builds`) : PASS;
}

/** The MR a checkout tested, if it tested one (RECONSTRUCTED field: `misc.related_merge_request.url`). */
export function mergeRequestUrlOf(checkout: DwCheckout): string | undefined {
  return checkout.misc?.related_merge_request?.url ?? undefined;
}

/** The GitLab pipeline that produced the checkout (RECONSTRUCTED field: `misc.pipeline.id`). */
export function pipelineIdOf(checkout: DwCheckout): number | undefined {
  return checkout.misc?.pipeline?.id ?? undefined;
}

export interface MergeRequestFacts {
  state: string;
  headPipelineId: number | undefined;
}

/**
 * Stale: the MR was merged, or its head pipeline is no longer the one that produced this checkout
 * (a newer push superseded it). When either pipeline id is unknown the pipeline rule cannot be
 * decided and does not drop the message.
 */
export function filterStale(checkout: DwCheckout, mr: MergeRequestFacts | undefined): Verdict {
  if (!mr) return PASS;
  if (mr.state === 'merged') return drop('stale_merged_mr', `the merge request of checkout ${checkout.id} is merged`);
  const own = pipelineIdOf(checkout);
  if (own !== undefined && mr.headPipelineId !== undefined && own !== mr.headPipelineId) {
    return drop('stale_pipeline', `checkout ${checkout.id} comes from pipeline ${own}, the merge request head pipeline is ${mr.headPipelineId}`);
  }
  return PASS;
}
