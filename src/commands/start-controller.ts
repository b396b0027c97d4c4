/**
 * `jobctl start-controller -r X.Y [--nightly|--stable] [--arch A] [--no-trigger-prow-job]`
 * (agents.md 6.3): one controller pass. A new latest build triggers every enabled registry job
 * exactly once (also across restarts) and writes the state file and the test-result record.
 */
import { ARCHES } from '../integrations/release-controller/constants.ts';
import { declareCommand } from './types.ts';

export const startController = declareCommand({
  name: 'start-controller',
  group: 'jobctl',
  summary: 'Check the latest nightly or stable build of a y-stream and trigger its Prow jobs when it is new',
  description: '--nightly is the default; --stable (or --no-nightly) watches <major>-stable with the dev-preview fallback. --no-trigger-prow-job records a new build without triggering.',
  examples: ['jobctl start-controller -r 4.19', 'jobctl start-controller -r 4.19 --stable --arch arm64', 'jobctl start-controller -r 5.0 --no-trigger-prow-job'],
  safety: 'write',
  scope: 'ystream',
  options: (z) => z.object({
    nightly: z.boolean().default(true).describe('Watch the nightly stream (--no-nightly: stable)'),
    stable: z.boolean().default(false).describe('Watch the stable stream'),
    arch: z.enum(ARCHES).default('amd64').describe('Architecture'),
    triggerProwJob: z.boolean().default(true).describe('Trigger the jobs of a new build (--no-trigger-prow-job only records it)'),
  }),
});
