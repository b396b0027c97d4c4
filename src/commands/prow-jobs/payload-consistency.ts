/**
 * The checker that runs inside the image-consistency-check Prow job (oar-commands.md 8.3),
 * `oarctl image-consistency-check -p PAYLOAD -m MR`. Where the original ran `oc`, it reads the
 * registry (release `image-references` and image manifests/configs) and the container catalog
 * through the integration clients; every call has the command's AbortSignal-bound timeouts.
 * Loaded only when the command runs.
 */
import type { CommandContext, Outcome } from '../types.ts';
import { CommandError, userMessageOf } from '../errors.ts';
import type { RegistryClient, CatalogClient } from '../../integrations/images.ts';
import type { GitLabClient } from '../../integrations/gitlab/index.ts';
import { SHIPMENT_PROJECT } from '../../integrations/gitlab/client.ts';
import { parseShipmentYaml, snapshotComponents } from '../../integrations/gitlab/shipment-yaml.ts';
import { mapLimit } from '../../limit.ts';
import {
  ALL_CONSISTENT,
  EMPTY_METADATA,
  NOT_CONSISTENT,
  isSkippedImage,
  metadataFromLabels,
  sameIdentifier,
  shipmentVersionOf,
  type ImageMetadata,
  type ImageVerdict,
  type NamedImage,
} from '../../release/payload-consistency.ts';

export interface ConsistencyOptions {
  payloadUrl: string;
  mrId: number;
  checkVersion: boolean;
}

interface Clients {
  registry: Pick<RegistryClient, 'imageInfo' | 'releaseImages'>;
  gitlab: GitLabClient;
  catalog: Pick<CatalogClient, 'isReleased'>;
}

async function shipmentComponents(ctx: CommandContext, gitlab: GitLabClient, mrId: number): Promise<{ version: string; components: NamedImage[]; url: string }> {
  const info = await gitlab.mergeRequest(SHIPMENT_PROJECT, mrId);
  const version = shipmentVersionOf(info.title);
  const mr = await gitlab.openShipmentMergeRequest(info.webUrl, { requireOpen: false });
  const components: NamedImage[] = [];
  for (const path of await mr.changedFiles()) {
    const doc = parseShipmentYaml(await mr.readFile(path), path);
    for (const c of snapshotComponents(doc)) {
      if (!c.containerImage) {
        ctx.log.warn(`Component ${c.name} in ${path} has no containerImage, skipping`);
        continue;
      }
      components.push({ name: c.name, pullspec: c.containerImage });
    }
  }
  return { version, components, url: info.webUrl };
}

export async function runPayloadConsistencyCheck(ctx: CommandContext, o: ConsistencyOptions, clients?: Clients): Promise<Outcome> {
  const { registry, gitlab, catalog } = clients ?? { registry: await ctx.services.get('registry'), gitlab: await ctx.services.get('gitlab'), catalog: await ctx.services.get('catalogProd') };

  ctx.progress(`reading the images of ${o.payloadUrl}`);
  let payload: Awaited<ReturnType<Clients['registry']['releaseImages']>>;
  try {
    payload = await registry.releaseImages(o.payloadUrl);
  } catch (e) {
    throw new CommandError(`Cannot read release info of ${o.payloadUrl}: ${userMessageOf(e)}`);
  }
  const payloadImages = payload.images.filter((i) => !isSkippedImage(i.name));
  ctx.log.info(`Payload ${o.payloadUrl} version ${payload.version ?? 'unknown'}: ${payloadImages.length} images (${payload.images.length - payloadImages.length} skipped)`);

  ctx.progress(`reading shipment MR ${o.mrId}`);
  const shipment = await shipmentComponents(ctx, gitlab, o.mrId);
  ctx.log.info(`Shipment MR ${o.mrId} version ${shipment.version}: ${shipment.components.length} components`);
  if (o.checkVersion && payload.version !== shipment.version) {
    throw new CommandError(`Payload version ${payload.version ?? 'unknown'} does not match shipment version ${shipment.version}`);
  }

  ctx.progress(`reading ${payloadImages.length + shipment.components.length} image manifests`);
  const pullspecs = [...new Set([...payloadImages, ...shipment.components].map((i) => i.pullspec))];
  const metadata = new Map<string, ImageMetadata>();
  await mapLimit(pullspecs, 8, async (p) => {
    try {
      const info = await registry.imageInfo(p);
      metadata.set(p, metadataFromLabels(info.digest, info.listDigest, info.labels));
    } catch (e) {
      // As the original: a failed lookup is empty metadata (it can still pass through the catalog).
      ctx.log.error(`Failed to get image info of ${p}: ${userMessageOf(e)}`);
      metadata.set(p, EMPTY_METADATA);
    }
  });
  const meta = (p: string) => metadata.get(p) ?? EMPTY_METADATA;

  const verdicts: ImageVerdict[] = await mapLimit(payloadImages, 8, async (img): Promise<ImageVerdict> => {
    const m = meta(img.pullspec);
    const match = shipment.components.find((c) => sameIdentifier(m, meta(c.pullspec)));
    if (match) return { ...img, result: 'pass', by: 'shipment', component: match.name };
    if (m.digest) {
      try {
        if (await catalog.isReleased(m.digest)) return { ...img, result: 'pass', by: 'catalog' };
      } catch (e) {
        ctx.log.error(`Failed to look up ${m.digest} in the container catalog: ${userMessageOf(e)}`);
      }
    }
    const sameName = shipment.components.filter((c) => m.name !== '' && meta(c.pullspec).name === m.name);
    return { ...img, result: 'fail', sameName };
  });

  const failed = verdicts.filter((v): v is Extract<ImageVerdict, { result: 'fail' }> => v.result === 'fail');
  for (const f of failed) {
    ctx.log.error(`Payload image ${f.name} (${f.pullspec}) is not found in shipment or in the released catalog`);
    for (const c of f.sameName) ctx.log.error(`  shipment component ${c.name} has the same name label: ${c.pullspec}. Please check manually`);
  }
  const ok = failed.length === 0;
  ctx.log[ok ? 'info' : 'error'](ok ? ALL_CONSISTENT : NOT_CONSISTENT);
  const byShipment = verdicts.filter((v) => v.result === 'pass' && v.by === 'shipment').length;
  const byCatalog = verdicts.filter((v) => v.result === 'pass' && v.by === 'catalog').length;
  return {
    status: ok ? 'pass' : 'fail',
    summary: ok ? ALL_CONSISTENT : `${NOT_CONSISTENT} ${failed.length} of ${verdicts.length} payload images not found`,
    sections: [
      { fields: [{ label: 'Payload', value: o.payloadUrl }, { label: 'Version', value: payload.version ?? 'unknown' }, { label: 'Shipment MR', value: String(o.mrId) }, { label: 'Checked', value: `${verdicts.length} images: ${byShipment} in shipment, ${byCatalog} released, ${failed.length} not found` }] },
      ...(failed.length ? [{ title: 'Not consistent', lines: failed.map((f) => `${f.name}: ${f.pullspec}${f.sameName.length ? ` (same name in shipment: ${f.sameName.map((c) => c.name).join(', ')})` : ''}`) }] : []),
    ],
    links: [{ label: 'Shipment MR', url: shipment.url }],
    data: { consistent: ok, version: payload.version ?? null, shipmentVersion: shipment.version, images: verdicts },
  };
}
