import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitLabMergeRequestLookup, JiraLinkedMergeRequestLookup, jiraKeysIn } from '../../../src/jobs/cki-notifier/merge-request.ts';
import { parseMergeRequestUrl } from '../../../src/integrations/gitlab/mr-url.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const MR = 'https://gitlab.com/redhat/centos-stream/src/kernel/centos-stream-9/-/merge_requests/6521';
const API = '/api/v4/projects/redhat%2Fcentos-stream%2Fsrc%2Fkernel%2Fcentos-stream-9/merge_requests/6521';

describe('GitLab merge request lookup (stale rule, is_draft)', () => {
  it('parses MR URLs', () => {
    expect(parseMergeRequestUrl(MR)).toEqual({ origin: 'https://gitlab.com', projectPath: 'redhat/centos-stream/src/kernel/centos-stream-9', iid: 6521 });
    expect(() => parseMergeRequestUrl('https://gitlab.com/group/project/-/pipelines/1')).toThrow('Invalid MR URL format');
    expect(() => parseMergeRequestUrl('not a url')).toThrow('Invalid MR URL');
  });

  it('reads state, draft and head pipeline; sends GITLAB_TOKEN to the GITLAB_URL instance only', async () => {
    const withToken = nock('https://gitlab.com', { reqheaders: { 'private-token': 'glpat-secret' } })
      .get(API)
      .reply(200, { iid: 6521, state: 'opened', draft: true, work_in_progress: true, head_pipeline: { id: 1824518562, status: 'success' } });
    const lookup = new GitLabMergeRequestLookup({ gitlabUrl: 'https://gitlab.com', token: 'glpat-secret' });
    expect(await lookup.get(MR)).toEqual({ state: 'opened', draft: true, headPipelineId: 1824518562 });
    withToken.done();

    const other = nock('https://gitlab.example.org', { badheaders: ['private-token'] })
      .get('/api/v4/projects/kernel%2Flinux/merge_requests/3')
      .reply(200, { state: 'merged', draft: false, head_pipeline: null });
    expect(await lookup.get('https://gitlab.example.org/kernel/linux/-/merge_requests/3')).toEqual({ state: 'merged', draft: false, headPipelineId: undefined });
    other.done();
  });

  it('a GitLab error is an error (the message is retried), not a silent pass', async () => {
    nock('https://gitlab.com').get(API).reply(404, { message: '404 Not found' });
    await expect(new GitLabMergeRequestLookup({}).get(MR)).rejects.toThrow(/GitLab found nothing while reading merge request/);
    await expect(new GitLabMergeRequestLookup({}).get('https://gitlab.com/x')).rejects.toThrow(/not a GitLab merge request URL/);
  });
});

describe('JIRA_SERVER / JIRA_TOKEN_AUTH: Jira issues the MR names (merge_request.jira_issues)', () => {
  const inner = { get: async () => ({ state: 'opened', draft: false, headPipelineId: 7, title: 'RHEL-101: fix the scheduler', description: 'JIRA: https://issues.redhat.com/browse/RHEL-202\nAlso RHEL-101 and NOTAKEY-0 lower-case rhel-9' }) };

  it('finds the keys in title and description, once each', () => {
    expect(jiraKeysIn('RHEL-101: fix\nJIRA: https://issues.redhat.com/browse/RHEL-202 RHEL-101 NOTAKEY-0 rhel-9')).toEqual(['RHEL-101', 'RHEL-202']);
  });

  it('keeps the keys Jira knows (Bearer JIRA_TOKEN_AUTH), drops the ones it answers 404 for', async () => {
    const jira = nock('https://issues.redhat.com', { reqheaders: { authorization: 'Bearer jira-pat-secret' } })
      .get('/rest/api/2/issue/RHEL-101').query({ fields: 'key' }).reply(200, { key: 'RHEL-101' })
      .get('/rest/api/2/issue/RHEL-202').query({ fields: 'key' }).reply(404, { errorMessages: ['Issue Does Not Exist'] });
    const lookup = new JiraLinkedMergeRequestLookup({ inner, jiraServer: 'https://issues.redhat.com', token: 'jira-pat-secret' });
    expect(await lookup.get(MR)).toMatchObject({ state: 'opened', headPipelineId: 7, jiraIssues: ['RHEL-101'] });
    jira.done();
  });

  it('Jira down never holds the message back: the field is left out and the failure reported', async () => {
    nock('https://issues.redhat.com').get(/\/rest\/api\/2\/issue\/.*/).query(true).times(10).reply(503, 'down');
    const errors: string[] = [];
    const lookup = new JiraLinkedMergeRequestLookup({ inner, jiraServer: 'https://issues.redhat.com', token: 't', onError: (m) => errors.push(m) });
    const mr = await lookup.get(MR);
    expect(mr.jiraIssues).toBeUndefined();
    expect(errors).toEqual([expect.stringMatching(/^Jira lookup of RHEL-101, RHEL-202 for .* failed: /)]);
  });
});
