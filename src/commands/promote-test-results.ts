/**
 * `jobctl promote-test-results --build B [--arch A]` (agents.md 6.9): manual promotion of a
 * rejected build. The record gets `aggregated: false, manual_promotion: true`; the next aggregator
 * pass labels the payload Accepted and re-aggregates (`accepted` usually stays false, and the
 * verdict reads "Accepted (Manually Promoted)"). A missing record changes nothing and is no error.
 */
import { ARCHES } from '../integrations/release-controller/constants.ts';
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

export const buildOption = (z: Zod) =>
  z
    .string()
    .trim()
    .regex(/^\d+\.\d+\.\d+[\w.-]*$/, 'must be a build name like 4.19.0-0.nightly-2026-07-01-085304 or 4.19.36')
    .describe('Build name (nightly or stable)');

export const promoteTestResults = declareCommand({
  name: 'promote-test-results',
  group: 'jobctl',
  summary: 'Promote a build manually: the next aggregator pass labels its payload Accepted',
  description:
    'Sets aggregated: false and manual_promotion: true in ocp-test-result-<build>-<arch>.json on the record branch. The next aggregator pass labels the release payload qe_state=Accepted and posts "Accepted (Manually Promoted)". Needs GITHUB_TOKEN.',
  examples: ['jobctl promote-test-results 4.19.0-0.nightly-2026-07-01-085304', 'jobctl promote-test-results --build 4.19.36 --arch arm64'],
  safety: 'write',
  scope: 'none',
  positionals: ['build'],
  options: (z) => z.object({
    build: buildOption(z),
    arch: z.enum(ARCHES).default('amd64').describe('Architecture'),
  }),
});
