/**
 * `jobctl trigger-jobs-for-build BUILD [--arch A] [--no-skip-existing]` (agents.md 6.9): trigger
 * the registry jobs of a build the release controller knows. By default only the jobs missing
 * from the build's record are triggered (and never one that already started for this build);
 * --no-skip-existing deliberately starts every job again and rewrites the record.
 */
import { ARCHES } from '../integrations/release-controller/constants.ts';
import { declareCommand } from './types.ts';

export const triggerJobsForBuild = declareCommand({
  name: 'trigger-jobs-for-build',
  group: 'jobctl',
  summary: "Trigger the registry's Prow jobs for one nightly or stable build and record them",
  description:
    'Recovery for a build whose jobs were not (all) triggered. The build must be in its release stream. With the default --skip-existing, jobs already in ocp-test-result-<build>-<arch>.json keep their runs; --no-skip-existing triggers ALL jobs again.',
  examples: ['jobctl trigger-jobs-for-build 4.19.0-0.nightly-2026-07-01-085304', 'jobctl trigger-jobs-for-build 4.19.36 --arch arm64 --no-skip-existing'],
  safety: 'write',
  scope: 'none',
  positionals: ['build'],
  options: (z) => z.object({
    build: z
      .string()
      .trim()
      .regex(/^\d+\.\d+\.\d+[\w.-]*$/, 'must be a build name like 4.19.0-0.nightly-2026-07-01-085304 or 4.19.36')
      .describe('Build name (nightly or stable)'),
    arch: z.enum(ARCHES).default('amd64').describe('Architecture'),
    skipExisting: z.boolean().default(true).describe('Keep jobs already in the record (--no-skip-existing triggers all again)'),
  }),
});
