import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesClient, kubernetesClientFromConfig, QE_STATE_LABEL, releasePayloadNamespace, releasePayloadPath } from '../../../src/integrations/kubernetes.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../../src/sandbox/kubernetes/index.ts';
import { testConfig } from '../../../src/config/env.ts';

const API = 'https://api.ci.example:6443';
const BUILD = '4.19.0-0.nightly-2026-07-01-085304';
const patched = JSON.parse(readFileSync(new URL('./fixtures/releasepayload-patched.json', import.meta.url), 'utf8')) as unknown;

describe('Kubernetes client: releasepayload labels (agents 6.7 step 9)', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('namespaces: ocp for amd64, ocp-<arch> otherwise', () => {
    expect(['amd64', 'arm64', 'multi', 'ppc64le', 's390x'].map(releasePayloadNamespace)).toEqual(['ocp', 'ocp-arm64', 'ocp-multi', 'ocp-ppc64le', 'ocp-s390x']);
    expect(releasePayloadPath('ocp', BUILD)).toBe(`/apis/release.openshift.io/v1alpha1/namespaces/ocp/releasepayloads/${BUILD}`);
  });

  it('labels Accepted with a JSON merge patch and the bearer token', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'Bearer kube-token', 'content-type': 'application/merge-patch+json' } })
      .patch(`/apis/release.openshift.io/v1alpha1/namespaces/ocp/releasepayloads/${BUILD}`, { metadata: { labels: { [QE_STATE_LABEL]: 'Accepted' } } })
      .reply(200, patched);
    const client = new KubernetesClient({ apiUrl: `${API}/`, token: ' kube-token ', retries: 0 });
    await client.labelAccepted(BUILD, 'amd64');
    scope.done();
  });

  it('the merge patch is idempotent, so a 503 is retried; a 404 names the payload and namespace', async () => {
    const path = `/apis/release.openshift.io/v1alpha1/namespaces/ocp-arm64/releasepayloads/${BUILD}`;
    nock(API).patch(path).reply(503, 'unavailable').patch(path).reply(200, patched);
    const client = new KubernetesClient({ apiUrl: API, token: 't', retries: 1, minRetryDelayMs: 1 });
    await client.labelAccepted(BUILD, 'arm64');
    expect(nock.pendingMocks()).toEqual([]);
    nock(API).patch(path).reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    await expect(client.labelAccepted(BUILD, 'arm64')).rejects.toThrow(`releasepayload ${BUILD} does not exist in namespace ocp-arm64`);
  });

  it('is configured only with both KUBE_API_URL and KUBE_TOKEN', () => {
    expect(kubernetesClientFromConfig(testConfig({ KUBE_API_URL: API }))).toBeUndefined();
    expect(kubernetesClientFromConfig(testConfig({ KUBE_API_URL: API, KUBE_TOKEN: 'x' }))).toBeInstanceOf(KubernetesClient);
  });
});

describe('simulated Kubernetes', () => {
  let sim: KubernetesSimulator;
  beforeAll(async () => {
    sim = await startKubernetesSimulator({ token: 'kube-token' });
    sim.seedPayload('ocp', BUILD, { 'release.openshift.io/imagestream': 'release' });
  });
  afterAll(() => sim.close());

  it('records the label change and serves it back', async () => {
    const client = new KubernetesClient({ apiUrl: sim.url, token: 'kube-token', retries: 0 });
    await client.labelAccepted(BUILD, 'amd64');
    await client.labelAccepted(BUILD, 'amd64');
    expect(await client.releasePayloadLabels(BUILD, 'ocp')).toEqual({ 'release.openshift.io/imagestream': 'release', [QE_STATE_LABEL]: 'Accepted' });
    // labelled twice, changed once
    expect(sim.changes.filter((c) => c.kind === 'label')).toEqual([expect.objectContaining({ subject: `ocp/${BUILD}`, detail: { label: QE_STATE_LABEL, from: null, to: 'Accepted' } })]);
  });

  it('rejects a wrong token (401) and an unknown payload (404)', async () => {
    await expect(new KubernetesClient({ apiUrl: sim.url, token: 'wrong', retries: 0 }).labelAccepted(BUILD, 'amd64')).rejects.toMatchObject({ status: 401 });
    await expect(new KubernetesClient({ apiUrl: sim.url, token: 'kube-token', retries: 0 }).labelAccepted('4.19.99', 'amd64')).rejects.toMatchObject({ status: 404 });
  });
});
