/** Release discovery (spec agents.md section 5) on real ART tracking files and the simulated GitHub. */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { GitHubClient } from '../../src/integrations/github.ts';
import {
  createReleaseDiscovery,
  isActiveOn,
  latestReleaseOf,
  parseReleaseDate,
  parseTrackingFile,
  ReleaseDiscovery,
  ReleaseDiscoveryError,
  type TrackingFile,
} from '../../src/release/discovery.ts';
import { createDefaultState } from '../../src/release/statebox/operations.ts';
import { serializeStateBox } from '../../src/release/statebox/yaml.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/index.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const ROOT = fixturePath('zstream');
const YSTREAMS = readdirSync(ROOT).filter((y) => /^\d+\.\d+$/.test(y));

function tracking(ystream: string, keys: string[]): TrackingFile {
  return { ystream, releases: Object.fromEntries(keys.map((k) => [k, { advisories: {}, release_jira: null }])) };
}

function fmt(d: Date): string {
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  return `${d.getFullYear()}-${m}-${String(d.getDate()).padStart(2, '0')}`;
}

function statebox(release: string, releaseDate: string): string {
  return serializeStateBox(createDefaultState({ release, release_date: releaseDate, jira_ticket: 'ART-1' }, '2026-07-01T00:00:00Z'));
}

describe('ART tracking files (real data)', () => {
  it.each(YSTREAMS)('%s.z.yaml parses', (y) => {
    const file = parseTrackingFile(readFileSync(`${ROOT}/${y}/${y}.z.yaml`, 'utf8'), y);
    for (const [release, entry] of Object.entries(file.releases)) {
      expect(release.startsWith(`${y}.`)).toBe(true);
      expect(entry.release_jira).toMatch(/^ART-\d+$/);
      for (const id of Object.values(entry.advisories)) expect(Number.isInteger(id)).toBe(true);
    }
  });

  it('4.19: keys are not in semver order in the file; the latest is the semver maximum', () => {
    const text = readFileSync(`${ROOT}/4.19/4.19.z.yaml`, 'utf8');
    const keys = Object.keys(parseTrackingFile(text, '4.19').releases);
    expect(keys.indexOf('4.19.10')).toBeLessThan(keys.indexOf('4.19.2'));
    const max = keys.map((k) => Number(k.split('.')[2])).reduce((a, b) => Math.max(a, b));
    expect(latestReleaseOf(parseTrackingFile(text, '4.19'))).toBe(`4.19.${max}`);
    expect(parseTrackingFile(text, '4.19').releases['4.19.0']?.advisories).toMatchObject({ microshift: 144057, rpm: 147146 });
  });

  it('5.0 holds `releases: {}` (no trailing newline): no latest release', () => {
    const file = parseTrackingFile(readFileSync(`${ROOT}/5.0/5.0.z.yaml`, 'utf8'), '5.0');
    expect(file.releases).toEqual({});
    expect(latestReleaseOf(file)).toBeNull();
  });

  it('a broken tracking file names its y-stream', () => {
    expect(() => parseTrackingFile('releases: [', '4.19')).toThrow(/^Failed to parse tracking file for 4\.19: /);
    expect(() => parseTrackingFile('releases:\n  4.19.1:\n    advisories: {rpm: x}\n', '4.19')).toThrow(ReleaseDiscoveryError);
  });
});

describe('derived queries (pinned)', () => {
  it('latest release: {4.20.15, 4.20.17, 4.20.16} → 4.20.17', () => {
    expect(latestReleaseOf(tracking('4.20', ['4.20.15', '4.20.17', '4.20.16']))).toBe('4.20.17');
  });
  it('latest release uses semver: pre-releases sort before the release; unparsable keys are skipped', () => {
    expect(latestReleaseOf(tracking('4.22', ['4.22.0-rc.1', '4.22.0', '4.22.0-ec.3']))).toBe('4.22.0');
    expect(latestReleaseOf(tracking('4.22', ['4.22.0-rc.1', '4.22.0-rc.2', 'garbage', '4.22']))).toBe('4.22.0-rc.2');
  });
  it('release_date parses as YYYY-Mon-DD; active through release_date + keepDays (local date)', () => {
    const d = parseReleaseDate('2026-Jul-07')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate()]).toEqual([2026, 6, 7]);
    expect(parseReleaseDate('2026-07-07')).toBeNull();
    expect(parseReleaseDate('2026-Foo-07')).toBeNull();
    expect(parseReleaseDate('2026-Feb-30')).toBeNull();
    expect(isActiveOn(d, new Date(2026, 6, 8, 23, 59), 1)).toBe(true);
    expect(isActiveOn(d, new Date(2026, 6, 9, 0, 1), 1)).toBe(false);
    expect(isActiveOn(d, new Date(2026, 6, 9, 0, 1), 2)).toBe(true);
  });
});

describe('ReleaseDiscovery against the simulated GitHub', () => {
  let gh: GitHubSandbox;
  let client: GitHubClient;
  beforeEach(async () => {
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
    client = new GitHubClient({ token: 't', apiUrl: gh.url, graphqlUrl: gh.graphqlUrl, rawUrl: gh.rawUrl });
  });
  afterEach(async () => {
    await gh.close();
  });

  it('supported y-streams: 4.20, 4.21, 4.19 and test.txt → ["4.19", "4.20", "4.21"]', async () => {
    for (const y of ['4.20', '4.21', '4.19']) gh.seedFile('z-stream', `_releases/${y}/${y}.z.yaml`, `releases:\n  ${y}.1: {}\n`);
    gh.seedFile('z-stream', '_releases/test.txt', 'x');
    gh.seedFile('z-stream', '_releases/4.18/notes.md', 'a directory without a tracking file');
    gh.seedFile('z-stream', '_releases/foo/foo.z.yaml', 'releases: {}');
    gh.seedFile('z-stream', '_releases/4.17/4.17.z.yaml', '');
    const d = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream' });
    expect(await d.supportedYStreams()).toEqual(['4.19', '4.20', '4.21']);
  });

  it('active releases: dates {past-5, tomorrow, past-5} for [4.19.10, 4.20.17, 4.21.8] → ["4.20.17"], in 3 requests', async () => {
    const today = new Date(2026, 6, 2, 12, 0);
    const past = new Date(2026, 5, 27);
    const tomorrow = new Date(2026, 6, 3);
    const plan: [string, string[], Date][] = [
      ['4.19', ['4.19.9', '4.19.10'], past],
      ['4.20', ['4.20.15', '4.20.17', '4.20.16'], tomorrow],
      ['4.21', ['4.21.8'], past],
    ];
    for (const [y, releases, date] of plan) {
      gh.seedFile('z-stream', `_releases/${y}/${y}.z.yaml`, `releases:\n${releases.map((r) => `  ${r}:\n    release_jira: ART-1\n`).join('')}`);
      const latest = releases.at(-1) === '4.20.16' ? '4.20.17' : releases.at(-1)!;
      gh.seedFile('z-stream', `_releases/${y}/statebox/${latest}.yaml`, statebox(latest, fmt(date)));
    }
    const d = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream', now: () => today });
    gh.clearCalls();
    expect(await d.discoverActiveReleases()).toEqual(['4.20.17']);
    expect(gh.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      'GET /repos/openshift/release-tests/git/trees/z-stream',
      'POST /graphql',
      'POST /graphql',
    ]);
    expect(await d.discoverActiveReleases(6)).toEqual(['4.19.10', '4.20.17', '4.21.8']);
    // Tracking files are cached per instance: the second call only read the StateBox files.
    expect(gh.calls).toHaveLength(4);
    d.refresh();
    await d.supportedYStreams();
    expect(gh.calls).toHaveLength(6);
  });

  it('a missing StateBox, a missing date or an unparsable date means not active', async () => {
    const today = new Date(2026, 6, 2);
    gh.seedFile('z-stream', '_releases/4.19/4.19.z.yaml', 'releases:\n  4.19.10: {}\n');
    gh.seedFile('z-stream', '_releases/4.20/4.20.z.yaml', 'releases:\n  4.20.17: {}\n');
    gh.seedFile('z-stream', '_releases/4.21/4.21.z.yaml', 'releases:\n  4.21.8: {}\n');
    gh.seedFile('z-stream', '_releases/4.20/statebox/4.20.17.yaml', statebox('4.20.17', '2026-07-40'));
    gh.seedFile('z-stream', '_releases/4.21/statebox/4.21.8.yaml', 'metadata: {}\n');
    const d = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream', now: () => today });
    expect(await d.discoverActiveReleases()).toEqual([]);
  });

  it('works on the real tracking and StateBox files of every y-stream', async () => {
    gh.seedDirectory('z-stream', ROOT, '_releases');
    const d = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream' });
    const ys = await d.supportedYStreams();
    expect(ys).toEqual(['4.12', '4.13', '4.14', '4.15', '4.16', '4.17', '4.18', '4.19', '4.20', '4.21', '4.22', '5.0']);
    const latest = await d.latestReleases();
    expect(latest.map((l) => l.ystream)).not.toContain('5.0');
    expect(latest.find((l) => l.ystream === '4.12')?.release).toBe(latestReleaseOf(parseTrackingFile(readFileSync(`${ROOT}/4.12/4.12.z.yaml`, 'utf8'), '4.12')));
    // The newest 4.12 StateBox in the fixtures belongs to the latest tracked 4.12 release: active on its release date.
    const latest412 = latest.find((l) => l.ystream === '4.12')!.release;
    const sb = readFileSync(`${ROOT}/4.12/statebox/${latest412}.yaml`, 'utf8');
    const date = parseReleaseDate(/release_date: (\S+)/.exec(sb)![1])!;
    const onReleaseDay = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream', now: () => date });
    expect(await onReleaseDay.discoverActiveReleases()).toContain(latest412);
  });

  it('a GitHub failure surfaces as a ReleaseDiscoveryError and is not cached', async () => {
    gh.seedFile('z-stream', '_releases/4.19/4.19.z.yaml', 'releases:\n  4.19.1: {}\n');
    gh.injectFault({ status: 401, body: { message: 'Bad credentials' } });
    const d = new ReleaseDiscovery({ github: client, repo: 'openshift/release-tests', branch: 'z-stream' });
    await expect(d.supportedYStreams()).rejects.toThrow(ReleaseDiscoveryError);
    expect(await d.supportedYStreams()).toEqual(['4.19']);
  });

  it('needs a GitHub token', () => {
    expect(() => createReleaseDiscovery(testConfig({}), client)).toThrow('GitHub token not found. Set GITHUB_TOKEN environment variable.');
    expect(createReleaseDiscovery(testConfig(gh.env()), client)).toBeInstanceOf(ReleaseDiscovery);
  });
});
