/**
 * The DataWarehouse AMQP message, parsed and screened. Pure: no I/O.
 *
 * RECONSTRUCTED body (spec section 2.3): `{timestamp, object_type, status, id, iid, object, misc}`,
 * `object` being the KCIDB-serialized object and `misc` event data (DataWarehouse sets
 * `misc.checkout_outcome_changed` on `checkout_issueoccurrences_changed`). Decision: the checkout
 * id is the top-level `id`, falling back to `object.id`; a checkout message carrying neither is
 * malformed (dead-lettered, never retried: it cannot get better).
 */
import { z } from 'zod';
import { isSupportedStatus, type SkipReason, type SupportedStatus } from './types.ts';

// Plain objects, not loose ones: only the fields below are read, and a loose object copies every
// other key of the body (the whole KCIDB checkout under `object`) on every message (issue 22).
const envelopeSchema = z.object({ object_type: z.string(), status: z.string() });

const checkoutMessageSchema = z.object({
  timestamp: z.string().nullish(),
  object_type: z.literal('checkout'),
  status: z.string(),
  id: z.string().min(1).nullish(),
  iid: z.number().int().nullish(),
  object: z
    .object({
      id: z.string().min(1).nullish(),
      origin: z.string().nullish(),
      misc: z.object({ retrigger: z.boolean().nullish() }).nullish(),
    })
    .nullish(),
  misc: z.object({ checkout_outcome_changed: z.boolean().nullish() }).nullish(),
});

export interface CheckoutMessage {
  status: SupportedStatus;
  checkoutId: string;
  /** The checkout as serialized into the message (possibly stale; DataWarehouse is re-read). */
  object: { origin?: string; retrigger?: boolean } | undefined;
  /** Top-level message misc. */
  outcomeChanged: boolean;
  timestamp?: string;
}

export type Screened =
  | { kind: 'accept'; message: CheckoutMessage }
  | { kind: 'skip'; reason: SkipReason; detail: string; checkoutId?: string; status?: string }
  | { kind: 'malformed'; detail: string };

function issues(e: z.ZodError): string {
  return e.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

/** Parse raw bytes into JSON; a body that is not JSON is malformed. */
export function decodeBody(body: Buffer | string): { ok: true; value: unknown } | { ok: false; detail: string } {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, detail: `body is not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * First README filter: `object_type` must be `checkout` and the status one of the routed ones.
 * Both are checked before the rest of the body, so an unrelated event never counts as malformed.
 */
export function screenMessage(value: unknown): Screened {
  const env = envelopeSchema.safeParse(value);
  if (!env.success) return { kind: 'malformed', detail: `not a DataWarehouse message: ${issues(env.error)}` };
  const { object_type, status } = env.data;
  if (object_type !== 'checkout') return { kind: 'skip', reason: 'not_checkout', detail: `object_type is ${object_type}`, status };
  if (!isSupportedStatus(status)) return { kind: 'skip', reason: 'unsupported_status', detail: `status ${status} is not routed`, status };
  const parsed = checkoutMessageSchema.safeParse(value);
  if (!parsed.success) return { kind: 'malformed', detail: `checkout message: ${issues(parsed.error)}` };
  const m = parsed.data;
  const checkoutId = m.id ?? m.object?.id ?? undefined;
  if (!checkoutId) return { kind: 'malformed', detail: 'checkout message names no checkout (neither id nor object.id)' };
  const object = m.object
    ? { ...(m.object.origin != null ? { origin: m.object.origin } : {}), ...(m.object.misc?.retrigger != null ? { retrigger: m.object.misc.retrigger } : {}) }
    : undefined;
  return {
    kind: 'accept',
    message: {
      status,
      checkoutId,
      object,
      outcomeChanged: m.misc?.checkout_outcome_changed === true,
      ...(m.timestamp ? { timestamp: m.timestamp } : {}),
    },
  };
}

/** The body of a manual trigger (`--status S --checkout-id ID`): no message misc, as the README says. */
export function manualMessage(status: SupportedStatus, checkoutId: string): Record<string, unknown> {
  return { object_type: 'checkout', status, id: checkoutId, misc: {} };
}
