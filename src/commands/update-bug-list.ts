/**
 * `update-bug-list` (legacy, spec 7.1): the release's bugs (advisories, plus the shipment YAML in
 * the Konflux flow) with their Jira status and QA contact, and the nudge to verify them.
 *
 * - default: ON_QA bugs with their QA contacts to the QE forum (#5);
 * - --confirm-droppable: the high-severity ON_QA bugs, asking whether they can be dropped (#16);
 * - --notify-managers: unverified CVE trackers to the QA contacts' managers (#16, LDAP);
 * - --no-notify: report only.
 * Pass when every bug is Verified or Closed; otherwise the task stays In Progress.
 *
 * The legacy Google Sheet is gone: the bug list is the outcome (and the StateBox task result).
 * Jira is read in bulk: 300 bugs are 3 requests, with no per-issue request and no sleeps (the
 * original fetched each issue and slept 1.75 s after every second one).
 */
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

const TASK = 'update-bug-list';

const options = (z: Zod) =>
  z
    .object({
      notify: z.boolean().default(true).describe('Post the verification nudge (--no-notify: report only)'),
      confirmDroppable: z.boolean().default(false).describe('Ask about the high-severity ON_QA bugs instead: can they be dropped?'),
      notifyManagers: z.boolean().default(false).describe("Send the unverified CVE trackers to the QA contacts' managers instead"),
    })
    .superRefine((o, issue) => {
      if (!o.notify && (o.confirmDroppable || o.notifyManagers)) {
        issue.addIssue({ code: 'custom', path: [o.confirmDroppable ? 'confirmDroppable' : 'notifyManagers'], message: '--no-notify cannot be used together with --confirm-droppable or --notify-managers' });
      } else if (o.confirmDroppable && o.notifyManagers) {
        issue.addIssue({ code: 'custom', path: ['notifyManagers'], message: 'only one of parameters --confirm-droppable or --notify-managers can be used simultaneously' });
      }
    });

export const updateBugList = declareCommand({
  name: 'update-bug-list',
  group: 'oar',
  summary: "List the release's bugs with their Jira status and nudge the QA contacts of the ON_QA ones",
  description: 'Legacy command. Reads every bug of the advisories (and the shipment MR, Konflux) in bulk from Jira.',
  examples: ['oar -r 4.19.1 update-bug-list', 'oar -r 4.19.1 update-bug-list --no-notify', 'oar -r 4.19.1 update-bug-list --confirm-droppable', 'oar -r 4.19.1 update-bug-list --notify-managers'],
  safety: 'write',
  task: TASK,
  scope: 'zstream',
  legacy: true,
  options,
});
