/**
 * `image-signed-check` (oar-commands 6.7, defect 8): the payload digest from the release
 * controller (bounded retries while it has none yet: images.ts lookupPayloadDigest), then the
 * signature on the mirror. Every HTTP status is enforced and every error ends as Fail with its
 * message (the original discarded the retry result, ignored the controller's status and let
 * non-HTTP errors escape without a Fail).
 */
import { declareCommand } from './types.ts';

export const imageSignedCheck = declareCommand({
  name: 'image-signed-check',
  group: 'oar',
  summary: 'Check that the release payload is signed: its digest from the release controller, its signature on the mirror',
  examples: ['oar -r 4.19.1 image-signed-check', '/oar 4.19.1 image-signed-check'],
  safety: 'read',
  task: 'image-signed-check',
  scope: 'zstream',
  options: (z) => z.object({}),
});
