/** The deployment files must follow src/config/env.ts and the metric names: they never drift. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { SECRET_VARS, VARS, type VarName } from '../../src/config/env.ts';
import { createNotifierMetrics } from '../../src/jobs/cki-notifier/metrics.ts';
import { createMetrics, createMetricsRegistry } from '../../src/observability/metrics.ts';
import { CONFIGMAP_NAME, SECRET_NAME, readConfigMapValues, renderConfigMap, renderSecretExample } from '../../deploy/openshift/env-manifests.ts';

const root = new URL('../../', import.meta.url);
const text = (p: string) => readFileSync(new URL(p, root), 'utf8');
const yaml = <T = Record<string, unknown>>(p: string) => load(text(p)) as T;

interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string } };
  volumeMounts: { name: string; mountPath: string }[];
  securityContext: { allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
}
interface Deployment {
  spec: {
    replicas: number;
    strategy: { type: string };
    template: { spec: { terminationGracePeriodSeconds: number; securityContext: { runAsNonRoot: boolean }; containers: Container[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string } | null; emptyDir?: object }[] } };
  };
}

const RELOAD = 'run `npx node deploy/openshift/env-manifests.ts` to regenerate';
const allVars = Object.keys(VARS) as VarName[];
const configMap = yaml<{ metadata: { name: string }; data: Record<string, string> }>('deploy/openshift/base/configmap.yaml');
const secret = yaml<{ metadata: { name: string }; stringData: Record<string, string> }>('deploy/openshift/base/secret.example.yaml');
const deployment = yaml<Deployment>('deploy/openshift/base/deployment.yaml');
const container = deployment.spec.template.spec.containers[0]!;

describe('OpenShift manifests and the env schema', () => {
  it('reference every variable: non-secrets in the ConfigMap, secrets in the Secret', () => {
    const inConfigMap = Object.keys(configMap.data).sort();
    const inSecret = Object.keys(secret.stringData).sort();
    expect(inConfigMap, RELOAD).toEqual(allVars.filter((v) => !SECRET_VARS.includes(v)).sort());
    expect(inSecret, RELOAD).toEqual([...SECRET_VARS].sort());
    expect([...inConfigMap, ...inSecret].sort()).toEqual([...allVars].sort());
    expect(Object.values(secret.stringData).every((v) => v === ''), 'the Secret template holds no values').toBe(true);
  });

  it('are exactly what the generator renders (descriptions and defaults up to date)', () => {
    const current = text('deploy/openshift/base/configmap.yaml');
    expect(current, RELOAD).toBe(renderConfigMap(readConfigMapValues(current)));
    expect(text('deploy/openshift/base/secret.example.yaml'), RELOAD).toBe(renderSecretExample());
  });

  it('wire the Deployment to both through envFrom', () => {
    expect(configMap.metadata.name).toBe(CONFIGMAP_NAME);
    expect(secret.metadata.name).toBe(SECRET_NAME);
    expect(container.envFrom).toEqual([{ configMapRef: { name: CONFIGMAP_NAME } }, { secretRef: { name: SECRET_NAME } }]);
  });

  it('keep the secret example out of the kustomization and list only existing files', () => {
    const k = yaml<{ resources: string[] }>('deploy/openshift/base/kustomization.yaml');
    expect(k.resources).not.toContain('secret.example.yaml');
    for (const r of k.resources) expect(existsSync(new URL(`deploy/openshift/base/${r}`, root)), r).toBe(true);
  });

  it('probe /livez for liveness and /readyz (not Slack) for readiness on the HTTP port the config sets', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.startupProbe?.httpGet.path).toBe('/livez');
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(configMap.data.OAR_HTTP_PORT), protocol: 'TCP' }]);
    const service = yaml<{ spec: { ports: { port: number; targetPort: string }[] } }>('deploy/openshift/base/service.yaml');
    expect(service.spec.ports[0]).toMatchObject({ port: 8080, targetPort: 'http' });
  });

  it('mount the PVC at OAR_DATA_DIR, run non-root, and allow the shutdown grace period', () => {
    const pvc = yaml<{ metadata: { name: string } }>('deploy/openshift/base/pvc.yaml');
    const data = deployment.spec.template.spec.volumes.find((v) => v.name === 'data');
    expect(data?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);
    expect(container.volumeMounts.find((m) => m.name === 'data')?.mountPath).toBe(configMap.data.OAR_DATA_DIR);
    const configstoreMount = container.volumeMounts.find((m) => m.name === 'configstore')?.mountPath;
    expect(configMap.data.OAR_CONFIG_FILE?.startsWith(`${configstoreMount}/`)).toBe(true);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const graceMs = Number(configMap.data.OAR_SHUTDOWN_GRACE_MS);
    // drain grace + the default 10 s hard limit of installShutdown must fit in the pod's termination period
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(graceMs + 10_000);
  });

  it('have a PostgreSQL overlay with several replicas and no PVC', () => {
    const k = yaml<{ resources: string[]; patches: { path?: string; patch?: string }[] }>('deploy/openshift/overlays/postgres/kustomization.yaml');
    expect(k.resources).toContain('../../base');
    const deletePvc = k.patches.find((p) => p.patch?.includes('$patch: delete'));
    expect(load(deletePvc!.patch!)).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'oar-bot-data' } });
    const patch = yaml<Deployment>('deploy/openshift/overlays/postgres/deployment-patch.yaml');
    expect(patch.spec.replicas).toBeGreaterThan(1);
    expect(patch.spec.strategy.type).toBe('RollingUpdate');
    expect(patch.spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: null, emptyDir: {} }]);
    expect(text('deploy/openshift/overlays/postgres/kustomization.yaml')).toMatch(/DATABASE_URL=postgres:\/\//);
    expect(SECRET_VARS).toContain('DATABASE_URL');
    for (const r of k.resources.filter((r) => !r.startsWith('..'))) expect(existsSync(new URL(`deploy/openshift/overlays/postgres/${r}`, root)), r).toBe(true);
  });

  it('alert only on series that exist', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    createMetrics(registry);
    createNotifierMetrics(registry);
    const known = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = text('deploy/openshift/monitoring/prometheusrule.yaml');
    const referenced = [...new Set([...rules.matchAll(/\b(?:oar|cki_notifier)_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')))];
    expect(referenced.length).toBeGreaterThan(5);
    for (const name of referenced) expect(known.has(name), `${name} is not a registered series`).toBe(true);
    expect(load(rules)).toMatchObject({ kind: 'PrometheusRule' });
  });
});

describe('Containerfile', () => {
  const file = text('Containerfile');
  it('is multi-stage on Node 24, production dependencies only, non-root, with a /livez health check', () => {
    expect(file).toMatch(/^ARG NODE_IMAGE=\S+node:24[\w.-]*$/m);
    expect(file.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(file).toMatch(/npm ci --omit=dev/);
    expect(file).toMatch(/^USER 1000$/m);
    expect(file).toMatch(/^HEALTHCHECK[^\n]*\\\n\s+CMD \["node", "-e", "fetch\([^\n]*\/livez/m);
    expect(file).toMatch(/^CMD \["node", "bin\/oar-bot\.js"\]$/m);
    expect(file).toMatch(/OAR_HTTP_PORT=8080/);
    expect(file).toMatch(/OAR_DATA_DIR=\/var\/lib\/oar-bot/);
    const ignored = text('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.git', 'data', '.env']) expect(ignored).toContain(entry);
    expect(ignored).not.toContain('src');
  });

  it("fills Node's compile cache at build time by importing the composition root, which starts nothing", () => {
    const step = /^RUN node --input-type=module -e "(await import\('\/app\/src\/app\.ts'\))"/m.exec(file);
    expect(step).not.toBeNull();
    expect(file).toMatch(/^ENV NODE_COMPILE_CACHE=\/app\/\.node-compile-cache$/m);
    // The same step here: it exits by itself (no server, no timer keeps it alive) and leaves a cache.
    const dir = mkdtempSync(join(tmpdir(), 'oar-compile-cache-'));
    try {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', step![1]!.replace('/app/', fileURLToPath(root))], {
        env: { ...process.env, NODE_ENV: 'production', NODE_COMPILE_CACHE: dir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
