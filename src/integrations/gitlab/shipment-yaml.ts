/**
 * Reading and editing shipment YAML files (oar-commands 9.3, 11.3, 11.7). Pure: no I/O.
 *
 * Paths used: `shipment.data.releaseNotes.issues.fixed[]{id, source}`,
 * `shipment.environments.stage.advisory.internal_url`, `shipment.snapshot.spec.components[]{name, containerImage}`.
 */
import { load } from 'js-yaml';
import { z } from 'zod';

export const JIRA_SOURCE = 'redhat.atlassian.net';

export class ShipmentYamlError extends Error {
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ShipmentYamlError';
    this.path = path;
  }
}

const FixedIssue = z.looseObject({ id: z.union([z.string(), z.number()]), source: z.string().optional() });
const ShipmentDoc = z.looseObject({
  shipment: z.looseObject({
    data: z
      .looseObject({
        releaseNotes: z.looseObject({ issues: z.looseObject({ fixed: z.array(z.unknown()).nullish() }).nullish() }).nullish(),
      })
      .nullish(),
    environments: z
      .looseObject({
        stage: z.looseObject({ advisory: z.looseObject({ internal_url: z.string().nullish() }).nullish() }).nullish(),
      })
      .nullish(),
    snapshot: z
      .looseObject({
        spec: z.looseObject({ components: z.array(z.looseObject({ name: z.string(), containerImage: z.string().nullish() })).nullish() }).nullish(),
      })
      .nullish(),
  }),
});
export type ShipmentDocument = z.infer<typeof ShipmentDoc>;

/** Parse and validate one shipment file; throws ShipmentYamlError naming the file. */
export function parseShipmentYaml(text: string, path?: string): ShipmentDocument {
  let data: unknown;
  try {
    data = load(text);
  } catch (e) {
    throw new ShipmentYamlError(`not valid YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, path);
  }
  const parsed = ShipmentDoc.safeParse(data);
  if (!parsed.success) throw new ShipmentYamlError(`not a shipment file (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})`, path);
  return parsed.data;
}

/** Jira keys fixed by the shipment: mappings with `source == redhat.atlassian.net`, in file order. */
export function fixedJiraIssues(doc: ShipmentDocument): string[] {
  const fixed = doc.shipment.data?.releaseNotes?.issues?.fixed ?? [];
  const out: string[] = [];
  for (const entry of fixed) {
    const parsed = FixedIssue.safeParse(entry);
    if (parsed.success && parsed.data.source === JIRA_SOURCE) out.push(String(parsed.data.id));
  }
  return out;
}

export function stageAdvisoryUrl(doc: ShipmentDocument): string | undefined {
  return doc.shipment.environments?.stage?.advisory?.internal_url ?? undefined;
}

export interface SnapshotComponent {
  name: string;
  containerImage: string | undefined;
}

export function snapshotComponents(doc: ShipmentDocument): SnapshotComponent[] {
  return (doc.shipment.snapshot?.spec?.components ?? []).map((c) => ({ name: c.name, containerImage: c.containerImage ?? undefined }));
}

/** Advisory YAML behind `internal_url` (image-health input): `spec.content.images[]`. */
const StageAdvisoryDoc = z.looseObject({
  spec: z.looseObject({
    content: z.looseObject({
      images: z.array(z.looseObject({ containerImage: z.string().nullish(), component: z.string().nullish(), architecture: z.string().nullish() })).nullish(),
    }),
  }),
});

export interface AdvisoryImage {
  containerImage: string;
  component: string;
  architecture: string;
}

export function parseStageAdvisoryImages(text: string, source?: string): AdvisoryImage[] {
  let data: unknown;
  try {
    data = load(text);
  } catch (e) {
    throw new ShipmentYamlError(`not valid YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, source);
  }
  const parsed = StageAdvisoryDoc.safeParse(data);
  if (!parsed.success) throw new ShipmentYamlError('no spec.content.images in the advisory', source);
  return (parsed.data.spec.content.images ?? [])
    .filter((i) => typeof i.containerImage === 'string' && i.containerImage !== '')
    .map((i) => ({ containerImage: i.containerImage!, component: i.component ?? 'unknown', architecture: i.architecture ?? 'unknown' }));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove the given Jira keys from a shipment file's text, keeping every other byte.
 *
 * A list item `- id: KEY` is removed together with its `source: redhat.atlassian.net` line (and
 * the `- source: ...` / `id: KEY` order too). Keys match exactly: dropping `OCPBUGS-1` never
 * touches `OCPBUGS-12` (fixes the original's substring match). The result is re-parsed to prove
 * that exactly the requested keys disappeared.
 */
export function removeJiraIssuesFromYaml(text: string, keys: readonly string[], path?: string): { text: string; removed: string[] } {
  if (keys.length === 0) return { text, removed: [] };
  const keyAlt = keys.map(escapeRe).join('|');
  // id: KEY, optionally quoted, followed by end of line, a comment, or whitespace only.
  const idLine = new RegExp(`^(\\s*)(-\\s+)?id:\\s*(["']?)(${keyAlt})\\3\\s*(#.*)?$`);
  const sourceLine = new RegExp(`^(\\s*)(-\\s+)?source:\\s*["']?${escapeRe(JIRA_SOURCE)}["']?\\s*(#.*)?$`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const drop = new Set<number>();
  const removed = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = idLine.exec(lines[i]!);
    if (!m) continue;
    const key = m[4]!;
    if (m[2]) {
      // "- id: KEY" then optionally "  source: redhat.atlassian.net"
      drop.add(i);
      if (i + 1 < lines.length && sourceLine.test(lines[i + 1]!) && !/^\s*-/.test(lines[i + 1]!)) drop.add(i + 1);
      removed.add(key);
    } else if (i > 0 && sourceLine.test(lines[i - 1]!) && /^\s*-/.test(lines[i - 1]!)) {
      // "- source: redhat.atlassian.net" then "  id: KEY"
      drop.add(i - 1);
      drop.add(i);
      removed.add(key);
    }
  }
  if (removed.size === 0) return { text, removed: [] };
  const out = lines.filter((_, i) => !drop.has(i)).join(eol);
  // Safety net: the edit must remove exactly these keys and nothing else.
  const before = fixedJiraIssues(parseShipmentYaml(text, path));
  const after = fixedJiraIssues(parseShipmentYaml(out, path));
  const expected = before.filter((k) => !removed.has(k));
  if (after.length !== expected.length || after.some((k, i) => k !== expected[i])) {
    throw new ShipmentYamlError(`removing ${[...removed].join(', ')} would change other entries; the file layout is not supported`, path);
  }
  return { text: out, removed: keys.filter((k) => removed.has(k)) };
}
