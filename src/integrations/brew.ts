/**
 * Brew (Red Hat's koji): the two reads of the kernel stop-ship guard (oar-commands 11.10).
 *
 * - brewroot `packages/<name>/<version>/<release>/metadata.json` of an RHCOS build: the kernel
 *   RPM among its components;
 * - koji XML-RPC `listTags(build=<kernel NVR>)` on the hub: the tags of that kernel build.
 *
 * Both are anonymous in koji (listTags needs no login; brewroot is a plain file tree), so no
 * Kerberos is needed here. XML-RPC bodies are built and read with @foxglove/xmlrpc; the transport
 * is the shared HttpClient (timeout, AbortSignal, retries: listTags is a read, so it is retried).
 */
import type { XmlRpcValue } from '@foxglove/xmlrpc';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { onFirstUse } from '../lazy-import.ts';
import { HttpClient, IntegrationError, transportOptions, type TransportOptions } from './http.ts';

export const DEFAULT_BREW_DOWNLOAD_URL = 'https://download.engineering.redhat.com/brewroot';
export const DEFAULT_BREW_HUB_URL = 'https://brewhub.engineering.redhat.com/brewhub';
export const KERNEL_STOP_SHIP_TAG = 'early-kernel-stop-ship';

/** A Brew or koji call that failed: the system, the operation and a sentence for users. */
export class BrewError extends IntegrationError {
  constructor(opts: ConstructorParameters<typeof IntegrationError>[0]) {
    super(opts);
    this.name = 'BrewError';
  }
}

export interface Nvr {
  name: string;
  version: string;
  release: string;
}

/**
 * `name-version-release` with version `[\d.]+` and release `\d+` (the original's regex, 11.10):
 * `rhcos-x86_64-419.96.202508121030-0` → rhcos-x86_64 / 419.96.202508121030 / 0.
 */
export function parseRhcosNvr(nvr: string): Nvr | undefined {
  const m = /^(.+)-([\d.]+)-(\d+)$/.exec(nvr);
  return m ? { name: m[1]!, version: m[2]!, release: m[3]! } : undefined;
}

/** brewroot path of a build: `name/version/release`. */
export function buildPath(nvr: Nvr): string {
  return `${nvr.name}/${nvr.version}/${nvr.release}`;
}

const BuildMetadata = z.looseObject({
  output: z
    .array(
      z.looseObject({
        components: z.array(z.looseObject({ name: z.string().optional(), version: z.union([z.string(), z.number()]).optional(), release: z.union([z.string(), z.number()]).optional() })).nullish(),
      }),
    )
    .default([]),
});

/** The first component named `kernel` in `output[].components[]` as `kernel-<version>-<release>`. */
export function kernelNvrOf(metadata: z.infer<typeof BuildMetadata>): string | undefined {
  for (const out of metadata.output) {
    for (const c of out.components ?? []) {
      if (c.name === 'kernel' && c.version !== undefined && c.release !== undefined) return `kernel-${c.version}-${c.release}`;
    }
  }
  return undefined;
}

export interface BrewClientOptions extends TransportOptions {
  downloadUrl?: string;
  hubUrl?: string;
}

/**
 * @foxglove/xmlrpc, loaded on first use: it brings xmlbuilder2 and a DOM (~140 modules, ~20 MB)
 * that a bot which never asks koji should not hold (issue 22: footprint). One load, shared.
 */
const loadXmlRpc = onFirstUse(() => import('@foxglove/xmlrpc'));

export class BrewClient {
  readonly downloadUrl: string;
  readonly hubUrl: string;
  private readonly download: HttpClient;
  private readonly hub: HttpClient;

  constructor(opts: BrewClientOptions = {}) {
    this.downloadUrl = (opts.downloadUrl ?? DEFAULT_BREW_DOWNLOAD_URL).replace(/\/+$/, '');
    this.hubUrl = opts.hubUrl ?? DEFAULT_BREW_HUB_URL;
    this.download = new HttpClient({ system: 'Brew', baseUrl: this.downloadUrl, ...transportOptions(opts) });
    this.hub = new HttpClient({ system: 'Brew hub', baseUrl: this.hubUrl, ...transportOptions(opts) });
  }

  static fromConfig(config: Config, deps: TransportOptions = {}): BrewClient {
    return new BrewClient({
      ...(config.BREW_DOWNLOAD_URL ? { downloadUrl: config.BREW_DOWNLOAD_URL } : {}),
      ...(config.BREW_HUB_URL ? { hubUrl: config.BREW_HUB_URL } : {}),
      ...transportOptions(deps),
    });
  }

  metadataUrl(nvr: Nvr): string {
    return `${this.downloadUrl}/packages/${buildPath(nvr)}/metadata.json`;
  }

  /** The kernel NVR inside an RHCOS build (undefined: the build lists no kernel). */
  async kernelOfBuild(nvr: Nvr, signal?: AbortSignal): Promise<string | undefined> {
    const operation = `reading the metadata of build ${nvr.name}-${nvr.version}-${nvr.release}`;
    const metadata = await this.call(() => this.download.request(operation, { path: this.metadataUrl(nvr), schema: BuildMetadata, ...(signal ? { signal } : {}) }));
    return kernelNvrOf(metadata);
  }

  /**
   * Start loading the XML-RPC library listTags needs, for a caller that will list tags after
   * other requests (the kernel guard reads the builds and the RHCOS metadata first): its ~30 ms
   * of module loading then runs while those requests are in flight, not between them and listTags.
   */
  prepareListTags(): void {
    loadXmlRpc().catch(() => undefined);
  }

  /** koji `listTags(build=<nvr>)`: the names of the tags of a build. */
  async listTags(build: string, signal?: AbortSignal): Promise<string[]> {
    const operation = `listing the tags of build ${build}`;
    const { Deserializer, serializeMethodCall, XmlRpcFault } = await loadXmlRpc();
    // koji passes Python keyword arguments as a trailing struct flagged `__starstar`.
    const body = serializeMethodCall('listTags', [{ __starstar: true, build }]);
    const text = await this.call(() =>
      this.hub.request<string>(operation, {
        method: 'POST',
        path: this.hubUrl,
        body,
        headers: { 'content-type': 'text/xml', accept: 'text/xml' },
        idempotent: true,
        responseType: 'text',
        ...(signal ? { signal } : {}),
      }),
    );
    let value: XmlRpcValue;
    try {
      value = await new Deserializer().deserializeMethodResponse(text);
    } catch (e) {
      if (e instanceof XmlRpcFault) throw new BrewError({ system: 'Brew hub', operation, cause: e, detail: `fault ${e.faultCode ?? e.code ?? '?'}: ${e.faultString ?? e.message}` });
      throw new BrewError({ system: 'Brew hub', operation, cause: e, detail: 'the answer was not XML-RPC' });
    }
    const tags = z.array(z.looseObject({ name: z.string() })).safeParse(value);
    if (!tags.success) throw new BrewError({ system: 'Brew hub', operation, detail: 'unexpected answer: not a list of tags' });
    return tags.data.map((t) => t.name);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof IntegrationError && !(e instanceof BrewError)) {
        throw new BrewError({ system: e.system, operation: e.operation, userMessage: e.userMessage, retryable: e.retryable, cause: e, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.body !== undefined ? { body: e.body } : {}) });
      }
      throw e;
    }
  }
}
