/**
 * `check-greenwave-cvp-tests` (legacy; spec 7.3, 11.6): every active Greenwave CVP test of the
 * release's advisories must be PASSED or WAIVED. Failures are reported once in a Jira issue in
 * project CVP (found again by its summary, so a re-run does not open a second one) and announced
 * in the QE release channel (#13); the task fails. All passing: the task passes.
 *
 * The legacy sheet kept the CVP issue key in its "others" column; here it goes to StateBox as a
 * non-blocking issue of this task.
 */
import { declareCommand } from './types.ts';

export const TASK = 'check-greenwave-cvp-tests';

export const checkGreenwaveCvpTests = declareCommand({
  name: 'check-greenwave-cvp-tests',
  group: 'oar',
  summary: "Check the advisories' Greenwave CVP tests; report failures once in a CVP Jira issue",
  description: 'Legacy command. Every active greenwave_cvp test must be PASSED or WAIVED.',
  examples: ['oar -r 4.19.1 check-greenwave-cvp-tests', '/oar 4.19.1 check-greenwave-cvp-tests'],
  safety: 'write',
  task: TASK,
  scope: 'zstream',
  legacy: true,
  options: (z) => z.object({}),
});
