import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createGitHubClient, gitBlobSha, GitHubClient, GitHubConflictError, type GitHubClientOptions } from '../../src/integrations/github.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import { testConfig } from '../../src/config/env.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const API = 'https://api.github.com';
const RAW = 'https://raw.githubusercontent.com';
const REPO = 'openshift/release-tests';
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/github/${name}`, import.meta.url), 'utf8'));
const STATEBOX_PATH = '_releases/4.13/statebox/4.13.66.yaml';
const STATEBOX_TEXT = readFileSync(fixturePath('zstream', '4.13', 'statebox', '4.13.66.yaml'), 'utf8');

function client(extra: Partial<GitHubClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = new GitHubClient({
    token: 't0k3n-value',
    minRetryDelayMs: 1,
    maxRetryDelayMs: 2,
    retries: 2,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

async function failure(p: Promise<unknown>): Promise<IntegrationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IntegrationError);
    return e as IntegrationError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('GitHub client: contents API', () => {
  it('reads a file: GET contents?ref=<branch> with the token, decodes base64, returns the blob sha', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'token t0k3n-value' } })
      .get(`/repos/${REPO}/contents/${STATEBOX_PATH}`)
      .query({ ref: 'z-stream' })
      .reply(200, fixture('contents-statebox-4.13.66.json') as object);
    const { c } = client();
    const file = await c.getFile(REPO, 'z-stream', STATEBOX_PATH);
    expect(file).toEqual({ path: STATEBOX_PATH, text: STATEBOX_TEXT, sha: gitBlobSha(STATEBOX_TEXT) });
    expect(scope.isDone()).toBe(true);
  });

  it('answers null for a missing file (404), without retrying', async () => {
    const scope = nock(API).get(`/repos/${REPO}/contents/_releases/4.19/statebox/4.19.99.yaml`).query({ ref: 'z-stream' }).reply(404, fixture('error-404-not-found.json') as object);
    const { c } = client();
    expect(await c.getFile(REPO, 'z-stream', '_releases/4.19/statebox/4.19.99.yaml')).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it('falls back to the blobs API for files over 1 MB (contents come back empty)', async () => {
    const big = 'x'.repeat(2_000_000);
    const sha = gitBlobSha(big);
    nock(API)
      .get(`/repos/${REPO}/contents/big.yaml`)
      .query({ ref: 'z-stream' })
      .reply(200, { type: 'file', path: 'big.yaml', name: 'big.yaml', sha, size: big.length, encoding: 'none', content: '' });
    nock(API).get(`/repos/${REPO}/git/blobs/${sha}`).reply(200, { sha, size: big.length, encoding: 'base64', content: Buffer.from(big).toString('base64') });
    const { c } = client();
    const file = await c.getFile(REPO, 'z-stream', 'big.yaml');
    expect(file?.text.length).toBe(2_000_000);
    expect(file?.sha).toBe(sha);
  });

  it('updates a file: PUT with message, base64 content, branch and the sha it replaces', async () => {
    const text = `${STATEBOX_TEXT}# changed\n`;
    let body: Record<string, unknown> = {};
    const scope = nock(API)
      .put(`/repos/${REPO}/contents/${STATEBOX_PATH}`, (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(200, fixture('put-contents-updated.json') as object);
    const { c } = client();
    const res = await c.putFile({ repo: REPO, branch: 'z-stream', path: STATEBOX_PATH, text, message: 'Update task: take-ownership', sha: gitBlobSha(STATEBOX_TEXT) });
    expect(body).toEqual({ message: 'Update task: take-ownership', content: Buffer.from(text).toString('base64'), branch: 'z-stream', sha: gitBlobSha(STATEBOX_TEXT) });
    expect(res).toEqual({ sha: 'a4f1c3d2e5b6a7980123456789abcdef01234567', commitSha: '7638417db6d59f3c431d3e1f261cc637155684cd' });
    expect(scope.isDone()).toBe(true);
  });

  it('creates a file: the PUT carries no sha', async () => {
    let body: Record<string, unknown> = {};
    nock(API)
      .put(`/repos/${REPO}/contents/_releases/4.19/statebox/4.19.1.yaml`, (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(201, fixture('put-contents-updated.json') as object);
    const { c } = client();
    await c.putFile({ repo: REPO, branch: 'z-stream', path: '_releases/4.19/statebox/4.19.1.yaml', text: 'a: 1\n', message: 'Initialize StateBox for release 4.19.1' });
    expect(Object.keys(body).sort()).toEqual(['branch', 'content', 'message']);
  });

  it('maps 409 (stale sha) to GitHubConflictError and never retries a write', async () => {
    const scope = nock(API).put(`/repos/${REPO}/contents/${STATEBOX_PATH}`).reply(409, fixture('error-409-conflict.json') as object);
    const { c } = client();
    const err = await failure(c.putFile({ repo: REPO, branch: 'z-stream', path: STATEBOX_PATH, text: 'x', message: 'm', sha: 'stale' }));
    expect(err).toBeInstanceOf(GitHubConflictError);
    expect(err.status).toBe(409);
    expect(err.system).toBe('GitHub');
    expect(err.message).toContain('conflict');
    expect(scope.isDone()).toBe(true);
  });

  it('maps 422 "sha wasn\'t supplied" (create over an existing file) to GitHubConflictError', async () => {
    nock(API).put(`/repos/${REPO}/contents/${STATEBOX_PATH}`).reply(422, fixture('error-422-sha-missing.json') as object);
    const { c } = client();
    const err = await failure(c.putFile({ repo: REPO, branch: 'z-stream', path: STATEBOX_PATH, text: 'x', message: 'm' }));
    expect(err).toBeInstanceOf(GitHubConflictError);
    expect(err.status).toBe(422);
  });

  it('deletes a file: DELETE with message, sha and branch', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(API)
      .delete('/repos/openshift/release-tests/contents/_releases/ocp-test-result-4.19.1-amd64.json', (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(200, { content: null, commit: { sha: '7638417db6d59f3c431d3e1f261cc637155684cd' } });
    const { c } = client();
    await c.deleteFile({ repo: REPO, branch: 'record', path: '_releases/ocp-test-result-4.19.1-amd64.json', sha: 'abc123', message: 'delete file' });
    expect(body).toEqual({ message: 'delete file', sha: 'abc123', branch: 'record' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('GitHub client: error mapping and retries', () => {
  it('401: rejected credentials, not retried', async () => {
    const scope = nock(API).get(`/repos/${REPO}/contents/a.yaml`).query(true).reply(401, fixture('error-401-bad-credentials.json') as object);
    const { c } = client();
    const err = await failure(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.userMessage).toContain('rejected the credentials');
    expect(err.userMessage).not.toContain('t0k3n-value');
    expect(scope.isDone()).toBe(true);
  });

  it('403 without rate-limit headers: access denied, not retried', async () => {
    nock(API).get(`/repos/${REPO}/contents/a.yaml`).query(true).reply(403, fixture('error-403-forbidden.json') as object);
    const { c, sleeps } = client();
    const err = await failure(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.status).toBe(403);
    expect(err.retryable).toBe(false);
    expect(err.userMessage).toContain('denied access');
    expect(sleeps).toEqual([]);
  });

  it('403 with x-ratelimit-remaining 0: rate limit, retried after x-ratelimit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    nock(API)
      .get(`/repos/${REPO}/contents/a.yaml`)
      .query(true)
      .reply(403, fixture('error-403-rate-limit.json') as object, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) })
      .get(`/repos/${REPO}/contents/a.yaml`)
      .query(true)
      .reply(200, { type: 'file', path: 'a.yaml', sha: gitBlobSha('a: 1\n'), size: 5, encoding: 'base64', content: Buffer.from('a: 1\n').toString('base64') });
    const { c, sleeps } = client();
    const file = await c.getFile(REPO, 'z-stream', 'a.yaml');
    expect(file?.text).toBe('a: 1\n');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThan(25_000);
  });

  it('429 with Retry-After: waits that long, then retries the read', async () => {
    const scope = nock(API)
      .get(`/repos/${REPO}/git/trees/z-stream`)
      .query({ recursive: '1' })
      .reply(429, fixture('error-429-secondary-rate-limit.json') as object, { 'retry-after': '7' })
      .get(`/repos/${REPO}/git/trees/z-stream`)
      .query({ recursive: '1' })
      .reply(200, fixture('tree-z-stream-recursive.json') as object);
    const { c, sleeps } = client();
    const listing = await c.listTree(REPO, 'z-stream', '_releases');
    expect(listing.entries.length).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(6_990);
    expect(sleeps[0]!).toBeLessThanOrEqual(7_000);
    expect(scope.isDone()).toBe(true);
  });

  it('429 whose Retry-After exceeds the limit fails at once instead of blocking', async () => {
    nock(API).get(`/repos/${REPO}/contents/a.yaml`).query(true).reply(429, fixture('error-429-secondary-rate-limit.json') as object, { 'retry-after': '3600' });
    const { c, sleeps } = client();
    const err = await failure(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(err.userMessage).toContain('rate limiting');
    expect(sleeps).toEqual([]);
  });

  it('5xx on a read: retried until it succeeds', async () => {
    const scope = nock(API)
      .get(`/repos/${REPO}/contents/${STATEBOX_PATH}`)
      .query(true)
      .times(2)
      .reply(502, fixture('error-502.json') as object)
      .get(`/repos/${REPO}/contents/${STATEBOX_PATH}`)
      .query(true)
      .reply(200, fixture('contents-statebox-4.13.66.json') as object);
    const { c } = client();
    expect((await c.getFile(REPO, 'z-stream', STATEBOX_PATH))?.text).toBe(STATEBOX_TEXT);
    expect(scope.isDone()).toBe(true);
  });

  it('5xx on a read: gives up after the configured retries with a retryable error', async () => {
    nock(API).get(`/repos/${REPO}/contents/a.yaml`).query(true).times(3).reply(503, 'upstream unavailable');
    const { c } = client({ retries: 2 });
    const err = await failure(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toContain('GitHub did not answer');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('5xx on a write: not retried here (the caller re-reads and merges), error is retryable', async () => {
    const scope = nock(API).put(`/repos/${REPO}/contents/a.yaml`).reply(502, fixture('error-502.json') as object);
    const { c } = client();
    const err = await failure(c.putFile({ repo: REPO, branch: 'z-stream', path: 'a.yaml', text: 'x', message: 'm', sha: 'abc' }));
    expect(err.status).toBe(502);
    expect(err.retryable).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('times out a call that does not answer (the transport sees the abort)', async () => {
    // nock cannot abort a delayed reply under fetch, so this transport hangs until it is aborted.
    const seen: string[] = [];
    const hanging = (input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        seen.push(String(input));
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const { c } = client({ timeoutMs: 50, retries: 1, fetch: hanging });
    const err = await failure(c.getFile(REPO, 'z-stream', 'slow.yaml'));
    expect(err.status).toBeUndefined();
    expect(err.userMessage).toContain('timed out after 50 ms');
    expect(err.retryable).toBe(true);
    expect(seen).toEqual([`${API}/repos/${REPO}/contents/slow.yaml?ref=z-stream`, `${API}/repos/${REPO}/contents/slow.yaml?ref=z-stream`]);
  });

  it('a network failure becomes an IntegrationError naming GitHub', async () => {
    nock(API).get(`/repos/${REPO}/contents/a.yaml`).query(true).replyWithError('socket hang up');
    const { c } = client({ retries: 0 });
    const err = await failure(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.system).toBe('GitHub');
    expect(err.userMessage).toContain('GitHub did not answer');
  });
});

describe('GitHub client: tree listing, GraphQL batch read, raw', () => {
  it('lists a directory tree in one recursive git-trees request, filtered by prefix', async () => {
    const scope = nock(API).get(`/repos/${REPO}/git/trees/z-stream`).query({ recursive: '1' }).reply(200, fixture('tree-z-stream-recursive.json') as object);
    const { c } = client();
    const listing = await c.listTree(REPO, 'z-stream', '_releases/');
    expect(scope.isDone()).toBe(true);
    expect(listing.truncated).toBe(false);
    const paths = listing.entries.map((e) => e.path);
    expect(paths).toContain('_releases/4.19/4.19.z.yaml');
    expect(paths).toContain('_releases/4.13/statebox/4.13.66.yaml');
    expect(paths).not.toContain('README.md');
    expect(paths).not.toContain('_releases');
    expect(paths.every((p) => p.startsWith('_releases/'))).toBe(true);
  });

  it('reads several files in ONE GraphQL request with aliased object(expression:) lookups', async () => {
    let sent: { query: string; variables: Record<string, unknown> } | undefined;
    const scope = nock(API, { reqheaders: { authorization: 'token t0k3n-value' } })
      .post('/graphql', (b: { query: string; variables: Record<string, unknown> }) => {
        sent = b;
        return true;
      })
      .reply(200, fixture('graphql-read-files.json') as object);
    const { c } = client();
    const paths = ['_releases/4.19/4.19.z.yaml', '_releases/4.20/4.20.z.yaml', '_releases/4.99/4.99.z.yaml'];
    const texts = await c.readFiles(REPO, 'z-stream', paths);
    expect(scope.isDone()).toBe(true);
    expect(sent?.variables).toEqual({ owner: 'openshift', name: 'release-tests' });
    expect(sent?.query).toContain('repository(owner: $owner, name: $name)');
    expect(sent?.query).toContain('f0: object(expression: "z-stream:_releases/4.19/4.19.z.yaml") { ... on Blob { text } }');
    expect(sent?.query).toContain('f2: object(expression: "z-stream:_releases/4.99/4.99.z.yaml")');
    expect(texts.get(paths[0]!)).toBe(readFileSync(fixturePath('zstream', '4.19', '4.19.z.yaml'), 'utf8'));
    expect(texts.get(paths[2]!)).toBeNull();
  });

  it('uses GITHUB_GRAPHQL_URL when set (GitHub Enterprise layout)', async () => {
    const scope = nock('https://ghe.example.com').post('/api/graphql').reply(200, { data: { repository: { f0: { text: 'releases: {}' } } } });
    const c = createGitHubClient(testConfig({ GITHUB_TOKEN: 'x', GITHUB_API_URL: 'https://ghe.example.com/api/v3', GITHUB_GRAPHQL_URL: 'https://ghe.example.com/api/graphql' }));
    const texts = await c.readFiles(REPO, 'z-stream', ['_releases/5.0/5.0.z.yaml']);
    expect(texts.get('_releases/5.0/5.0.z.yaml')).toBe('releases: {}');
    expect(scope.isDone()).toBe(true);
    expect(c.webUrl(REPO, 'z-stream', 'a.yaml')).toBe('https://ghe.example.com/openshift/release-tests/blob/z-stream/a.yaml');
  });

  it('GraphQL errors become IntegrationError (NOT_FOUND → 404)', async () => {
    nock(API).post('/graphql').reply(200, fixture('graphql-repository-not-found.json') as object);
    const { c } = client();
    const err = await failure(c.readFiles('openshift/release-testz', 'z-stream', ['a']));
    expect(err.status).toBe(404);
    expect(err.userMessage).toContain("Could not resolve to a Repository with the name 'openshift/release-testz'");
  });

  it('reads raw content from GITHUB_RAW_URL/<owner>/<repo>/<branch>/<path>; 404 → null', async () => {
    const text = readFileSync(fixturePath('zstream', '4.22', '4.22.z.yaml'), 'utf8');
    nock(RAW).get('/openshift/release-tests/z-stream/_releases/4.22/4.22.z.yaml').reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
    nock(RAW).get('/openshift/release-tests/z-stream/_releases/9.9/9.9.z.yaml').reply(404, '404: Not Found');
    const { c } = client();
    expect(await c.getRawFile(REPO, 'z-stream', '_releases/4.22/4.22.z.yaml')).toBe(text);
    expect(await c.getRawFile(REPO, 'z-stream', '_releases/9.9/9.9.z.yaml')).toBeNull();
  });

  it('human links point at github.com for api.github.com', () => {
    const { c } = client();
    expect(c.webUrl(REPO, 'z-stream', '_releases/4.19/statebox/4.19.1.yaml')).toBe('https://github.com/openshift/release-tests/blob/z-stream/_releases/4.19/statebox/4.19.1.yaml');
  });
});
