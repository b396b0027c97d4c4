/**
 * OpenShift release controller (agents 6.1, oar-commands 9.9), and the result of the payload
 * metadata URL check of the async approval (9.10; the check itself is payload-metadata.ts).
 */
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';
import type { Config } from '../config/env.ts';
import { ARCHES, type Arch } from './release-controller/constants.ts';

export const SYSTEM = 'Release controller';
export const DEFAULT_RELEASE_CONTROLLER_URL = 'https://{arch}.ocp.releases.ci.openshift.org';
export { ARCHES, type Arch };
export type StreamKind = 'nightly' | 'stable';

export function assertArch(arch: string): asserts arch is Arch {
  if (!(ARCHES as readonly string[]).includes(arch)) throw new IntegrationError({ system: SYSTEM, operation: 'choosing an architecture', userMessage: `invalid architecture ${arch}` });
}

/** `4.19.0-0.nightly[-arm64]` or `4-stable[-arm64]`. */
export function streamName(kind: StreamKind, ystream: string, arch: Arch = 'amd64'): string {
  const suffix = arch === 'amd64' ? '' : `-${arch}`;
  if (kind === 'nightly') return `${ystream}.0-0.nightly${suffix}`;
  return `${ystream.split('.')[0]}-stable${suffix}`;
}

/** `4.19` from `4.19.0-0.nightly-2026-07-01-085304` or `4.19.1`. */
export function buildYStream(name: string): string {
  const m = /^(\d+)\.(\d+)\./.exec(name);
  if (!m) throw new IntegrationError({ system: SYSTEM, operation: 'reading a build name', userMessage: `invalid build name ${name}` });
  return `${m[1]}.${m[2]}`;
}

export const ReleaseBuildSchema = z.looseObject({ name: z.string(), phase: z.string().nullish(), pullSpec: z.string(), downloadURL: z.string().nullish() });
export type ReleaseBuild = z.infer<typeof ReleaseBuildSchema>;

const ReleaseInfoSchema = z.looseObject({
  name: z.string(),
  phase: z.string().nullish(),
  changeLogJson: z
    .looseObject({
      to: z.looseObject({ name: z.string().nullish(), digest: z.string().nullish(), created: z.string().nullish() }).nullish(),
      from: z.looseObject({ name: z.string().nullish(), digest: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

export interface ReleaseDetails {
  name: string;
  phase: string | undefined;
  /** `changeLogJson.to.digest` (e.g. `sha256:...`); undefined while the controller has not computed it. */
  digest: string | undefined;
  /** Whether the answer had a `changeLogJson` at all. */
  hasChangeLog: boolean;
  previous: string | undefined;
}

const TagsSchema = z.looseObject({ name: z.string(), tags: z.array(ReleaseBuildSchema) });

export interface ReleaseControllerOptions extends TransportOptions {
  /** May contain `{arch}`; without it the same host serves every architecture. */
  baseUrl?: string;
  /** Default 5 (HttpClient's is 3). */
  retries?: number;
}

export class ReleaseControllerClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;

  constructor(opts: ReleaseControllerOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_RELEASE_CONTROLLER_URL).replace(/\/+$/, '');
    // Absolute URLs are built per architecture; the client's own base is only a placeholder.
    this.http = new HttpClient({
      system: SYSTEM,
      baseUrl: this.apiBase('amd64'),
      ...transportOptions(opts),
      retries: opts.retries ?? 5,
    });
  }

  /** RELEASE_CONTROLLER_URL, else the ConfigStore's release_url, else the public default. */
  static fromConfig(config: Config, deps: { releaseUrl?: string; fetch?: FetchLike; observer?: CallObserver } = {}): ReleaseControllerClient {
    const baseUrl = config.RELEASE_CONTROLLER_URL ?? deps.releaseUrl;
    return new ReleaseControllerClient({ ...(baseUrl ? { baseUrl } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.observer ? { observer: deps.observer } : {}) });
  }

  /** `https://arm64.ocp.releases.ci.openshift.org/api/v1/releasestream` */
  apiBase(arch: Arch): string {
    return `${this.baseUrl.replaceAll('{arch}', arch)}/api/v1/releasestream`;
  }

  /** Latest build of a stream; for stable a 404 falls back to `<major>-dev-preview` (no GA yet). */
  async latest(p: { ystream: string; kind: StreamKind; arch?: Arch }): Promise<ReleaseBuild | null> {
    const arch = p.arch ?? 'amd64';
    assertArch(arch);
    const stream = streamName(p.kind, p.ystream, arch);
    const url = `${this.apiBase(arch)}/${stream}/latest`;
    const query = p.kind === 'stable' ? { prefix: p.ystream } : undefined;
    const first = await this.getOrNull(`reading the latest build of ${stream}${query ? ` for ${p.ystream}` : ''}`, url, ReleaseBuildSchema, query);
    if (first || p.kind === 'nightly') return first;
    const suffix = arch === 'amd64' ? '' : `-${arch}`;
    const preview = `${p.ystream.split('.')[0]}-dev-preview${suffix}`;
    return this.getOrNull(`reading the latest build of ${preview}`, `${this.apiBase(arch)}/${preview}/latest`, ReleaseBuildSchema);
  }

  latestStable(ystream: string, arch: Arch = 'amd64'): Promise<ReleaseBuild | null> {
    return this.latest({ ystream, kind: 'stable', arch });
  }

  /** The stream a build belongs to: nightly builds by name, everything else `<major>-stable`. */
  streamOf(buildName: string, arch: Arch = 'amd64'): string {
    return streamName(buildName.includes('nightly') ? 'nightly' : 'stable', buildYStream(buildName), arch);
  }

  /** Details of one release (`.../release/<name>`), or null when the controller does not know it. */
  async release(name: string, opts: { arch?: Arch; stream?: string } = {}): Promise<ReleaseDetails | null> {
    const arch = opts.arch ?? 'amd64';
    assertArch(arch);
    const stream = opts.stream ?? this.streamOf(name, arch);
    const data = await this.getOrNull(`reading release ${name} of ${stream}`, `${this.apiBase(arch)}/${stream}/release/${encodeURIComponent(name)}`, ReleaseInfoSchema);
    if (!data) return null;
    return {
      name: data.name,
      phase: data.phase ?? undefined,
      digest: data.changeLogJson?.to?.digest ?? undefined,
      hasChangeLog: data.changeLogJson != null,
      previous: data.changeLogJson?.from?.name ?? undefined,
    };
  }

  /** Every tag of a stream (name, phase, pullSpec), oldest to newest as the controller sends them. */
  async tags(stream: string, arch: Arch = 'amd64'): Promise<ReleaseBuild[]> {
    assertArch(arch);
    const data = await this.http.request(`listing the tags of ${stream}`, { path: `${this.apiBase(arch)}/${stream}/tags`, schema: TagsSchema });
    return data.tags;
  }

  /** The tag of one release in its stream, or undefined. */
  async findTag(name: string, arch: Arch = 'amd64'): Promise<ReleaseBuild | undefined> {
    return (await this.tags(this.streamOf(name, arch), arch)).find((t) => t.name === name);
  }

  private async getOrNull<T>(operation: string, url: string, schema: z.ZodType<T>, query?: Record<string, string>): Promise<T | null> {
    try {
      return await this.http.request(operation, { path: url, schema, ...(query ? { query } : {}) });
    } catch (e) {
      if (e instanceof IntegrationError && e.status === 404) return null;
      throw e;
    }
  }
}

// --- payload metadata URL (async approval) --------------------------------------------------------------

export interface MetadataCheck {
  accessible: boolean;
  release: string;
  pullSpec?: string;
  metadataUrl?: string;
  /** HTTP status of the metadata URL, when it answered. */
  status?: number;
  /** One sentence: why it is (not) accessible. */
  reason: string;
  /** The original's log lines, in order. */
  lines: string[];
}
