/** The Jira client against the simulated Jira over real HTTP (Cloud and Data Center modes). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/integrations/http.ts';
import { JiraClient, mention, onQaJql, type JiraDeployment } from '../../src/integrations/jira.ts';
import { startJiraSandbox, type JiraSandbox } from '../../src/sandbox/jira/index.ts';

let sb: JiraSandbox;
const client = (deployment: JiraDeployment = 'cloud', extra: Partial<ConstructorParameters<typeof JiraClient>[0]> = {}) =>
  new JiraClient({ baseUrl: sb.url, auth: { type: 'bearer', token: 'pat' }, deployment, minRetryDelayMs: 1, maxRetryDelayMs: 2, ...extra });
const searches = () => sb.calls.filter((c) => c.path.startsWith('/rest/api/2/search')).length;

beforeAll(async () => {
  sb = await startJiraSandbox({ auth: { bearer: 'pat' } });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.state.issues.clear();
  sb.resetCalls();
  sb.clearFaults();
});

describe('bulk fetch target', () => {
  it.each(['cloud', 'datacenter'] as const)('300 bugs with status and QA contact take at most 3 search requests (%s)', async (deployment) => {
    const qa = sb.state.findUser('qa@redhat.com') ?? sb.state.addUser({ displayName: 'QA', emailAddress: 'qa@redhat.com' });
    sb.state.seedBugs(300, { status: 'ON_QA', qaContact: qa });
    const keys = Array.from({ length: 300 }, (_, i) => `OCPBUGS-${i + 1}`);
    const { issues, missing } = await client(deployment).getIssuesByKeys(keys, { fields: ['status', 'customfield_10470'] });
    expect(issues).toHaveLength(300);
    expect(missing).toEqual([]);
    expect(issues.every((i) => i.status === 'ON_QA' && i.qaContact?.emailAddress === 'qa@redhat.com')).toBe(true);
    expect(searches()).toBeLessThanOrEqual(3);
    expect(sb.calls).toHaveLength(searches());
  });

  it('reports unknown and invisible keys as missing (Cloud 400 retry, Data Center warnings)', async () => {
    sb.state.seedBugs(3);
    sb.state.seedIssue({ key: 'OCPBUGS-50', forbidden: true });
    for (const deployment of ['cloud', 'datacenter'] as const) {
      sb.resetCalls();
      const { issues, missing } = await client(deployment).getIssuesByKeys(['OCPBUGS-2', 'OCPBUGS-404', 'OCPBUGS-50', 'OCPBUGS-1']);
      expect(issues.map((i) => i.key)).toEqual(['OCPBUGS-2', 'OCPBUGS-1']);
      expect(missing).toEqual(['OCPBUGS-404', 'OCPBUGS-50']);
      expect(searches()).toBe(deployment === 'cloud' ? 2 : 1);
    }
  });
});

describe('notificator query', () => {
  beforeEach(() => {
    const s = sb.state;
    const qa = s.findUser('qa@redhat.com') ?? s.addUser({ displayName: 'QA', emailAddress: 'qa@redhat.com' });
    s.seedBugs(230, { status: 'ON_QA', targetVersions: ['4.19.z'], qaContact: qa, statusChangedAt: '2025-07-15T14:10:20.862Z', comments: [{ body: 'Errata Reliability Team Notification - QA Contact Action Request', created: '2025-07-16T14:10:20.862Z' }] });
    s.seedIssue({ key: 'OCPBUGS-900', status: 'ON_QA', targetVersions: ['5.0.z'] });
    s.seedIssue({ key: 'OCPBUGS-901', status: 'Verified', targetVersions: ['4.19.z'] });
    s.seedIssue({ key: 'OCPBUGS-902', status: 'ON_QA', targetVersions: ['4.13.z'], statusChangedAt: '2025-05-01T00:00:00Z' });
  });

  it.each(['cloud', 'datacenter'] as const)('pages through every match with changelog and comments (%s)', async (deployment) => {
    const issues = await client(deployment).search(onQaJql({ fromDate: '2025-07-01' }), { changelog: true, comments: true, operation: 'searching ON_QA bugs' });
    expect(issues).toHaveLength(230);
    expect(new Set(issues.map((i) => i.key)).size).toBe(230);
    expect(searches()).toBe(3); // 100 + 100 + 30
    const sample = issues[17]!;
    expect(sample.changelog?.at(-1)?.items[0]).toMatchObject({ field: 'status', toString: 'ON_QA' });
    expect(sample.comments?.[0]?.body).toContain('QA Contact Action Request');
    if (deployment === 'cloud') expect(sb.calls.every((c) => c.path === '/rest/api/2/search/jql')).toBe(true);
    else expect(sb.calls.every((c) => c.path === '/rest/api/2/search')).toBe(true);
  });

  it('without a start date includes older ON_QA bugs of supported versions only', async () => {
    const issues = await client().search(onQaJql(), { fields: ['status'] });
    expect(issues.map((i) => i.key)).toContain('OCPBUGS-902');
    expect(issues.map((i) => i.key)).not.toContain('OCPBUGS-900');
    expect(issues.map((i) => i.key)).not.toContain('OCPBUGS-901');
  });
});

describe('truncated lists are completed', () => {
  it('fetches the rest of a long changelog and comment list', async () => {
    const small = await startJiraSandbox({ searchChangelogLimit: 2, searchCommentLimit: 1 });
    try {
      small.state.seedIssue({
        key: 'OCPBUGS-1',
        histories: Array.from({ length: 5 }, (_, i) => ({ created: `2025-07-0${i + 1}T00:00:00Z`, items: [{ field: 'status', fromString: 'A', toString: `S${i}` }] })),
        comments: [{ body: 'c1', created: '2025-07-01T00:00:00Z' }, { body: 'c2', created: '2025-07-02T00:00:00Z' }],
      });
      const c = new JiraClient({ baseUrl: small.url, deployment: 'cloud' });
      const [issue] = await c.search('key = OCPBUGS-1', { changelog: true, comments: true });
      expect(issue?.changelog?.map((h) => h.items[0]?.toString)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
      expect(issue?.comments?.map((x) => x.body)).toEqual(['c1', 'c2']);
      expect(small.calls.map((x) => x.path)).toEqual(['/rest/api/2/search/jql', '/rest/api/2/issue/OCPBUGS-1/changelog', '/rest/api/2/issue/OCPBUGS-1/comment']);
    } finally {
      await small.close();
    }
  });
});

describe('writes round-trip', () => {
  it('comments with mentions, labels, need-info, transitions, assignment, create', async () => {
    const s = sb.state;
    const qa = s.findUser('qa@redhat.com') ?? s.addUser({ displayName: 'QA', emailAddress: 'qa@redhat.com' });
    const mgr = s.findUser('boss@redhat.com') ?? s.addUser({ displayName: 'Boss', emailAddress: 'boss@redhat.com' });
    s.seedIssue({ key: 'OCPBUGS-10', status: 'ON_QA', qaContact: qa, labels: ['keep'] });
    const c = client();

    const issue = await c.getIssue('OCPBUGS-10');
    await c.addComment('OCPBUGS-10', `Title\n${mention(issue.qaContact!)}Please verify the Issue as soon as possible.`);
    expect(s.issues.get('OCPBUGS-10')!.comments.at(-1)!.body).toBe('Title\n[~accountId:acc-qa] Please verify the Issue as soon as possible.');

    await c.addLabels('OCPBUGS-10', ['ert:pending-onqa-over-96hrs']);
    await c.removeLabels('OCPBUGS-10', ['keep']);
    expect((await c.getIssue('OCPBUGS-10')).labels).toEqual(['ert:pending-onqa-over-96hrs']);

    await c.addNeedInfoFrom('OCPBUGS-10', issue.qaContact!);
    const manager = await c.findUserByEmail('boss@redhat.com');
    await c.addNeedInfoFrom('OCPBUGS-10', manager!);
    expect((await c.getIssue('OCPBUGS-10')).needInfoFrom.map((u) => u.accountId)).toEqual([qa.accountId, mgr.accountId]);

    await c.transition('OCPBUGS-10', 'verified');
    expect((await c.getIssue('OCPBUGS-10', { changelog: true })).status).toBe('Verified');
    await expect(c.transition('OCPBUGS-10', 'Nope')).rejects.toThrow(/no transition named "Nope"/);

    await c.assignTo('OCPBUGS-10', 'boss@redhat.com');
    expect((await c.getIssue('OCPBUGS-10')).assignee?.accountId).toBe(mgr.accountId);

    await c.updateCustomFields('OCPBUGS-10', { releaseBlocker: 'Approved', qaContact: null });
    const after = await c.getIssue('OCPBUGS-10');
    expect([after.releaseBlocker, after.qaContact]).toEqual(['Approved', null]);

    const created = await c.createIssue({ project: 'CVP', issueType: 'Bug', summary: '[4.19.1] Greenwave CVP test failures in advisories', description: 'x' });
    const found = await c.search('project = "CVP" AND summary ~ "4.19.1 Greenwave CVP test failures in advisories"', { fields: ['summary'] });
    expect(found.map((i) => i.key)).toEqual([created.key]);
  });
});

describe('faults', () => {
  it('retries a 503 with Retry-After on a search and succeeds', async () => {
    sb.state.seedBugs(2);
    sb.fault({ path: '/rest/api/2/search/jql', status: 503, retryAfter: 0 });
    const issues = await client().search('project = OCPBUGS', { fields: ['status'] });
    expect(issues).toHaveLength(2);
    expect(sb.calls.map((c) => c.status)).toEqual([503, 200]);
  });

  it('maps 401 and 403 to IntegrationErrors with a sentence', async () => {
    sb.state.seedIssue({ key: 'OCPBUGS-77', forbidden: true });
    const wrong = new JiraClient({ baseUrl: sb.url, auth: { type: 'bearer', token: 'wrong' }, deployment: 'cloud' });
    const e401 = (await wrong.getIssue('OCPBUGS-77').catch((e: unknown) => e)) as IntegrationError;
    expect(e401).toBeInstanceOf(IntegrationError);
    expect(e401.status).toBe(401);
    const e403 = (await client().getIssue('OCPBUGS-77').catch((e: unknown) => e)) as IntegrationError;
    expect(e403.userMessage).toBe('Jira denied access while reading OCPBUGS-77 (403): the account lacks permission (You do not have the permission to see the specified issue.)');
  });

  it('does not retry a failed comment', async () => {
    sb.state.seedBugs(1);
    sb.fault({ path: /\/comment$/, status: 502 });
    await expect(client().addComment('OCPBUGS-1', 'x')).rejects.toMatchObject({ status: 502 });
    expect(sb.callsTo(/\/comment$/)).toHaveLength(1);
    expect(sb.state.issues.get('OCPBUGS-1')!.comments).toHaveLength(0);
  });
});
