/**
 * `take-ownership -e EMAIL` (oar-commands 6.2, 10.1): make EMAIL the QE owner of the release —
 * Errata QE owner of every advisory (microshift excluded, dropped ones skipped), assignee of the
 * ART QE subtasks (the two weekly ones also started), `QE Release Lead is @<username>` on the
 * shipment MR (Konflux flow, once), a StateBox blocker for advisories still in NEW_FILES, and the
 * Slack notices of 12 #3/#4/#15.
 *
 * Re-running is safe: an advisory that already has the owner, a subtask already assigned or
 * started, and an MR that already has the note are left alone. An Errata-flow release never
 * builds the GitLab client (defect 5). The GitLab user is looked up before anything changes, so
 * an unknown user (edge case 9) fails the command with nothing changed.
 */
import { emailOption } from './schemas.ts';
import { declareCommand } from './types.ts';

export const takeOwnership = declareCommand({
  name: 'take-ownership',
  group: 'oar',
  summary: 'Make someone the QE owner of the release: Errata QE owner, ART QE subtasks, shipment MR note, Slack notice',
  description:
    'Sets the QE owner of every advisory (microshift excluded), assigns the ART ticket\'s QE subtasks (and starts the two weekly ones), ' +
    'announces "QE Release Lead is @user" on the shipment MR (Konflux flow), records a StateBox blocker for advisories still in NEW_FILES and posts to the QE release channel. Safe to re-run.',
  examples: ['oar -r 4.19.1 take-ownership -e someone@redhat.com', '/oar 4.19.1 take-ownership -e someone@redhat.com'],
  safety: 'write',
  task: 'take-ownership',
  scope: 'zstream',
  options: (z) => z.object({ email: emailOption().describe('E-mail of the new QE owner') }),
  aliases: { e: 'email' },
});
