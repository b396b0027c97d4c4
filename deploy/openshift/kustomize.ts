/**
 * A small kustomize renderer for the tests (there is no maintained kustomize in JavaScript): it
 * builds `deploy/openshift/<dir>` the way `kustomize build` / `oc apply -k` does, for exactly the
 * features these kustomizations use, and refuses any other feature instead of ignoring it.
 *
 * - `resources`: files (one or more YAML documents) and directories with a kustomization.yaml;
 * - `labels` (pairs; metadata.labels only, or selectors too with includeSelectors: true);
 * - `images` (name → newName/newTag/digest; the name is matched without tag or digest, as kustomize does);
 * - `patches` (strategic-merge, from `path` or inline `patch`; matched by kind and name): maps merge,
 *   `null` deletes a key, `$patch: delete` deletes the resource, lists whose items all have a `name`
 *   merge by name (containers, volumes, volumeMounts, env), other lists are replaced.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { path?: string; patch?: string }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'labels', 'images', 'patches']);

export class KustomizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KustomizeError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function docs(text: string, where: string): K8sObject[] {
  const out = loadAll(text).filter((d) => d !== null && d !== undefined) as K8sObject[];
  for (const d of out) if (!d.kind || !d.metadata?.name) throw new KustomizeError(`${where}: every document needs kind and metadata.name`);
  return out;
}

/** Strategic merge of `patch` into `base` (a new value; neither argument changes). */
export function strategicMerge(base: Json, patch: Json): Json {
  if (!isMap(base) || !isMap(patch)) return structuredClone(patch);
  const out: Record<string, Json> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k]) && byName(v) && byName(out[k] as Json[])) out[k] = mergeByName(out[k] as Json[], v);
    else if (isMap(v) && isMap(out[k])) out[k] = strategicMerge(out[k]!, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

const byName = (xs: Json[]) => xs.length > 0 && xs.every((x) => isMap(x) && typeof x.name === 'string');

function mergeByName(base: Json[], patch: Json[]): Json[] {
  const out = structuredClone(base) as Record<string, Json>[];
  for (const p of patch as Record<string, Json>[]) {
    const i = out.findIndex((b) => b.name === p.name);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i]!, p) as Record<string, Json>;
    else out.push(structuredClone(p));
  }
  return out;
}

function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withTag, digest] = image.split('@') as [string, string | undefined];
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  return { name: hasTag ? withTag.slice(0, colon) : withTag, ...(hasTag ? { tag: withTag.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

/** Containers of any pod template in the object (Deployment, StatefulSet, Job, …, or a Pod). */
function containersOf(o: K8sObject): Record<string, Json>[] {
  const spec = o.spec as Record<string, Json> | undefined;
  const podSpec = (o.kind === 'Pod' ? spec : (spec?.template as Record<string, Json> | undefined)?.spec) as Record<string, Json> | undefined;
  if (!isMap(podSpec)) return [];
  return [...((podSpec.containers as Record<string, Json>[] | undefined) ?? []), ...((podSpec.initContainers as Record<string, Json>[] | undefined) ?? [])];
}

function applyImages(objects: K8sObject[], images: NonNullable<Kustomization['images']>): void {
  for (const o of objects) {
    for (const c of containersOf(o)) {
      if (typeof c.image !== 'string') continue;
      const current = splitImage(c.image);
      const rule = images.find((i) => i.name === current.name);
      if (!rule) continue;
      const name = rule.newName ?? current.name;
      const tag = rule.newTag ?? current.tag;
      const digest = rule.digest ?? (rule.newTag ? undefined : current.digest);
      c.image = `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    }
  }
}

function applyLabels(objects: K8sObject[], labels: NonNullable<Kustomization['labels']>): void {
  for (const { pairs, includeSelectors } of labels) {
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...pairs };
      if (includeSelectors) throw new KustomizeError('labels.includeSelectors: true is not supported by this renderer');
    }
  }
}

function applyPatch(objects: K8sObject[], patch: K8sObject, where: string): K8sObject[] {
  const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
  if (i < 0) throw new KustomizeError(`${where}: no ${patch.kind} named ${patch.metadata.name} to patch`);
  if ((patch as { $patch?: string }).$patch === 'delete') return objects.filter((_, j) => j !== i);
  const out = [...objects];
  out[i] = strategicMerge(objects[i] as unknown as Json, patch as unknown as Json) as unknown as K8sObject;
  return out;
}

/** `kustomize build <dir>`: the rendered objects, in resource order. */
export function kustomizeBuild(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir} has no kustomization.yaml`);
  const k = (loadAll(readFileSync(file, 'utf8'))[0] ?? {}) as Kustomization;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length) throw new KustomizeError(`${file}: unsupported kustomization fields ${unsupported.join(', ')}`);
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource ${r} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? kustomizeBuild(path) : docs(readFileSync(path, 'utf8'), path)));
  }
  for (const p of k.patches ?? []) {
    const where = p.path ? join(dir, p.path) : `${file} (inline patch)`;
    const text = p.path ? readFileSync(join(dir, p.path), 'utf8') : p.patch;
    if (!text) throw new KustomizeError(`${file}: a patch needs path or patch`);
    for (const patch of docs(text, where)) objects = applyPatch(objects, patch, where);
  }
  if (k.labels) applyLabels(objects, k.labels);
  if (k.images) applyImages(objects, k.images);
  return objects;
}
