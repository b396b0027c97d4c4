/** What `imageSignedCheck` does (declared in ./image-signed-check.ts; the registry imports this module on its first run). */
import { digestLookupOptions, lookupPayloadDigest, signatureUrl } from '../integrations/images.ts';
import { errorMessage } from './approval/log.ts';
import { implement } from './types.ts';
import { imageSignedCheck } from './image-signed-check.ts';

export default implement(imageSignedCheck, {
  async run(ctx) {
    const release = ctx.release;
    const log = ctx.log;
    let digest: string;
    let digestUrl: string;
    let mirror: string | undefined;
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
