import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseBuildSchema, ReleaseControllerClient, buildYStream, streamName } from '../../src/integrations/release-controller.ts';
import { checkPayloadMetadataUrl } from '../../src/integrations/payload-metadata.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import type { RegistryClient } from '../../src/integrations/images.ts';
import { testConfig } from '../../src/config/env.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const json = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/release-controller/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const AMD = 'https://amd64.rc.example';
const ARM = 'https://arm64.rc.example';
const RS = '/api/v1/releasestream';

function rc() {
  return new ReleaseControllerClient({ baseUrl: 'https://{arch}.rc.example', retries: 1, minRetryDelayMs: 1 });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('streams', () => {
  it('names nightly and stable streams per architecture', () => {
    expect(streamName('nightly', '4.19')).toBe('4.19.0-0.nightly');
    expect(streamName('nightly', '4.19', 'arm64')).toBe('4.19.0-0.nightly-arm64');
    expect(streamName('stable', '4.19')).toBe('4-stable');
    expect(streamName('stable', '5.0', 'multi')).toBe('5-stable-multi');
    expect(buildYStream('4.19.0-0.nightly-2026-07-01-085304')).toBe('4.19');
    expect(rc().streamOf('4.19.0-0.nightly-2026-07-01-085304', 'arm64')).toBe('4.19.0-0.nightly-arm64');
    expect(rc().streamOf('4.18.0-rc.8')).toBe('4-stable');
  });

  it('every recorded latest-build file of the fixtures parses as a build', () => {
    const dir = fixturePath('record');
    const files = readdirSync(dir).filter((f) => f.startsWith('ocp-latest-'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(ReleaseBuildSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8'))).success, f).toBe(true);
  });
});

describe('latest builds', () => {
  it('stable: prefix query on the arch host', async () => {
    nock(ARM).get(`${RS}/4-stable-arm64/latest`).query({ prefix: '4.16' }).reply(200, { name: '4.16.9', phase: 'Accepted', pullSpec: 'quay.io/openshift-release-dev/ocp-release:4.16.9-aarch64' });
    expect((await rc().latestStable('4.16', 'arm64'))?.name).toBe('4.16.9');
  });

  it('stable 404 falls back to the dev-preview stream', async () => {
    nock(AMD).get(`${RS}/5-stable/latest`).query({ prefix: '5.0' }).reply(404, { message: 'no tags' });
    nock(AMD).get(`${RS}/5-dev-preview/latest`).reply(200, { name: '5.0.0-ec.2', phase: 'Accepted', pullSpec: 'quay.io/openshift-release-dev/ocp-release:5.0.0-ec.2-x86_64' });
    expect((await rc().latestStable('5.0'))?.name).toBe('5.0.0-ec.2');
  });

  it('nightly: no prefix, 404 → null', async () => {
    nock(AMD).get(`${RS}/4.22.0-0.nightly/latest`).reply(404, {});
    expect(await rc().latest({ ystream: '4.22', kind: 'nightly' })).toBeNull();
  });

  it('rejects unknown architectures', async () => {
    await expect(rc().latest({ ystream: '4.19', kind: 'nightly', arch: 'riscv' as 'amd64' })).rejects.toThrow('invalid architecture riscv');
  });

  it('5xx is retried then reported', async () => {
    nock(AMD).get(`${RS}/4-stable/latest`).query(true).times(2).reply(502, 'bad gateway');
    await expect(rc().latestStable('4.19')).rejects.toThrow('Release controller did not answer reading the latest build of 4-stable for 4.19: 502');
  });
});

describe('release details and tags', () => {
  it('reads the digest of a release', async () => {
    nock(AMD).get(`${RS}/4-stable/release/4.19.1`).reply(200, json('release-4.19.1.json'));
    expect(await rc().release('4.19.1')).toEqual({
      name: '4.19.1',
      phase: 'Accepted',
      digest: 'sha256:9b3c1f2a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8',
      hasChangeLog: true,
      previous: '4.19.0',
    });
  });

  it('a release without digest yet, and an unknown release', async () => {
    nock(AMD).get(`${RS}/4-stable/release/4.19.2`).reply(200, json('release-4.19.2-pending.json'));
    expect(await rc().release('4.19.2')).toMatchObject({ digest: undefined, hasChangeLog: true });
    nock(AMD).get(`${RS}/4-stable/release/4.19.99`).reply(404, { message: 'not found' });
    expect(await rc().release('4.19.99')).toBeNull();
  });

  it('finds a tag in its stream', async () => {
    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    expect((await rc().findTag('4.19.1'))?.pullSpec).toBe('quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64');
  });

  it('fromConfig prefers RELEASE_CONTROLLER_URL over the ConfigStore release_url', () => {
    expect(ReleaseControllerClient.fromConfig(testConfig({ RELEASE_CONTROLLER_URL: 'http://127.0.0.1:9' }), { releaseUrl: 'https://x/' }).apiBase('arm64')).toBe('http://127.0.0.1:9/api/v1/releasestream');
    expect(ReleaseControllerClient.fromConfig(testConfig({}), { releaseUrl: 'https://amd64.ocp.releases.ci.openshift.org/' }).apiBase('amd64')).toBe('https://amd64.ocp.releases.ci.openshift.org/api/v1/releasestream');
    expect(ReleaseControllerClient.fromConfig(testConfig({})).apiBase('s390x')).toBe('https://s390x.ocp.releases.ci.openshift.org/api/v1/releasestream');
  });
});

describe('payload metadata URL check (9.10, defect 10): never throws', () => {
  const META = 'https://access.example/errata/RHBA-2026:11874';
  const registry = (impl: () => Promise<{ metadataUrl: string | undefined }>) => ({ releaseMetadata: impl }) as unknown as RegistryClient;
  const okRegistry = registry(async () => ({ metadataUrl: META }));

  it('checks the specific release, not the newest stable', async () => {
    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    nock('https://access.example').get('/errata/RHBA-2026:11874').reply(200, '<html/>');
    const seen: string[] = [];
    const reg = registry(async () => ({ metadataUrl: META }));
    (reg as unknown as { releaseMetadata: (p: string) => Promise<unknown> }).releaseMetadata = async (p: string) => (seen.push(p), { metadataUrl: META });
    const r = await checkPayloadMetadataUrl({ releaseController: rc(), registry: reg }, '4.19.1');
    expect(r).toMatchObject({ accessible: true, pullSpec: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', metadataUrl: META, status: 200 });
    expect(seen).toEqual(['quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64']); // not 4.20.3, the newest
    expect(r.lines).toEqual([`Checking accessiblity of metadata url ${META}`, 'The metadata url is accessible']);
  });

  it('an unreachable URL is false with the status', async () => {
    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    nock('https://access.example').get('/errata/RHBA-2026:11874').reply(404, 'not yet');
    expect(await checkPayloadMetadataUrl({ releaseController: rc(), registry: okRegistry }, '4.19.1')).toMatchObject({ accessible: false, status: 404, reason: 'The metadata url is not accessible (HTTP 404)' });
  });

  it('release controller failure → the original error line, false', async () => {
    nock(AMD).get(`${RS}/4-stable/tags`).times(2).reply(503, 'down');
    const r = await checkPayloadMetadataUrl({ releaseController: rc(), registry: okRegistry }, '4.19.1');
    expect(r).toMatchObject({ accessible: false, reason: 'Can not get payload pullspec from release stream 4-stable, http error 503' });
  });

  it('release not in the stream yet, registry failure, network failure: all false', async () => {
    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    expect((await checkPayloadMetadataUrl({ releaseController: rc(), registry: okRegistry }, '4.19.7')).reason).toBe('Release 4.19.7 is not in release stream 4-stable yet');

    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    const failing = registry(async () => Promise.reject(new IntegrationError({ system: 'Registry', operation: 'reading the manifest', status: 404 })));
    expect((await checkPayloadMetadataUrl({ releaseController: rc(), registry: failing }, '4.19.1')).reason).toMatch(/^Cannot read the release metadata of quay.io\/openshift-release-dev\/ocp-release:4.19.1-x86_64: Registry found nothing/);

    nock(AMD).get(`${RS}/4-stable/tags`).reply(200, json('tags-4-stable.json'));
    nock('https://access.example').get('/errata/RHBA-2026:11874').replyWithError('getaddrinfo ENOTFOUND access.example');
    const r = await checkPayloadMetadataUrl({ releaseController: rc(), registry: okRegistry }, '4.19.1');
    expect(r.accessible).toBe(false);
    expect(r.reason).toContain('ENOTFOUND');

    expect((await checkPayloadMetadataUrl({ releaseController: rc(), registry: okRegistry }, 'garbage')).accessible).toBe(false);
  });
});
