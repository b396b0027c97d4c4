import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry, normaliseRetries, parseRegistryFile, RegistryError, registryKeyOf } from '../../../src/commands/prow/registry.ts';
import { GitHubClient } from '../../../src/integrations/github.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/github/index.ts';
import { fixtureText, REGISTRY_DIR, REPO } from './harness.ts';

/** Counts straight from the raw JSON, independent of the loader. */
function rawCounts(name: string): { nightly: number; stable: number } {
  const raw = JSON.parse(fixtureText(REGISTRY_DIR, name)) as { nightly: unknown[]; stable: unknown[] };
  return { nightly: raw.nightly.length, stable: raw.stable.length };
}

describe('test-job registry files (agents 6.2)', () => {
  const files = readdirSync(REGISTRY_DIR).filter((f) => f.endsWith('.json'));

  it('every fixture registry parses with the job counts of its raw JSON', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) {
      const parsed = parseRegistryFile(fixtureText(REGISTRY_DIR, f), f);
      expect({ f, nightly: parsed.nightly.length, stable: parsed.stable.length }).toEqual({ f, ...rawCounts(f) });
    }
  });

  it('pinned counts and flags', () => {
    const r419 = parseRegistryFile(fixtureText(REGISTRY_DIR, 'ocp-4.19-test-jobs-amd64.json'), 'ocp-4.19-test-jobs-amd64.json');
    expect([r419.nightly.length, r419.stable.length]).toEqual([6, 3]);
    expect(r419.nightly.filter((j) => j.upgrade).map((j) => j.prowJob.replace(/.*automated-release-/, ''))).toEqual([
      'stable-4.19-upgrade-from-stable-4.18-gcp-ipi-f999',
      'stable-4.19-upgrade-from-stable-4.19-aws-ipi-f999',
    ]);
    expect(r419.stable.every((j) => j.upgrade && !j.disabled && !j.optional && j.retries === 2)).toBe(true);
    const r412 = parseRegistryFile(fixtureText(REGISTRY_DIR, 'ocp-4.12-test-jobs-amd64.json'), 'x');
    expect([r412.nightly.length, r412.stable.length]).toEqual([5, 3]);
    const multi = parseRegistryFile(fixtureText(REGISTRY_DIR, 'ocp-4.15-test-jobs-multi.json'), 'x');
    expect([multi.nightly.length, multi.stable.length]).toEqual([0, 1]);
  });

  it('file names: the key is X.Y of the arch; the 4.x dummy is not a registry', () => {
    expect(registryKeyOf('_releases/ocp-4.19-test-jobs-amd64.json', 'amd64')).toBe('4.19');
    expect(registryKeyOf('_releases/ocp-5.0-test-jobs-amd64.json', 'amd64')).toBe('5.0');
    expect(registryKeyOf('_releases/ocp-4.x-test-jobs-amd64.json', 'amd64')).toBeNull();
    expect(registryKeyOf('_releases/ocp-4.15-test-jobs-multi.json', 'amd64')).toBeNull();
    expect(registryKeyOf('_releases/ocp-4.15-test-jobs-multi.json', 'multi')).toBe('4.15');
  });

  it('retries are normalised to an even number >= 2', () => {
    const cases: [unknown, number][] = [
      [undefined, 2],
      [null, 2],
      [0, 2],
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 4],
      [5, 4],
      [7, 6],
      ['6', 6],
      ['abc', 2],
      [-4, 2],
      [2.5, 2],
      [true, 2],
    ];
    for (const [input, want] of cases) expect({ input, got: normaliseRetries(input) }).toEqual({ input, got: want });
    const r = parseRegistryFile(JSON.stringify({ nightly: [{ prowJob: 'periodic-ci-a', retries: 5 }], stable: [] }), 'f.json');
    expect(r.nightly[0]!.retries).toBe(4);
  });

  it('string booleans are rejected, naming the file and the job', () => {
    const text = JSON.stringify({ nightly: [{ prowJob: 'periodic-ci-ok' }, { prowJob: 'periodic-ci-bad', disabled: 'false' }], stable: [] });
    expect(() => parseRegistryFile(text, '_releases/ocp-4.19-test-jobs-amd64.json')).toThrow(RegistryError);
    expect(() => parseRegistryFile(text, '_releases/ocp-4.19-test-jobs-amd64.json')).toThrow(
      'test-job registry _releases/ocp-4.19-test-jobs-amd64.json: job periodic-ci-bad (nightly[1]) has "disabled": the string "false"; it must be true or false without quotes',
    );
    expect(() => parseRegistryFile(JSON.stringify({ nightly: [], stable: [{ prowJob: 'periodic-ci-x', optional: 1 }] }), 'f.json')).toThrow(/job periodic-ci-x \(stable\[0\]\) has "optional": number 1/);
    // null is false, as in the original
    expect(parseRegistryFile(JSON.stringify({ nightly: [{ prowJob: 'periodic-ci-x', upgrade: null }], stable: [] }), 'f.json').nightly[0]!.upgrade).toBe(false);
  });

  it('both lists are required; a job needs a prowJob', () => {
    expect(() => parseRegistryFile(JSON.stringify({ nightly: [] }), 'f.json')).toThrow(/must have "nightly" and "stable" arrays \(stable:/);
    expect(() => parseRegistryFile(JSON.stringify({ nightly: [{ upgrade: true }], stable: [] }), 'f.json')).toThrow(/nightly\[0\] is not a job/);
    expect(() => parseRegistryFile('{', 'f.json')).toThrow(/f\.json is not valid JSON/);
  });
});

describe('loading from GitHub', () => {
  let gh: GitHubSandbox;
  let client: GitHubClient;
  beforeAll(async () => {
    gh = await startGitHubSandbox({ branches: ['main'] });
    gh.seedDirectory('main', REGISTRY_DIR, '_releases');
    client = new GitHubClient({ token: 't', apiUrl: gh.url, retries: 0 });
  });
  afterAll(() => gh.close());

  it('one listing and one batched read load every registry of the arch', async () => {
    gh.clearCalls();
    const registry = await loadRegistry(client, { repo: REPO, branch: 'main', arch: 'amd64' });
    expect(registry.ystreams().sort()).toEqual(['4.12', '4.13', '4.14', '4.15', '4.16', '4.17', '4.18', '4.19', '4.20', '4.21', '4.22', '5.0']);
    expect(gh.calls).toHaveLength(2);
    expect(registry.jobsFor('4.19', true)).toHaveLength(rawCounts('ocp-4.19-test-jobs-amd64.json').nightly);
    expect(registry.jobsFor('5.0', false)).toHaveLength(3);
    expect(registry.jobsFor('4.11', true)).toEqual([]);
    expect(registry.job('4.19', true, 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-gcp-ipi-f999')?.upgrade).toBe(false);
    expect(registry.job('4.19', true, 'nope')).toBeUndefined();
    const multi = await loadRegistry(client, { repo: REPO, branch: 'main', arch: 'multi' });
    expect(multi.ystreams()).toEqual(['4.15']);
    expect(multi.jobsFor('4.15', false)).toHaveLength(1);
  });

  it('an invalid file fails only its own y-stream', async () => {
    gh.seedFile('main', '_releases/ocp-4.99-test-jobs-amd64.json', JSON.stringify({ nightly: [{ prowJob: 'periodic-ci-x', upgrade: 'true' }], stable: [] }));
    const registry = await loadRegistry(client, { repo: REPO, branch: 'main', arch: 'amd64' });
    expect(registry.errors().map((e) => e.file)).toEqual(['_releases/ocp-4.99-test-jobs-amd64.json']);
    expect(() => registry.jobsFor('4.99', true)).toThrow(/job periodic-ci-x \(nightly\[0\]\) has "upgrade": the string "true"/);
    expect(registry.jobsFor('4.19', true)).toHaveLength(6);
  });
});
