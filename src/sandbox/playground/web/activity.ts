/**
 * What the simulated services recorded since the playground started, as one feed for the
 * page's services panel: Jira comments, transitions and field changes; Errata state changes, QE
 * owner changes and push jobs; GitLab MR notes and approvals; Jenkins builds; Prow jobs; files
 * written on the simulated GitHub (StateBox). Seeding happens before the baseline is taken, so
 * the panel shows only what commands and jobs did.
 */
import { JIRA_FIELDS } from '../../../release/tasks.ts';
import type { StateChange } from '../../errata/sim-kit.ts';
import type { SimulatedWorld } from '../../world.ts';

export type ActivitySystem = 'Jira' | 'Errata' | 'GitLab' | 'Jenkins' | 'Prow' | 'GitHub';

export interface ActivityEntry {
  /** Stable id (system + sequence) so the page can keep its rendering. */
  id: string;
  /** ISO time of the change. */
  at: string;
  system: ActivitySystem;
  kind: string;
  subject: string;
  text: string;
  /** A same-origin link to look at the result (StateBox files). */
  link?: string;
}

type Changing = Pick<SimulatedWorld, 'errata' | 'gitlab' | 'jenkins' | 'prow' | 'github' | 'jira'>;

const FIELD_LABELS: Record<string, string> = {
  [JIRA_FIELDS.qaContact]: 'QA Contact',
  [JIRA_FIELDS.needInfoFrom]: 'Need Info From',
};

const MAX_TEXT = 400;

function clip(s: string, n = MAX_TEXT): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : '∅';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `{from, to}` pairs as arrows, everything else as `key: value`. */
export function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  const fromTo = 'from' in detail || 'to' in detail;
  if (fromTo) parts.push(`${show(detail.from)} → ${show(detail.to)}`);
  for (const [k, v] of Object.entries(detail)) {
    if (fromTo && (k === 'from' || k === 'to')) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && ('from' in v || 'to' in v)) {
      const p = v as { from?: unknown; to?: unknown };
      parts.push(`${k}: ${show(p.from)} → ${show(p.to)}`);
    } else if (v && typeof v === 'object' && !Array.isArray(v) && ('added' in v || 'removed' in v)) {
      const p = v as { added?: unknown[]; removed?: unknown[] };
      parts.push(`${k}: +${show(p.added)} −${show(p.removed)}`);
    } else {
      parts.push(`${k}: ${show(v)}`);
    }
  }
  return parts.join('; ');
}

function parseJiraTime(s: string): number {
  return Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

export class ServiceActivity {
  readonly #world: Changing;
  readonly #since: number;
  readonly #base: { errata: number; gitlab: number; jenkins: number; prow: number; github: number };

  /** Takes the baseline: only what happens after this counts. */
  constructor(world: Changing, now: () => number = Date.now) {
    this.#world = world;
    this.#since = now();
    this.#base = {
      errata: world.errata.changes.length,
      gitlab: world.gitlab.changes.length,
      jenkins: world.jenkins.changes.length,
      prow: world.prow.changes.length,
      github: world.github.commits().length,
    };
  }

  /** Newest first. */
  entries(limit = 200): ActivityEntry[] {
    const w = this.#world;
    const out: ActivityEntry[] = [
      ...this.#simChanges('Errata', w.errata.changes.slice(this.#base.errata)),
      ...this.#simChanges('GitLab', w.gitlab.changes.slice(this.#base.gitlab)),
      ...this.#simChanges('Jenkins', w.jenkins.changes.slice(this.#base.jenkins)),
      ...this.#simChanges('Prow', w.prow.changes.slice(this.#base.prow)),
      ...this.#github(),
      ...this.#jira(),
    ];
    out.sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
    return out.slice(0, limit);
  }

  #simChanges(system: ActivitySystem, changes: StateChange[]): ActivityEntry[] {
    return changes.map((c) => ({
      id: `${system}:${c.seq}`,
      at: c.at,
      system,
      kind: c.kind,
      subject: c.subject,
      text: clip(`${c.subject} ${c.kind.replaceAll('-', ' ')}: ${describeDetail(c.detail)}`),
    }));
  }

  #github(): ActivityEntry[] {
    return this.#world.github.commits().slice(this.#base.github).map((c, i) => ({
      id: `GitHub:${this.#base.github + i + 1}`,
      at: c.at,
      system: 'GitHub' as const,
      kind: c.path.includes('/statebox/') ? 'statebox' : 'commit',
      subject: c.path,
      text: clip(`${c.branch}: ${c.action} ${c.path} (${c.message})`),
      ...(c.action === 'delete' ? {} : { link: `/api/github/file?branch=${encodeURIComponent(c.branch)}&path=${encodeURIComponent(c.path)}` }),
    }));
  }

  #jira(): ActivityEntry[] {
    const out: ActivityEntry[] = [];
    for (const issue of this.#world.jira.state.issues.values()) {
      for (const h of issue.histories) {
        const at = parseJiraTime(h.created);
        if (!(at >= this.#since)) continue;
        h.items.forEach((item, n) => {
          const field = FIELD_LABELS[item.field] ?? item.field;
          out.push({
            id: `Jira:${issue.key}:h${h.id}:${n}`,
            at: new Date(at).toISOString(),
            system: 'Jira',
            kind: item.field === 'status' ? 'transition' : 'field',
            subject: issue.key,
            text: clip(`${issue.key} ${field}: ${item.fromString ?? '∅'} → ${item.toString ?? '∅'} (by ${h.author.displayName})`),
          });
        });
      }
      for (const c of issue.comments) {
        const at = parseJiraTime(c.created);
        if (!(at >= this.#since)) continue;
        out.push({
          id: `Jira:${issue.key}:c${c.id}`,
          at: new Date(at).toISOString(),
          system: 'Jira',
          kind: 'comment',
          subject: issue.key,
          text: clip(`${issue.key} comment by ${c.author.displayName}: ${c.body}`),
        });
      }
    }
    return out;
  }
}
