/**
 * `oarctl image-consistency-check -p PAYLOAD -m MR` (oar-commands.md 8.3): the checker the
 * image-consistency-check Prow job runs. Every payload image (except machine-os-content and the
 * RHCOS images) must be in the shipment MR's snapshot components (same list digest, digest or
 * vcs-ref) or already released (container catalog). Pass = all consistent. Registry and catalog
 * lookups go through the integration clients (no `oc`, no shell).
 *
 * Registry key `payload-image-consistency-check`; on the command line it is `oarctl
 * image-consistency-check` (`oar image-consistency-check` is the workflow command that triggers it).
 */
import { declareCommand } from './types.ts';

export const payloadImageConsistencyCheck = declareCommand({
  name: 'payload-image-consistency-check',
  cliName: 'image-consistency-check',
  group: 'oarctl',
  summary: 'Check that every image of a release payload is in the shipment MR or already released (the checker the Prow job runs)',
  description:
    'For each payload image (image-references of the release image; machine-os-content and rhel-coreos images skipped): PASS when a shipment component has the same list digest, digest or vcs-ref, else when the container catalog has released its digest; otherwise FAIL, naming shipment components with the same name label. The payload version must match the MR title "Shipment for <version>" unless --no-check-version. Needs GITLAB_TOKEN; reads the registry (OAR_REGISTRY_URL) and the catalog (CATALOG_URL).',
  examples: ['oarctl image-consistency-check -p quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64 -m 1234'],
  safety: 'read',
  scope: 'none',
  options: (z) => z.object({
    payloadUrl: z
      .string()
      .trim()
      .regex(/^[\w.-]+(?::\d+)?\/[\w./-]+(?::[\w.-]+|@sha256:[a-f0-9]{64})$/, 'must be a release image pull spec like quay.io/openshift-release-dev/ocp-release:4.19.10-x86_64')
      .describe('Release payload pull spec'),
    mrId: z.coerce.number().int().positive().describe('Shipment MR id (iid) in the ocp-shipment-data project'),
    checkVersion: z.boolean().default(true).describe('Require the payload version to match the shipment version (--no-check-version skips it)'),
  }),
  aliases: { p: 'payloadUrl', m: 'mrId' },
});
