/**
 * `jobctl update-retried-job-run --build B --job-name J --current-job-id C --new-job-id N [--arch A]`
 * (agents.md 6.9): point a retried run of a job at a job started by hand (e.g. `jobctl run`), and
 * reopen the record so the aggregator evaluates it again.
 */
import { ARCHES } from '../integrations/release-controller/constants.ts';
import { buildOption } from './promote-test-results.ts';
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

const jobId = (z: Zod, what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a Prow job id like 3f1c9a52-8d0e-4b7a-9c39-2f5d1e0b6a41')
    .describe(what);

export const updateRetriedJobRun = declareCommand({
  name: 'update-retried-job-run',
  group: 'jobctl',
  summary: 'Replace a retried Prow run in a build\'s test results by another job, and reopen the record for the aggregator',
  description:
    'In ocp-test-result-<build>-<arch>.json, the first retried run of --job-name with id --current-job-id becomes {jobID: --new-job-id} (refreshed from Prow on the next aggregator pass), and aggregated/accepted are removed. The record is reopened even when the current id is not found. Needs GITHUB_TOKEN.',
  examples: ['jobctl update-retried-job-run --build 4.19.36 --job-name periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999 --current-job-id 1a2b --new-job-id 3c4d'],
  safety: 'write',
  scope: 'none',
  positionals: ['build'],
  options: (z) => z.object({
    build: buildOption(z),
    jobName: z.string().trim().min(1).regex(/^[\w.-]+$/, 'must be a Prow job name').describe('Prow job name as in the record'),
    currentJobId: jobId(z, 'The retried run to replace'),
    newJobId: jobId(z, 'The job that replaces it'),
    arch: z.enum(ARCHES).default('amd64').describe('Architecture'),
  }),
});
