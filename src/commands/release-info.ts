/** `release-info`: the release's ConfigStore metadata (advisories, Jira ticket, candidate builds, shipment MR, flow). */
import { declareCommand } from './types.ts';

export const releaseInfo = declareCommand({
  name: 'release-info',
  group: 'oar',
  summary: "Show the release's metadata: advisories, ART Jira ticket, candidate builds, shipment MR and flow",
  examples: ['oar -r 4.19.1 release-info', '/oar 4.19.1 release-info'],
  safety: 'read',
  scope: 'zstream',
  options: (z) => z.object({}),
});
