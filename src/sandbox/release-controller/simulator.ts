/**
 * Simulated release side of the world, on one server:
 * - release controller (`/api/v1/releasestream/<stream>/latest|release/<name>|tags`);
 * - an OCI registry holding release images whose top layer carries
 *   `release-manifests/release-metadata` (token challenge like quay.io);
 * - the payload metadata pages (`/errata/<advisory>`), switchable between reachable and not;
 * - the signature mirror (`/signatures/sha256=<hex>/signature-1`);
 * - Pyxis (`/v1/images/nvr/<nvr>`) and the container catalog (`/api/containers/v1/...`);
 * - stage advisory YAML documents (`/advisories/<name>`), the shipment files' internal_url.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { dump } from 'js-yaml';
import { SimHttpError, SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimRelease {
  name: string;
  stream: string;
  phase: string;
  pullSpec: string;
  digest: string;
  /** Reads of the release details before `changeLogJson.to.digest` appears. */
  digestReadsLeft: number;
  /** false: the release details have no changeLogJson at all. */
  changeLog: boolean;
  metadataUrl: string;
}

export interface SimCatalogImage {
  grades: { grade: string; start_date: string; end_date?: string }[];
  vulnerabilities: Record<string, unknown>[];
}

export interface ReleaseSimulatorOptions {
  port?: number;
  /** Require a bearer token from /v2/auth for registry reads (default true, like quay.io). */
  registryAuth?: boolean;
}

/** A minimal ustar archive (regular files only). */
export function makeTar(files: Record<string, string | Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? enc.encode(content) : content;
    const header = new Uint8Array(512);
    const put = (s: string, off: number, len: number) => header.set(enc.encode(s).subarray(0, len), off);
    put(name, 0, 100);
    put('0000644\0', 100, 8);
    put('0000000\0', 108, 8);
    put('0000000\0', 116, 8);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12);
    put(`${Math.floor(Date.UTC(2026, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136, 12);
    put('        ', 148, 8);
    put('0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    const sum = header.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

const sha256 = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class ReleaseSimulator extends Simulator {
  readonly server: SimServer;
  readonly releases: SimRelease[] = [];
  /** Metadata page path (`/errata/RHBA-2026:1234`) → reachable. */
  readonly metadataPages = new Map<string, boolean>();
  readonly signatures = new Set<string>();
  readonly pyxis = new Map<string, { architecture: string; freshness_grades: { grade: string; start_date: string; end_date?: string }[] }[]>();
  readonly catalog = new Map<string, SimCatalogImage>();
  readonly advisories = new Map<string, string>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly manifests = new Map<string, { body: string; digest: string }>();
  private readonly opts: ReleaseSimulatorOptions;
  private readonly registryToken = 'sim-registry-token';
  private advisoryCounter = 1200;

  constructor(opts: ReleaseSimulatorOptions = {}) {
    super();
    this.opts = opts;
    const rs = '/api/v1/releasestream/:stream';
    this.server = new SimServer({
      name: 'Release controller',
      routes: [
        { method: 'GET', pattern: `${rs}/latest`, handler: (r) => this.latest(r) },
        { method: 'GET', pattern: `${rs}/release/:name`, handler: (r) => this.release(r) },
        { method: 'GET', pattern: `${rs}/tags`, handler: (r) => this.tags(r) },
        { method: 'GET', pattern: '/v2/auth', handler: (r) => this.token(r) },
        { method: 'GET', pattern: '/v2/*repo/manifests/:ref', handler: (r) => this.manifest(r) },
        { method: 'GET', pattern: '/v2/*repo/blobs/:digest', handler: (r) => this.blob(r) },
        { method: 'GET', pattern: '/errata/:advisory', handler: (r) => this.metadataPage(r) },
        { method: 'GET', pattern: '/signatures/:digest/signature-1', handler: (r) => this.signature(r) },
        { method: 'GET', pattern: '/v1/images/nvr/:nvr', handler: (r) => this.pyxisImages(r) },
        { method: 'GET', pattern: '/api/containers/v1/images', handler: (r) => this.catalogImages(r) },
        { method: 'GET', pattern: '/api/containers/v1/images/id/:id/vulnerabilities', handler: (r) => this.catalogVulns(r) },
        { method: 'GET', pattern: '/advisories/:name', handler: (r) => this.advisory(r) },
      ],
    });
  }

  /** Base URL to give SIGNATURE_URL. */
  get signatureBase(): string {
    return `${this.url}/signatures/`;
  }

  /**
   * A release in its stream (default `<major>-stable`), its release image in the registry, and its
   * metadata page (reachable or not).
   */
  seedRelease(r: {
    name: string;
    stream?: string;
    phase?: string;
    arch?: string;
    digestReadsLeft?: number;
    changeLog?: boolean;
    metadataAccessible?: boolean;
    metadataUrl?: string;
    pullSpec?: string;
    /** The payload's component images (`image-references` `spec.tags[]`). */
    images?: { name: string; pullSpec: string }[];
  }): SimRelease {
    const arch = r.arch ?? 'x86_64';
    const stream = r.stream ?? (r.name.includes('nightly') ? `${r.name.split('.').slice(0, 2).join('.')}.0-0.nightly` : `${r.name.split('.')[0]}-stable`);
    const pullSpec = r.pullSpec ?? `quay.io/openshift-release-dev/ocp-release:${r.name}-${arch}`;
    const metadataUrl = r.metadataUrl ?? `${this.url}/errata/RHBA-2026:${++this.advisoryCounter}`;
    const repo = pullSpec.slice(pullSpec.indexOf('/') + 1, pullSpec.lastIndexOf(':'));
    const tag = pullSpec.slice(pullSpec.lastIndexOf(':') + 1);
    // Base layer without the file, top layer with release-manifests/.
    const base = gzipSync(makeTar({ 'etc/os-release': 'NAME="Red Hat Enterprise Linux CoreOS"\n' }));
    const top = gzipSync(
      makeTar({
        'release-manifests/image-references': JSON.stringify({
          kind: 'ImageStream',
          apiVersion: 'image.openshift.io/v1',
          metadata: { name: r.name },
          spec: { tags: (r.images ?? []).map((i) => ({ name: i.name, from: { kind: 'DockerImage', name: i.pullSpec } })) },
        }),
        'release-manifests/release-metadata': JSON.stringify({ kind: 'cincinnati-metadata-v0', version: r.name, previous: [], metadata: { url: metadataUrl } }),
      }),
    );
    const layers = [base, top].map((b) => {
      const d = sha256(b);
      this.blobs.set(d, b);
      return { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d, size: b.length };
    });
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { 'io.openshift.release': r.name } } });
    this.blobs.set(sha256(config), new TextEncoder().encode(config));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
      layers,
    });
    const digest = sha256(manifest);
    this.manifests.set(`${repo}:${tag}`, { body: manifest, digest });
    this.manifests.set(`${repo}@${digest}`, { body: manifest, digest });
    const release: SimRelease = {
      name: r.name,
      stream,
      phase: r.phase ?? 'Accepted',
      pullSpec,
      digest,
      digestReadsLeft: r.digestReadsLeft ?? 0,
      changeLog: r.changeLog ?? true,
      metadataUrl,
    };
    this.releases.push(release);
    const path = new URL(metadataUrl).pathname;
    this.metadataPages.set(path, r.metadataAccessible ?? false);
    return release;
  }

  /**
   * A component image in the registry (`registry/repo@sha256:...` or `:tag` pull specs both work):
   * with `multiArch` a manifest list whose linux/amd64 entry carries the labels. Returns the
   * amd64 manifest digest, the list digest ('' when single-arch) and the pull spec by digest.
   */
  seedImage(repository: string, o: { labels?: Record<string, string>; multiArch?: boolean; tag?: string } = {}): { digest: string; listDigest: string; pullSpec: (digest?: string) => string } {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: o.labels ?? {} } });
    this.blobs.set(sha256(config), new TextEncoder().encode(config));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
      layers: [],
    });
    const digest = sha256(manifest);
    this.manifests.set(`${repository}@${digest}`, { body: manifest, digest });
    let top = { body: manifest, digest };
    let listDigest = '';
    if (o.multiArch) {
      const list = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [
          { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: sha256(`${digest}-arm64`), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      });
      listDigest = sha256(list);
      top = { body: list, digest: listDigest };
      this.manifests.set(`${repository}@${listDigest}`, top);
    }
    if (o.tag) this.manifests.set(`${repository}:${o.tag}`, top);
    const host = new URL(this.url).host;
    return { digest, listDigest, pullSpec: (d = top.digest) => `${host}/${repository}@${d}` };
  }

  setMetadataAccessible(release: string, accessible: boolean): void {
    const r = this.releases.find((x) => x.name === release);
    if (!r) throw new Error(`no simulated release ${release}`);
    this.metadataPages.set(new URL(r.metadataUrl).pathname, accessible);
    this.server.record('metadata-page', release, { accessible });
  }

  seedSignature(digest: string): void {
    this.signatures.add(digest);
  }

  seedPyxisImages(nvr: string, images: { architecture: string; freshness_grades: { grade: string; start_date: string; end_date?: string }[] }[]): void {
    this.pyxis.set(nvr, images);
  }

  /** `digest` is `sha256:<hex>`. */
  seedCatalogImage(digest: string, image: Partial<SimCatalogImage>): void {
    this.catalog.set(digest, { grades: [], vulnerabilities: [], ...image });
  }

  /** A stage advisory YAML served at `/advisories/<name>`; returns its URL. */
  seedStageAdvisory(name: string, images: { containerImage: string; component: string; architecture: string }[]): string {
    this.advisories.set(name, dump({ apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'Advisory', metadata: { name }, spec: { product_name: 'OpenShift Container Platform', type: 'RHBA', content: { images } } }));
    return `${this.url}/advisories/${name}`;
  }

  // --- release controller ---------------------------------------------------------------------------------

  private inStream(stream: string): SimRelease[] {
    return this.releases.filter((r) => r.stream === stream);
  }

  private tagJson(r: SimRelease): Record<string, unknown> {
    return { name: r.name, phase: r.phase, pullSpec: r.pullSpec, downloadURL: `${this.url}/download/${r.name}` };
  }

  private latest(req: SimRequest): SimResponse {
    const prefix = req.query.get('prefix');
    const accepted = this.inStream(req.params.stream ?? '').filter((r) => r.phase === 'Accepted' && (!prefix || r.name.startsWith(`${prefix}.`)));
    const newest = accepted.at(-1);
    if (!newest) throw new SimHttpError(404, { message: 'no tags exist within the release that satisfy the request' });
    return { json: this.tagJson(newest) };
  }

  private release(req: SimRequest): SimResponse {
    const r = this.inStream(req.params.stream ?? '').find((x) => x.name === req.params.name);
    if (!r) throw new SimHttpError(404, { message: `release ${req.params.name} not found` });
    const body: Record<string, unknown> = { name: r.name, phase: r.phase, results: { blockingJobs: {}, informingJobs: {} } };
    if (r.changeLog) {
      const ready = r.digestReadsLeft <= 0;
      if (!ready) r.digestReadsLeft -= 1;
      const to: Record<string, unknown> = { name: r.name, created: '2026-07-01T08:53:04Z' };
      if (ready) to.digest = r.digest;
      const previous = this.inStream(r.stream).filter((x) => x !== r).at(-1);
      body.changeLogJson = { from: previous ? { name: previous.name, digest: previous.digest } : {}, to, components: [] };
    }
    return { json: body };
  }

  private tags(req: SimRequest): SimResponse {
    const stream = req.params.stream ?? '';
    return { json: { name: stream, tags: [...this.inStream(stream)].reverse().map((r) => this.tagJson(r)) } };
  }

  // --- registry -------------------------------------------------------------------------------------------

  private registryAuthorized(req: SimRequest): SimResponse | undefined {
    if (this.opts.registryAuth === false) return undefined;
    if (req.headers.authorization === `Bearer ${this.registryToken}`) return undefined;
    const repo = req.params.repo ?? '';
    return {
      status: 401,
      json: { errors: [{ code: 'UNAUTHORIZED', message: 'access to the requested resource is not authorized' }] },
      headers: { 'www-authenticate': `Bearer realm="${this.url}/v2/auth",service="sim-registry",scope="repository:${repo}:pull"` },
    };
  }

  private token(req: SimRequest): SimResponse {
    if (req.query.get('service') !== 'sim-registry') throw new SimHttpError(400, { error: 'unknown service' });
    return { json: { token: this.registryToken } };
  }

  private manifest(req: SimRequest): SimResponse {
    const denied = this.registryAuthorized(req);
    if (denied) return denied;
    const ref = req.params.ref ?? '';
    const m = this.manifests.get(`${req.params.repo}${ref.startsWith('sha256:') ? '@' : ':'}${ref}`);
    if (!m) throw new SimHttpError(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    const mediaType = (JSON.parse(m.body) as { mediaType?: string }).mediaType ?? 'application/vnd.docker.distribution.manifest.v2+json';
    return { text: m.body, headers: { 'content-type': mediaType, 'docker-content-digest': m.digest } };
  }

  private blob(req: SimRequest): SimResponse {
    const denied = this.registryAuthorized(req);
    if (denied) return denied;
    const b = this.blobs.get(req.params.digest ?? '');
    if (!b) throw new SimHttpError(404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] });
    return { bytes: b };
  }

  // --- metadata pages, signatures ---------------------------------------------------------------------------------

  private metadataPage(req: SimRequest): SimResponse {
    const reachable = this.metadataPages.get(req.path);
    if (!reachable) return { status: 404, text: '<html><body>Page not found</body></html>', headers: { 'content-type': 'text/html' } };
    return { text: `<html><body><h1>${req.params.advisory}</h1></body></html>`, headers: { 'content-type': 'text/html' } };
  }

  private signature(req: SimRequest): SimResponse {
    const digest = (req.params.digest ?? '').replace('=', ':');
    if (!this.signatures.has(digest)) return { status: 404, text: 'Not Found' };
    return { bytes: new TextEncoder().encode(`-----BEGIN PGP SIGNATURE-----\n${digest}\n-----END PGP SIGNATURE-----\n`) };
  }

  // --- Pyxis and catalog -------------------------------------------------------------------------------------------

  private pyxisImages(req: SimRequest): SimResponse {
    const images = this.pyxis.get(req.params.nvr ?? '') ?? [];
    return { json: { data: images.map((i, n) => ({ _id: `pyxis-${n}`, ...i })), page: 0, page_size: 50, total: images.length } };
  }

  private catalogImages(req: SimRequest): SimResponse {
    const filter = req.query.get('filter') ?? '';
    const m = /^image_id==(.+)$/.exec(filter);
    if (!m) throw new SimHttpError(400, { detail: 'unsupported filter' });
    const id = m[1]!;
    const image = this.catalog.get(id);
    const data = image
      ? [{ _id: `img-${id.slice(7, 19)}`, image_id: id, freshness_grades: image.grades, _links: { vulnerabilities: { href: `/v1/images/id/img-${id.slice(7, 19)}/vulnerabilities` } } }]
      : [];
    return { json: { data, page: 0, page_size: 100, total: data.length } };
  }

  private catalogVulns(req: SimRequest): SimResponse {
    const suffix = (req.params.id ?? '').replace(/^img-/, '');
    const entry = [...this.catalog.entries()].find(([d]) => d.slice(7, 19) === suffix);
    if (!entry) throw new SimHttpError(404, { detail: 'image not found' });
    return { json: { data: entry[1].vulnerabilities, page: 0, page_size: 100, total: entry[1].vulnerabilities.length } };
  }

  private advisory(req: SimRequest): SimResponse {
    const text = this.advisories.get(req.params.name ?? '');
    if (text === undefined) throw new SimHttpError(404, 'Not Found');
    return { text, headers: { 'content-type': 'application/yaml' } };
  }
}

export async function startReleaseSimulator(opts: ReleaseSimulatorOptions = {}): Promise<ReleaseSimulator> {
  const sim = new ReleaseSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
