/**
 * Image "freshness" grading (oar-commands 11.7, edge case 10). Pure: no I/O, time passed in.
 *
 * - Konflux: the current grade of an image is the grade with the latest `start_date` not after
 *   now (`end_date` ignored); no such grade → `Unknown`. C-F and Unknown are unhealthy.
 * - Errata: per build and architecture, grades that have not started or have ended are ignored
 *   and the worst remaining grade counts; builds not graded A or B are unhealthy.
 */

import type { FreshnessGrade, Vulnerability } from '../integrations/images.ts';

export type { FreshnessGrade, Vulnerability };

export const UNKNOWN_GRADE = 'Unknown';

const time = (s: string | null | undefined) => (s ? Date.parse(s) : Number.NaN);

/** Konflux rule: latest grade whose start_date <= now, else `Unknown`. */
export function currentGrade(grades: readonly FreshnessGrade[] | null | undefined, now: Date): string {
  let best: { grade: string; start: number } | undefined;
  for (const g of grades ?? []) {
    const start = time(g.start_date);
    if (Number.isNaN(start) || start > now.getTime()) continue;
    if (!best || start > best.start) best = { grade: g.grade, start };
  }
  return best?.grade ?? UNKNOWN_GRADE;
}

/** Errata rule: worst (lexicographically largest) grade active at `now`, else `Unknown`. */
export function effectiveErrataGrade(grades: readonly FreshnessGrade[] | null | undefined, now: Date): string {
  let worst: string | undefined;
  for (const g of grades ?? []) {
    const start = time(g.start_date);
    const end = time(g.end_date);
    if (!Number.isNaN(start) && start > now.getTime()) continue;
    if (!Number.isNaN(end) && end < now.getTime()) continue;
    if (worst === undefined || g.grade > worst) worst = g.grade;
  }
  return worst ?? UNKNOWN_GRADE;
}

/** A and B are healthy; C-F and Unknown are not. */
export function isHealthyGrade(grade: string): boolean {
  return grade === 'A' || grade === 'B';
}

/** The hex digest after `@sha256:` of a pull spec, or undefined. */
export function imageDigest(pullSpec: string): string | undefined {
  const m = /@sha256:([0-9a-f]+)$/i.exec(pullSpec.trim());
  return m?.[1]?.toLowerCase();
}

// --- Konflux health data and MR comment ---------------------------------------------------------------

/** One scanned image (an image that had a digest) with its current grade. */
export interface GradedImage {
  component: string;
  architecture: string;
  pullSpec: string;
  grade: string;
  /** Fetched only for unhealthy images; empty when unknown or unavailable. */
  vulnerabilities?: readonly Vulnerability[];
}

export interface UnhealthyComponent {
  name: string;
  grade: string;
  pull_spec: string;
  architecture: string;
  vulnerabilities: readonly Vulnerability[];
}

export interface ImageHealthData {
  total_scanned: number;
  unhealthy_components: UnhealthyComponent[];
  unhealthy_count: number;
  unknown_count: number;
}

export function summarizeImageHealth(images: readonly GradedImage[]): ImageHealthData {
  const unhealthy = images
    .filter((i) => !isHealthyGrade(i.grade))
    .map((i) => ({ name: i.component, grade: i.grade, pull_spec: i.pullSpec, architecture: i.architecture, vulnerabilities: i.vulnerabilities ?? [] }));
  return {
    total_scanned: images.length,
    unhealthy_components: unhealthy,
    unhealthy_count: unhealthy.length,
    unknown_count: unhealthy.filter((u) => u.grade === UNKNOWN_GRADE).length,
  };
}

export function isHealthy(data: ImageHealthData): boolean {
  return data.unhealthy_count === 0;
}

const SEVERITY_ORDER = ['critical', 'important', 'moderate', 'low'];
export function severityRank(severity: string | null | undefined): number {
  const i = SEVERITY_ORDER.indexOf((severity ?? '').toLowerCase());
  return i === -1 ? SEVERITY_ORDER.length : i;
}

export interface VulnerabilityRow {
  package: string;
  severity: string;
  cves: string[];
  suggested: string;
}

/**
 * One row per affected package `<name>-<version>` across the unhealthy components: CVEs sorted and
 * de-duplicated, the highest severity seen, and the fixed source packages of that most severe
 * vulnerability (`N/A` when none). Rows sorted by severity, then package.
 */
export function vulnerabilityRows(components: readonly UnhealthyComponent[]): VulnerabilityRow[] {
  const rows = new Map<string, { severity: string; rank: number; cves: Set<string>; suggested: string }>();
  for (const c of components) {
    for (const v of c.vulnerabilities) {
      const rank = severityRank(v.severity);
      const srpms = (v.packages ?? []).flatMap((p) => (Array.isArray(p.srpm_nevra) ? p.srpm_nevra : p.srpm_nevra ? [p.srpm_nevra] : []));
      for (const ap of v.affected_packages ?? []) {
        if (!ap.name) continue;
        const pkg = ap.version ? `${ap.name}-${ap.version}` : ap.name;
        let row = rows.get(pkg);
        if (!row) {
          row = { severity: v.severity ?? 'Unknown', rank, cves: new Set(), suggested: srpms.join(', ') };
          rows.set(pkg, row);
        } else if (rank < row.rank) {
          row.severity = v.severity ?? 'Unknown';
          row.rank = rank;
          row.suggested = srpms.join(', ');
        }
        if (v.cve_id) row.cves.add(v.cve_id);
      }
    }
  }
  return [...rows.entries()]
    .map(([pkg, r]) => ({ package: pkg, severity: r.severity, rank: r.rank, cves: [...r.cves].sort(), suggested: r.suggested || 'N/A' }))
    .sort((a, b) => a.rank - b.rank || a.package.localeCompare(b.package))
    .map(({ rank: _rank, ...row }) => row);
}

/** The Markdown MR comment; every line ends with two spaces (a Markdown line break). */
export function imageHealthSummary(data: ImageHealthData): string {
  const lines = [`Images scanned: ${data.total_scanned}.`, `Unhealthy components detected: ${data.unhealthy_count}.`, `Health info missed: ${data.unknown_count}.`];
  if (data.unhealthy_count > 0) {
    lines.push('Unhealthy components:');
    for (const c of data.unhealthy_components) lines.push(`${c.name} (grade ${c.grade}, arch ${c.architecture}) - ${c.pull_spec}.`);
  }
  const rows = vulnerabilityRows(data.unhealthy_components);
  if (rows.length > 0) {
    lines.push('', 'Vulnerabilities summary:', '| Affected Package | Severity | CVEs | Suggested Package |', '| --- | --- | --- | --- |');
    for (const r of rows) lines.push(`| ${r.package} | ${r.severity} | ${r.cves.join(', ')} | ${r.suggested} |`);
  }
  return lines.map((l) => `${l}  \n`).join('');
}

// --- Errata advisories -----------------------------------------------------------------------------------

export interface BuildGrade {
  nvr: string;
  arch: string;
  grade: string;
}

export interface UnhealthyAdvisory {
  errata_id: number;
  ad_grade: string;
  unhealthy_builds: BuildGrade[];
}

/** Per architecture entry of a build's Pyxis images: the effective grade; only non-A/B returned. */
export function unhealthyBuildGrades(nvr: string, images: readonly { architecture: string; freshness_grades?: readonly FreshnessGrade[] | null }[], now: Date): BuildGrade[] {
  return images
    .map((i) => ({ nvr, arch: i.architecture, grade: effectiveErrataGrade(i.freshness_grades, now) }))
    .filter((b) => !isHealthyGrade(b.grade));
}
