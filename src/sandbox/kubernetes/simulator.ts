/**
 * Simulated Kubernetes API of the app.ci cluster, just the release payloads: GET and
 * merge-PATCH of `releasepayloads.release.openshift.io` objects per namespace, with bearer-token
 * checks. Every label change is recorded (`label` changes) so tests read back what the
 * aggregator did; unknown payloads answer 404 with a Kubernetes Status object.
 */
import { SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimReleasePayload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  resourceVersion: number;
}

export interface KubernetesSimulatorOptions {
  port?: number;
  /** Expected bearer token; unset: any bearer token. A missing token is always 401. */
  token?: string;
  /** Create a payload on first PATCH instead of answering 404 (playground convenience). */
  autoCreatePayloads?: boolean;
}

const BASE = '/apis/release.openshift.io/v1alpha1/namespaces/:namespace/releasepayloads/:name';

function status(code: number, reason: string, message: string): SimResponse {
  return { status: code, json: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

export class KubernetesSimulator extends Simulator {
  readonly server: SimServer;
  readonly payloads = new Map<string, SimReleasePayload>();
  private readonly opts: KubernetesSimulatorOptions;

  constructor(opts: KubernetesSimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.server = new SimServer({
      name: 'Kubernetes',
      before: (r) => this.authorize(r),
      routes: [
        { method: 'GET', pattern: BASE, handler: (r) => this.get(r) },
        { method: 'PATCH', pattern: BASE, handler: (r) => this.patch(r) },
      ],
    });
  }

  /** A release payload that exists on the cluster (the release controller creates them). */
  seedPayload(namespace: string, name: string, labels: Record<string, string> = {}): SimReleasePayload {
    const p: SimReleasePayload = { namespace, name, labels: { ...labels }, resourceVersion: 1 };
    this.payloads.set(`${namespace}/${name}`, p);
    return p;
  }

  labelsOf(namespace: string, name: string): Record<string, string> | undefined {
    return this.payloads.get(`${namespace}/${name}`)?.labels;
  }

  private authorize(req: SimRequest): SimResponse | undefined {
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ') || auth.length <= 'Bearer '.length) return status(401, 'Unauthorized', 'Unauthorized');
    if (this.opts.token !== undefined && auth !== `Bearer ${this.opts.token}`) return status(401, 'Unauthorized', 'Unauthorized');
    return undefined;
  }

  private object(p: SimReleasePayload): Record<string, unknown> {
    return {
      apiVersion: 'release.openshift.io/v1alpha1',
      kind: 'ReleasePayload',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels, resourceVersion: String(p.resourceVersion) },
      spec: { payloadCoordinates: { namespace: p.namespace, imagestreamName: 'release', imagestreamTagName: p.name } },
    };
  }

  private get(req: SimRequest): SimResponse {
    const p = this.payloads.get(`${req.params.namespace}/${req.params.name}`);
    if (!p) return status(404, 'NotFound', `releasepayloads.release.openshift.io "${req.params.name}" not found`);
    return { json: this.object(p) };
  }

  private patch(req: SimRequest): SimResponse {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/merge-patch+json') return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (got ${type})`);
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody);
    } catch {
      return status(400, 'BadRequest', 'the request body is not JSON');
    }
    const labels = (body as { metadata?: { labels?: unknown } } | null)?.metadata?.labels;
    if (!labels || typeof labels !== 'object' || Object.values(labels).some((v) => v !== null && typeof v !== 'string')) {
      return status(422, 'Invalid', 'metadata.labels must map names to strings (or null to remove)');
    }
    const key = `${req.params.namespace}/${req.params.name}`;
    let p = this.payloads.get(key);
    if (!p) {
      if (!this.opts.autoCreatePayloads) return status(404, 'NotFound', `releasepayloads.release.openshift.io "${req.params.name}" not found`);
      p = this.seedPayload(req.params.namespace ?? '', req.params.name ?? '');
    }
    for (const [k, v] of Object.entries(labels as Record<string, string | null>)) {
      const before = p.labels[k];
      if (v === null) delete p.labels[k];
      else p.labels[k] = v;
      if (before !== (v ?? undefined)) this.server.record('label', key, { label: k, from: before ?? null, to: v });
    }
    p.resourceVersion++;
    return { json: this.object(p) };
  }
}

export async function startKubernetesSimulator(opts: KubernetesSimulatorOptions = {}): Promise<KubernetesSimulator> {
  const sim = new KubernetesSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
