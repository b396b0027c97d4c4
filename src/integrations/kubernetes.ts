/**
 * The slice of the Kubernetes API oar-bot uses: labelling a release payload on the app.ci
 * cluster (agents.md 6.7 step 9). The original ran
 * `oc label releasepayloads/{build} release.openshift.io/qe_state=Accepted -n {ns}`; this is
 * the same change as a JSON merge patch of `metadata.labels`, with a bearer token (KUBE_TOKEN),
 * so no `oc` binary and no shell are involved.
 *
 * A merge patch of one label is idempotent, so it is retried like a read.
 */
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';

export const KUBERNETES_SYSTEM = 'Kubernetes';
export const RELEASE_PAYLOAD_GROUP = 'release.openshift.io';
export const RELEASE_PAYLOAD_VERSION = 'v1alpha1';
export const QE_STATE_LABEL = 'release.openshift.io/qe_state';
export const QE_ACCEPTED = 'Accepted';

/** `ocp` for amd64, `ocp-{arch}` otherwise. */
export function releasePayloadNamespace(arch: string): string {
  return arch === 'amd64' ? 'ocp' : `ocp-${arch}`;
}

/** `/apis/release.openshift.io/v1alpha1/namespaces/{ns}/releasepayloads/{name}` */
export function releasePayloadPath(namespace: string, name: string): string {
  return `/apis/${RELEASE_PAYLOAD_GROUP}/${RELEASE_PAYLOAD_VERSION}/namespaces/${encodeURIComponent(namespace)}/releasepayloads/${encodeURIComponent(name)}`;
}

const ObjectMetaSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).nullish() }),
});

/** What the aggregator needs (tests pass a recorder). */
export interface ReleasePayloadLabeler {
  /** Label `releasepayloads/{build}` in the arch's namespace as QE-accepted. */
  labelAccepted(build: string, arch: string, opts?: { signal?: AbortSignal }): Promise<void>;
}

export interface KubernetesClientOptions extends TransportOptions {
  apiUrl: string;
  token: string;
}

export class KubernetesClient implements ReleasePayloadLabeler {
  private readonly http: HttpClient;

  constructor(opts: KubernetesClientOptions) {
    const token = opts.token.trim();
    this.http = new HttpClient({
      system: KUBERNETES_SYSTEM,
      baseUrl: opts.apiUrl.replace(/\/+$/, ''),
      headers: () => ({ authorization: `Bearer ${token}` }),
      ...transportOptions(opts),
    });
  }

  /** Labels of a release payload (also a cheap check that the token may read it). */
  async releasePayloadLabels(name: string, namespace: string, opts: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
    const obj = await this.http.request(`reading releasepayload ${namespace}/${name}`, {
      path: releasePayloadPath(namespace, name),
      schema: ObjectMetaSchema,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return obj.metadata.labels ?? {};
  }

  /** Merge-patch labels onto `releasepayloads/{name}` in `namespace`; returns the labels afterwards. */
  async labelReleasePayload(name: string, namespace: string, labels: Record<string, string>, opts: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
    const operation = `labelling releasepayload ${namespace}/${name}`;
    try {
      const obj = await this.http.request(operation, {
        method: 'PATCH',
        path: releasePayloadPath(namespace, name),
        headers: { 'content-type': 'application/merge-patch+json' },
        json: { metadata: { labels } },
        idempotent: true,
        schema: ObjectMetaSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return obj.metadata.labels ?? {};
    } catch (e) {
      if (e instanceof IntegrationError && e.status === 404) {
        throw new IntegrationError({ system: KUBERNETES_SYSTEM, operation, status: 404, cause: e, userMessage: `releasepayload ${name} does not exist in namespace ${namespace}` });
      }
      throw e;
    }
  }

  async labelAccepted(build: string, arch: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    await this.labelReleasePayload(build, releasePayloadNamespace(arch), { [QE_STATE_LABEL]: QE_ACCEPTED }, opts);
  }
}

/** The client for KUBE_API_URL + KUBE_TOKEN, or undefined when either is unset. */
export function kubernetesClientFromConfig(config: Pick<Config, 'KUBE_API_URL' | 'KUBE_TOKEN'>, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): KubernetesClient | undefined {
  if (!config.KUBE_API_URL || !config.KUBE_TOKEN) return undefined;
  return new KubernetesClient({ apiUrl: config.KUBE_API_URL, token: config.KUBE_TOKEN, ...deps });
}
