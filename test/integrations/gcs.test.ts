import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GcsQeReports, gcsQeReportsFromConfig, readServiceAccount, runLocation } from '../../src/integrations/gcs.ts';
import { parseQeReport, runOfJobUrl } from '../../src/integrations/prow-artifacts.ts';
import { testConfig } from '../../src/config/env.ts';

const API = 'https://storage.example';
const TOKEN_URI = 'https://oauth2.example/token';
const JOB = 'periodic-ci-openshift-openshift-tests-private-release-5.0-automated-release-gcp-ipi-f999';
const JOB_URL = `https://qe-private-deck-ci.apps.ci.l2s4.p1.openshiftapps.com/view/gs/qe-private-deck/logs/${JOB}/2072406832550252544`;
const REPORT = readFileSync(new URL('../fixtures/prow/test-results.yaml', import.meta.url), 'utf8');
const OBJECT = `logs/${JOB}/2072406832550252544/artifacts/automated-release-gcp-ipi-f999/openshift-e2e-test-qe-report/artifacts/test-results.yaml`;

let dir: string;
let credFile: string;
let publicPem: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oar-gcs-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  publicPem = publicKey;
  credFile = join(dir, 'gcs_sa.json');
  writeFileSync(credFile, JSON.stringify({ type: 'service_account', project_id: 'openshift-qe', client_email: 'qe-artifacts@openshift-qe.iam.gserviceaccount.com', private_key: privateKey, token_uri: TOKEN_URI }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('QE test report parsing (agents 6.8)', () => {
  it('renames the two duplicate ginkgo keys before parsing', () => {
    expect(parseQeReport(REPORT)).toMatchObject({
      'openshift-extended-test': { total: 102, failures: 3 },
      'ginkgo-1': { total: 12, failures: 0 },
      'ginkgo-2': { total: 4, failures: 1 },
    });
  });

  it('job name and run id are the last two segments of the deck URL; the bucket comes from gs/<bucket>', () => {
    expect(runOfJobUrl(JOB_URL)).toEqual({ jobName: JOB, runId: '2072406832550252544' });
    expect(runLocation(JOB_URL)).toEqual({ bucket: 'qe-private-deck', prefix: `logs/${JOB}/2072406832550252544` });
    expect(runLocation('https://prow.example/view/gs/test-platform-results/logs/j/1')).toEqual({ bucket: 'test-platform-results', prefix: 'logs/j/1' });
    expect(runOfJobUrl('not a url')).toBeNull();
  });
});

describe('GCS reader', () => {
  it('service account JWT → token (cached), one filtered listing, one download', async () => {
    const bodies: Record<string, string>[] = [];
    const token = nock(TOKEN_URI)
      .post('', (body: Record<string, string>) => {
        bodies.push(body);
        return body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer';
      })
      .reply(200, { access_token: 'ya29.test', expires_in: 3599, token_type: 'Bearer' });
    const list = nock(API, { reqheaders: { authorization: 'Bearer ya29.test' } })
      .get('/storage/v1/b/qe-private-deck/o')
      .query({ prefix: `logs/${JOB}/2072406832550252544/`, matchGlob: '**/openshift-e2e-test-qe-report/artifacts/test-results.yaml', fields: 'items(name),nextPageToken' })
      .twice()
      .reply(200, { items: [{ name: OBJECT }] });
    const media = nock(API, { reqheaders: { authorization: 'Bearer ya29.test' } })
      .get(`/storage/v1/b/qe-private-deck/o/${encodeURIComponent(OBJECT)}`)
      .query({ alt: 'media' })
      .twice()
      .reply(200, REPORT, { 'content-type': 'application/x-yaml' });
    const reader = new GcsQeReports({ account: readServiceAccount(credFile), apiUrl: API, retries: 0 });
    expect(await reader.qeReport(JOB_URL)).toMatchObject({ 'openshift-extended-test': { failures: 3 }, 'ginkgo-2': { failures: 1 } });
    expect(await reader.qeReport(JOB_URL)).toMatchObject({ 'ginkgo-1': { total: 12 } });
    // one token for both reads, signed by the service account's key, read-only scope
    expect(bodies).toHaveLength(1);
    const { payload } = await jwtVerify(bodies[0]!.assertion!, await importSPKI(publicPem, 'RS256'), { issuer: 'qe-artifacts@openshift-qe.iam.gserviceaccount.com', audience: TOKEN_URI });
    expect(payload.scope).toBe('https://www.googleapis.com/auth/devstorage.read_only');
    token.done();
    list.done();
    media.done();
  });

  it('no report in the run: null', async () => {
    nock(TOKEN_URI).post('').reply(200, { access_token: 'ya29.x', expires_in: 3600 });
    nock(API).get('/storage/v1/b/qe-private-deck/o').query(true).reply(200, {});
    const reader = new GcsQeReports({ account: readServiceAccount(credFile), apiUrl: API, retries: 0 });
    expect(await reader.qeReport(JOB_URL)).toBeNull();
  });

  it('GCS_CRED_FILE: unset means no reader; a missing file is the original error', () => {
    expect(gcsQeReportsFromConfig(testConfig({}))).toBeUndefined();
    expect(() => gcsQeReportsFromConfig(testConfig({ GCS_CRED_FILE: join(dir, 'nope.json') }))).toThrow(`file ${join(dir, 'nope.json')} does not exist`);
    expect(gcsQeReportsFromConfig(testConfig({ GCS_CRED_FILE: credFile, GCS_API_URL: API }))).toBeInstanceOf(GcsQeReports);
  });
});
