/**
 * deploy/openshift as a platform team would check it: every kustomization renders (with the small
 * renderer in deploy/openshift/kustomize.ts, itself tested below), and every rendered object
 * validates against the Kubernetes OpenAPI schemas (`kubernetes-models`; the monitoring CRDs with
 * `@kubernetes-models/prometheus-operator`). No npm package publishes the OpenShift Route schema,
 * so the Route is checked for what matters here (edge TLS, /mcp, a Service and port that exist)
 * and for its metadata with the ObjectMeta schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { kustomizeBuild, KustomizeError, strategicMerge, type K8sObject } from '../../deploy/openshift/kustomize.ts';
import { PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';

const DEPLOY = join(PROJECT_ROOT, 'deploy', 'openshift');
const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Validate one object against its schema; the Route (no published schema) only its metadata. */
function validate(o: K8sObject): void {
  if (o.apiVersion === 'route.openshift.io/v1' && o.kind === 'Route') {
    new ObjectMeta(o.metadata as never).validate();
    return;
  }
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema model for ${o.apiVersion} ${o.kind}`);
  new Model(o).validate();
}

const find = (objs: K8sObject[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (!name || o.metadata.name === name));
type Pod = { serviceAccountName?: string; automountServiceAccountToken?: boolean; containers: { image: string; readinessProbe: { httpGet: { path: string; port: string } }; livenessProbe: { httpGet: { path: string } }; ports: { name: string }[] }[]; volumes: Record<string, unknown>[] };
const podOf = (objs: K8sObject[]) => (find(objs, 'Deployment', 'oar-bot') as unknown as { spec: { replicas: number; template: { metadata: { labels: Record<string, string> }; spec: Pod } } }).spec;
const configOf = (objs: K8sObject[]) => (find(objs, 'ConfigMap', 'oar-bot-config') as unknown as { data: Record<string, string> }).data;

const BUILDS = ['base', 'overlays/postgres', 'overlays/kerberos', 'monitoring'] as const;

describe('every kustomization renders and validates against the Kubernetes schemas', () => {
  it.each(BUILDS)('%s', (dir) => {
    const objects = kustomizeBuild(join(DEPLOY, dir));
    expect(objects.length).toBeGreaterThan(1);
    for (const o of objects) expect(() => validate(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it('the Secret template (not in any kustomization) validates too', () => {
    validate(load(readFileSync(join(DEPLOY, 'base', 'secret.example.yaml'), 'utf8')) as K8sObject);
  });

  it('the validation can fail: a wrong type is rejected by the schema', () => {
    const deployment = find(kustomizeBuild(join(DEPLOY, 'base')), 'Deployment')!;
    const broken = strategicMerge(deployment as never, { spec: { replicas: 'three' } } as never) as unknown as K8sObject;
    expect(() => validate(broken)).toThrow(/replicas must be integer/);
    const noName = strategicMerge(deployment as never, { spec: { template: { spec: { serviceAccountName: 42 } } } } as never) as unknown as K8sObject;
    expect(() => validate(noName)).toThrow(/serviceAccountName must be string/);
  });
});

describe('what a platform team checks in the rendered manifests', () => {
  const base = kustomizeBuild(join(DEPLOY, 'base'));
  const postgres = kustomizeBuild(join(DEPLOY, 'overlays/postgres'));
  const kerberos = kustomizeBuild(join(DEPLOY, 'overlays/kerberos'));

  it('the image is pinned to the package version (never latest); the kerberos overlay uses the kerberos variant', () => {
    expect(podOf(base).template.spec.containers[0]!.image).toBe(`quay.io/example/oar-bot:${VERSION}`);
    expect(podOf(postgres).template.spec.containers[0]!.image).toBe(`quay.io/example/oar-bot:${VERSION}`);
    expect(podOf(kerberos).template.spec.containers[0]!.image).toBe(`quay.io/example/oar-bot:${VERSION}-kerberos`);
    for (const objs of [base, postgres, kerberos]) expect(podOf(objs).template.spec.containers[0]!.image).not.toMatch(/:latest$|^[^:]+$/);
  });

  it('ERRATA_AUTH matches the image: token without the kerberos module, kerberos with it (as the Containerfile sets)', () => {
    expect(configOf(base).ERRATA_AUTH).toBe('token');
    expect(configOf(postgres).ERRATA_AUTH).toBe('token');
    expect(configOf(kerberos).ERRATA_AUTH).toBe('kerberos');
    const containerfile = readFileSync(join(PROJECT_ROOT, 'Containerfile'), 'utf8');
    expect(containerfile).toMatch(/ARG WITH_KERBEROS=no/);
    expect(containerfile).toMatch(/FROM \$\{NODE_IMAGE\} AS runtime-no\nENV ERRATA_AUTH=token/);
    expect(containerfile).toMatch(/FROM runtime-no AS runtime-yes\n[^\n]*libgssapi[^\n]*\nENV ERRATA_AUTH=kerberos/);
    expect(containerfile).toMatch(/^FROM runtime-\$\{WITH_KERBEROS\}$/m);
  });

  it('runs under its own ServiceAccount with no API token mounted', () => {
    for (const objs of [base, postgres, kerberos]) {
      const pod = podOf(objs).template.spec;
      const sa = find(objs, 'ServiceAccount', pod.serviceAccountName) as unknown as { automountServiceAccountToken: boolean } | undefined;
      expect(sa, 'the ServiceAccount the pod names exists').toBeDefined();
      expect(sa!.automountServiceAccountToken).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });

  it('readiness does not depend on Slack: /readyz (liveness stays /livez, Slack on /health)', () => {
    const c = podOf(base).template.spec.containers[0]!;
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe.httpGet.path).toBe('/livez');
  });

  it('a Route exposes /mcp only, over edge TLS, to the Service port that exists', () => {
    const route = find(base, 'Route', 'oar-bot-mcp') as unknown as { spec: { path: string; to: { kind: string; name: string }; port: { targetPort: string }; tls: { termination: string; insecureEdgeTerminationPolicy: string } } };
    expect(route.spec.path).toBe('/mcp');
    expect(route.spec.tls).toEqual({ termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' });
    const service = find(base, 'Service', route.spec.to.name) as unknown as { spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] } };
    expect(route.spec.to.kind).toBe('Service');
    expect(service.spec.ports.map((p) => p.name)).toContain(route.spec.port.targetPort);
    // The Service reaches the pods: its selector is a subset of the pod labels, its port a named container port.
    const pod = podOf(base).template;
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    expect(pod.spec.containers[0]!.ports.map((p) => p.name)).toContain(service.spec.ports[0]!.targetPort);
  });

  it('the PostgreSQL overlay: several replicas, no PVC, the data volume is scratch', () => {
    expect(find(postgres, 'PersistentVolumeClaim')).toBeUndefined();
    expect(find(base, 'PersistentVolumeClaim')).toBeDefined();
    expect(podOf(postgres).replicas).toBeGreaterThan(1);
    expect(podOf(postgres).template.spec.volumes.find((v) => v.name === 'data')).toEqual({ name: 'data', emptyDir: {} });
    expect(find(postgres, 'PodDisruptionBudget')).toBeDefined();
  });

  it('every object carries the common labels', () => {
    for (const o of [...base, ...postgres]) expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({ 'app.kubernetes.io/name': 'oar-bot', 'app.kubernetes.io/part-of': 'oar' });
  });
});

describe('the kustomize renderer', () => {
  it('strategic merge: maps merge, null deletes, named lists merge by name, other lists are replaced', () => {
    const base = { a: { b: 1, c: 2 }, list: [{ name: 'x', v: 1 }, { name: 'y', v: 2 }], args: ['1', '2'] };
    const patch = { a: { c: null, d: 3 }, list: [{ name: 'y', v: 9 }, { name: 'z', v: 3 }, { name: 'x', $patch: 'delete' }], args: ['3'] };
    expect(strategicMerge(base, patch as never)).toEqual({ a: { b: 1, d: 3 }, list: [{ name: 'y', v: 9 }, { name: 'z', v: 3 }], args: ['3'] });
    expect(base.a.c).toBe(2);
  });

  it('refuses what it does not implement and patches that match nothing', () => {
    const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'kustomize');
    expect(() => kustomizeBuild(join(fixtures, 'unsupported'))).toThrow(new KustomizeError(`${join(fixtures, 'unsupported', 'kustomization.yaml')}: unsupported kustomization fields namePrefix`));
    expect(() => kustomizeBuild(join(fixtures, 'unmatched'))).toThrow(/no Deployment named missing to patch/);
  });

  it('images match by name without tag and keep what the rule does not set', () => {
    const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'kustomize');
    const [d] = kustomizeBuild(join(fixtures, 'images'));
    const images = (d as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers.map((c) => c.image);
    expect(images).toEqual(['registry.example/app:2.0', 'sidecar:1.5', 'other:7']);
  });
});
