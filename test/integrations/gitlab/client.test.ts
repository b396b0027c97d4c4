import { readFileSync } from 'node:fs';
import nock from 'nock';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitLabClient, ShipmentMrError, ShipmentMrNotOpenError } from '../../../src/integrations/gitlab/client.ts';
import { dropBugsBranch, dropBugsFromShipment } from '../../../src/integrations/gitlab/drop-bugs.ts';
import { IntegrationError } from '../../../src/integrations/http.ts';
import { testConfig } from '../../../src/config/env.ts';

const BASE = 'https://gitlab.cee.example';
const P = '/api/v4/projects/hybrid-platforms%2Fart%2Focp-shipment-data';
const MR_URL = 'https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/412';
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/gitlab/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
const IMAGE_PATH = 'shipment/ocp/openshift-4.19/openshift-4-19/prod/4.19.1-image.20260620000000.yaml';
const EXTRAS_PATH = 'shipment/ocp/openshift-4.19/openshift-4-19/prod/4.19.1-extras.20260620000000.yaml';

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  return { logger, lines };
}

function client(extra: Partial<ConstructorParameters<typeof GitLabClient>[0]> = {}) {
  return new GitLabClient({ baseUrl: BASE, token: 'glpat-secret', retries: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2, ...extra });
}

async function openMr(c = client(), mr: Record<string, unknown> = json('merge-request-412.json')) {
  nock(BASE).get(`${P}/merge_requests/412`).reply(200, mr);
  return c.openShipmentMergeRequest(MR_URL);
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('opening the shipment MR (edge case 1)', () => {
  it('reads the MR with the URL-encoded project path and the private token', async () => {
    const scope = nock(BASE, { reqheaders: { 'private-token': 'glpat-secret' } }).get(`${P}/merge_requests/412`).reply(200, json('merge-request-412.json'));
    const mr = await client().openShipmentMergeRequest(MR_URL);
    expect(mr.iid).toBe(412);
    expect(mr.info.sourceBranch).toBe('prepare-shipment-4.19.1-20260620');
    expect(mr.labels).toContain('stage-release-success');
    scope.done();
  });

  it('a merged MR fails with "state is not open", outside the initialize wrapper', async () => {
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, { ...json('merge-request-412.json'), state: 'merged' });
    const err = await client().openShipmentMergeRequest(MR_URL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShipmentMrNotOpenError);
    expect((err as ShipmentMrNotOpenError).message).toBe('Gitlab MR 412 state is not open');
    expect((err as ShipmentMrNotOpenError).state).toBe('merged');
    expect((err as Error).message).not.toContain('Failed to initialize');
  });

  it('a closed MR is told apart from a merged one', async () => {
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, { ...json('merge-request-412.json'), state: 'closed' });
    await expect(client().openShipmentMergeRequest(MR_URL)).rejects.toMatchObject({ state: 'closed' });
  });

  it('bad URLs and client errors are wrapped as "Failed to initialize merge request"', async () => {
    await expect(client().openShipmentMergeRequest('https://gitlab.cee.redhat.com/x/y')).rejects.toThrow('Failed to initialize merge request: Invalid MR URL format');
    nock(BASE).get(`${P}/merge_requests/412`).reply(401, { message: '401 Unauthorized' });
    const err = await client().openShipmentMergeRequest(MR_URL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShipmentMrError);
    expect((err as Error).message).toMatch(/^Failed to initialize merge request: GitLab rejected the credentials while reading merge request 412/);
  });

  it('on 404 falls back to the first page of the project MRs', async () => {
    nock(BASE).get(`${P}/merge_requests/412`).reply(404, { message: '404 Not found' });
    nock(BASE).get(`${P}/merge_requests`).query(true).reply(200, [{ ...json('merge-request-412.json'), iid: 411 }, json('merge-request-412.json')]);
    expect((await client().mergeRequest('hybrid-platforms/art/ocp-shipment-data', 412)).iid).toBe(412);
    nock(BASE).get(`${P}/merge_requests/413`).reply(404, { message: '404 Not found' });
    nock(BASE).get(`${P}/merge_requests`).query(true).reply(200, []);
    await expect(client().mergeRequest('hybrid-platforms/art/ocp-shipment-data', 413)).rejects.toThrow('Merge request 413 not found');
  });
});

describe('notes', () => {
  it('posts the QE release lead note once', async () => {
    const mr = await openMr();
    nock(BASE).get('/api/v4/users').query({ search: 'jdoe@redhat.com' }).reply(200, [{ id: 5, username: 'jdoe', name: 'J Doe' }]);
    nock(BASE).get(`${P}/merge_requests/412/notes`).query(true).reply(200, [{ id: 1, body: 'unrelated', system: false, author: { username: 'x' } }]);
    const post = nock(BASE)
      .post(`${P}/merge_requests/412/notes`, { body: 'QE Release Lead is @jdoe' })
      .reply(201, { id: 2, body: 'QE Release Lead is @jdoe', system: false, author: { username: 'oar-bot' } });
    expect(await mr.addQeReleaseLeadComment('jdoe@redhat.com')).toMatchObject({ username: 'jdoe', created: true });
    post.done();

    nock(BASE).get('/api/v4/users').query({ search: 'jdoe@redhat.com' }).reply(200, [{ id: 5, username: 'jdoe' }]);
    nock(BASE).get(`${P}/merge_requests/412/notes`).query(true).reply(200, [{ id: 2, body: 'QE Release Lead is @jdoe', system: false }]);
    expect(await mr.addQeReleaseLeadComment('jdoe@redhat.com')).toMatchObject({ created: false });
  });

  it('user lookup errors (edge case 9 texts)', async () => {
    const mr = await openMr();
    await expect(mr.addQeReleaseLeadComment('')).rejects.toThrow('Failed to add QE release lead comments: Email must be a non-empty string');
    await expect(mr.addQeReleaseLeadComment('not-an-email')).rejects.toThrow('Email must be in valid format');
    nock(BASE).get('/api/v4/users').query({ search: 'ghost@redhat.com' }).reply(200, []);
    await expect(mr.addQeReleaseLeadComment('ghost@redhat.com')).rejects.toThrow('Failed to add QE release lead comments: No GitLab user found for email: ghost@redhat.com');
  });
});

describe('approval (edge case 9)', () => {
  it('refuses to approve an MR that is not opened, without any API call', async () => {
    const { logger } = capture();
    const c = client({ logger });
    const mr = await c.openShipmentMergeRequest(MR_URL, { requireOpen: false }).catch(() => undefined);
    expect(mr).toBeUndefined(); // the mock was not set up: nothing was read
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, { ...json('merge-request-412.json'), state: 'merged' });
    const merged = await c.openShipmentMergeRequest(MR_URL, { requireOpen: false });
    await expect(merged.approve()).rejects.toThrow('Cannot approve MR in state: merged');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('does not approve twice: "User <u> has already approved MR <iid>"', async () => {
    const { logger, lines } = capture();
    const mr = await openMr(client({ logger }));
    nock(BASE).get('/api/v4/user').reply(200, { id: 7711, username: 'ocp-art-bot' });
    nock(BASE).get(`${P}/merge_requests/412/approvals`).reply(200, json('approvals-412.json'));
    const r = await mr.approve();
    expect(r).toEqual({ outcome: 'already-approved', username: 'ocp-art-bot', message: 'User ocp-art-bot has already approved MR 412' });
    expect(lines.map((l) => l.msg)).toContain('User ocp-art-bot has already approved MR 412');
  });

  it('approves with POST .../approve and logs success', async () => {
    const { logger, lines } = capture();
    const mr = await openMr(client({ logger }));
    nock(BASE).get('/api/v4/user').reply(200, { id: 90, username: 'oar-bot' });
    nock(BASE).get(`${P}/merge_requests/412/approvals`).reply(200, json('approvals-412.json'));
    const approve = nock(BASE).post(`${P}/merge_requests/412/approve`).reply(201, { ...json('approvals-412.json') });
    expect((await mr.approve()).outcome).toBe('approved');
    approve.done();
    expect(lines.map((l) => l.msg)).toContain('Successfully approved MR 412');
  });

  it('GitLab errors are logged and re-raised with the original wording', async () => {
    const { logger, lines } = capture();
    const mr = await openMr(client({ logger }));
    nock(BASE).get('/api/v4/user').reply(200, { id: 90, username: 'oar-bot' });
    nock(BASE).get(`${P}/merge_requests/412/approvals`).reply(200, { approved_by: [] });
    nock(BASE).post(`${P}/merge_requests/412/approve`).reply(401, { message: '401 Unauthorized' });
    await expect(mr.approve()).rejects.toThrow(/^Failed to approve merge request due to GitLab error/);
    expect(lines.find((l) => l.msg === 'Failed to approve MR 412: GitLab API error')?.level).toBe(50);
  });

  it('an unknown current user is "Could not identify current user"', async () => {
    const mr = await openMr();
    nock(BASE).get('/api/v4/user').reply(401, { message: '401 Unauthorized' });
    await expect(mr.approve()).rejects.toThrow('Could not identify current user');
  });
});

describe('labels, files and shipment content', () => {
  it('adds labels with PUT add_labels', async () => {
    const mr = await openMr();
    const put = nock(BASE)
      .put(`${P}/merge_requests/412`, { add_labels: 'oar-approved,qe-checked' })
      .reply(200, { ...json('merge-request-412.json'), labels: ['ocp-4.19', 'stage-release-success', 'oar-approved', 'qe-checked'] });
    expect(await mr.addLabels(['oar-approved', 'qe-checked'])).toContain('oar-approved');
    put.done();
  });

  it('lists changed .yaml files only (case-insensitive), skipping deleted ones', async () => {
    const mr = await openMr();
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, json('diffs-412.json') as unknown as object[]);
    expect(await mr.changedFiles()).toEqual([IMAGE_PATH, EXTRAS_PATH, 'shipment/ocp/openshift-4.19/openshift-4-19/prod/4.19.1-metadata.fbc.20260620000000.YAML']);
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, json('diffs-412.json') as unknown as object[]);
    expect(await mr.changedFiles({ extensions: null })).toHaveLength(4);
  });

  it('collects exact Jira keys from every readable file; a bad file does not abort (defect 15)', async () => {
    const { logger, lines } = capture();
    const mr = await openMr(client({ logger }));
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, json('diffs-412.json') as unknown as object[]);
    const ref = { ref: 'prepare-shipment-4.19.1-20260620' };
    nock(BASE).get(`/api/v4/projects/52114/repository/files/${encodeURIComponent(IMAGE_PATH)}/raw`).query(ref).reply(200, fixture('4.19.1-image.20260620000000.yaml'), { 'content-type': 'text/plain' });
    nock(BASE).get(`/api/v4/projects/52114/repository/files/${encodeURIComponent(EXTRAS_PATH)}/raw`).query(ref).reply(200, fixture('4.19.1-extras.20260620000000.yaml'), { 'content-type': 'text/plain' });
    nock(BASE).get(/\/repository\/files\/.*fbc.*\/raw/).query(ref).reply(200, 'shipment: [unclosed', { 'content-type': 'text/plain' });
    const { keys, failures } = await mr.jiraIssues();
    expect(keys).toEqual(['OCPBUGS-1', 'OCPBUGS-12', 'OCPBUGS-123', 'OCPBUGS-57311']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.path).toContain('fbc');
    expect(lines.some((l) => l.msg.startsWith('Skipping shipment file') && l.level === 40)).toBe(true);
  });

  it('reads a stage advisory by its absolute URL without the GitLab token (11.7 "no auth")', async () => {
    const mr = await openMr();
    const advisory = 'spec:\n  content:\n    images:\n      - {containerImage: "quay.io/x@sha256:aa", component: c1, architecture: amd64}\n';
    // badheaders: a request that carries the token does not match, and the read fails.
    const scope = nock('https://advisories.example', { badheaders: ['private-token', 'authorization'] })
      .get('/stage/ocp-4.19.1-image.yaml')
      .reply(200, advisory, { 'content-type': 'application/yaml' });
    expect(await mr.stageAdvisoryImages('https://advisories.example/stage/ocp-4.19.1-image.yaml')).toEqual([{ containerImage: 'quay.io/x@sha256:aa', component: 'c1', architecture: 'amd64' }]);
    scope.done();
  });

  it('reads a file once per ref (cache)', async () => {
    const mr = await openMr();
    const scope = nock(BASE).get(/\/raw$/).query(true).once().reply(200, 'a: 1', { 'content-type': 'text/plain' });
    expect(await mr.readFile('x.yaml')).toBe('a: 1');
    expect(await mr.readFile('x.yaml')).toBe('a: 1');
    scope.done();
  });
});

describe('stage / prod release checks (defect 20)', () => {
  it('label stage-release-success wins without reading pipelines', async () => {
    const mr = await openMr();
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, json('merge-request-412.json'));
    expect(await mr.isStageReleaseSuccess()).toMatchObject({ success: true, via: 'label' });
  });

  it('otherwise the newest pipeline decides; a failed stage is reported with job details', async () => {
    const mr = await openMr();
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, { ...json('merge-request-412.json'), labels: [] });
    nock(BASE).get(`${P}/merge_requests/412/pipelines`).reply(200, json('pipelines-412.json') as unknown as object[]);
    nock(BASE).get('/api/v4/projects/52114/pipelines/3100455/jobs').query(true).reply(200, json('jobs-3100455.json') as unknown as object[]);
    nock(BASE).get('/api/v4/projects/52114/pipelines/3100455/bridges').reply(200, []);
    const r = await mr.isStageReleaseSuccess();
    expect(r).toMatchObject({ success: false, via: 'pipeline', status: 'failed', pipelineId: 3100455 });
    expect(r.errors[0]).toBe('Stage release failed with status failed');
    expect(r.errors[1]).toMatch(/^Job details: .*stage-release-triggers/);
  });

  it('a missing stage is not_found, not a crash', async () => {
    const mr = await openMr();
    nock(BASE).get(`${P}/merge_requests/412`).reply(200, { ...json('merge-request-412.json'), labels: [] });
    nock(BASE).get(`${P}/merge_requests/412/pipelines`).reply(200, json('pipelines-412.json') as unknown as object[]);
    nock(BASE).get('/api/v4/projects/52114/pipelines/3100455/jobs').query(true).reply(200, []);
    nock(BASE).get('/api/v4/projects/52114/pipelines/3100455/bridges').reply(200, [{ id: 5, name: 'prod', stage: 'prod-release-triggers', status: 'manual' }]);
    expect(await mr.isStageReleaseSuccess()).toMatchObject({ success: false, status: 'not_found' });
  });
});

describe('drop bugs through the API', () => {
  it('commits the edited files to a new fork branch and opens an MR to the shipment source branch', async () => {
    const mr = await openMr();
    const title = '4.19.1 drop bugs';
    nock(BASE).get(`${P}/merge_requests`).query((q) => q.search === title && q.state === 'opened').reply(200, [{ ...json('merge-request-412.json'), title: '4.19.1 drop bugs (old)' }]);
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, json('diffs-412.json') as unknown as object[]);
    const ref = { ref: 'prepare-shipment-4.19.1-20260620' };
    nock(BASE).get(`/api/v4/projects/52114/repository/files/${encodeURIComponent(IMAGE_PATH)}/raw`).query(ref).reply(200, fixture('4.19.1-image.20260620000000.yaml'), { 'content-type': 'text/plain' });
    nock(BASE).get(`/api/v4/projects/52114/repository/files/${encodeURIComponent(EXTRAS_PATH)}/raw`).query(ref).reply(200, fixture('4.19.1-extras.20260620000000.yaml'), { 'content-type': 'text/plain' });
    nock(BASE).get(/fbc.*\/raw/).query(ref).reply(200, 'shipment:\n  data: {}\n', { 'content-type': 'text/plain' });
    const fork = '/api/v4/projects/ert-release-bot%2Focp-shipment-data';
    let commitBody: Record<string, unknown> = {};
    nock(BASE)
      .post(`${fork}/repository/commits`, (b: Record<string, unknown>) => ((commitBody = b), true))
      .reply(201, { id: 'abc123', title: 'drop bugs from shipment yaml files' });
    let mrBody: Record<string, unknown> = {};
    nock(BASE)
      .post(`${fork}/merge_requests`, (b: Record<string, unknown>) => ((mrBody = b), true))
      .reply(201, { ...json('merge-request-412.json'), id: 1, iid: 415, title, source_branch: 'drop-bugs-for-4.19.1-20260701120000', target_branch: 'prepare-shipment-4.19.1-20260620', web_url: `${BASE}/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/415` });
    nock(BASE).get(`${P}/merge_requests/412/notes`).query(true).reply(200, []);
    const note = nock(BASE).post(`${P}/merge_requests/412/notes`, { body: `Drop bug in MR: ${BASE}/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/415` }).reply(201, { id: 3, body: 'x' });

    const r = await dropBugsFromShipment(mr, { release: '4.19.1', keys: ['OCPBUGS-12'], fork: 'ert-release-bot/ocp-shipment-data', now: new Date('2026-07-01T12:00:00Z'), autoMerge: false });

    expect(r.status).toBe('created');
    expect(r.dropped).toEqual(['OCPBUGS-12']);
    expect(r.files).toEqual([IMAGE_PATH, EXTRAS_PATH]);
    expect(commitBody).toMatchObject({ branch: 'drop-bugs-for-4.19.1-20260701120000', commit_message: 'drop bugs from shipment yaml files', start_branch: 'prepare-shipment-4.19.1-20260620', start_project: 52114 });
    const actions = commitBody.actions as { action: string; file_path: string; content: string }[];
    expect(actions.map((a) => [a.action, a.file_path])).toEqual([
      ['update', IMAGE_PATH],
      ['update', EXTRAS_PATH],
    ]);
    expect(actions[0]!.content).toContain('id: OCPBUGS-1\n');
    expect(actions[0]!.content).toContain('id: OCPBUGS-123\n');
    expect(actions[0]!.content).not.toContain('id: OCPBUGS-12\n');
    expect(mrBody).toMatchObject({ source_branch: 'drop-bugs-for-4.19.1-20260701120000', target_branch: 'prepare-shipment-4.19.1-20260620', title, target_project_id: 52114, squash: true });
    note.done();
  });

  it('without OAR_SHIPMENT_FORK a new MR cannot be opened', async () => {
    const mr = await openMr();
    nock(BASE).get(`${P}/merge_requests`).query(true).reply(200, []);
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, [json('diffs-412.json') as unknown as object[]][0]!.slice(0, 1));
    nock(BASE).get(/\/raw$/).query(true).reply(200, fixture('4.19.1-image.20260620000000.yaml'), { 'content-type': 'text/plain' });
    await expect(dropBugsFromShipment(mr, { release: '4.19.1', keys: ['OCPBUGS-1'], fork: undefined })).rejects.toThrow(/OAR_SHIPMENT_FORK is not set/);
  });

  it('nothing to drop and nothing changed', async () => {
    const mr = await openMr();
    expect(await dropBugsFromShipment(mr, { release: '4.19.1', keys: [], fork: 'f/p' })).toMatchObject({ status: 'nothing-to-drop', messages: ['No ONQA issues found to drop, returning early'] });
    nock(BASE).get(`${P}/merge_requests`).query(true).reply(200, []);
    nock(BASE).get(`${P}/merge_requests/412/diffs`).query(true).reply(200, (json('diffs-412.json') as unknown as object[]).slice(0, 1));
    nock(BASE).get(/\/raw$/).query(true).reply(200, fixture('4.19.1-image.20260620000000.yaml'), { 'content-type': 'text/plain' });
    expect(await dropBugsFromShipment(mr, { release: '4.19.1', keys: ['OCPBUGS-999'], fork: 'f/p' })).toMatchObject({ status: 'no-changes', messages: ['No files were modified - no changes to commit'] });
  });

  it('branch name', () => {
    expect(dropBugsBranch('4.19.1', new Date('2026-01-02T03:04:05Z'))).toBe('drop-bugs-for-4.19.1-20260102030405');
  });
});

describe('error mapping', () => {
  it('403 / 404 / 5xx / 429 / timeout become IntegrationErrors naming the operation', async () => {
    nock(BASE).get('/api/v4/user').reply(403, { message: '403 Forbidden' });
    await expect(client().currentUser()).rejects.toThrow('GitLab denied access while reading the current user (403): the account lacks permission (403 Forbidden)');

    nock(BASE).get('/api/v4/projects/a%2Fb').reply(404, { message: '404 Project Not Found' });
    await expect(client().project('a/b')).rejects.toThrow('GitLab found nothing while reading project a/b (404) (404 Project Not Found)');

    nock(BASE).get('/api/v4/projects/a%2Fb').times(3).reply(503, 'down');
    await expect(client().project('a/b')).rejects.toThrow('GitLab did not answer reading project a/b: 503');

    nock(BASE).get('/api/v4/projects/a%2Fb').reply(429, { message: 'Retry later' }, { 'retry-after': '0' });
    nock(BASE).get('/api/v4/projects/a%2Fb').reply(200, { id: 1, path_with_namespace: 'a/b', web_url: `${BASE}/a/b` });
    expect((await client().project('a/b')).id).toBe(1);

    const hanging = ((_u: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const err = (await client({ fetch: hanging, timeoutMs: 20, retries: 0 }).project('a/b').catch((e: unknown) => e)) as IntegrationError;
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.userMessage).toBe('GitLab did not answer reading project a/b (timed out after 20 ms)');
  });

  it('POSTs are not retried', async () => {
    const mr = await openMr();
    nock(BASE).post(`${P}/merge_requests/412/notes`).reply(502, 'bad gateway');
    await expect(mr.addNote('hello')).rejects.toMatchObject({ status: 502 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fromConfig needs GITLAB_URL (or the ConfigStore URL) and GITLAB_TOKEN', () => {
    expect(() => GitLabClient.fromConfig(testConfig({ GITLAB_TOKEN: 't' }))).toThrow(/set GITLAB_URL/);
    expect(() => GitLabClient.fromConfig(testConfig({ GITLAB_URL: BASE }))).toThrow(/set GITLAB_TOKEN/);
    expect(GitLabClient.fromConfig(testConfig({ GITLAB_TOKEN: 't' }), { gitlabUrl: BASE }).baseUrl).toBe(BASE);
  });
});
