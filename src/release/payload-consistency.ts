/**
 * The payload ↔ shipment image consistency rules of the checker that runs inside the Prow job
 * (oar-commands.md 8.3). Pure: the orchestration (`commands/prow-jobs/payload-consistency.ts`)
 * reads the registry, GitLab and the catalog and hands the data over.
 */

/** Images pinned by the original's test_is_skipped_image: full matches only. */
const SKIPPED = /^(?:machine-os-content|rhel-coreos(?:-\d+)?|rhel-coreos(?:-\d+)?-extensions)$/;

export function isSkippedImage(name: string): boolean {
  return SKIPPED.test(name);
}

/** `Shipment for 4.19.10` (case-insensitive), else the original's error text. */
export function shipmentVersionOf(title: string): string {
  const m = /Shipment for (\d+\.\d+\.\d+(?:-\S+)?)/i.exec(title);
  if (!m) throw new Error(`Invalid shipment MR title: ${title}`);
  return m[1]!;
}

/** What `oc image info` told the original (empty strings when the lookup failed). */
export interface ImageMetadata {
  digest: string;
  listDigest: string;
  /** `io.openshift.build.commit.id` */
  commit: string;
  /** `vcs-ref` */
  vcsRef: string;
  name: string;
  version: string;
  release: string;
}

export const EMPTY_METADATA: ImageMetadata = Object.freeze({ digest: '', listDigest: '', commit: '', vcsRef: '', name: '', version: '', release: '' });

export function metadataFromLabels(digest: string, listDigest: string, labels: Record<string, string>): ImageMetadata {
  return {
    digest,
    listDigest,
    commit: labels['io.openshift.build.commit.id'] ?? '',
    vcsRef: labels['vcs-ref'] ?? '',
    name: labels.name ?? '',
    version: labels.version ?? '',
    release: labels.release ?? '',
  };
}

/** Same identifier: non-empty equal listDigest, or non-empty equal digest, or non-empty equal vcs-ref. */
export function sameIdentifier(a: ImageMetadata, b: ImageMetadata): boolean {
  const eq = (x: string, y: string) => x !== '' && x === y;
  return eq(a.listDigest, b.listDigest) || eq(a.digest, b.digest) || eq(a.vcsRef, b.vcsRef);
}

export interface NamedImage {
  name: string;
  pullspec: string;
}

export type ImageVerdict =
  | { name: string; pullspec: string; result: 'pass'; by: 'shipment'; component: string }
  | { name: string; pullspec: string; result: 'pass'; by: 'catalog' }
  | { name: string; pullspec: string; result: 'fail'; sameName: NamedImage[] };

export const ALL_CONSISTENT = 'All payload images are consistent with images in shipment.';
export const NOT_CONSISTENT = 'Payload images are not consistent with images in shipment.';
