/** Pre-merge verification (agents.md 3.6 step 1): PR links, labels through one GraphQL request. */
import { describe, expect, it } from 'vitest';
import { GitHubClient } from '../../../src/integrations/github.ts';
import { silentLogger } from '../../../src/log.ts';
import { githubPullRequestLabels, isPreMergeVerified, validPullRequests } from '../../../src/jobs/jira-notificator/premerge.ts';

function fakeGitHub(answer: (query: string) => unknown) {
  const queries: string[] = [];
  const client = new GitHubClient({
    token: 't',
    apiUrl: 'https://api.github.test',
    retries: 0,
    fetch: async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as { query: string };
      queries.push(body.query);
      return new Response(JSON.stringify(answer(body.query)), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, queries };
}

describe('pre-merge verified', () => {
  it('keeps only openshift PR links, anchored at the start', () => {
    expect(validPullRequests([
      'https://github.com/openshift/origin/pull/123',
      'https://github.com/openshift/installer/pull/9/files',
      'https://github.com/openshift/origin/pull/123#discussion',
      'https://github.com/kubernetes/kubernetes/pull/1',
      'see https://github.com/openshift/origin/pull/5',
      'https://issues.redhat.com/browse/OCPBUGS-1',
    ])).toEqual([{ repo: 'origin', number: 123 }, { repo: 'installer', number: 9 }]);
  });

  it('reads the labels of all PRs of an issue in one GraphQL request', async () => {
    const { client, queries } = fakeGitHub(() => ({
      data: {
        pr0: { pullRequest: { labels: { nodes: [{ name: 'verified' }, { name: 'lgtm' }] } } },
        pr1: { pullRequest: { labels: { nodes: [{ name: 'verified' }, { name: 'verified-later' }] } } },
      },
    }));
    const labels = await githubPullRequestLabels(client).labels([{ repo: 'origin', number: 123 }, { repo: 'installer', number: 9 }]);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain('pr0: repository(owner: "openshift", name: "origin") { pullRequest(number: 123) { labels(first: 100) { nodes { name } } } }');
    expect(labels).toEqual(new Map([['origin#123', ['verified', 'lgtm']], ['installer#9', ['verified', 'verified-later']]]));
  });

  it('verified only when every PR has `verified` and none `verified-later`; any failure means not verified', async () => {
    const labelsOf = (m: Record<string, string[]>) => ({ labels: async () => new Map(Object.entries(m)) });
    const links = (urls: string[]) => async () => urls;
    const one = ['https://github.com/openshift/origin/pull/1'];
    const two = [...one, 'https://github.com/openshift/api/pull/2'];
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: links(one), prLabels: labelsOf({ 'origin#1': ['verified'] }), logger: silentLogger })).toBe(true);
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: links(one), prLabels: labelsOf({ 'origin#1': ['verified', 'verified-later'] }), logger: silentLogger })).toBe(false);
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: links(two), prLabels: labelsOf({ 'origin#1': ['verified'], 'api#2': [] }), logger: silentLogger })).toBe(false);
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: links([]), prLabels: labelsOf({}), logger: silentLogger })).toBe(false);
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: async () => { throw new Error('403'); }, prLabels: labelsOf({}), logger: silentLogger })).toBe(false);
    const { client } = fakeGitHub(() => ({ data: { pr0: null }, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a PullRequest' }] }));
    expect(await isPreMergeVerified('B-1', { remoteLinkUrls: links(one), prLabels: githubPullRequestLabels(client), logger: silentLogger })).toBe(false);
  });
});
