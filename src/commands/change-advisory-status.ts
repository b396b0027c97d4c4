/**
 * `change-advisory-status` (oar-commands 6.8, 10.3, 10.4, 11.11; edge cases 1 and 9): the final
 * QE approval of a release.
 *
 * 1. Every advisory is checked first (state QE, no blocking security alert): a refusal changes
 *    nothing.
 * 2. Konflux flow: the shipment MR is approved exactly once while it is open (already approved:
 *    no call); a merged MR is skipped (edge case 1); a closed MR is refused. An Errata-flow
 *    release never builds the GitLab client (defect 5).
 * 3. Konflux flow: when the payload metadata URL of THIS release (defect 10) is reachable, or in
 *    the Errata flow, the advisories move to REL_PREP and the ART QE subtasks are closed now.
 *    Otherwise the command returns In Progress with one `async-approval` watch per release that
 *    checks every OAR_APPROVAL_CHECK_INTERVAL_MS up to OAR_APPROVAL_MAX_WAIT_MS and then resumes
 *    this command through the runner to run approval/completion.ts (lock, audit and task as for
 *    any run); the subtasks stay open until then (defect 9).
 *
 * `-s/--status` (ignored by the original, defect 9) is honoured by rejecting anything but
 * REL_PREP before anything runs: this command is the QE approval and nothing else.
 */
import { REL_PREP } from './approval/advisories.ts';
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

/** The follow-up of an approval waiting for the payload metadata URL (handler: approval/async-approval.ts). */
export const ASYNC_APPROVAL_KIND = 'async-approval';

const statusOption = (z: Zod) =>
  z
    .string()
    .trim()
    .refine((v) => v.toUpperCase() === REL_PREP, { message: `only ${REL_PREP} is supported: change-advisory-status is the QE approval, which moves advisories to ${REL_PREP}` })
    .default(REL_PREP)
    .describe(`Target advisory state; only ${REL_PREP} is accepted`);

export const changeAdvisoryStatus = declareCommand({
  name: 'change-advisory-status',
  group: 'oar',
  summary: 'Final QE approval: approve the shipment MR, move the advisories to REL_PREP, close the ART QE subtasks',
  description:
    'Checks every advisory first (QE state, no blocking security alert). Konflux flow: approves the open shipment MR once (a merged MR is skipped), ' +
    'then waits for the payload metadata URL of the release: when it is not reachable yet, an async-approval watch finishes the approval later. ' +
    'Only REL_PREP is accepted for -s/--status.',
  examples: ['oar -r 4.19.1 change-advisory-status', '/oar 4.19.10 change-advisory-status', 'oar -r 4.19.1 change-advisory-status --dry-run'],
  safety: 'critical',
  task: 'change-advisory-status',
  scope: 'zstream',
  longRunning: true,
  // Loose: the watch's internal resume request (approval/completion.ts ASYNC_APPROVAL_RESUME) passes
  // validation without being an option: it is not in the shape, so help, the parser (unknown flags
  // are errors) and MCP (a strict tool schema over the shape) never offer or accept it.
  options: (z) => z.looseObject({ status: statusOption(z) }),
  aliases: { s: 'status' },
  followUpKinds: [{ kind: ASYNC_APPROVAL_KIND, summary: 'Checks the payload metadata URL until it is reachable, then moves the advisories to REL_PREP and tells the release channel' }],
});
