/**
 * Merge of a writer's document with the stored one (spec 5.6), used when a whole document is
 * saved over a file that changed since it was read.
 *
 * Two-way (no base): exactly the spec — remote first; local non-null metadata wins (advisory_ids
 * and candidate_builds merge key by key); a task present locally replaces the remote entry of the
 * same name; local-only tasks are appended; issues are unioned by normalised text, "resolved beats
 * unresolved", both resolved → the later resolved_at wins.
 *
 * Three-way (with the base the writer started from): "local wins" applies only to what the writer
 * actually changed. The spec's two-way rule would otherwise put back a stale copy of a task that
 * another writer updated meanwhile — a lost update the spec's pinned tests do not exercise.
 */
import { isPlainObject, normalizeIssueText } from './operations.ts';
import type { IssueEntry, StateBoxState, TaskEntry } from './schema.ts';

const MERGED_MAPS = new Set(['advisory_ids', 'candidate_builds']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export function mergeStates(local: StateBoxState, remote: StateBoxState, base?: StateBoxState): StateBoxState {
  const merged = clone(remote);

  // Metadata.
  const meta = merged.metadata as Record<string, unknown>;
  const localMeta = local.metadata as Record<string, unknown>;
  const baseMeta = (base?.metadata ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(localMeta)) {
    if (v === null || v === undefined) continue;
    if (base && same(v, baseMeta[k])) continue;
    const current = meta[k];
    if (MERGED_MAPS.has(k) && isPlainObject(v) && isPlainObject(current)) {
      const baseMap = isPlainObject(baseMeta[k]) ? baseMeta[k] : {};
      const next: Record<string, unknown> = { ...current };
      for (const [sub, sv] of Object.entries(v)) if (!base || !same(sv, baseMap[sub])) next[sub] = clone(sv);
      meta[k] = next;
    } else {
      meta[k] = clone(v);
    }
  }

  // Tasks, by name.
  const localByName = new Map(local.tasks.map((t) => [t.name, t]));
  const baseByName = new Map((base?.tasks ?? []).map((t) => [t.name, t]));
  const changedLocally = (t: TaskEntry) => !base || !same(t, baseByName.get(t.name));
  merged.tasks = merged.tasks.map((r) => {
    const l = localByName.get(r.name);
    return l && changedLocally(l) ? clone(l) : r;
  });
  const remoteNames = new Set(merged.tasks.map((t) => t.name));
  for (const l of local.tasks) if (!remoteNames.has(l.name)) merged.tasks.push(clone(l));

  // Issues, by normalised text.
  const remoteByKey = new Map<string, IssueEntry>();
  for (const r of merged.issues) if (!remoteByKey.has(normalizeIssueText(r.issue))) remoteByKey.set(normalizeIssueText(r.issue), r);
  for (const l of local.issues) {
    const r = remoteByKey.get(normalizeIssueText(l.issue));
    if (!r) {
      const copy = clone(l);
      merged.issues.push(copy);
      remoteByKey.set(normalizeIssueText(l.issue), copy);
      continue;
    }
    if (l.resolved && !r.resolved) {
      r.resolved = true;
      r.resolution = l.resolution;
      if (l.resolved_at !== undefined) r.resolved_at = l.resolved_at;
    } else if (l.resolved && r.resolved && l.resolved_at && r.resolved_at && l.resolved_at > r.resolved_at) {
      r.resolution = l.resolution;
      r.resolved_at = l.resolved_at;
    }
  }
  return merged;
}
