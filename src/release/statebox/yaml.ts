/**
 * StateBox YAML (spec 5.3), with js-yaml:
 * - load with the YAML 1.2 core schema, so unquoted timestamps and dates stay strings;
 * - dump in block style, keys in the spec's order, multi-line strings as literal blocks (`|`/`|-`),
 *   strings that would read back as another type (`'4.20'`, `'2025-11-27T21:50:00Z'`, `'1.0'`) quoted,
 *   long single-line strings on one line (no folding; see docs/statebox.md for the byte-level
 *   differences from files written by the original PyYAML emitter).
 */
import { dump, load, DEFAULT_SCALAR_STYLE_RULES, SCALAR_STYLE, type ScalarLayout, type ScalarStyleRule } from 'js-yaml';
import type { z } from 'zod';
import { StateBoxError } from './errors.ts';
import { stateBoxSchema, type IssueEntry, type StateBoxState, type TaskEntry } from './schema.ts';

const TOP_KEYS = ['schema_version', 'release', 'created_at', 'updated_at', 'metadata', 'tasks', 'issues'] as const;
const TASK_KEYS = ['name', 'status', 'started_at', 'completed_at', 'result'] as const;
const ISSUE_KEYS = ['issue', 'reported_at', 'resolved', 'resolution', 'blocker', 'related_tasks'] as const;

/** PyYAML writes every multi-line string as a literal block; js-yaml would fold long ones (`>`). */
const literalBlockForMultiline: ScalarStyleRule = (layout: ScalarLayout) => {
  if (layout.style !== SCALAR_STYLE.PLAIN || layout.isKey || !layout.node.value.includes('\n')) return;
  if ((layout.allowedStylesMask & (1 << SCALAR_STYLE.LITERAL_BLOCK)) !== 0) layout.style = SCALAR_STYLE.LITERAL_BLOCK;
  else layout.style = SCALAR_STYLE.DOUBLE_QUOTED;
};

const R = DEFAULT_SCALAR_STYLE_RULES;
const SCALAR_RULES: readonly ScalarStyleRule[] = [
  R.applyQuoteFlowKeysOption,
  R.doubleQuoteForInvisibles,
  R.doubleQuoteWhitespaceOnly,
  literalBlockForMultiline,
  R.quoteInvalidPlain,
  R.fallbackToDoubleQuoted,
];

/** Parse and validate a StateBox file. `source` names it in errors. */
export function parseStateBoxYaml(text: string, source = 'StateBox'): StateBoxState {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (e) {
    throw new StateBoxError('parse', `Failed to parse YAML: ${source}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}; the file was not changed`, { cause: e });
  }
  return parseStateBoxDocument(raw, source);
}

/** Validate an already-decoded document (YAML or JSON). Metadata keeps its stored key order. */
export function parseStateBoxDocument(raw: unknown, source = 'StateBox'): StateBoxState {
  const parsed = stateBoxSchema.safeParse(raw);
  if (!parsed.success) {
    // Refused, never repaired: writing back what parsed would drop whatever the file lost.
    throw new StateBoxError('parse', `Invalid StateBox document ${source}: ${formatIssues(parsed.error)}; the file was not changed (restore it from its history)`);
  }
  const state = parsed.data;
  const rawMeta = (raw as { metadata?: unknown }).metadata;
  if (rawMeta && typeof rawMeta === 'object') {
    const ordered: Record<string, unknown> = {};
    for (const k of Object.keys(rawMeta)) if (k in state.metadata) ordered[k] = state.metadata[k];
    for (const [k, v] of Object.entries(state.metadata)) if (!(k in ordered)) ordered[k] = v;
    state.metadata = ordered as StateBoxState['metadata'];
  }
  return state;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(document)'}: ${i.message}`)
    .join('; ');
}

function ordered<T extends Record<string, unknown>>(entry: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = entry[k] ?? null;
  for (const [k, v] of Object.entries(entry)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function orderedIssue(issue: IssueEntry): Record<string, unknown> {
  const out = ordered(issue, ISSUE_KEYS);
  // resolved_at comes last, and only once the issue was resolved (as the original wrote it).
  if ('resolved_at' in out) {
    const at = out.resolved_at;
    delete out.resolved_at;
    out.resolved_at = at;
  }
  return out;
}

/** The plain object written to YAML/JSON: keys in the spec's order, extra keys after them. */
export function toDocument(state: StateBoxState): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const k of TOP_KEYS) {
    if (k === 'tasks') doc.tasks = state.tasks.map((t: TaskEntry) => ordered(t, TASK_KEYS));
    else if (k === 'issues') doc.issues = state.issues.map(orderedIssue);
    else doc[k] = state[k];
  }
  for (const [k, v] of Object.entries(state)) if (!(k in doc) && v !== undefined) doc[k] = v;
  return doc;
}

export function serializeStateBox(state: StateBoxState): string {
  try {
    return dump(toDocument(state), { lineWidth: -1, seqNoIndent: true, noRefs: true, scalarStyleRules: SCALAR_RULES });
  } catch (e) {
    throw new StateBoxError('storage', `Failed to serialize state to YAML: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
