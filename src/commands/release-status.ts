/**
 * `release-status`: the release's StateBox tasks and open blockers, for Slack (`/oar 4.19.1`),
 * the terminal and MCP. It reads StateBox only, so it works without OAR_JWK and the ConfigStore.
 */
import { declareCommand } from './types.ts';

export const releaseStatus = declareCommand({
  name: 'release-status',
  group: 'oar',
  summary: "Show the release's tasks and open blockers from StateBox",
  description: 'Reads only StateBox (no ConfigStore needed). `/oar 4.19.1` with no command runs it.',
  examples: ['oar -r 4.19.1 release-status', '/oar 4.19.1', '/oar 4.19.1 release-status'],
  safety: 'read',
  scope: 'zstream',
  options: (z) => z.object({}),
});
