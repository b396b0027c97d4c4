/**
 * `drop-bugs` (legacy, critical; spec 7.2, 11.3, 11.5): remove the bugs that cannot ship from the
 * release's advisories and (Konflux) its shipment YAML, tell the release leads and docs (#8/#9),
 * and ask again for the doc / ProdSec approvals the change took away (#10).
 *
 * `plan` lists, per advisory and shipment, the bugs it would drop and the ones it keeps with why;
 * `run` works out the same from fresh data, so a re-run after a drop changes nothing.
 *
 * Which bugs: see bugs/drop-plan.ts. Keys match exactly everywhere (defect 13: the original's
 * substring match in the shipment YAML also removed OCPBUGS-12 when dropping OCPBUGS-1); CVE
 * trackers are never dropped; high-severity bugs are kept for a human (defect 13); ProdSec
 * approval is re-requested when it was lost (defect 14).
 */
import { declareCommand } from './types.ts';

const TASK = 'drop-bugs';

export const dropBugs = declareCommand({
  name: 'drop-bugs',
  group: 'oar',
  summary: 'Drop the bugs that are not verified (never CVE trackers, never high severity) from the advisories and the shipment MR',
  description:
    'Legacy command. Shows its plan first: per advisory and shipment, the bugs it drops and the ones it keeps with the reason. Then asks docs / ProdSec again for approvals the change took away.',
  examples: ['oar -r 4.19.1 drop-bugs --dry-run', 'oar -r 4.19.1 drop-bugs --yes', '/oar 4.19.1 drop-bugs'],
  safety: 'critical',
  task: TASK,
  scope: 'zstream',
  legacy: true,
  options: (z) => z.object({ dryRun: z.boolean().default(false).describe('Show what would be dropped and kept; change nothing') }),
});
