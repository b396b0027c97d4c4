/**
 * `jobctl run JOB [--payload P | --upgrade-from F --upgrade-to T]`: start one Prow job through
 * Gangway with the payload variables of agents.md 6.4 (the original `job run`). A name that does
 * not start with `periodic-ci-` is looked up in openshift/release. Missing APITOKEN (or
 * GITHUB_TOKEN for a lookup) is an error, not the original's exit 0.
 */
import { declareCommand } from './types.ts';
import type { Zod } from './on-demand.ts';

const pullspec = (z: Zod) =>
  z
    .string()
    .trim()
    .regex(/^[\w.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/, 'must be a release image pull spec like quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64');

export const runJob = declareCommand({
  name: 'run',
  group: 'jobctl',
  summary: 'Trigger one Prow job through Gangway, with an install payload or an upgrade pair',
  description:
    'The job runs once per call (a deliberate manual run). --payload sets RELEASE_IMAGE_LATEST (or the ARM64/MULTI/PPC64LE variant the pull spec calls for); --upgrade-from/--upgrade-to set the LATEST/TARGET pair. A name not starting with periodic-ci- is resolved to the first openshift-tests-private periodic containing it.',
  examples: [
    'jobctl run periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999 --payload quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64',
    'jobctl run release-4.19-automated-release-stable-4.19-upgrade-from-stable-4.18-aws-ipi-f999 --upgrade-to quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64',
  ],
  safety: 'write',
  scope: 'none',
  positionals: ['jobName'],
  options: (z) => z.object({
    // `jobName`, not `job`: the MCP tool is the original's `job_run(job_name, payload)`.
    jobName: z
      .string()
      .trim()
      .regex(/^[\w.-]+$/, 'must be a Prow job name (letters, digits, dots, dashes)')
      .describe('Prow job name, or a part of a periodic job name'),
    payload: pullspec(z).optional().describe('Install payload pull spec'),
    upgradeFrom: pullspec(z).optional().describe('Initial payload of an upgrade job'),
    upgradeTo: pullspec(z).optional().describe('Target payload of an upgrade job'),
  }),
});
