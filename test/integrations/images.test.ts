import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CatalogClient, PyxisClient, SignatureClient, findTarEntry, lookupPayloadDigest, parsePullspec, signatureUrl } from '../../src/integrations/images.ts';
import { ReleaseControllerClient } from '../../src/integrations/release-controller.ts';
import { tokenAuth } from '../../src/integrations/errata/auth.ts';
import { makeTar } from '../../src/sandbox/release-controller/simulator.ts';
import { testConfig } from '../../src/config/env.ts';
import { settleWithFakeTime } from './fake-time.ts';

const RC = 'https://amd64.rc.example';
const REL = '/api/v1/releasestream/4-stable/release/4.19.1';
const json = (dir: string, name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const DIGEST = 'sha256:9b3c1f2a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';

const rc = () => new ReleaseControllerClient({ baseUrl: 'https://{arch}.rc.example', retries: 0 });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('payload digest lookup (6.7, defect 8)', () => {
  it('returns the digest and logs where it came from', async () => {
    nock(RC).get(REL).reply(200, json('release-controller', 'release-4.19.1.json'));
    const lines: string[] = [];
    const r = await lookupPayloadDigest(rc(), '4.19.1', { retries: 3, retryMs: 5000, log: (_l, line) => lines.push(line) });
    expect(r).toEqual({ digest: DIGEST, url: `${RC}${REL}` });
    expect(lines).toEqual([`Getting digest from ${RC}${REL}`]);
  });

  it('retries a bounded number of times while the digest is missing, and returns it when it appears', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    nock(RC).get(REL).twice().reply(200, json('release-controller', 'release-4.19.2-pending.json'));
    nock(RC).get(REL).reply(200, json('release-controller', 'release-4.19.1.json'));
    const lines: string[] = [];
    const r = await settleWithFakeTime(lookupPayloadDigest(rc(), '4.19.1', { retries: 3, retryMs: 5000, log: (_l, line) => lines.push(line) }));
    expect(r.digest).toBe(DIGEST);
    expect(lines.filter((l) => l.startsWith('E001'))).toEqual(['E001: No image digest found, going to retry after 5 seconds', 'E001: No image digest found, going to retry after 5 seconds']);
  });

  it('gives up after the configured retries', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scope = nock(RC).get(REL).times(3).reply(200, json('release-controller', 'release-4.19.2-pending.json'));
    await expect(settleWithFakeTime(lookupPayloadDigest(rc(), '4.19.1', { retries: 2, retryMs: 1000 }))).rejects.toThrow('Image digest failed to show after 2 retries!');
    scope.done();
  });

  it('no changeLogJson, unknown release and HTTP errors end the lookup at once', async () => {
    nock(RC).get(REL).once().reply(200, { name: '4.19.1', phase: 'Accepted' });
    await expect(lookupPayloadDigest(rc(), '4.19.1', { retries: 5, retryMs: 1 })).rejects.toThrow("No 'changeLogJson' element is found!");
    nock(RC).get(REL).once().reply(404, {});
    await expect(lookupPayloadDigest(rc(), '4.19.1', { retries: 5, retryMs: 1 })).rejects.toThrow('Release 4.19.1 was not found in release stream 4-stable');
    nock(RC).get(REL).once().reply(500, 'boom');
    await expect(lookupPayloadDigest(rc(), '4.19.1', { retries: 5, retryMs: 1 })).rejects.toThrow('Release controller did not answer reading release 4.19.1 of 4-stable: 500');
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('signature mirror', () => {
  const BASE = 'https://mirror.example/pub/openshift-v4/signatures/openshift/release/';
  it('builds <signature_url>sha256=<hex>/signature-1', () => {
    expect(signatureUrl(BASE, DIGEST)).toBe(`${BASE}sha256=9b3c1f2a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8/signature-1`);
    expect(signatureUrl('https://m.example/sig', 'sha256:ab')).toBe('https://m.example/sig/sha256=ab/signature-1');
  });

  it('200 signed, 404 not signed, 5xx error', async () => {
    const c = new SignatureClient({ baseUrl: BASE, retries: 0 });
    nock('https://mirror.example').get(`/pub/openshift-v4/signatures/openshift/release/sha256=${DIGEST.slice(7)}/signature-1`).reply(200, Buffer.from([0x89, 0x02]));
    expect(await c.check(DIGEST)).toMatchObject({ signed: true, status: 200 });
    nock('https://mirror.example').get(/signature-1$/).reply(404, 'Not Found');
    expect(await c.check(DIGEST)).toMatchObject({ signed: false, status: 404 });
    nock('https://mirror.example').get(/signature-1$/).reply(500, '');
    await expect(c.check(DIGEST)).rejects.toThrow(/Signature mirror did not answer reading the signature of sha256:9b3c/);
    expect(() => SignatureClient.fromConfig(testConfig({}))).toThrow(/set SIGNATURE_URL/);
  });
});

describe('pull specs and tar archives', () => {
  it('parses pull specs', () => {
    expect(parsePullspec('quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64')).toEqual({ registry: 'quay.io', repository: 'openshift-release-dev/ocp-release', reference: '4.19.1-x86_64' });
    expect(parsePullspec(`quay.io/openshift-release-dev/ocp-release@${DIGEST}`)).toEqual({ registry: 'quay.io', repository: 'openshift-release-dev/ocp-release', reference: DIGEST });
    expect(parsePullspec('localhost:5000/a/b')).toEqual({ registry: 'localhost:5000', repository: 'a/b', reference: 'latest' });
    expect(parsePullspec('busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox', reference: 'latest' });
  });

  it('finds a file in a tar archive', () => {
    const tar = makeTar({ 'etc/a': 'x', 'release-manifests/release-metadata': '{"metadata":{"url":"u"}}' });
    expect(new TextDecoder().decode(findTarEntry(tar, (p) => p === 'release-manifests/release-metadata'))).toBe('{"metadata":{"url":"u"}}');
    expect(findTarEntry(tar, (p) => p === 'missing')).toBeUndefined();
  });
});

describe('Pyxis and the container catalog', () => {
  it('Pyxis: nvr path, repeated include params, Errata auth headers', async () => {
    const scope = nock('https://pyxis.example', { reqheaders: { authorization: 'Bearer t' } })
      .get('/v1/images/nvr/ose-console-container-v4.19.0-202606231458.p0.g1a2b3c4.assembly.stream.el9')
      .query({ include: ['data.freshness_grades', 'data.architecture'] })
      .reply(200, json('images', 'pyxis-nvr-ose-console.json'));
    const images = await new PyxisClient({ baseUrl: 'https://pyxis.example', auth: tokenAuth('t') }).imagesByNvr('ose-console-container-v4.19.0-202606231458.p0.g1a2b3c4.assembly.stream.el9');
    expect(images.map((i) => i.architecture)).toEqual(['amd64', 'arm64']);
    scope.done();
  });

  it('stage catalog: image_id filter with paging, vulnerabilities under /api/containers', async () => {
    const c = new CatalogClient({ baseUrl: 'https://catalog.stage.example', retries: 0 });
    const d = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
    nock('https://catalog.stage.example').get('/api/containers/v1/images').query({ filter: `image_id==${d}`, page_size: '100', page: '0' }).reply(200, json('images', 'catalog-image-1111.json'));
    const image = await c.imageByDigest(d.slice(7));
    expect(image?.grades.map((g) => g.grade)).toEqual(['A', 'D']);
    nock('https://catalog.stage.example').get('/api/containers/v1/images/id/667c11112222333344445555/vulnerabilities').query({ page_size: '100', page: '0' }).reply(200, json('images', 'catalog-vulns-1111.json'));
    expect((await c.vulnerabilities(image!.vulnerabilitiesHref!)).map((v) => v.cve_id)).toEqual(['CVE-2026-31337', 'CVE-2026-20001']);
    nock('https://catalog.stage.example').get('/api/containers/v1/images').query(true).reply(200, { data: [], total: 0 });
    expect(await c.imageByDigest('abc')).toBeUndefined();
  });

  it('prod catalog: released iff total > 0', async () => {
    const c = CatalogClient.prodFromConfig(testConfig({ CATALOG_URL: 'https://catalog.example' }));
    nock('https://catalog.example').get('/api/containers/v1/images').query({ filter: 'image_id==sha256:ab' }).reply(200, { data: [{}], total: 1 });
    expect(await c.isReleased('sha256:ab')).toBe(true);
    nock('https://catalog.example').get('/api/containers/v1/images').query(true).reply(200, { data: [], total: 0 });
    expect(await c.isReleased('sha256:cd')).toBe(false);
  });
});
