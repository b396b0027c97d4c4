import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobSha, GitHubClient, GitHubConflictError } from '../../src/integrations/github.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/index.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const REPO = 'openshift/release-tests';
const FIXTURES = fixturePath('zstream');

let gh: GitHubSandbox;
let sleeps: number[];

function clientFor(sb: GitHubSandbox, extra: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}) {
  return new GitHubClient({
    token: 'sandbox-token',
    apiUrl: sb.url,
    graphqlUrl: sb.graphqlUrl,
    rawUrl: sb.rawUrl,
    minRetryDelayMs: 1,
    maxRetryDelayMs: 2,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

beforeEach(async () => {
  sleeps = [];
  gh = await startGitHubSandbox({ branches: ['z-stream', 'record', 'main'] });
});
afterEach(async () => {
  await gh.close();
});

async function rejection(p: Promise<unknown>): Promise<IntegrationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IntegrationError);
    return e as IntegrationError;
  }
  throw new Error('expected a failure');
}

describe('simulated GitHub: contents API over real HTTP', () => {
  it('listens on an ephemeral loopback port', () => {
    expect(gh.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gh.env().GITHUB_GRAPHQL_URL).toBe(`${gh.url}/graphql`);
  });

  it('serves a seeded file with its git blob sha, as text and raw', async () => {
    const text = readFileSync(`${FIXTURES}/4.16/statebox/4.16.54.yaml`, 'utf8');
    gh.seedFile('z-stream', '_releases/4.16/statebox/4.16.54.yaml', text);
    const c = clientFor(gh);
    const file = await c.getFile(REPO, 'z-stream', '_releases/4.16/statebox/4.16.54.yaml');
    expect(file?.text).toBe(text);
    expect(file?.sha).toBe(gitBlobSha(text));
    expect(await c.getRawFile(REPO, 'z-stream', '_releases/4.16/statebox/4.16.54.yaml')).toBe(text);
    expect(await c.getFile(REPO, 'main', '_releases/4.16/statebox/4.16.54.yaml')).toBeNull();
  });

  it('honours SHAs: create, conflicting create (422), update, stale update (409), delete', async () => {
    const c = clientFor(gh);
    const path = '_releases/4.19/statebox/4.19.1.yaml';
    const created = await c.putFile({ repo: REPO, branch: 'z-stream', path, text: 'v: 1\n', message: 'Initialize StateBox for release 4.19.1' });
    expect(created.sha).toBe(gitBlobSha('v: 1\n'));
    const dup = await rejection(c.putFile({ repo: REPO, branch: 'z-stream', path, text: 'v: 9\n', message: 'again' }));
    expect(dup).toBeInstanceOf(GitHubConflictError);
    expect(dup.status).toBe(422);
    const updated = await c.putFile({ repo: REPO, branch: 'z-stream', path, text: 'v: 2\n', message: 'Update task: take-ownership', sha: created.sha });
    const stale = await rejection(c.putFile({ repo: REPO, branch: 'z-stream', path, text: 'v: 3\n', message: 'stale', sha: created.sha }));
    expect(stale).toBeInstanceOf(GitHubConflictError);
    expect(stale.status).toBe(409);
    expect(gh.readFile('z-stream', path)).toBe('v: 2\n');
    const staleDelete = await rejection(c.deleteFile({ repo: REPO, branch: 'z-stream', path, sha: created.sha, message: 'delete file' }));
    expect(staleDelete.status).toBe(409);
    await c.deleteFile({ repo: REPO, branch: 'z-stream', path, sha: updated.sha, message: 'delete file' });
    expect(gh.readFile('z-stream', path)).toBeUndefined();
    expect(gh.commits({ path }).map((x) => [x.action, x.message])).toEqual([
      ['create', 'Initialize StateBox for release 4.19.1'],
      ['update', 'Update task: take-ownership'],
      ['delete', 'delete file'],
    ]);
  });

  it('refuses writes to a branch that does not exist (404) unless told to create branches', async () => {
    const c = clientFor(gh);
    const err = await rejection(c.putFile({ repo: REPO, branch: 'nope', path: 'a.txt', text: 'x', message: 'm' }));
    expect(err.status).toBe(404);
    const auto = await startGitHubSandbox({ autoCreateBranches: true });
    try {
      await clientFor(auto).putFile({ repo: REPO, branch: 'fresh', path: 'a.txt', text: 'x', message: 'm' });
      expect(auto.readFile('fresh', 'a.txt')).toBe('x');
    } finally {
      await auto.close();
    }
  });

  it('lists a branch recursively through the git trees API; branches are separate', async () => {
    const seeded = gh.seedDirectory('z-stream', FIXTURES, '_releases');
    gh.seedFile('record', '_releases/ocp-test-result-4.19.1-amd64.json', '{}');
    expect(seeded).toContain('_releases/4.19/4.19.z.yaml');
    const c = clientFor(gh);
    const listing = await c.listTree(REPO, 'z-stream', '_releases');
    const blobs = listing.entries.filter((e) => e.type === 'blob').map((e) => e.path);
    expect(blobs.sort()).toEqual([...seeded].sort());
    expect(listing.entries.find((e) => e.path === '_releases/4.19')?.type).toBe('tree');
    const record = await c.listTree(REPO, 'record');
    expect(record.entries.filter((e) => e.type === 'blob').map((e) => e.path)).toEqual(['_releases/ocp-test-result-4.19.1-amd64.json']);
  });

  it('caps the contents-API directory listing like GitHub (1000 by default)', async () => {
    const small = await startGitHubSandbox({ directoryListingLimit: 3, branches: ['record'] });
    try {
      for (let i = 0; i < 5; i++) small.seedFile('record', `_releases/f${i}.json`, '{}');
      const res = await fetch(`${small.url}/repos/${REPO}/contents/_releases?ref=record`);
      expect(((await res.json()) as unknown[]).length).toBe(3);
      const tree = await clientFor(small).listTree(REPO, 'record', '_releases');
      expect(tree.entries.length).toBe(5);
    } finally {
      await small.close();
    }
  });

  it('serves large files through the blobs API', async () => {
    const text = 'y'.repeat(50_000);
    gh.seedFile('z-stream', 'big.txt', text);
    const c = clientFor(gh);
    expect(await c.getBlobText(REPO, gitBlobSha(text))).toBe(text);
  });
});

describe('simulated GitHub: GraphQL', () => {
  it('answers the aliased object/blob text query of readFiles in one request', async () => {
    gh.seedDirectory('z-stream', FIXTURES, '_releases');
    const c = clientFor(gh);
    gh.clearCalls();
    const paths = ['_releases/4.19/4.19.z.yaml', '_releases/5.0/5.0.z.yaml', '_releases/9.9/9.9.z.yaml'];
    const texts = await c.readFiles(REPO, 'z-stream', paths);
    expect(texts.get(paths[0]!)).toBe(readFileSync(`${FIXTURES}/4.19/4.19.z.yaml`, 'utf8'));
    expect(texts.get(paths[1]!)).toBe('releases: {}');
    expect(texts.get(paths[2]!)).toBeNull();
    expect(gh.calls.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual(['POST /graphql 200']);
  });

  it('answers Tree objects with entries (the original discovery query shape)', async () => {
    gh.seedFile('z-stream', '_releases/4.20/4.20.z.yaml', 'releases: {}\n');
    gh.seedFile('z-stream', '_releases/test.txt', 'x');
    const res = await fetch(gh.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query { repository(owner: "openshift", name: "release-tests") { object(expression: "z-stream:_releases") { ... on Tree { entries { name type object { ... on Tree { entries { name type object { ... on Blob { text } } } } } } } } } }',
      }),
    });
    const body = (await res.json()) as { data: { repository: { object: { entries: { name: string; type: string; object: { entries?: { name: string; object: { text?: string } }[] } }[] } } } };
    const entries = body.data.repository.object.entries;
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['4.20', 'tree'],
      ['test.txt', 'blob'],
    ]);
    expect(entries[0]!.object.entries?.[0]).toMatchObject({ name: '4.20.z.yaml', object: { text: 'releases: {}\n' } });
  });

  it('reports an unknown repository the way GitHub does', async () => {
    const c = clientFor(gh);
    const err = await rejection(c.readFiles('openshift/unknown', 'z-stream', ['a']));
    expect(err.status).toBe(404);
    expect(err.userMessage).toContain("Could not resolve to a Repository with the name 'openshift/unknown'");
  });
});

describe('simulated GitHub: faults, latency, auth, call log', () => {
  it('fails the next N matching requests with a status, then recovers; the call log shows it', async () => {
    gh.seedFile('z-stream', 'a.yaml', 'a: 1\n');
    gh.injectFault({ status: 503, times: 2, method: 'GET', path: '/contents/' });
    const c = clientFor(gh, { retries: 3 });
    expect((await c.getFile(REPO, 'z-stream', 'a.yaml'))?.text).toBe('a: 1\n');
    expect(gh.calls.map((x) => x.status)).toEqual([503, 503, 200]);
    expect(gh.calls[0]).toMatchObject({ method: 'GET', path: '/repos/openshift/release-tests/contents/a.yaml?ref=z-stream' });
  });

  it('sends Retry-After with a fault, and the client waits for it', async () => {
    gh.seedFile('z-stream', 'a.yaml', 'a: 1\n');
    gh.injectFault({ status: 429, retryAfter: 3 });
    const c = clientFor(gh);
    await c.getFile(REPO, 'z-stream', 'a.yaml');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThan(2_900);
  });

  it('fault rules match by method and path regex, and record write bodies', async () => {
    gh.injectFault({ status: 500, method: 'PUT', path: /statebox/ });
    const c = clientFor(gh);
    const err = await rejection(c.putFile({ repo: REPO, branch: 'z-stream', path: '_releases/4.19/statebox/4.19.1.yaml', text: 'x', message: 'm' }));
    expect(err.status).toBe(500);
    await c.putFile({ repo: REPO, branch: 'z-stream', path: '_releases/4.19/statebox/4.19.1.yaml', text: 'x', message: 'm' });
    expect(gh.calls.map((x) => x.status)).toEqual([500, 201]);
    expect(gh.calls[1]!.body).toMatchObject({ message: 'm', branch: 'z-stream' });
  });

  it('latency beyond the client timeout makes the call time out', async () => {
    gh.seedFile('z-stream', 'a.yaml', 'a: 1\n');
    gh.setLatency(1_000);
    const c = clientFor(gh, { timeoutMs: 50, retries: 0 });
    const err = await rejection(c.getFile(REPO, 'z-stream', 'a.yaml'));
    expect(err.userMessage).toContain('timed out after 50 ms');
  });

  it('enforces a token when configured (401 Bad credentials)', async () => {
    const locked = await startGitHubSandbox({ token: 'right', branches: ['z-stream'] });
    try {
      locked.seedFile('z-stream', 'a.yaml', 'a: 1\n');
      const wrong = await rejection(clientFor(locked, { token: 'wrong' }).getFile(REPO, 'z-stream', 'a.yaml'));
      expect(wrong.status).toBe(401);
      expect((await clientFor(locked, { token: 'right' }).getFile(REPO, 'z-stream', 'a.yaml'))?.text).toBe('a: 1\n');
    } finally {
      await locked.close();
    }
  });
});
