import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseSimulator, type ReleaseSimulator } from '../../src/sandbox/release-controller/index.ts';
import { startGitLabSimulator, type GitLabSimulator } from '../../src/sandbox/gitlab/index.ts';
import { startErrataSimulator, type ErrataSimulator } from '../../src/sandbox/errata/index.ts';
import { ReleaseControllerClient } from '../../src/integrations/release-controller.ts';
import { checkPayloadMetadataUrl, payloadMetadataCheckFromConfig } from '../../src/integrations/payload-metadata.ts';
import { testConfig } from '../../src/config/env.ts';
import { CatalogClient, PyxisClient, RegistryClient, digestLookupOptions, SignatureClient, lookupPayloadDigest } from '../../src/integrations/images.ts';
import { checkErrataAdvisoryGrades, checkKonfluxImageHealth } from '../../src/commands/prow-jobs/image-health-check.ts';
import { CommandError } from '../../src/commands/errors.ts';
import { GitLabClient } from '../../src/integrations/gitlab/client.ts';
import { ErrataClient } from '../../src/integrations/errata/client.ts';
import { noneAuth } from '../../src/integrations/errata/auth.ts';
import { dump } from 'js-yaml';

let rel: ReleaseSimulator;
let rc: ReleaseControllerClient;
let registry: RegistryClient;

beforeAll(async () => {
  rel = await startReleaseSimulator();
  rc = new ReleaseControllerClient({ baseUrl: rel.url, retries: 0 });
  registry = new RegistryClient({ baseUrl: rel.url, retries: 0 });
  rel.seedRelease({ name: '4.19.0', metadataAccessible: true });
  rel.seedRelease({ name: '4.19.1', metadataAccessible: false, digestReadsLeft: 1 });
  rel.seedRelease({ name: '4.20.3', metadataAccessible: true });
});
afterAll(() => rel.close());

describe('simulated release controller, registry and metadata pages', () => {
  it('latest stable per y-stream', async () => {
    expect((await rc.latestStable('4.19'))?.name).toBe('4.19.1');
    expect((await rc.latestStable('4.20'))?.name).toBe('4.20.3');
  });

  it('metadata check of the release being approved: registry token dance, release-metadata from the top layer', async () => {
    rel.resetRecords();
    const first = await checkPayloadMetadataUrl({ releaseController: rc, registry }, '4.19.1');
    expect(first).toMatchObject({ accessible: false, pullSpec: 'quay.io/openshift-release-dev/ocp-release:4.19.1-x86_64', status: 404 });
    expect(first.metadataUrl).toMatch(/\/errata\/RHBA-2026:\d+$/);
    // The 4.19.0 page is reachable, but 4.19.1 is what is checked (defect 10).
    rel.setMetadataAccessible('4.19.1', true);
    expect((await checkPayloadMetadataUrl({ releaseController: rc, registry }, '4.19.1')).accessible).toBe(true);
    const paths = rel.calls.map((c) => `${c.status} ${c.path}`);
    expect(paths[0]).toBe('200 /api/v1/releasestream/4-stable/tags');
    expect(paths[1]).toMatch(/^401 \/v2\/openshift-release-dev\/ocp-release\/manifests\/4\.19\.1-x86_64$/);
    expect(paths[2]).toBe('200 /v2/auth');
    expect(paths.filter((p) => p.includes('/blobs/'))).toHaveLength(2); // the top layer has the file: one blob per check
  });

  it('wired from configuration', async () => {
    const config = testConfig({ RELEASE_CONTROLLER_URL: rel.url, OAR_REGISTRY_URL: rel.url, OAR_IMAGE_DIGEST_RETRIES: '2', OAR_IMAGE_DIGEST_RETRY_MS: '0' });
    const check = payloadMetadataCheckFromConfig(config, { registry: RegistryClient.fromConfig(config) });
    expect(await check('4.19.0')).toMatchObject({ accessible: true });
    expect(digestLookupOptions(config)).toEqual({ retries: 2, retryMs: 0 });
    expect(digestLookupOptions(testConfig({}))).toEqual({ retries: 3, retryMs: 5000 });
  });

  it('digest lookup waits for the controller, then the signature is found on the mirror', async () => {
    const lines: string[] = [];
    const { digest } = await lookupPayloadDigest(rc, '4.19.1', { retries: 3, retryMs: 0, log: (_l, line) => lines.push(line) });
    const release = rel.releases.find((r) => r.name === '4.19.1')!;
    expect(digest).toBe(release.digest);
    expect(lines.filter((l) => l.startsWith('E001'))).toHaveLength(1);
    // The digest the controller reports is the registry's manifest digest.
    expect((await registry.manifest(release.pullSpec)).digest).toBe(digest);
    const signatures = new SignatureClient({ baseUrl: rel.signatureBase, retries: 0 });
    expect((await signatures.check(digest)).signed).toBe(false);
    rel.seedSignature(digest);
    expect(await signatures.check(digest)).toMatchObject({ signed: true, status: 200 });
  });
});

describe('image health end to end (10.5, 11.7)', () => {
  let gl: GitLabSimulator;
  let et: ErrataSimulator;
  beforeAll(async () => {
    gl = await startGitLabSimulator();
    et = await startErrataSimulator();
  });
  afterAll(async () => {
    await gl.close();
    await et.close();
  });

  it('Konflux: grades from the stage catalog, vulnerabilities of unhealthy images, summary posted on the MR', async () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const d3 = `sha256:${'3'.repeat(64)}`;
    const advisoryUrl = rel.seedStageAdvisory('ocp-4.19.1-image-stage.yaml', [
      { containerImage: `quay.io/redhat-user-workloads/ocp-art-tenant/art-images@${d1}`, component: 'ose-console-4-19', architecture: 'amd64' },
      { containerImage: `quay.io/redhat-user-workloads/ocp-art-tenant/art-images@${d2}`, component: 'ose-installer-4-19', architecture: 'amd64' },
      { containerImage: `quay.io/redhat-user-workloads/ocp-art-tenant/art-images@${d3}`, component: 'ose-cli-4-19', architecture: 'arm64' },
      { containerImage: 'quay.io/redhat-user-workloads/ocp-art-tenant/art-images:no-digest', component: 'broken', architecture: 'amd64' },
    ]);
    rel.seedCatalogImage(d1, {
      grades: [
        { grade: 'A', start_date: '2026-06-01T00:00:00Z' },
        { grade: 'D', start_date: '2026-06-25T00:00:00Z' },
      ],
      vulnerabilities: [{ cve_id: 'CVE-2026-31337', severity: 'Important', affected_packages: [{ name: 'openssl-libs', version: '3.2.2-6.el9' }], packages: [{ srpm_nevra: 'openssl-1:3.2.2-7.el9_6.src' }] }],
    });
    rel.seedCatalogImage(d2, { grades: [{ grade: 'A', start_date: '2026-06-01T00:00:00Z' }] });
    const shipmentFile = dump({ shipment: { environments: { stage: { advisory: { internal_url: advisoryUrl } } }, data: { releaseNotes: { issues: { fixed: [] } } } } });
    gl.seedProject('hybrid-platforms/art/ocp-shipment-data', { main: {}, 'prepare-4.19.1': { 'shipment/4.19.1-image.yaml': shipmentFile, 'shipment/4.19.1-metadata.fbc.yaml': 'not: read' } });
    const simMr = gl.seedMergeRequest({ project: 'hybrid-platforms/art/ocp-shipment-data', iid: 412, title: 'Shipment for 4.19.1', sourceBranch: 'prepare-4.19.1' });
    const gitlab = new GitLabClient({ baseUrl: gl.url, token: 't', retries: 0 });
    const mr = await gitlab.openShipmentMergeRequest('https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/412');
    const catalog = new CatalogClient({ baseUrl: rel.url, retries: 0 });
    const now = new Date('2026-07-01T00:00:00Z');

    // Not checkable yet is an answer, not an error; nothing is read from the catalog.
    const before = rel.callsTo('GET', /./).length;
    expect(await checkKonfluxImageHealth({ shipment: mr, catalog, now })).toEqual({ status: 'pending', reason: expect.stringMatching(/^Stage release pipeline is not completed yet \(status .+\)$/) as unknown });
    expect(rel.callsTo('GET', /./)).toHaveLength(before);

    simMr.labels.push('stage-release-success');
    const health = await checkKonfluxImageHealth({ shipment: mr, catalog, now });
    if (health.status !== 'graded') throw new Error(`expected a graded result, got ${health.reason}`);
    expect(health.data).toMatchObject({ total_scanned: 3, unhealthy_count: 2, unknown_count: 1 });
    expect(health.healthy).toBe(false);
    expect(health.message).toBe('Completed image health check. Scanned 3 images, found 2 unhealthy');
    expect(health.failures.map((f) => f.error)).toEqual(['no @sha256: digest in the pull spec']);
    expect(health.summary).toContain('ose-console-4-19 (grade D, arch amd64)');
    expect(health.summary).toContain('| openssl-libs-3.2.2-6.el9 | Important | CVE-2026-31337 | openssl-1:3.2.2-7.el9_6.src |');
    await mr.addNote(health.summary);
    expect(simMr.notes[0]!.body).toContain('Images scanned: 3.');
    expect(rel.callsTo('GET', /\/vulnerabilities$/)).toHaveLength(1); // only for the unhealthy image that has a catalog entry
  });

  it('Errata flow: container grade, then Pyxis per build and architecture', async () => {
    et.seedAdvisory({ id: 100, containerGrade: 'A', builds: { pv: ['ok-1'] } });
    et.seedAdvisory({ id: 101, containerGrade: 'C', builds: { pv: ['ose-console-container-v4.19.0-1'] } });
    et.seedAdvisory({ id: 102 });
    rel.seedPyxisImages('ose-console-container-v4.19.0-1', [
      { architecture: 'amd64', freshness_grades: [{ grade: 'A', start_date: '2026-06-01T00:00:00Z', end_date: '2026-06-20T00:00:00Z' }, { grade: 'C', start_date: '2026-06-20T00:00:00Z' }] },
      { architecture: 'arm64', freshness_grades: [{ grade: 'B', start_date: '2026-06-01T00:00:00Z' }] },
    ]);
    const lines: string[] = [];
    const deps = { errata: new ErrataClient({ baseUrl: et.url, auth: noneAuth(), retries: 0 }), pyxis: new PyxisClient({ baseUrl: rel.url, retries: 0 }), now: new Date('2026-07-01T00:00:00Z'), log: (_l: string, line: string) => lines.push(line) };
    const unhealthy = await checkErrataAdvisoryGrades(deps, [
      { id: 100, impetus: 'image', builds: { pv: ['ok-1'] } },
      { id: 101, impetus: 'extras', builds: { pv: ['ose-console-container-v4.19.0-1'] } },
      { id: 102, impetus: 'rpm', builds: {} },
    ]);
    expect(unhealthy).toEqual([{ errata_id: 101, ad_grade: 'C', unhealthy_builds: [{ nvr: 'ose-console-container-v4.19.0-1', arch: 'amd64', grade: 'C' }] }]);
    expect(lines).toEqual(['skipping RPM advisory - 102, it has no container']);
    // The builds come with the advisories: Errata is asked only for the grades.
    expect(et.callsTo('GET', /\/builds\.json$/)).toHaveLength(0);
    expect(et.callsTo('GET', /^\/errata\/container\//).map((c) => c.path)).toEqual(['/errata/container/100', '/errata/container/101']);

    // A container page without a grade: the advisory cannot be graded (the command's error, not Errata's).
    et.seedAdvisory({ id: 103, builds: { pv: ['x-1'] } });
    const err = await checkErrataAdvisoryGrades(deps, [{ id: 103, impetus: 'image', builds: { pv: ['x-1'] } }]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).userMessage).toBe('cannot find overall advisory grade - 103');
  });
});
