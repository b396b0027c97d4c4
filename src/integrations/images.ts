/**
 * Image checks: the payload digest and its signature (image-signed-check, 6.7), release images in
 * a registry (payload metadata), freshness grades from Pyxis (Errata flow) and the container catalog
 * (Konflux flow), and the image-health orchestration of 10.5 / 11.7. Grading rules are pure and live
 * in src/release/image-health.ts.
 */
import { gunzipSync } from 'node:zlib';
import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';
import type { Config } from '../config/env.ts';
import type { Arch, ReleaseControllerClient } from './release-controller.ts';
import type { ErrataAuthProvider } from './errata/auth.ts';


export const DEFAULT_PYXIS_URL = 'https://pyxis.engineering.redhat.com';
export const DEFAULT_CATALOG_URL = 'https://catalog.redhat.com';
export const DEFAULT_CATALOG_STAGE_URL = 'https://catalog.stage.redhat.com';

// --- payload digest (image-signed-check) -------------------------------------------------------------------

export interface DigestLookupOptions {
  /** Retries while the controller has no digest yet (OAR_IMAGE_DIGEST_RETRIES). */
  retries: number;
  /** Delay between them (OAR_IMAGE_DIGEST_RETRY_MS). */
  retryMs: number;
  arch?: Arch;
  /** Receives the original's log lines (`Getting digest from <url>`, `E001: ...`). */
  log?: (level: 'info' | 'warn' | 'error', line: string) => void;
  signal?: AbortSignal;
}

/** OAR_IMAGE_DIGEST_RETRIES / OAR_IMAGE_DIGEST_RETRY_MS. */
export function digestLookupOptions(config: Config): Pick<DigestLookupOptions, 'retries' | 'retryMs'> {
  return { retries: config.OAR_IMAGE_DIGEST_RETRIES, retryMs: config.OAR_IMAGE_DIGEST_RETRY_MS };
}

class DigestNotYet extends Error {}

/**
 * `changeLogJson.to.digest` of `<major>-stable/release/<release>`, retried a bounded number of times
 * while it is missing (the original slept 16 x 30 s and then discarded the result: defect 8). An HTTP
 * failure or a missing `changeLogJson` ends the lookup at once.
 */
export async function lookupPayloadDigest(rc: ReleaseControllerClient, release: string, opts: DigestLookupOptions): Promise<{ digest: string; url: string }> {
  const arch = opts.arch ?? 'amd64';
  const stream = `${release.split('.')[0]}-stable${arch === 'amd64' ? '' : `-${arch}`}`;
  const url = `${rc.apiBase(arch)}/${stream}/release/${release}`;
  opts.log?.('info', `Getting digest from ${url}`);
  const seconds = Math.round(opts.retryMs / 1000);
  try {
    return await pRetry(
      async () => {
        const details = await rc.release(release, { arch, stream }).catch((e: unknown) => {
          throw new AbortError(e instanceof Error ? e : new Error(String(e)));
        });
        if (!details) {
          throw new AbortError(new IntegrationError({ system: 'Release controller', operation: `reading release ${release}`, status: 404, userMessage: `Release ${release} was not found in release stream ${stream}` }));
        }
        if (!details.hasChangeLog) {
          opts.log?.('info', 'No changeLogJson element is found!');
          throw new AbortError(new IntegrationError({ system: 'Release controller', operation: `reading release ${release}`, userMessage: "No 'changeLogJson' element is found!" }));
        }
        if (!details.digest) throw new DigestNotYet();
        return { digest: details.digest, url };
      },
      {
        retries: opts.retries,
        minTimeout: opts.retryMs,
        maxTimeout: opts.retryMs,
        factor: 1,
        randomize: false,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (error instanceof DigestNotYet && retriesLeft > 0) opts.log?.('warn', `E001: No image digest found, going to retry after ${seconds} seconds`);
        },
      },
    );
  } catch (e) {
    if (e instanceof DigestNotYet) {
      const line = `Image digest failed to show after ${opts.retries} retries!`;
      opts.log?.('error', line);
      throw new IntegrationError({ system: 'Release controller', operation: `reading the digest of ${release}`, userMessage: line });
    }
    throw e;
  }
}

// --- signatures ----------------------------------------------------------------------------------------------

/** `<signature_url>sha256=<hex>/signature-1` */
export function signatureUrl(base: string, digest: string): string {
  const b = base.endsWith('/') ? base : `${base}/`;
  return `${b}${digest.replace(':', '=')}/signature-1`;
}

export interface SignatureCheck {
  signed: boolean;
  url: string;
  status: number;
}

export class SignatureClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  constructor(opts: TransportOptions & { baseUrl: string }) {
    this.baseUrl = opts.baseUrl;
    this.http = new HttpClient({ system: 'Signature mirror', baseUrl: opts.baseUrl, ...transportOptions(opts) });
  }

  /** SIGNATURE_URL, else the ConfigStore's signature_url. */
  static fromConfig(config: Config, deps: { signatureUrl?: string; fetch?: FetchLike; observer?: CallObserver } = {}): SignatureClient {
    const baseUrl = config.SIGNATURE_URL ?? deps.signatureUrl;
    if (!baseUrl) throw new IntegrationError({ system: 'Signature mirror', operation: 'configuring the signature check', userMessage: 'The signature mirror is not configured: set SIGNATURE_URL (or signature_url in the ConfigStore)' });
    return new SignatureClient({ baseUrl, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.observer ? { observer: deps.observer } : {}) });
  }

  /** 2xx: signed; 404: not signed; anything else is an error (after retries for 5xx). */
  async check(digest: string): Promise<SignatureCheck> {
    const url = signatureUrl(this.baseUrl, digest);
    const res = (await this.http.request(`reading the signature of ${digest}`, { path: url, okStatuses: [404], responseType: 'response', headers: { accept: '*/*' } })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    await res.body?.cancel();
    return { signed: res.ok, url, status: res.status };
  }
}

// --- registry (release images) ---------------------------------------------------------------------------------

export interface ImageRef {
  registry: string;
  repository: string;
  /** Tag or `sha256:...` digest. */
  reference: string;
}

export function parsePullspec(pullspec: string): ImageRef {
  const spec = pullspec.trim();
  const at = spec.indexOf('@');
  let name = at >= 0 ? spec.slice(0, at) : spec;
  let reference = at >= 0 ? spec.slice(at + 1) : 'latest';
  if (at < 0) {
    const colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      reference = name.slice(colon + 1);
      name = name.slice(0, colon);
    }
  }
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? name.slice(first.length + 1) : name;
  if (!hasRegistry && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository || !reference) throw new IntegrationError({ system: 'Registry', operation: 'reading a pull spec', userMessage: `Invalid image pull spec: ${pullspec}` });
  return { registry, repository, reference };
}

/** Finds a regular file in an (uncompressed) tar archive; supports ustar prefixes, GNU long names and PAX paths. */
export function findTarEntry(tar: Uint8Array, wanted: (path: string) => boolean): Uint8Array | undefined {
  const dec = new TextDecoder();
  const str = (b: Uint8Array, start: number, len: number) => {
    const slice = b.subarray(start, start + len);
    const end = slice.indexOf(0);
    return dec.decode(end >= 0 ? slice.subarray(0, end) : slice);
  };
  let off = 0;
  let nextName: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(str(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const ustar = str(header, 257, 6).startsWith('ustar');
    const prefix = ustar ? str(header, 345, 155) : '';
    const base = str(header, 0, 100);
    const path = (nextName ?? (prefix ? `${prefix}/${base}` : base)).replace(/^\.\//, '');
    const data = tar.subarray(off + 512, off + 512 + size);
    nextName = undefined;
    if (type === 'L') nextName = str(data, 0, size);
    else if (type === 'x') nextName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(dec.decode(data))?.[1];
    else if ((type === '0' || type === '\0') && wanted(path)) return data;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const IndexSchema = z.looseObject({
  manifests: z.array(z.looseObject({ digest: z.string(), platform: z.looseObject({ os: z.string().nullish(), architecture: z.string().nullish() }).nullish() })),
});
const ManifestSchema = z.looseObject({
  config: z.looseObject({ digest: z.string() }).nullish(),
  layers: z.array(z.looseObject({ digest: z.string(), mediaType: z.string().nullish(), size: z.number().nullish() })),
});
const ImageConfigSchema = z.looseObject({ config: z.looseObject({ Labels: z.record(z.string(), z.string()).nullish() }).nullish() });
const ImageReferencesSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().nullish() }).nullish(),
  spec: z.looseObject({ tags: z.array(z.looseObject({ name: z.string(), from: z.looseObject({ name: z.string() }).nullish() })).nullish() }).nullish(),
});

/** What `oc image info --filter-by-os linux/amd64 -o json` gave the original: digests and labels. */
export interface ImageInfo {
  /** Digest of the linux/amd64 image manifest. */
  digest: string;
  /** Digest of the manifest list when the image is multi-arch; '' otherwise. */
  listDigest: string;
  labels: Record<string, string>;
}

/** One image of a release payload (`release-manifests/image-references`: `spec.tags[]`). */
export interface PayloadImage {
  name: string;
  pullspec: string;
}
const ReleaseMetadataSchema = z.looseObject({ version: z.string().nullish(), metadata: z.looseObject({ url: z.string().nullish() }).nullish() });

export interface ReleaseMetadata {
  version: string | undefined;
  metadataUrl: string | undefined;
  raw: Record<string, unknown>;
}

export class RegistryClient {
  private readonly http: HttpClient;
  private readonly override: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(opts: TransportOptions & { baseUrl?: string } = {}) {
    this.override = opts.baseUrl?.replace(/\/+$/, '');
    this.http = new HttpClient({ system: 'Registry', baseUrl: this.override ?? 'https://quay.io', ...transportOptions(opts), timeoutMs: opts.timeoutMs ?? 60_000 });
  }

  static fromConfig(config: Config, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): RegistryClient {
    return new RegistryClient({ ...(config.OAR_REGISTRY_URL ? { baseUrl: config.OAR_REGISTRY_URL } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.observer ? { observer: deps.observer } : {}) });
  }

  private v2(ref: ImageRef, path: string): string {
    return `${this.override ?? `https://${ref.registry}`}/v2/${ref.repository}/${path}`;
  }

  /** GET with the registry token dance (401 + `WWW-Authenticate: Bearer realm=...`). */
  private async get(ref: ImageRef, path: string, operation: string, accept: string): Promise<Response> {
    const send = async () => {
      const token = this.tokens.get(ref.repository);
      return (await this.http.request(operation, {
        path: this.v2(ref, path),
        headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        okStatuses: [401],
        responseType: 'response',
      })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    };
    let res = await send();
    if (res.status !== 401) return res;
    await res.body?.cancel();
    const challenge = res.headers.get('www-authenticate') ?? '';
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
    if (!/^Bearer/i.test(challenge) || !params.realm) throw new IntegrationError({ system: 'Registry', operation, status: 401, detail: 'the registry asks for credentials oar-bot does not have' });
    const tokenData = await this.http.request(`getting a registry token for ${ref.repository}`, {
      path: params.realm,
      query: { service: params.service, scope: params.scope ?? `repository:${ref.repository}:pull` },
      schema: z.looseObject({ token: z.string().nullish(), access_token: z.string().nullish() }),
    });
    const token = tokenData.token ?? tokenData.access_token;
    if (!token) throw new IntegrationError({ system: 'Registry', operation, status: 401, detail: 'the token service returned no token' });
    this.tokens.set(ref.repository, token);
    res = await send();
    if (res.status === 401) throw new IntegrationError({ system: 'Registry', operation, status: 401 });
    return res;
  }

  /** The image manifest (an index resolved to linux/amd64) and the digest the registry reported. */
  async manifest(pullspec: string): Promise<{ ref: ImageRef; digest: string | undefined; layers: { digest: string; mediaType?: string | null }[] }> {
    const ref = parsePullspec(pullspec);
    const operation = `reading the manifest of ${pullspec}`;
    let res = await this.get(ref, `manifests/${ref.reference}`, operation, MANIFEST_ACCEPT);
    const digest = res.headers.get('docker-content-digest') ?? undefined;
    let body: unknown = await res.json();
    const index = IndexSchema.safeParse(body);
    if (index.success && !(body as { layers?: unknown }).layers) {
      const pick = index.data.manifests.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64') ?? index.data.manifests[0];
      if (!pick) throw new IntegrationError({ system: 'Registry', operation, detail: 'empty image index' });
      res = await this.get(ref, `manifests/${pick.digest}`, operation, MANIFEST_ACCEPT);
      body = await res.json();
    }
    const manifest = ManifestSchema.safeParse(body);
    if (!manifest.success) throw new IntegrationError({ system: 'Registry', operation, detail: 'unexpected manifest' });
    return { ref, digest, layers: manifest.data.layers };
  }

  /**
   * Digests and labels of an image, as `oc image info --filter-by-os linux/amd64`: an index is
   * resolved to its linux/amd64 manifest (its own digest is `listDigest`); labels come from the
   * image config blob.
   */
  async imageInfo(pullspec: string): Promise<ImageInfo> {
    const ref = parsePullspec(pullspec);
    const operation = `reading the image info of ${pullspec}`;
    let res = await this.get(ref, `manifests/${ref.reference}`, operation, MANIFEST_ACCEPT);
    const first = res.headers.get('docker-content-digest') ?? (ref.reference.startsWith('sha256:') ? ref.reference : '');
    let body: unknown = await res.json();
    let digest = first;
    let listDigest = '';
    const index = IndexSchema.safeParse(body);
    if (index.success && !(body as { layers?: unknown }).layers) {
      const pick = index.data.manifests.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64');
      if (!pick) throw new IntegrationError({ system: 'Registry', operation, detail: 'no linux/amd64 image in the manifest list' });
      listDigest = first;
      digest = pick.digest;
      res = await this.get(ref, `manifests/${pick.digest}`, operation, MANIFEST_ACCEPT);
      body = await res.json();
    }
    const manifest = ManifestSchema.safeParse(body);
    if (!manifest.success || !manifest.data.config) throw new IntegrationError({ system: 'Registry', operation, detail: 'unexpected manifest' });
    const cfg = await this.get(ref, `blobs/${manifest.data.config.digest}`, operation, '*/*');
    const parsed = ImageConfigSchema.safeParse(await cfg.json());
    if (!parsed.success) throw new IntegrationError({ system: 'Registry', operation, detail: 'unexpected image config' });
    return { digest, listDigest, labels: { ...(parsed.data.config?.Labels ?? {}) } };
  }

  /**
   * The images of a release payload (`oc adm release info --pullspecs`): `release-manifests/image-references`
   * `spec.tags[]` as (name, pull spec), and the version from `release-metadata`.
   */
  async releaseImages(pullspec: string): Promise<{ version: string | undefined; images: PayloadImage[] }> {
    const operation = `reading the image references of ${pullspec}`;
    const bytes = await this.readFile(pullspec, 'release-manifests/image-references');
    if (!bytes) throw new IntegrationError({ system: 'Registry', operation, userMessage: `${pullspec} has no release-manifests/image-references` });
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new IntegrationError({ system: 'Registry', operation, cause: e, detail: 'image-references is not JSON' });
    }
    const parsed = ImageReferencesSchema.safeParse(data);
    if (!parsed.success) throw new IntegrationError({ system: 'Registry', operation, detail: 'unexpected image-references' });
    const images = (parsed.data.spec?.tags ?? []).filter((t) => t.from?.name).map((t) => ({ name: t.name, pullspec: t.from!.name }));
    const { version } = await this.releaseMetadata(pullspec);
    return { version, images };
  }

  /** A file from the image's layers, searched from the top layer down. */
  async readFile(pullspec: string, path: string): Promise<Uint8Array | undefined> {
    const { ref, layers } = await this.manifest(pullspec);
    const want = (p: string) => p === path || p === `/${path}`;
    for (const layer of [...layers].reverse()) {
      const res = await this.get(ref, `blobs/${layer.digest}`, `reading layer ${layer.digest.slice(0, 19)} of ${pullspec}`, '*/*');
      let bytes: Uint8Array = new Uint8Array(await res.arrayBuffer());
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      const found = findTarEntry(bytes, want);
      if (found) return found;
    }
    return undefined;
  }

  /** `release-manifests/release-metadata` of a release image: the version and `metadata.url`. */
  async releaseMetadata(pullspec: string): Promise<ReleaseMetadata> {
    const bytes = await this.readFile(pullspec, 'release-manifests/release-metadata');
    if (!bytes) throw new IntegrationError({ system: 'Registry', operation: `reading the release metadata of ${pullspec}`, userMessage: `${pullspec} has no release-manifests/release-metadata` });
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new IntegrationError({ system: 'Registry', operation: `reading the release metadata of ${pullspec}`, cause: e, detail: 'release-metadata is not JSON' });
    }
    const parsed = ReleaseMetadataSchema.safeParse(data);
    if (!parsed.success) throw new IntegrationError({ system: 'Registry', operation: `reading the release metadata of ${pullspec}`, detail: 'unexpected release-metadata' });
    return { version: parsed.data.version ?? undefined, metadataUrl: parsed.data.metadata?.url ?? undefined, raw: parsed.data };
  }
}

// --- Pyxis (Errata-flow grades) ----------------------------------------------------------------------------------

const PyxisImages = z.looseObject({
  data: z.array(z.looseObject({ architecture: z.string(), freshness_grades: z.array(z.looseObject({ grade: z.string(), start_date: z.string().nullish(), end_date: z.string().nullish() })).nullish() })),
});
export type PyxisImage = z.infer<typeof PyxisImages>['data'][number];

export class PyxisClient {
  private readonly http: HttpClient;
  constructor(opts: TransportOptions & { baseUrl?: string; auth?: ErrataAuthProvider } = {}) {
    const auth = opts.auth;
    this.http = new HttpClient({
      system: 'Pyxis',
      baseUrl: opts.baseUrl ?? DEFAULT_PYXIS_URL,
      ...(auth ? { headers: () => auth.headers() } : {}),
      ...transportOptions(opts),
    });
  }

  static fromConfig(config: Config, deps: { auth?: ErrataAuthProvider; fetch?: FetchLike; observer?: CallObserver } = {}): PyxisClient {
    return new PyxisClient({ baseUrl: config.PYXIS_URL ?? DEFAULT_PYXIS_URL, ...(deps.auth ? { auth: deps.auth } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.observer ? { observer: deps.observer } : {}) });
  }

  /** Images of a build (one per architecture) with their freshness grades. */
  async imagesByNvr(nvr: string): Promise<PyxisImage[]> {
    const data = await this.http.request(`reading the Pyxis images of ${nvr}`, {
      path: `/v1/images/nvr/${encodeURIComponent(nvr)}`,
      query: { include: ['data.freshness_grades', 'data.architecture'] },
      schema: PyxisImages,
    });
    return data.data;
  }
}

// --- container catalog (Konflux grades, released images) -----------------------------------------------------------

const CatalogImages = z.looseObject({
  data: z.array(
    z.looseObject({
      freshness_grades: z.array(z.looseObject({ grade: z.string(), start_date: z.string().nullish(), end_date: z.string().nullish() })).nullish(),
      _links: z.looseObject({ vulnerabilities: z.looseObject({ href: z.string() }).nullish() }).nullish(),
    }),
  ),
  total: z.number().nullish(),
});
const CatalogVulns = z.looseObject({ data: z.array(z.looseObject({})) });

/** An image's freshness grade in the catalog (graded by src/release/image-health.ts). */
export interface FreshnessGrade {
  grade: string;
  start_date?: string | null;
  end_date?: string | null;
}

/** A vulnerability of an image, as the catalog lists it. */
export interface Vulnerability {
  cve_id?: string | null;
  severity?: string | null;
  affected_packages?: { name?: string | null; version?: string | null }[] | null;
  packages?: { srpm_nevra?: string | string[] | null }[] | null;
}

export interface CatalogImage {
  grades: FreshnessGrade[];
  vulnerabilitiesHref: string | undefined;
}

export class CatalogClient {
  private readonly http: HttpClient;
  readonly baseUrl: string;
  constructor(opts: TransportOptions & { baseUrl: string; system?: string }) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.http = new HttpClient({ system: opts.system ?? 'Container catalog', baseUrl: this.baseUrl, ...transportOptions(opts) });
  }

  /** The stage catalog (Konflux grades): CATALOG_STAGE_URL. */
  static stageFromConfig(config: Config, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): CatalogClient {
    return new CatalogClient({ baseUrl: config.CATALOG_STAGE_URL ?? DEFAULT_CATALOG_STAGE_URL, system: 'Stage container catalog', ...deps });
  }

  /** The production catalog (released images): CATALOG_URL. */
  static prodFromConfig(config: Config, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): CatalogClient {
    return new CatalogClient({ baseUrl: config.CATALOG_URL ?? DEFAULT_CATALOG_URL, ...deps });
  }

  /** First image with this `image_id` (`sha256:<hex>`), or undefined when the catalog has none. */
  async imageByDigest(digest: string): Promise<CatalogImage | undefined> {
    const id = digest.startsWith('sha256:') ? digest : `sha256:${digest}`;
    const data = await this.http.request(`reading catalog image ${id.slice(0, 19)}`, {
      path: '/api/containers/v1/images',
      query: { filter: `image_id==${id}`, page_size: 100, page: 0 },
      schema: CatalogImages,
    });
    const first = data.data[0];
    if (!first) return undefined;
    return { grades: first.freshness_grades ?? [], vulnerabilitiesHref: first._links?.vulnerabilities?.href ?? undefined };
  }

  async vulnerabilities(href: string): Promise<Vulnerability[]> {
    const data = await this.http.request('reading image vulnerabilities', { path: `/api/containers${href.startsWith('/') ? href : `/${href}`}`, query: { page_size: 100, page: 0 }, schema: CatalogVulns });
    return data.data as Vulnerability[];
  }

  /** Whether an image with this digest has been released (`total > 0`). */
  async isReleased(digest: string): Promise<boolean> {
    const data = await this.http.request(`looking up released image ${digest.slice(0, 19)}`, { path: '/api/containers/v1/images', query: { filter: `image_id==${digest}` }, schema: CatalogImages });
    return (data.total ?? data.data.length) > 0;
  }
}
