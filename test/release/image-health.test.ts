import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  currentGrade,
  effectiveErrataGrade,
  imageDigest,
  imageHealthSummary,
  isHealthyGrade,
  severityRank,
  summarizeImageHealth,
  unhealthyBuildGrades,
  vulnerabilityRows,
  type Vulnerability,
} from '../../src/release/image-health.ts';

const NOW = new Date('2026-07-01T00:00:00Z');
const vulns = (JSON.parse(readFileSync(new URL('../fixtures/images/catalog-vulns-1111.json', import.meta.url), 'utf8')) as { data: Vulnerability[] }).data;
const pyxis = JSON.parse(readFileSync(new URL('../fixtures/images/pyxis-nvr-ose-console.json', import.meta.url), 'utf8')) as {
  data: { architecture: string; freshness_grades: { grade: string; start_date: string; end_date?: string }[] }[];
};

describe('current grade (Konflux, edge case 10)', () => {
  it('A then C → C (latest start_date not after now)', () => {
    expect(currentGrade([{ grade: 'A', start_date: '2025-01-01T00:00:00Z' }, { grade: 'C', start_date: '2025-02-01T00:00:00Z' }], NOW)).toBe('C');
  });

  it('future grades are ignored; end_date is ignored', () => {
    expect(currentGrade([{ grade: 'A', start_date: '2026-06-01T00:00:00Z', end_date: '2026-06-02T00:00:00Z' }, { grade: 'F', start_date: '2026-08-01T00:00:00Z' }], NOW)).toBe('A');
  });

  it('no grade in effect → Unknown', () => {
    expect(currentGrade([], NOW)).toBe('Unknown');
    expect(currentGrade(undefined, NOW)).toBe('Unknown');
    expect(currentGrade([{ grade: 'A', start_date: '2027-01-01T00:00:00Z' }], NOW)).toBe('Unknown');
  });

  it('A and B are healthy; C-F and Unknown are not', () => {
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'Unknown'].map(isHealthyGrade)).toEqual([true, true, false, false, false, false, false]);
  });
});

describe('effective grade (Errata flow)', () => {
  it('ignores grades not started or already ended and keeps the worst', () => {
    const amd64 = pyxis.data[0]!.freshness_grades;
    expect(effectiveErrataGrade(amd64, NOW)).toBe('C');
    expect(effectiveErrataGrade(amd64, new Date('2026-06-24T00:00:00Z'))).toBe('A');
    expect(effectiveErrataGrade([{ grade: 'B', start_date: '2026-01-01T00:00:00Z' }, { grade: 'D', start_date: '2026-02-01T00:00:00Z' }], NOW)).toBe('D');
  });

  it('lists unhealthy builds per architecture', () => {
    expect(unhealthyBuildGrades('ose-console-v4.19.0-1', pyxis.data, NOW)).toEqual([{ nvr: 'ose-console-v4.19.0-1', arch: 'amd64', grade: 'C' }]);
  });
});

describe('digest of a pull spec', () => {
  it('is the hex after @sha256:', () => {
    expect(imageDigest('quay.io/a/b@sha256:ABCDEF0123')).toBe('abcdef0123');
    expect(imageDigest('quay.io/a/b:4.19')).toBeUndefined();
  });
});

describe('health data and the MR comment', () => {
  const images = [
    { component: 'ose-console-4-19', architecture: 'amd64', pullSpec: 'quay.io/x/art@sha256:11', grade: 'D', vulnerabilities: vulns },
    { component: 'ose-installer-4-19', architecture: 'amd64', pullSpec: 'quay.io/x/art@sha256:22', grade: 'A' },
    { component: 'ose-cli-4-19', architecture: 'arm64', pullSpec: 'quay.io/x/art@sha256:33', grade: 'Unknown' },
  ];

  it('counts scanned, unhealthy and unknown', () => {
    const data = summarizeImageHealth(images);
    expect(data).toMatchObject({ total_scanned: 3, unhealthy_count: 2, unknown_count: 1 });
    expect(data.unhealthy_components.map((c) => c.name)).toEqual(['ose-console-4-19', 'ose-cli-4-19']);
  });

  it('renders the summary with the load-bearing lines', () => {
    const text = imageHealthSummary(summarizeImageHealth(images));
    expect(text).toContain('Images scanned: 3.  \n');
    expect(text).toContain('Unhealthy components detected: 2.  \n');
    expect(text).toContain('Health info missed: 1.  \n');
    expect(text).toContain('ose-console-4-19 (grade D, arch amd64) - quay.io/x/art@sha256:11.  \n');
    expect(text).toContain('ose-cli-4-19 (grade Unknown, arch arm64) - quay.io/x/art@sha256:33.  \n');
    expect(text).toContain('Vulnerabilities summary:');
    expect(text.split('\n').filter(Boolean).every((l) => l.endsWith('  '))).toBe(true);
  });

  it('no vulnerability table without vulnerabilities, no component list when healthy', () => {
    const text = imageHealthSummary(summarizeImageHealth([{ component: 'a', architecture: 'amd64', pullSpec: 'p', grade: 'C' }]));
    expect(text).not.toContain('Vulnerabilities summary');
    expect(text).not.toContain('| Affected Package');
    const healthy = imageHealthSummary(summarizeImageHealth([{ component: 'a', architecture: 'amd64', pullSpec: 'p', grade: 'A' }]));
    expect(healthy).toBe('Images scanned: 1.  \nUnhealthy components detected: 0.  \nHealth info missed: 0.  \n');
  });

  it('vulnerability rows: highest severity per package, sorted unique CVEs, its suggested packages', () => {
    const rows = vulnerabilityRows(summarizeImageHealth(images).unhealthy_components);
    expect(rows).toEqual([
      { package: 'openssl-libs-3.2.2-6.el9', severity: 'Important', cves: ['CVE-2026-20001', 'CVE-2026-31337'], suggested: 'openssl-1:3.2.2-7.el9_6.src' },
      { package: 'glibc-2.34-125.el9', severity: 'Moderate', cves: ['CVE-2026-20001'], suggested: 'glibc-2.34-168.el9_6.src, openssl-1:3.2.2-8.el9_6.src' },
    ]);
  });

  it('severity ranks and N/A suggestions', () => {
    expect(['Critical', 'important', 'Moderate', 'Low', 'Whatever'].map(severityRank)).toEqual([0, 1, 2, 3, 4]);
    const rows = vulnerabilityRows([{ name: 'c', grade: 'C', pull_spec: 'p', architecture: 'amd64', vulnerabilities: [{ cve_id: 'CVE-1', severity: 'Low', affected_packages: [{ name: 'zlib', version: '1' }] }] }]);
    expect(rows).toEqual([{ package: 'zlib-1', severity: 'Low', cves: ['CVE-1'], suggested: 'N/A' }]);
  });
});
