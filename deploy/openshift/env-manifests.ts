/**
 * Keeps the OpenShift ConfigMap and the Secret template in step with src/config/env.ts:
 * every non-secret variable is a ConfigMap key, every secret one a key of the Secret template.
 *
 *   npx node deploy/openshift/env-manifests.ts        # rewrite both files, keeping values already set
 *
 * test/observability/manifests.test.ts fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { VARS, type VarDef, type VarName } from '../../src/config/env.ts';

export const CONFIGMAP_PATH = new URL('./base/configmap.yaml', import.meta.url);
export const SECRET_EXAMPLE_PATH = new URL('./base/secret.example.yaml', import.meta.url);
export const CONFIGMAP_NAME = 'oar-bot-config';
export const SECRET_NAME = 'oar-bot-secrets';

/** Values the container deployment sets on purpose (the rest stay empty: the schema default applies). */
export const DEPLOYMENT_VALUES: Partial<Record<VarName, string>> = {
  NODE_ENV: 'production',
  OAR_LOG_FORMAT: 'json',
  OAR_PLAYGROUND: 'off',
  OAR_DATA_DIR: '/var/lib/oar-bot',
  OAR_CONFIG_FILE: '/etc/oar-bot/configstore/configstore.json',
  OAR_HTTP_HOST: '0.0.0.0',
  OAR_HTTP_PORT: '8080',
  OAR_SHUTDOWN_GRACE_MS: '60000',
  // The default image has no kerberos module (Containerfile WITH_KERBEROS=no sets the same); the
  // kerberos overlay switches both the image variant and this value.
  ERRATA_AUTH: 'token',
};

const names = Object.keys(VARS) as VarName[];
const isSecret = (n: VarName) => (VARS[n] as VarDef).secret === true;
export const configMapVars = (): VarName[] => names.filter((n) => !isSecret(n));
export const secretVars = (): VarName[] => names.filter(isSecret);

function defaultOf(name: VarName): string | undefined {
  const r = (VARS[name] as VarDef).schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return undefined;
  if (Array.isArray(r.data)) return r.data.length ? r.data.join(',') : undefined;
  return String(r.data);
}

function comment(name: VarName): string {
  const def = VARS[name] as VarDef;
  const d = defaultOf(name);
  return `  # ${def.description.replace(/\s+/g, ' ')}${d !== undefined ? ` Default: ${d}.` : ''}`;
}

function quote(v: string): string {
  return JSON.stringify(v);
}

export function renderConfigMap(current: Record<string, string> = {}): string {
  const lines = [
    '# Generated from src/config/env.ts by deploy/openshift/env-manifests.ts; values are kept on regeneration.',
    '# An empty value means "unset": the default in the comment applies. Secrets live in oar-bot-secrets.',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${CONFIGMAP_NAME}`,
    '  labels:',
    '    app.kubernetes.io/name: oar-bot',
    'data:',
  ];
  let feature = '';
  for (const name of configMapVars()) {
    const f = (VARS[name] as VarDef).feature;
    if (f !== feature) {
      lines.push(`  # --- ${f} ---`);
      feature = f;
    }
    lines.push(comment(name), `  ${name}: ${quote(current[name] ?? DEPLOYMENT_VALUES[name] ?? '')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderSecretExample(): string {
  const lines = [
    '# Template of the oar-bot-secrets Secret (NOT part of the kustomization, so `oc apply -k` never',
    '# overwrites real credentials with these empty values). Copy it, fill in what you use, apply it',
    '# once: `oc apply -f my-secret.yaml`, or build it with `oc create secret generic oar-bot-secrets --from-env-file=...`.',
    '# Generated from src/config/env.ts by deploy/openshift/env-manifests.ts. Empty values mean "unset".',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${SECRET_NAME}`,
    '  labels:',
    '    app.kubernetes.io/name: oar-bot',
    'type: Opaque',
    'stringData:',
  ];
  for (const name of secretVars()) lines.push(comment(name), `  ${name}: ""`);
  return `${lines.join('\n')}\n`;
}

export function readConfigMapValues(text: string): Record<string, string> {
  const doc = load(text) as { data?: Record<string, unknown> } | undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc?.data ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

if (import.meta.main) {
  let current: Record<string, string> = {};
  try {
    current = readConfigMapValues(readFileSync(CONFIGMAP_PATH, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  writeFileSync(CONFIGMAP_PATH, renderConfigMap(current));
  writeFileSync(SECRET_EXAMPLE_PATH, renderSecretExample());
  console.warn(`updated ${CONFIGMAP_PATH.pathname} (${configMapVars().length} keys) and ${SECRET_EXAMPLE_PATH.pathname} (${secretVars().length} keys)`);
}
