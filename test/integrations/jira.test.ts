/**
 * Jira client: exact request shapes and error mapping against nock, with payloads recorded in
 * test/fixtures/jira/.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { IntegrationError, type FetchLike } from '../../src/integrations/http.ts';
import {
  DEFAULT_ISSUE_FIELDS,
  InvalidIssueKeyError,
  JiraClient,
  JiraTransport,
  jiraClientFromConfig,
  jiraTime,
  jqlString,
  keyInClause,
  mention,
  mentions,
  nonexistentKeys,
  onQaJql,
} from '../../src/integrations/jira.ts';
import { strictNock } from '../helpers/nock.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/jira/${name}`, import.meta.url), 'utf8'));
const CLOUD = 'https://redhat.atlassian.net';
const DC = 'https://issues.example.com';
const basic = { type: 'basic' as const, email: 'ert-release-bot@redhat.com', apiToken: 'cloud-token-123' };
const BASIC_HEADER = `Basic ${Buffer.from('ert-release-bot@redhat.com:cloud-token-123').toString('base64')}`;

function cloud(extra: Partial<ConstructorParameters<typeof JiraClient>[0]> = {}) {
  return new JiraClient({ baseUrl: CLOUD, auth: basic, deployment: 'cloud', minRetryDelayMs: 1, maxRetryDelayMs: 2, ...extra });
}
function dc(extra: Partial<ConstructorParameters<typeof JiraClient>[0]> = {}) {
  return new JiraClient({ baseUrl: DC, auth: { type: 'bearer', token: 'pat-456' }, deployment: 'datacenter', minRetryDelayMs: 1, maxRetryDelayMs: 2, ...extra });
}

strictNock();

describe('search (Cloud enhanced /search/jql)', () => {
  it('pages with nextPageToken, selects fields, expands the changelog and maps the model', async () => {
    const jql = onQaJql();
    const fields = [...DEFAULT_ISSUE_FIELDS, 'comment'];
    nock(CLOUD, { reqheaders: { authorization: BASIC_HEADER, 'content-type': 'application/json' } })
      .post('/rest/api/2/search/jql', { jql, maxResults: 100, fields, expand: 'changelog' })
      .reply(200, fixture('search-jql-page1.json') as nock.Body)
      .post('/rest/api/2/search/jql', { jql, maxResults: 100, fields, expand: 'changelog', nextPageToken: 'CAEaAggD' })
      .reply(200, fixture('search-jql-page2.json') as nock.Body);

    const issues = await cloud().search(jql, { changelog: true, comments: true, operation: 'searching ON_QA bugs' });

    expect(issues.map((i) => i.key)).toEqual(['OCPBUGS-59288', 'OCPBUGS-60001', 'OCPBUGS-60123']);
    const [first, cve, verified] = issues as [NonNullable<(typeof issues)[0]>, NonNullable<(typeof issues)[0]>, NonNullable<(typeof issues)[0]>];
    expect(first).toMatchObject({
      status: 'ON_QA',
      priority: 'Major',
      issueType: 'Bug',
      labels: ['ert:pending-onqa-over-96hrs'],
      components: ['Networking / ovn-kubernetes'],
      fixVersions: ['4.19.z'],
      releaseBlocker: 'Rejected',
      sfdcCasesCounter: null,
      sfdcCasesLinks: null,
      qaContact: { accountId: '712020:2c5b5e0e-8a7c-4d6b-9f21-3f1c2b6a9d01', emailAddress: 'tdavid@redhat.com', active: true },
      assignee: { emailAddress: 'jdoe+jira@redhat.com' },
    });
    expect(first.reporter?.emailAddress).toBeUndefined();
    expect(first.needInfoFrom.map((u) => u.displayName)).toEqual(['Tomas David']);
    expect(first.comments?.[0]?.body.startsWith('Errata Reliability Team Notification - QA Contact Action Request')).toBe(true);
    expect(first.changelog?.map((h) => h.items[0]?.toString)).toEqual(['MODIFIED', 'ON_QA', 'Tomas David']);
    // Opaque SFDC values keep their presence.
    expect(cve.sfdcCasesCounter).toBe('qP7Q0tTyUq4Tj3JHnFyJNw==');
    expect(cve.qaContact).toBeNull();
    expect(cve.assignee).toBeNull();
    expect(verified.qaContact?.active).toBe(false);
    expect(verified.releaseBlocker).toBe('Proposed');
  });

  it('stops at the limit without asking for more pages', async () => {
    nock(CLOUD).post('/rest/api/2/search/jql').reply(200, fixture('search-jql-page1.json') as nock.Body);
    const issues = await cloud().search('project = OCPBUGS', { limit: 1 });
    expect(issues.map((i) => i.key)).toEqual(['OCPBUGS-59288']);
  });

  it('fetches the rest of a truncated changelog (Cloud caps it in search results)', async () => {
    const page = fixture('search-jql-page2.json') as { issues: { key: string; changelog: { total: number } }[] };
    page.issues[0]!.changelog.total = 3;
    nock(CLOUD)
      .post('/rest/api/2/search/jql')
      .reply(200, page as unknown as nock.Body)
      .get('/rest/api/2/issue/OCPBUGS-60123/changelog')
      .query({ startAt: '0', maxResults: '100' })
      .reply(200, fixture('changelog-page.json') as nock.Body);
    const [issue] = await cloud().search('key = OCPBUGS-60123', { changelog: true });
    expect(issue?.changelog).toHaveLength(3);
    expect(issue?.changelog?.[0]?.created).toBe('2025-07-10T08:15:02.120+0000');
  });
});

describe('search (Data Center classic /search)', () => {
  it('pages with startAt and bearer auth, asks Jira to warn (not fail) on unknown keys', async () => {
    const fields = [...DEFAULT_ISSUE_FIELDS];
    nock(DC, { reqheaders: { authorization: 'Bearer pat-456' } })
      .post('/rest/api/2/search', { jql: 'project = OCPBUGS AND status = ON_QA', startAt: 0, maxResults: 2, fields, expand: ['changelog'], validateQuery: 'warn' })
      .reply(200, fixture('search-classic-page1.json') as nock.Body)
      .post('/rest/api/2/search', { jql: 'project = OCPBUGS AND status = ON_QA', startAt: 2, maxResults: 2, fields, expand: ['changelog'], validateQuery: 'warn' })
      .reply(200, fixture('search-classic-page2.json') as nock.Body);
    const issues = await dc({ pageSize: 2 }).search('project = OCPBUGS AND status = ON_QA', { changelog: true });
    expect(issues.map((i) => [i.key, i.status])).toEqual([
      ['OCPBUGS-1001', 'ON_QA'],
      ['OCPBUGS-1002', 'MODIFIED'],
      ['OCPBUGS-1003', 'ON_QA'],
    ]);
    expect(issues[0]?.qaContact).toMatchObject({ name: 'tdavid', emailAddress: 'tdavid@redhat.com' });
    expect(issues[0]?.qaContact?.accountId).toBeUndefined();
    expect(issues[1]?.labels).toEqual(['TestBlocker']);
  });
});

describe('getIssuesByKeys', () => {
  it('fetches 250 keys in 3 key-in requests of at most 100, in input order', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `OCPBUGS-${i + 1}`);
    const bodies: { jql: string; maxResults: number }[] = [];
    const scope = nock(CLOUD);
    for (let i = 0; i < keys.length; i += 100) {
      const batch = keys.slice(i, i + 100);
      scope
        .post('/rest/api/2/search/jql', (body: { jql: string; maxResults: number }) => {
          if (body.jql !== `key in (${batch.join(', ')})`) return false;
          bodies.push(body);
          return true;
        })
        // Jira does not promise the order of a key-in search; the client restores the input order.
        .reply(200, { issues: [...batch].reverse().map((key, n) => ({ id: String(n), key, fields: { status: { name: 'ON_QA' } } })), isLast: true });
    }
    const { issues, missing } = await cloud().getIssuesByKeys([...keys, 'OCPBUGS-1'], { fields: ['status', 'customfield_10470'] });
    expect(scope.isDone()).toBe(true);
    expect(bodies.map((b) => b.maxResults).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(issues.map((i) => i.key)).toEqual(keys);
    expect(missing).toEqual([]);
  });

  it('drops keys Jira says do not exist, asks again, and reports them missing', async () => {
    nock(CLOUD)
      .post('/rest/api/2/search/jql', (b: { jql: string }) => b.jql === 'key in (OCPBUGS-59288, OCPBUGS-99999999)')
      .reply(400, fixture('error-400-unknown-key.json') as nock.Body)
      .post('/rest/api/2/search/jql', (b: { jql: string }) => b.jql === 'key in (OCPBUGS-59288)')
      .reply(200, { issues: [fixture('issue-OCPBUGS-59288.json')], isLast: true });
    const { issues, missing } = await cloud().getIssuesByKeys(['OCPBUGS-59288', 'OCPBUGS-99999999']);
    expect(issues.map((i) => i.key)).toEqual(['OCPBUGS-59288']);
    expect(missing).toEqual(['OCPBUGS-99999999']);
  });

  it('rejects a malformed key before sending anything', async () => {
    await expect(cloud().getIssuesByKeys(['OCPBUGS-1', 'OCPBUGS-1) OR project = SECRET'])).rejects.toBeInstanceOf(InvalidIssueKeyError);
  });
});

describe('error mapping', () => {
  it('401: credentials sentence, no retry', async () => {
    nock(CLOUD).post('/rest/api/2/search/jql').reply(401, 'Unauthorized');
    const err = await cloud().search('project = OCPBUGS', { operation: 'searching ON_QA bugs for 4.19.1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ system: 'Jira', status: 401, operation: 'searching ON_QA bugs for 4.19.1' });
    expect((err as IntegrationError).userMessage).toBe('Jira rejected the credentials while searching ON_QA bugs for 4.19.1 (401): check the token');
    expect((err as Error).stack).toBeDefined();
  });

  it('403 and 404 on one issue carry the status and Jira\'s words', async () => {
    nock(CLOUD)
      .get('/rest/api/2/issue/OCPBUGS-1')
      .query(true)
      .reply(403, fixture('error-403-issue.json') as nock.Body)
      .get('/rest/api/2/issue/OCPBUGS-2')
      .query(true)
      .reply(404, fixture('error-404-issue.json') as nock.Body);
    const forbidden = (await cloud().getIssue('OCPBUGS-1').catch((e: unknown) => e)) as IntegrationError;
    expect(forbidden.status).toBe(403);
    expect(forbidden.userMessage).toBe('Jira denied access while reading OCPBUGS-1 (403): the account lacks permission (You do not have the permission to see the specified issue.)');
    const missing = (await cloud().getIssue('OCPBUGS-2').catch((e: unknown) => e)) as IntegrationError;
    expect(missing.status).toBe(404);
    expect(missing.userMessage).toContain('Issue does not exist or you do not have permission to see it.');
  });

  it('5xx on an idempotent call is retried, then reported with the status', async () => {
    nock(CLOUD).post('/rest/api/2/search/jql').times(4).reply(503, 'Service Unavailable');
    const err = (await cloud().search('project = OCPBUGS', { operation: 'searching ON_QA bugs for 4.19.1' }).catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('Jira did not answer searching ON_QA bugs for 4.19.1: 503');
    expect(err.retryable).toBe(true);
  });

  it('429 with Retry-After is retried on reads', async () => {
    nock(CLOUD)
      .get('/rest/api/2/issue/OCPBUGS-59288/transitions')
      .reply(429, { errorMessages: ['Rate limit exceeded.'] }, { 'Retry-After': '0' })
      .get('/rest/api/2/issue/OCPBUGS-59288/transitions')
      .reply(200, fixture('transitions.json') as nock.Body);
    const transitions = await cloud().getTransitions('OCPBUGS-59288');
    expect(transitions.map((t) => t.name)).toEqual(['To Do', 'In Progress', 'Closed']);
  });

  it('a comment refused with 429 is posted after Retry-After (nothing was posted); 500 is never retried (a retry could post twice)', async () => {
    nock(CLOUD)
      .post('/rest/api/2/issue/OCPBUGS-59288/comment')
      .reply(429, { errorMessages: ['Rate limit exceeded.'] }, { 'Retry-After': '0' })
      .post('/rest/api/2/issue/OCPBUGS-59288/comment', { body: 'hello' })
      .reply(201, { id: '77', created: '2025-11-27T21:50:00.000+0000' });
    expect((await cloud().addComment('OCPBUGS-59288', 'hello')).id).toBe('77');

    nock(CLOUD).post('/rest/api/2/issue/OCPBUGS-59288/comment').times(4).reply(429, { errorMessages: ['Rate limit exceeded.'] }, { 'Retry-After': '0' });
    const limited = (await cloud().addComment('OCPBUGS-59288', 'hello').catch((e: unknown) => e)) as IntegrationError;
    expect(limited.status).toBe(429);
    expect(limited.retryAfterMs).toBe(0);
    expect(limited.userMessage).toBe('Jira is rate limiting us while commenting on OCPBUGS-59288 (429): try again in a minute');

    nock(CLOUD).post('/rest/api/2/issue/OCPBUGS-59288/comment').once().reply(500, 'boom');
    const failed = (await cloud().addComment('OCPBUGS-59288', 'hello').catch((e: unknown) => e)) as IntegrationError;
    expect(failed.status).toBe(500);
    expect(nock.isDone()).toBe(true);
  });

  it('a timeout becomes a "did not answer" sentence (injected fetch, no network)', async () => {
    let calls = 0;
    const hanging: FetchLike = (_input, init) => {
      calls++;
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    };
    const client = cloud({ fetch: hanging, timeoutMs: 20, retries: 1 });
    const err = (await client.getIssue('OCPBUGS-59288').catch((e: unknown) => e)) as IntegrationError;
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.userMessage).toBe('Jira did not answer reading OCPBUGS-59288 (timed out after 20 ms)');
    expect(calls).toBe(2);
  });
});

describe('writes', () => {
  it('posts a wiki-markup comment with mentions', async () => {
    const qa = { accountId: '712020:2c5b5e0e-8a7c-4d6b-9f21-3f1c2b6a9d01', displayName: 'Tomas David' };
    const body = `Errata Reliability Team Notification - QA Contact Action Request\nThis issue has been in the ON_QA state for over 24 hours.\n${mentions([qa])}Please verify the Issue as soon as possible.`;
    nock(CLOUD).post('/rest/api/2/issue/OCPBUGS-59288/comment', { body }).reply(201, fixture('comment-created.json') as nock.Body);
    const created = await cloud().addComment('OCPBUGS-59288', body);
    expect(created.id).toBe('27419999');
    expect(body).toContain('[~accountId:712020:2c5b5e0e-8a7c-4d6b-9f21-3f1c2b6a9d01] Please verify');
    await expect(cloud().addComment('OCPBUGS-59288', '  ')).rejects.toThrow(/empty comment/);
  });

  it('transitions by name, case-insensitively, and names the choices when the name is missing', async () => {
    nock(CLOUD)
      .get('/rest/api/2/issue/OCPBUGS-1/transitions')
      .twice()
      .reply(200, fixture('transitions.json') as nock.Body)
      .post('/rest/api/2/issue/OCPBUGS-1/transitions', { transition: { id: '21' }, fields: {} })
      .reply(204);
    const t = await cloud().transition('OCPBUGS-1', 'in progress');
    expect(t).toEqual({ id: '21', name: 'In Progress', to: 'In Progress' });
    const err = (await cloud().transition('OCPBUGS-1', 'Verified').catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('Jira issue OCPBUGS-1 has no transition named "Verified" (available: To Do, In Progress, Closed)');
  });

  it('adds and removes labels with update operations', async () => {
    nock(CLOUD)
      .put('/rest/api/2/issue/OCPBUGS-1', { update: { labels: [{ add: 'ert:pending-onqa-over-96hrs' }] } })
      .reply(204)
      .put('/rest/api/2/issue/OCPBUGS-1', { update: { labels: [{ remove: 'ert:pending-onqa-over-96hrs' }] } })
      .reply(204);
    await cloud().addLabels('OCPBUGS-1', ['ert:pending-onqa-over-96hrs']);
    await cloud().removeLabels('OCPBUGS-1', ['ert:pending-onqa-over-96hrs']);
    await expect(cloud().addLabels('OCPBUGS-1', ['has space'])).rejects.toThrow(RangeError);
  });

  it('writes the A.6 custom fields (Cloud accountId, Data Center name)', async () => {
    nock(CLOUD)
      .put('/rest/api/2/issue/OCPBUGS-1', {
        fields: {
          customfield_10470: { accountId: 'acc-1' },
          customfield_10847: { value: 'Approved' },
          customfield_10482: [{ accountId: 'acc-1' }, { accountId: 'acc-2' }],
          customfield_10978: null,
        },
      })
      .reply(204);
    await cloud().updateCustomFields('OCPBUGS-1', {
      qaContact: { accountId: 'acc-1' },
      releaseBlocker: 'Approved',
      needInfoFrom: [{ accountId: 'acc-1' }, { accountId: 'acc-2' }],
      sfdcCasesCounter: null,
    });
    nock(DC).put('/rest/api/2/issue/OCPBUGS-2', { fields: { customfield_10470: { name: 'tdavid' } } }).reply(204);
    await dc().updateCustomFields('OCPBUGS-2', { qaContact: { name: 'tdavid' } });
  });

  it('Need-info: one edit-issue PUT with the `add` verb per user, no read of the list', async () => {
    nock(CLOUD)
      .put('/rest/api/2/issue/OCPBUGS-59288', { update: { customfield_10482: [{ add: { accountId: 'mgr-1' } }] } })
      .reply(204)
      .put('/rest/api/2/issue/OCPBUGS-59288', { update: { customfield_10482: [{ add: { accountId: 'a-1' } }, { add: { accountId: 'mgr-1' } }] } })
      .reply(204);
    await cloud().addNeedInfoFrom('OCPBUGS-59288', { accountId: 'mgr-1', displayName: 'Manager' });
    // Several users (assignee and manager) in one request; a user given twice is sent once.
    await cloud().addNeedInfoFrom('OCPBUGS-59288', [{ accountId: 'a-1' }, { accountId: 'mgr-1' }, { accountId: 'a-1' }]);
    expect(nock.isDone()).toBe(true);
  });

  it('assigns: Cloud by accountId after a user search that prefers the exact e-mail', async () => {
    nock(CLOUD)
      .get('/rest/api/2/user/search')
      .query({ query: 'gjospin@redhat.com', maxResults: '20' })
      .reply(200, [...(fixture('user-search.json') as unknown[])].reverse() as nock.Body)
      .put('/rest/api/2/issue/OCPBUGS-1/assignee', { accountId: '712020:11111111-2222-4333-8444-555555555555' })
      .reply(204);
    const user = await cloud().assignTo('OCPBUGS-1', 'gjospin@redhat.com');
    expect(user.displayName).toBe('Gui Jospin');

    nock(DC).put('/rest/api/2/issue/OCPBUGS-2/assignee', { name: null }).reply(204);
    await dc().assign('OCPBUGS-2', null);

    nock(CLOUD).get('/rest/api/2/user/search').query(true).reply(200, []);
    const err = (await cloud().assignTo('OCPBUGS-1', 'nobody@redhat.com').catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('Jira has no user matching "nobody@redhat.com", so OCPBUGS-1 was not assigned');
  });

  it('creates an issue with a wiki-markup description', async () => {
    nock(CLOUD)
      .post('/rest/api/2/issue', {
        fields: {
          project: { key: 'CVP' },
          issuetype: { name: 'Bug' },
          summary: '[4.19.1] Greenwave CVP test failures in advisories',
          description: '[4.19.1] Greenwave CVP test failed in the advisories listed below.',
          labels: ['oar'],
        },
      })
      .reply(201, fixture('issue-created.json') as nock.Body);
    const created = await cloud().createIssue({
      project: 'CVP',
      issueType: 'Bug',
      summary: '[4.19.1] Greenwave CVP test failures in advisories',
      description: '[4.19.1] Greenwave CVP test failed in the advisories listed below.',
      labels: ['oar'],
    });
    expect(created.key).toBe('CVP-4321');
  });
});

describe('users and remote links', () => {
  it('finds a user by exact e-mail; Data Center searches by username', async () => {
    nock(CLOUD).get('/rest/api/2/user/search').query({ query: 'gjospin@redhat.com', maxResults: '20' }).reply(200, fixture('user-search.json') as nock.Body);
    expect((await cloud().findUserByEmail('gjospin@redhat.com'))?.accountId).toBe('712020:11111111-2222-4333-8444-555555555555');
    nock(DC).get('/rest/api/2/user/search').query({ username: 'tdavid', maxResults: '20' }).reply(200, [{ name: 'tdavid', emailAddress: 'tdavid@redhat.com', displayName: 'Tomas David', active: true }]);
    expect((await dc().searchUsers('tdavid'))[0]?.name).toBe('tdavid');
    nock(CLOUD).get('/rest/api/2/user/search').query(true).reply(200, fixture('user-search.json') as nock.Body);
    expect(await cloud().findUserByEmail('someone.else@redhat.com')).toBeNull();
  });

  it('reads remote links as url + title', async () => {
    nock(CLOUD).get('/rest/api/2/issue/OCPBUGS-59288/remotelink').reply(200, fixture('remotelinks.json') as nock.Body);
    const links = await cloud().getRemoteLinks('OCPBUGS-59288');
    expect(links).toEqual([
      { id: 10051, url: 'https://github.com/openshift/ovn-kubernetes/pull/2456', title: 'OCPBUGS-59288: fix egress IP reassignment', relationship: 'links to' },
      { id: 10052, url: 'https://access.redhat.com/solutions/7012345', title: 'KCS article' },
    ]);
  });

  it('myself checks the credentials', async () => {
    nock(CLOUD, { reqheaders: { authorization: BASIC_HEADER } }).get('/rest/api/2/myself').reply(200, fixture('myself.json') as nock.Body);
    expect((await cloud().myself()).displayName).toBe('ERT Release Bot');
  });
});

describe('jira.js compatibility', () => {
  it('a jira.js flat function runs through JiraTransport (the Client contract)', async () => {
    const { createIssue } = await import('jira.js/cloud');
    nock(CLOUD, { reqheaders: { authorization: BASIC_HEADER } })
      .post('/rest/api/2/issue', { fields: { project: { key: 'CVP' }, summary: 's', description: 'd', issuetype: { name: 'Bug' } } })
      .reply(201, fixture('issue-created.json') as nock.Body);
    const transport = new JiraTransport({ baseUrl: CLOUD, auth: basic });
    const created = await createIssue(transport, { fields: { project: { key: 'CVP' }, summary: 's', description: 'd', issuetype: { name: 'Bug' } } });
    expect(created.key).toBe('CVP-4321');
  });
});

describe('configuration', () => {
  it('basic auth when JIRA_USERNAME is set, Cloud for atlassian.net', () => {
    const client = jiraClientFromConfig(testConfig({ JIRA_TOKEN: 't', JIRA_USERNAME: 'me@redhat.com' }));
    expect(client.deployment).toBe('cloud');
    expect(client.baseUrl).toBe('https://redhat.atlassian.net');
    expect(client.browseUrl('OCPBUGS-1')).toBe('https://redhat.atlassian.net/browse/OCPBUGS-1');
  });

  it('bearer PAT on another host means Data Center; explicit settings win', () => {
    expect(jiraClientFromConfig(testConfig({ JIRA_TOKEN: 't', JIRA_URL: 'https://issues.redhat.com' })).deployment).toBe('datacenter');
    expect(jiraClientFromConfig(testConfig({ JIRA_TOKEN: 't', JIRA_URL: 'https://issues.redhat.com', JIRA_DEPLOYMENT: 'cloud' })).deployment).toBe('cloud');
    expect(jiraClientFromConfig(testConfig({ JIRA_TOKEN: 't', JIRA_URL: 'http://127.0.0.1:9', JIRA_USERNAME: 'u' })).deployment).toBe('cloud');
  });

  it('says which variable is missing', () => {
    expect(() => jiraClientFromConfig(testConfig({}))).toThrow('JIRA token is missing or empty. Please set the JIRA_TOKEN environment variable.');
    expect(() => jiraClientFromConfig(testConfig({ JIRA_TOKEN: 't', JIRA_AUTH: 'basic' }))).toThrow('JIRA username is missing or empty. Please set the JIRA_USERNAME environment variable.');
  });

  it('sends the configured auth header', async () => {
    nock('https://issues.redhat.com', { reqheaders: { authorization: 'Bearer pat-789' } }).get('/rest/api/2/myself').reply(200, { name: 'bot' });
    const client = jiraClientFromConfig(testConfig({ JIRA_TOKEN: 'pat-789', JIRA_URL: 'https://issues.redhat.com' }));
    expect((await client.myself()).name).toBe('bot');
  });
});

describe('helpers', () => {
  it('builds the notificator JQL exactly (agents.md 3.2)', () => {
    expect(onQaJql()).toBe(
      "project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (4.12.z, 4.13.z, 4.14.z, 4.15.z, 4.16.z, 4.17.z, 4.18.z, 4.19.z, 4.20.z, 4.21.z, 4.22.z)",
    );
    expect(onQaJql({ fromDate: '2025-07-01' }).endsWith("4.22.z) AND status changed to ON_QA after 2025-07-01")).toBe(true);
    expect(() => onQaJql({ fromDate: '2025-07-01 OR 1=1' })).toThrow(RangeError);
  });

  it('quotes JQL values and validates keys', () => {
    expect(jqlString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(keyInClause(['OCPBUGS-1', 'CVP-22'])).toBe('key in (OCPBUGS-1, CVP-22)');
    expect(() => keyInClause(['ocpbugs-1'])).toThrow(InvalidIssueKeyError);
  });

  it('mentions Cloud users by accountId and Data Center users by name', () => {
    expect(mention({ accountId: 'abc' })).toBe('[~accountId:abc] ');
    expect(mention({ name: 'jdoe' })).toBe('[~jdoe] ');
    expect(mentions([{ accountId: 'a' }, { accountId: 'b' }])).toBe('[~accountId:a] [~accountId:b] ');
    expect(() => mention({ displayName: 'x' })).toThrow(RangeError);
  });

  it('parses Jira timestamps with a colon-less offset', () => {
    expect(jiraTime('2025-07-15T14:10:20.862+0000')).toBe(Date.UTC(2025, 6, 15, 14, 10, 20, 862));
    expect(jiraTime('2025-07-15T16:10:20.862+0200')).toBe(Date.UTC(2025, 6, 15, 14, 10, 20, 862));
    expect(() => jiraTime('yesterday')).toThrow(RangeError);
  });

  it('reads unknown keys from a 400 body', () => {
    expect(nonexistentKeys(JSON.stringify(fixture('error-400-unknown-key.json')))).toEqual(['OCPBUGS-99999999']);
    expect(nonexistentKeys('not json')).toEqual([]);
  });
});
