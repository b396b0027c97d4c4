/**
 * `is-release-shipped` (oar-commands 7.5, agents 9.6; the MCP tool `oar_is_release_shipped`):
 * `{ shipped, flow_type, details }`, the original's result shape.
 *
 * - Errata flow: every advisory of the ConfigStore (raw map: microshift and dropped ones
 *   included, as the original) is REL_PREP, PUSH_READY, IN_PUSH or SHIPPED_LIVE;
 *   `details["<impetus>_advisory"]` = its state or `error: ...`.
 * - Konflux flow: the shipment is ready (MR merged, or the prod-release pipeline succeeded) and
 *   the advisories are as above. A *closed* MR is not shipped (defect 16: the original read any
 *   "state is not open" as merged): `shipment_mr_status` is `closed`.
 */
import { declareCommand } from './types.ts';

export const isReleaseShipped = declareCommand({
  name: 'is-release-shipped',
  group: 'oar',
  summary: 'Is the release shipped? Advisory states, and (Konflux) the shipment MR merged or the prod release done',
  examples: ['oar -r 4.19.1 is-release-shipped', '/oar 4.19.10 is-release-shipped'],
  safety: 'read',
  scope: 'zstream',
  options: (z) => z.object({}),
});
