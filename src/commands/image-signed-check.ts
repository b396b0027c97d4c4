/**
 * `image-signed-check` (oar-commands 6.7, defect 8): the payload digest from the release
 * controller (bounded retries while it has none yet: images.ts lookupPayloadDigest), then the
 * signature on the mirror. Every HTTP status is enforced and every error ends as Fail with its
 * message (the original discarded the retry result, ignored the controller's status and let
 * non-HTTP errors escape without a Fail).
 */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { errorMessage } from './approval/log.ts';

export const imageSignedCheck = defineCommand({
  name: 'image-signed-check',
  group: 'oar',
  summary: 'Check that the release payload is signed: its digest from the release controller, its signature on the mirror',
  examples: ['oar -r 4.19.1 image-signed-check', '/oar 4.19.1 image-signed-check'],
  safety: 'read',
  task: 'image-signed-check',
  scope: 'zstream',
  options: z.object({}),
  async run(ctx) {
    const release = ctx.release;
    const log = ctx.log;
    let digest: string;
    let digestUrl: string;
    let mirror: string | undefined;
    // Loaded here, not at module load: `oar help` imports every command definition.
    const { digestLookupOptions, lookupPayloadDigest, signatureUrl } = await import('../integrations/images.ts');
    try {
      ctx.progress('Reading the payload digest');
      const rc = await ctx.services.get('releaseController');
      const found = await lookupPayloadDigest(rc, release, {
        ...digestLookupOptions(ctx.config),
        signal: ctx.signal,
        log: (level, line) => (level === 'error' ? log.error(line) : level === 'warn' ? log.warn(line) : log.info(line)),
      });
      digest = found.digest;
      digestUrl = found.url;
      log.info(`Image Digest: ${digest}`);
      ctx.progress('Checking the signature');
      const signatures = await ctx.services.get('signatures');
      mirror = signatureUrl(signatures.baseUrl, digest);
      log.info(`Comparing digest from url: ${mirror}`);
      const sig = await signatures.check(digest);
      if (!sig.signed) {
        log.error(`Signature check FAILED: no signature at ${sig.url} (HTTP ${sig.status})`);
        return {
          status: 'fail',
          summary: `The payload of ${release} is not signed: no signature at ${sig.url} (HTTP ${sig.status})`,
          sections: [{ fields: [{ label: 'Digest', value: digest }, { label: 'Signature', value: `${sig.url} (HTTP ${sig.status})` }] }],
          links: [{ label: 'Release details', url: digestUrl }],
          data: { release, digest, signatureUrl: sig.url, signed: false, status: sig.status },
        };
      }
      log.info('Signature check PASSED');
      return {
        status: 'pass',
        summary: `The payload of ${release} is signed (${digest})`,
        sections: [{ fields: [{ label: 'Digest', value: digest }, { label: 'Signature', value: sig.url }] }],
        links: [{ label: 'Signature', url: sig.url }, { label: 'Release details', url: digestUrl }],
        data: { release, digest, signatureUrl: sig.url, signed: true, status: sig.status },
      };
    } catch (e) {
      const why = errorMessage(e);
      log.error(`Visit release/mirror url failed: ${why}`);
      return {
        status: 'fail',
        summary: `Image signed check of ${release} failed: ${why}`,
        data: { release, signed: false, error: why, ...(mirror ? { signatureUrl: mirror } : {}) },
      };
    }
  },
});
