/**
 * `add-qe-approval` (legacy, oar-commands 7.4; de-registered by the original in July 2025 and
 * superseded by change-advisory-status): approve the shipment MR (exactly once, edge case 9) and
 * close the ART QE subtasks. It does not move advisories, and it has no StateBox task (the
 * original only wrote the legacy Sheets cells). Konflux flow only: an Errata-flow release has no
 * shipment MR, and its GitLab client is never built.
 */
import { declareCommand } from './types.ts';

export const addQeApproval = declareCommand({
  name: 'add-qe-approval',
  group: 'oar',
  summary: 'Legacy: approve the shipment MR and close the ART QE subtasks (superseded by change-advisory-status)',
  description: 'Kept for parity with the original legacy command. It approves the shipment MR once and closes the QE subtasks, but does not move advisories: prefer change-advisory-status.',
  examples: ['oar -r 4.19.10 add-qe-approval'],
  safety: 'critical',
  scope: 'zstream',
  legacy: true,
  options: (z) => z.object({}),
});
