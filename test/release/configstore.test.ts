import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dump } from 'js-yaml';
import {
  ConfigStore,
  ConfigStoreCache,
  ConfigStoreLoader,
  decryptLocalConfig,
  encryptLocalConfig,
  getAssemblyAttr,
} from '../../src/release/configstore.ts';
import { parseMergeRequestUrl } from '../../src/integrations/gitlab/mr-url.ts';
import { testConfig } from '../../src/config/env.ts';
import { DEMO_JWK, demoLocalConfig } from '../../src/sandbox/demo-config.ts';
import { startBuildDataServer, type BuildDataServer } from '../../src/sandbox/build-data.ts';

const local = demoLocalConfig({ buildDataTemplate: 'http://x/%s/releases.yml' });

const releases = {
  '4.14.0': { assembly: { basis: {}, group: { advisories: { rpm: 100, rhcos: 101 }, release_jira: 'ART-1' } } },
  '4.14.1': {
    assembly: {
      basis: { assembly: '4.14.0', 'reference_releases!': {} },
      group: { 'advisories!': { rhcos: 201 }, release_date: '2025-Nov-04' },
    },
  },
  '4.14.2': { assembly: { basis: { assembly: '4.14.0' }, group: { shipment: { url: 'https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/337' } } } },
  'rc.8': { assembly: { basis: {}, group: { advisories: { rpm: 5 } } } },
};

describe('ConfigStore JWE', () => {
  it('round-trips the encrypted config with OAR_JWK as the raw A128GCM key', async () => {
    const jwe = await encryptLocalConfig(local, DEMO_JWK);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe.split('.')[1]).toBe(''); // alg=dir: empty encrypted key
    const back = await decryptLocalConfig(jwe, DEMO_JWK);
    expect(back.owners.default).toBe('qe-lead@example.com');
  });

  it('fails clearly without OAR_JWK or with a wrong key', async () => {
    const jwe = await encryptLocalConfig(local, DEMO_JWK);
    await expect(decryptLocalConfig(jwe, undefined)).rejects.toThrow('system environment variable OAR_JWK not found');
    await expect(decryptLocalConfig(jwe, 'wrong-key-012345')).rejects.toThrow(/cannot decrypt/);
  });

  it('validates the decrypted JSON', async () => {
    const jwe = await encryptLocalConfig({ owners: {} }, DEMO_JWK);
    await expect(decryptLocalConfig(jwe, DEMO_JWK)).rejects.toThrow(/invalid/);
  });
});

describe('assembly inheritance (spec 4.3)', () => {
  it('prefers key! in the own assembly, then the plain key, then the parent', () => {
    expect(getAssemblyAttr(releases, '4.14.1', 'group/advisories')).toEqual({ rhcos: 201 });
    expect(getAssemblyAttr(releases, '4.14.1', 'group/release_jira')).toBe('ART-1');
    expect(getAssemblyAttr(releases, '4.14.2', 'group/advisories')).toEqual({ rpm: 100, rhcos: 101 });
  });

  it('returns an explicitly empty value as is (only null falls back)', () => {
    expect(getAssemblyAttr(releases, '4.14.1', 'basis/reference_releases')).toEqual({});
  });

  it('returns null when nothing has it', () => {
    expect(getAssemblyAttr(releases, '4.14.0', 'group/shipment')).toBeNull();
  });
});

describe('ConfigStore accessors', () => {
  it('exposes metadata and detects the flow', () => {
    const errata = new ConfigStore('4.14.1', local, releases, 'u');
    expect(errata.flow()).toBe('errata');
    expect(errata.releaseDate()).toBe('2025-Nov-04');
    expect(errata.candidateBuilds()).toEqual({});
    const konflux = new ConfigStore('4.14.2', local, releases, 'u');
    expect(konflux.isKonfluxFlow()).toBe(true);
    expect(konflux.metadata()).toMatchObject({ release: '4.14.2', flow: 'konflux', jira_ticket: 'ART-1', release_date: '' });
  });

  it('uses rc/ec keys and errors when the release is not in build data', () => {
    expect(new ConfigStore('4.18.0-rc.8', local, releases, 'u').advisories()).toEqual({ rpm: 5 });
    expect(() => new ConfigStore('4.14.9', local, releases, 'http://b')).toThrow('[4.14.9] ocp build data is not ready you can check file: http://b');
  });

  it('reports a missing release date and unknown contacts with the original messages', () => {
    const cs = new ConfigStore('4.14.0', local, releases, 'u');
    expect(() => cs.releaseDate()).toThrow('release_date not found in assembly config for 4.14.0');
    expect(() => cs.slackContact('nope')).toThrow('there is no slack contact found for team nope');
    expect(() => cs.emailContact('nope')).toThrow('there is no email contact found for team nope');
    expect(cs.releaseLeadGroup()).toBe('openshift-qe-release-4-14');
    expect(cs.owner()).toBe('qe-lead@example.com');
    cs.setOwner('me@example.com');
    expect(cs.owner()).toBe('me@example.com');
  });

  it('parses shipment MR URLs with the original errors', () => {
    expect(parseMergeRequestUrl('https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/337/diffs')).toEqual({
      origin: 'https://gitlab.cee.redhat.com',
      projectPath: 'hybrid-platforms/art/ocp-shipment-data',
      iid: 337,
    });
    expect(() => parseMergeRequestUrl('not a url')).toThrow('Invalid MR URL');
    expect(() => parseMergeRequestUrl('https://gitlab.example.com/a/b/merge_requests/1')).toThrow('Invalid MR URL format');
  });
});

describe('ConfigStoreLoader against simulated ocp-build-data', () => {
  let server: BuildDataServer;
  beforeAll(async () => {
    server = await startBuildDataServer({ gitlabUrl: 'https://gitlab.example.com' });
  });
  afterAll(() => server.stop());

  const loader = (over: Record<string, string> = {}) =>
    new ConfigStoreLoader({
      config: testConfig({ OAR_JWK: DEMO_JWK, OAR_BUILD_DATA_URL: server.template, ...over }),
      readConfigFile: () => encryptLocalConfig(local, DEMO_JWK),
    });

  it('loads a real release from the fixtures tracking file', async () => {
    const cs = await loader().load('4.19.1');
    expect(cs.advisories()).toEqual({ extras: 151167, image: 151165, metadata: 151168, rpm: 151166 });
    expect(cs.jiraTicket()).toBe('ART-13172');
    expect(cs.flow()).toBe('errata');
    const k = await loader().load('4.19.10');
    expect(k.flow()).toBe('konflux');
  });

  it('fails with "download ocp build data failed" for an unknown y-stream', async () => {
    await expect(loader().load('99.99.99')).rejects.toThrow(/download ocp build data failed/);
  });

  it('rejects invalid YAML as invalid build data', async () => {
    const l = new ConfigStoreLoader({
      config: testConfig({ OAR_JWK: DEMO_JWK, OAR_BUILD_DATA_URL: 'http://h/%s' }),
      readConfigFile: () => encryptLocalConfig(local, DEMO_JWK),
      fetch: async () => new Response('releases: [unclosed', { status: 200 }),
    });
    await expect(l.load('4.19.1')).rejects.toThrow('ocp build data format is invalid');
    const empty = new ConfigStoreLoader({
      config: testConfig({ OAR_JWK: DEMO_JWK, OAR_BUILD_DATA_URL: 'http://h/%s' }),
      readConfigFile: () => encryptLocalConfig(local, DEMO_JWK),
      fetch: async () => new Response('', { status: 200 }),
    });
    await expect(empty.load('4.19.1')).rejects.toThrow('ocp build data format is invalid');
  });

  it('accepts releases.yml that YAML would misread (quoted by dump)', () => {
    expect(dump({ releases: { '4.20': 1 } })).toContain("'4.20'");
  });
});

describe('ConfigStoreCache (agents 9.3)', () => {
  const make = (now: { t: number }, max = 3, ttlMs = 1000) => {
    let builds = 0;
    const cache = new ConfigStoreCache({
      maxSize: max,
      ttlMs,
      now: () => now.t,
      build: async (r) => {
        builds++;
        if (r === 'bad') throw new Error('boom');
        return { release: r } as unknown as ConfigStore;
      },
    });
    return { cache, builds: () => builds };
  };

  it('miss then hit returns the same object; hit rate 0 → 50 → 75', async () => {
    const now = { t: 0 };
    const { cache } = make(now);
    const a = await cache.get('4.19.1');
    expect(cache.stats().metrics.hit_rate).toBe('0.00%');
    expect(await cache.get('4.19.1')).toBe(a);
    expect(cache.stats().metrics.hit_rate).toBe('50.00%');
    await cache.get('4.19.1');
    await cache.get('4.19.1');
    expect(cache.stats().metrics.hit_rate).toBe('75.00%');
  });

  it('expires by TTL from insertion and counts it as a miss, not an eviction', async () => {
    const now = { t: 0 };
    const { cache } = make(now);
    const a = await cache.get('4.19.1');
    now.t = 1200;
    const b = await cache.get('4.19.1');
    expect(b).not.toBe(a);
    expect(cache.stats().metrics).toMatchObject({ misses: 2, hits: 0, evictions: 0 });
  });

  it('evicts the least recently used entry when full', async () => {
    const now = { t: 0 };
    const { cache } = make(now);
    for (const r of ['a', 'b', 'c', 'd']) await cache.get(r);
    expect(cache.stats()).toMatchObject({ cache_size: 3, metrics: { evictions: 1 } });
    await cache.get('a');
    expect(cache.stats().metrics.misses).toBe(5);
  });

  it('builds exactly once under concurrent gets of one key', async () => {
    const now = { t: 0 };
    const { cache, builds } = make(now);
    const all = await Promise.all(Array.from({ length: 50 }, () => cache.get('4.19.1')));
    expect(builds()).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(cache.stats().metrics.misses).toBe(1);
  });

  it('does not cache failures', async () => {
    const now = { t: 0 };
    const { cache, builds } = make(now);
    await expect(cache.get('bad')).rejects.toThrow('boom');
    await expect(cache.get('bad')).rejects.toThrow('boom');
    expect(builds()).toBe(2);
    expect(cache.stats().cache_size).toBe(0);
  });

  it('invalidates one or all, warms, and reports stats in the original shape', async () => {
    const now = { t: 0 };
    const { cache } = make(now);
    const w = await cache.warm(['a', 'b', 'bad']);
    expect(w.warmed).toEqual(['a', 'b']);
    expect(w.failed[0]!.release).toBe('bad');
    expect(cache.invalidate('a')).toBe(1);
    expect(cache.invalidate('zzz')).toBe(0);
    await cache.get('c');
    expect(cache.invalidate()).toBe(2);
    const s = cache.stats();
    expect(s.metrics.manual_invalidations).toBe(3);
    expect(s.ttl_human).toBe('0 days');
    expect(Object.keys(s)).toEqual(['metrics', 'cache_size', 'max_size', 'ttl_seconds', 'ttl_human', 'entries']);
  });
});

describe('ConfigStoreCache on its default clock', () => {
  afterEach(() => vi.useRealTimers());

  it('expires an entry after ttlMs under fake timers (lru-cache reads Date.now through cacheClock)', async () => {
    vi.useFakeTimers();
    let builds = 0;
    const cache = new ConfigStoreCache({ ttlMs: 1000, build: async (r) => ({ release: `${r}#${++builds}` }) as unknown as ConfigStore });
    const a = await cache.get('4.19.1');
    vi.advanceTimersByTime(999);
    expect(await cache.get('4.19.1')).toBe(a);
    vi.advanceTimersByTime(2);
    expect(await cache.get('4.19.1')).not.toBe(a);
    expect(cache.stats().metrics).toMatchObject({ hits: 1, misses: 2, evictions: 0 });
  });
});
