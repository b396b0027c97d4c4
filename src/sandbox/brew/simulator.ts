/**
 * Simulated Brew for the kernel stop-ship guard, behind real HTTP:
 *
 * - `GET /brewroot/packages/<name>/<version>/<release>/metadata.json`: the build's Content
 *   Generator metadata, with the kernel RPM among `output[].components[]` (as real RHCOS builds);
 * - `POST /brewhub`: koji XML-RPC with `listTags` (keyword `build` passed koji-style as a
 *   `__starstar` struct, or positionally); other methods answer an XML-RPC fault.
 *
 * Seed RHCOS builds with `seedRhcosBuild`, tag kernels with `tagBuild` / `untagBuild`.
 */
import { Deserializer, serializeFault, serializeMethodResponse, XmlRpcFault, type XmlRpcValue } from '@foxglove/xmlrpc';
import { SimHttpError, SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimRhcosBuild {
  nvr: string;
  /** `kernel-<version>-<release>` of the kernel inside the image. */
  kernel: string;
}

/** Tags every kernel build has (what a real kernel in Brew carries). */
const BASE_TAGS = ['rhel-9.4.0-z-candidate', 'rhaos-4.19-rhel-9-candidate'];

function splitNvr(nvr: string): { name: string; version: string; release: string } {
  const m = /^(.+)-([^-]+)-([^-]+)$/.exec(nvr);
  if (!m) throw new Error(`not an NVR: ${nvr}`);
  return { name: m[1]!, version: m[2]!, release: m[3]! };
}

export class BrewSimulator extends Simulator {
  readonly server: SimServer;
  private readonly builds = new Map<string, SimRhcosBuild>();
  private readonly tags = new Map<string, Set<string>>();

  constructor() {
    super();
    this.server = new SimServer({
      name: 'Brew',
      routes: [
        { method: 'GET', pattern: '/brewroot/packages/:name/:version/:release/metadata.json', handler: (r) => this.metadata(r) },
        { method: 'POST', pattern: '/brewhub', handler: (r) => this.xmlrpc(r) },
      ],
    });
  }

  /** BREW_DOWNLOAD_URL / BREW_HUB_URL pointing here. */
  env(): Record<string, string> {
    return { BREW_DOWNLOAD_URL: `${this.url}/brewroot`, BREW_HUB_URL: `${this.url}/brewhub` };
  }

  seedRhcosBuild(build: SimRhcosBuild): SimRhcosBuild {
    this.builds.set(build.nvr, build);
    if (!this.tags.has(build.kernel)) this.tags.set(build.kernel, new Set(BASE_TAGS));
    return build;
  }

  tagBuild(nvr: string, tag: string): void {
    const set = this.tags.get(nvr) ?? new Set<string>();
    set.add(tag);
    this.tags.set(nvr, set);
    this.server.record('tag', nvr, { tag });
  }

  untagBuild(nvr: string, tag: string): void {
    this.tags.get(nvr)?.delete(tag);
    this.server.record('untag', nvr, { tag });
  }

  private metadata(req: SimRequest): SimResponse {
    const nvr = `${req.params.name}-${req.params.version}-${req.params.release}`;
    const build = this.builds.get(nvr);
    if (!build) throw new SimHttpError(404, '<html><body><h1>404 Not Found</h1></body></html>');
    const k = splitNvr(build.kernel);
    return {
      json: {
        metadata_version: 0,
        build: { name: req.params.name, version: req.params.version, release: req.params.release, source: 'git://example/rhcos', start_time: 1754990000, end_time: 1754993600 },
        buildroots: [],
        output: [
          { filename: 'meta.json', type: 'json', arch: 'x86_64', components: [] },
          {
            filename: `${nvr}-qemu.x86_64.qcow2.gz`,
            type: 'qcow2',
            arch: 'x86_64',
            components: [
              { type: 'rpm', name: 'bash', version: '5.1.8', release: '9.el9', epoch: null, arch: 'x86_64', sigmark: 'fd431d51' },
              { type: 'rpm', name: 'kernel', version: k.version, release: k.release, epoch: null, arch: 'x86_64', sigmark: 'fd431d51' },
              { type: 'rpm', name: 'kernel-core', version: k.version, release: k.release, epoch: null, arch: 'x86_64', sigmark: 'fd431d51' },
            ],
          },
        ],
      },
    };
  }

  private async xmlrpc(req: SimRequest): Promise<SimResponse> {
    const headers = { 'content-type': 'text/xml' };
    let method: string;
    let args: XmlRpcValue[];
    try {
      [method, args] = await new Deserializer().deserializeMethodCall(req.rawBody);
    } catch {
      throw new SimHttpError(400, 'malformed XML-RPC request');
    }
    if (method !== 'listTags') return { headers, text: serializeFault(new XmlRpcFault(`Invalid method: ${method}`, 1000)) };
    const kwargs = args.find((a): a is Record<string, XmlRpcValue> => typeof a === 'object' && a !== null && !Array.isArray(a) && (a as Record<string, XmlRpcValue>).__starstar === true);
    const build = kwargs?.build ?? args[0];
    if (typeof build !== 'string') return { headers, text: serializeFault(new XmlRpcFault('listTags needs a build', 1000)) };
    const tags = this.tags.get(build);
    if (!tags) return { headers, text: serializeFault(new XmlRpcFault(`No such build: '${build}'`, 1000)) };
    let id = 90_000;
    return { headers, text: serializeMethodResponse([...tags].map((name) => ({ id: ++id, name, arches: 'x86_64', locked: false, maven_support: false, perm: undefined, perm_id: undefined }))) };
  }
}

export async function startBrewSimulator(opts: { port?: number } = {}): Promise<BrewSimulator> {
  const sim = new BrewSimulator();
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
