/**
 * `create-test-report` (spec 6.1): start tracking a new z-stream release in StateBox, created from
 * the ConfigStore metadata, and tell the QE release channel (notification #2).
 *
 * Idempotent: the create-test-report task is the record that it ran. Once it is `Pass`, a re-run
 * says "StateBox already exists" and writes nothing (no task update, no notice). The runner marks
 * the task `In Progress` before `run`, which creates the StateBox file; a file whose only content
 * is that task was therefore created by this very run and is announced. A file that other
 * commands created first (spec 3.6 #10) is only recorded, not announced, as the original did.
 */
import { declareCommand } from './types.ts';

export const TASK = 'create-test-report';

export const createTestReport = declareCommand({
  name: 'create-test-report',
  group: 'oar',
  summary: 'Create the StateBox release tracking file from the release metadata and announce it in the QE release channel',
  description: 'Safe to run again: an existing StateBox is left as it is and nobody is notified twice.',
  examples: ['oar -r 4.19.1 create-test-report', '/oar 4.19.1 create-test-report'],
  safety: 'write',
  task: TASK,
  scope: 'zstream',
  options: (z) => z.object({}),
});
