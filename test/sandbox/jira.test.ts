/** The simulated Jira itself, driven with plain fetch over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JqlError, evaluate, parseJql, startJiraSandbox, type JiraSandbox } from '../../src/sandbox/jira/index.ts';
import { JiraState } from '../../src/sandbox/jira/state.ts';

const NOW = Date.UTC(2025, 6, 21, 12, 0, 0); // Monday 2025-07-21 12:00 UTC
let sb: JiraSandbox;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function keysOf(json: Record<string, unknown> | undefined): string[] {
  return ((json?.issues ?? []) as { key?: string; id: string }[]).map((i) => i.key ?? i.id);
}

beforeAll(async () => {
  sb = await startJiraSandbox({ now: () => NOW });
});
afterAll(async () => {
  await sb.close();
});

beforeEach(() => {
  sb.state.issues.clear();
  sb.resetCalls();
  sb.clearFaults();
  sb.latencyMs = 0;
  const s = sb.state;
  const qa = s.findUser('qa@redhat.com') ?? s.addUser({ displayName: 'QA One', emailAddress: 'qa@redhat.com' });
  s.seedIssue({ key: 'OCPBUGS-1', status: 'ON_QA', targetVersions: ['4.19.z'], labels: ['TestBlocker'], qaContact: qa, priority: 'Critical', created: '2025-07-01T00:00:00Z', updated: '2025-07-20T10:00:00Z', statusChangedAt: '2025-07-15T14:10:20.862Z', summary: 'ovnkube crashes' });
  s.seedIssue({ key: 'OCPBUGS-2', status: 'ON_QA', targetVersions: ['4.12.z'], issueType: 'Vulnerability', created: '2025-07-02T00:00:00Z', updated: '2025-07-10T00:00:00Z', statusChangedAt: '2025-06-20T00:00:00Z', summary: 'CVE-2025-1 golang' });
  s.seedIssue({ key: 'OCPBUGS-3', status: 'ON_QA', targetVersions: ['5.0.z'], created: '2025-07-03T00:00:00Z', statusChangedAt: '2025-07-16T00:00:00Z' });
  s.seedIssue({ key: 'OCPBUGS-4', status: 'Verified', targetVersions: ['4.19.z'], created: '2025-07-04T00:00:00Z', labels: [] });
  s.seedIssue({ key: 'OCPBUGS-5', status: 'ON_QA', targetVersions: ['4.19.z'], issueType: 'Story', created: '2025-07-05T00:00:00Z' });
  s.seedIssue({ key: 'CVP-1', status: 'New', summary: '[4.19.1] Greenwave CVP test failures in advisories', created: '2025-07-06T00:00:00Z' });
  s.seedIssue({ key: 'OCPBUGS-6', status: 'ON_QA', targetVersions: ['4.19.z'], forbidden: true });
});

describe('JQL', () => {
  const search = async (jql: string) => keysOf((await call('POST', '/rest/api/2/search', { jql, maxResults: 50, fields: ['status'] })).json);

  it('runs the notificator query exactly as the original builds it', async () => {
    const base = "project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (4.12.z, 4.13.z, 4.14.z, 4.15.z, 4.16.z, 4.17.z, 4.18.z, 4.19.z, 4.20.z, 4.21.z, 4.22.z)";
    expect(await search(base)).toEqual(['OCPBUGS-1', 'OCPBUGS-2']);
    expect(await search(`${base} AND status changed to ON_QA after 2025-07-01`)).toEqual(['OCPBUGS-1']);
  });

  it('handles AND/OR/NOT precedence, parentheses and ORDER BY', async () => {
    expect(await search('project = CVP OR status = Verified AND labels is EMPTY')).toEqual(['OCPBUGS-4', 'CVP-1']);
    expect(await search('(project = CVP OR status = Verified) AND NOT key = CVP-1')).toEqual(['OCPBUGS-4']);
    expect(await search('status = ON_QA ORDER BY key DESC')).toEqual(['OCPBUGS-5', 'OCPBUGS-3', 'OCPBUGS-2', 'OCPBUGS-1']);
    expect(await search('project = OCPBUGS ORDER BY created DESC, key ASC')).toEqual(['OCPBUGS-5', 'OCPBUGS-4', 'OCPBUGS-3', 'OCPBUGS-2', 'OCPBUGS-1']);
    expect(await search('ORDER BY key ASC')).toHaveLength(6);
  });

  it('labels, summary text, fixVersion-like lists, emptiness and negation', async () => {
    expect(await search('labels = TestBlocker')).toEqual(['OCPBUGS-1']);
    // Jira: negative operators skip issues where the field is empty.
    expect(await search('labels != TestBlocker')).toEqual([]);
    expect(await search('labels is not EMPTY')).toEqual(['OCPBUGS-1']);
    expect(await search('project = "CVP" AND summary ~ "4.19.1 Greenwave CVP test failures in advisories"')).toEqual(['CVP-1']);
    expect(await search("'Target Version' not in (4.19.z, 4.12.z) AND project = OCPBUGS")).toEqual(['OCPBUGS-3']);
    expect(await search('key in (OCPBUGS-1, cvp-1)')).toEqual(['OCPBUGS-1', 'CVP-1']);
  });

  it('compares dates, absolute and relative to now', async () => {
    expect(await search('updated >= "2025-07-15"')).toEqual(['OCPBUGS-1']);
    expect(await search('updated >= -3d')).toEqual(['OCPBUGS-1']);
    expect(await search('created < 2025-07-03 AND project = OCPBUGS')).toEqual(['OCPBUGS-1', 'OCPBUGS-2']);
    expect(await search('status changed to ON_QA before 2025-07-01')).toEqual(['OCPBUGS-2']);
    expect(await search('status changed from MODIFIED to ON_QA on 2025-07-16')).toEqual(['OCPBUGS-3']);
  });

  it('answers 400 with Jira-like messages for bad queries', async () => {
    const bad = await call('POST', '/rest/api/2/search/jql', { jql: 'status = "ON_QA', fields: ['status'] });
    expect(bad.status).toBe(400);
    expect((bad.json?.errorMessages as string[])[0]).toMatch(/unterminated string/);
    const field = await call('POST', '/rest/api/2/search/jql', { jql: 'colour = red', fields: ['status'] });
    expect(field.json?.errorMessages).toEqual(["Field 'colour' does not exist or you do not have permission to view it."]);
    expect(() => parseJql('status in ON_QA')).toThrow(JqlError);
    expect(() => parseJql('status = ON_QA AND')).toThrow(JqlError);
  });

  it('evaluates without the server too', () => {
    const state = new JiraState(() => NOW);
    const issue = state.seedIssue({ key: 'X-1', status: 'ON_QA', labels: ['a', 'b'] });
    expect(evaluate(parseJql('labels in (b, c) AND NOT status = Closed').where!, state.subject(issue), NOW)).toBe(true);
    expect(evaluate(parseJql('labels not in (a)').where!, state.subject(issue), NOW)).toBe(false);
  });
});

describe('search endpoints', () => {
  it('enhanced search pages with nextPageToken and returns only ids without fields', async () => {
    sb.state.seedBugs(130, { start: 100, status: 'New' });
    const first = await call('GET', `/rest/api/2/search/jql?jql=${encodeURIComponent('status = New AND project = OCPBUGS')}&maxResults=500&fields=status`);
    expect((first.json?.issues as unknown[]).length).toBe(100); // capped like Cloud
    expect(first.json?.isLast).toBe(false);
    const token = first.json?.nextPageToken as string;
    const second = await call('POST', '/rest/api/2/search/jql', { jql: 'status = New AND project = OCPBUGS', maxResults: 100, nextPageToken: token, fields: ['status'] });
    expect((second.json?.issues as unknown[]).length).toBe(30);
    expect(second.json?.isLast).toBe(true);
    expect(second.json?.nextPageToken).toBeUndefined();
    const idsOnly = await call('POST', '/rest/api/2/search/jql', { jql: 'key = OCPBUGS-1' });
    expect(idsOnly.json?.issues).toEqual([{ id: sb.state.issues.get('OCPBUGS-1')!.id }]);
    const badToken = await call('POST', '/rest/api/2/search/jql', { jql: 'status = New', nextPageToken: 'garbage' });
    expect(badToken.status).toBe(400);
  });

  it('classic search pages with startAt and total; warns about unknown keys when asked', async () => {
    const res = await call('POST', '/rest/api/2/search', { jql: 'project = OCPBUGS ORDER BY key', startAt: 1, maxResults: 2, fields: ['status'] });
    expect(res.json).toMatchObject({ startAt: 1, maxResults: 2, total: 5 });
    expect(keysOf(res.json)).toEqual(['OCPBUGS-2', 'OCPBUGS-3']);
    const strict = await call('POST', '/rest/api/2/search', { jql: 'key in (OCPBUGS-1, OCPBUGS-404)' });
    expect(strict.status).toBe(400);
    expect(strict.json?.errorMessages).toEqual(["An issue with key 'OCPBUGS-404' does not exist for field 'key'."]);
    const warn = await call('POST', '/rest/api/2/search', { jql: 'key in (OCPBUGS-1, OCPBUGS-404, OCPBUGS-6)', validateQuery: 'warn', fields: ['status'] });
    expect(keysOf(warn.json)).toEqual(['OCPBUGS-1']);
    expect(warn.json?.warningMessages).toHaveLength(2); // unknown and forbidden look the same
  });

  it('expands the changelog and comments, truncated like Cloud search results', async () => {
    const small = await startJiraSandbox({ searchChangelogLimit: 1, searchCommentLimit: 1 });
    try {
      small.state.seedIssue({
        key: 'OCPBUGS-9',
        histories: [
          { created: '2025-07-01T00:00:00Z', items: [{ field: 'status', fromString: 'POST', toString: 'MODIFIED' }] },
          { created: '2025-07-02T00:00:00Z', items: [{ field: 'status', fromString: 'MODIFIED', toString: 'ON_QA' }] },
        ],
        comments: [{ body: 'one' }, { body: 'two' }],
      });
      const res = await fetch(`${small.url}/rest/api/2/search/jql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jql: 'key = OCPBUGS-9', fields: ['comment'], expand: 'changelog' }) });
      const issue = ((await res.json()) as { issues: { changelog: { total: number; histories: unknown[] }; fields: { comment: { total: number; comments: unknown[] } } }[] }).issues[0]!;
      expect([issue.changelog.total, issue.changelog.histories.length]).toEqual([2, 1]);
      expect([issue.fields.comment.total, issue.fields.comment.comments.length]).toEqual([2, 1]);
      const page = await (await fetch(`${small.url}/rest/api/2/issue/OCPBUGS-9/changelog?startAt=1`)).json() as { values: { items: { toString: string }[] }[]; isLast: boolean };
      expect(page.values.map((v) => v.items[0]!.toString)).toEqual(['ON_QA']);
      expect(page.isLast).toBe(true);
    } finally {
      await small.close();
    }
  });
});

describe('issues and writes', () => {
  it('reads one issue with selected fields; 404 and 403 like Jira', async () => {
    const res = await call('GET', '/rest/api/2/issue/OCPBUGS-1?fields=status,customfield_10470');
    expect(res.json?.fields).toEqual({ status: { name: 'ON_QA' }, customfield_10470: expect.objectContaining({ emailAddress: 'qa@redhat.com' }) });
    expect((await call('GET', '/rest/api/2/issue/OCPBUGS-404')).status).toBe(404);
    expect((await call('GET', '/rest/api/2/issue/OCPBUGS-6')).status).toBe(403);
    // /rest/api/latest is the same API.
    expect((await call('GET', '/rest/api/latest/issue/OCPBUGS-1?fields=summary')).json?.fields).toEqual({ summary: 'ovnkube crashes' });
  });

  it('edits labels and custom fields, recording changelog items', async () => {
    const upd = await call('PUT', '/rest/api/2/issue/OCPBUGS-4', { update: { labels: [{ add: 'ert:pending-onqa-over-96hrs' }, { add: 'x' }, { remove: 'x' }] }, fields: { customfield_10847: { value: 'Approved' } } });
    expect(upd.status).toBe(204);
    const issue = sb.state.issues.get('OCPBUGS-4')!;
    expect(issue.fields.labels).toEqual(['ert:pending-onqa-over-96hrs']);
    expect(issue.fields.customfield_10847).toEqual({ value: 'Approved' });
    expect(issue.histories.at(-1)!.items.map((i) => i.field)).toEqual(['customfield_10847', 'labels', 'labels', 'labels']);
    const bad = await call('PUT', '/rest/api/2/issue/OCPBUGS-4', { fields: { status: { name: 'Closed' } } });
    expect(bad.status).toBe(400);
    const badUser = await call('PUT', '/rest/api/2/issue/OCPBUGS-4', { fields: { customfield_10470: { accountId: 'nobody' } } });
    expect(badUser.json?.errors).toEqual({ customfield_10470: "User 'nobody' does not exist." });
  });

  it('transitions (one per status, named after it) and records the status change', async () => {
    const list = await call('GET', '/rest/api/2/issue/OCPBUGS-1/transitions');
    const transitions = list.json?.transitions as { id: string; name: string }[];
    expect(transitions.some((t) => t.name === 'ON_QA')).toBe(false);
    const verified = transitions.find((t) => t.name === 'Verified')!;
    expect((await call('POST', '/rest/api/2/issue/OCPBUGS-1/transitions', { transition: { id: verified.id } })).status).toBe(204);
    const issue = sb.state.issues.get('OCPBUGS-1')!;
    expect(issue.fields.status).toEqual({ name: 'Verified' });
    expect(issue.histories.at(-1)!.items[0]).toMatchObject({ field: 'status', fromString: 'ON_QA', toString: 'Verified' });
    expect((await call('POST', '/rest/api/2/issue/OCPBUGS-1/transitions', { transition: { id: '999' } })).status).toBe(400);
  });

  it('comments, assignee, users, remote links and creation', async () => {
    expect((await call('POST', '/rest/api/2/issue/OCPBUGS-1/comment', { body: '' })).status).toBe(400);
    const c = await call('POST', '/rest/api/2/issue/OCPBUGS-1/comment', { body: 'hello [~accountId:acc-qa] ' });
    expect(c.status).toBe(201);
    expect(sb.state.issues.get('OCPBUGS-1')!.comments.at(-1)!.body).toBe('hello [~accountId:acc-qa] ');

    const users = await call('GET', '/rest/api/2/user/search?query=qa%40redhat.com');
    expect(users.json).toEqual([expect.objectContaining({ emailAddress: 'qa@redhat.com', accountId: 'acc-qa' })]);
    expect((await call('PUT', '/rest/api/2/issue/OCPBUGS-2/assignee', { accountId: 'acc-qa' })).status).toBe(204);
    expect(sb.state.issues.get('OCPBUGS-2')!.fields.assignee).toMatchObject({ accountId: 'acc-qa' });

    sb.state.seedIssue({ key: 'OCPBUGS-7', remoteLinks: [{ url: 'https://github.com/openshift/origin/pull/1', title: 'PR' }] });
    const links = await call('GET', '/rest/api/2/issue/OCPBUGS-7/remotelink');
    expect(links.json).toEqual([expect.objectContaining({ object: { url: 'https://github.com/openshift/origin/pull/1', title: 'PR' } })]);

    const missing = await call('POST', '/rest/api/2/issue', { fields: { project: { key: 'CVP' }, issuetype: { name: 'Bug' } } });
    expect(missing.json?.errors).toEqual({ summary: 'You must specify a summary of the issue.' });
    const created = await call('POST', '/rest/api/2/issue', { fields: { project: { key: 'CVP' }, issuetype: { name: 'Bug' }, summary: 'new', description: 'd' } });
    expect(created.status).toBe(201);
    expect(created.json?.key).toBe('CVP-2');
  });
});

describe('recording, faults, auth', () => {
  it('records every call with method, path, query, body, status and auth scheme', async () => {
    await call('GET', '/rest/api/2/issue/OCPBUGS-1?fields=status', undefined, { authorization: 'Bearer x' });
    await call('POST', '/rest/api/2/search/jql', { jql: 'key = OCPBUGS-1', fields: ['status'] });
    expect(sb.calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['GET', '/rest/api/2/issue/OCPBUGS-1', 200],
      ['POST', '/rest/api/2/search/jql', 200],
    ]);
    expect(sb.calls[0]).toMatchObject({ query: { fields: 'status' }, auth: 'Bearer' });
    expect(sb.calls[1]!.body).toEqual({ jql: 'key = OCPBUGS-1', fields: ['status'] });
    expect(sb.callsTo(/\/search/, 'POST')).toHaveLength(1);
  });

  it('injects status codes with Retry-After for a number of matching requests', async () => {
    sb.fault({ path: /\/search\/jql$/, status: 429, retryAfter: 3, times: 2 });
    sb.fault({ method: 'GET', path: '/rest/api/2/myself', status: 503 });
    const a = await call('POST', '/rest/api/2/search/jql', { jql: 'key = OCPBUGS-1' });
    const b = await call('POST', '/rest/api/2/search/jql', { jql: 'key = OCPBUGS-1' });
    const c = await call('POST', '/rest/api/2/search/jql', { jql: 'key = OCPBUGS-1' });
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '/rest/api/2/myself')).status).toBe(503);
    expect((await call('GET', '/rest/api/2/myself')).status).toBe(200);
  });

  it('answers 404 / 405 for unknown routes', async () => {
    expect((await call('GET', '/rest/api/3/search/jql')).status).toBe(404);
    expect((await call('DELETE', '/rest/api/2/issue/OCPBUGS-1')).status).toBe(405);
  });

  it('checks credentials when configured', async () => {
    const locked = await startJiraSandbox({ auth: { basic: { email: 'bot@redhat.com', apiToken: 'good' }, bearer: 'pat' } });
    try {
      const get = (authorization?: string) => fetch(`${locked.url}/rest/api/2/myself`, { headers: authorization ? { authorization } : {} }).then((r) => r.status);
      expect(await get()).toBe(401);
      expect(await get(`Basic ${Buffer.from('bot@redhat.com:bad').toString('base64')}`)).toBe(401);
      expect(await get(`Basic ${Buffer.from('bot@redhat.com:good').toString('base64')}`)).toBe(200);
      expect(await get('Bearer pat')).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
