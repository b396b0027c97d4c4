/**
 * "Pre-merge verified" (agents.md 3.6 step 1): the remote links name at least one
 * `https://github.com/openshift/<repo>/pull/<n>` and every such PR carries the `verified` label and
 * not `verified-later`. Any failure on the way means "not verified" (the issue is processed).
 *
 * PR labels are read with ONE GraphQL query per issue (aliased pullRequest lookups), not one
 * REST call per PR.
 */
import { z } from 'zod';
import type { GitHubClient } from '../../integrations/github.ts';
import type { Logger } from '../../log.ts';

export interface PullRequestRef {
  repo: string;
  number: number;
}

/** Labels of each PR, keyed `repo#number`. Throws when GitHub cannot answer. */
export interface PullRequestLabels {
  labels(prs: readonly PullRequestRef[]): Promise<Map<string, string[]>>;
}

const PR_URL = /^https:\/\/github\.com\/openshift\/([^/?#\s]+)\/pull\/(\d+)/;

export function prKey(pr: PullRequestRef): string {
  return `${pr.repo}#${pr.number}`;
}

/** PR links of the `openshift` org, anchored at the start only (as the original matched). */
export function validPullRequests(urls: readonly string[]): PullRequestRef[] {
  const out = new Map<string, PullRequestRef>();
  for (const url of urls) {
    const m = PR_URL.exec(url);
    if (!m) continue;
    const pr = { repo: m[1]!, number: Number(m[2]) };
    out.set(prKey(pr), pr);
  }
  return [...out.values()];
}

const prLabelsSchema = z.object({
  labels: z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }),
});

/** PR labels through GitHub GraphQL: one request for all the PRs of an issue. */
export function githubPullRequestLabels(github: Pick<GitHubClient, 'graphql'>, org = 'openshift'): PullRequestLabels {
  return {
    async labels(prs) {
      const out = new Map<string, string[]>();
      if (prs.length === 0) return out;
      const lookups = prs
        .map((pr, i) => `  pr${i}: repository(owner: ${JSON.stringify(org)}, name: ${JSON.stringify(pr.repo)}) { pullRequest(number: ${pr.number}) { labels(first: 100) { nodes { name } } } }`)
        .join('\n');
      const data = (await github.graphql(`reading the labels of ${prs.length} pull request(s)`, `query {\n${lookups}\n}`, {})) as Record<string, { pullRequest?: unknown } | null> | null;
      prs.forEach((pr, i) => {
        const parsed = prLabelsSchema.safeParse(data?.[`pr${i}`]?.pullRequest);
        if (!parsed.success) throw new Error(`GitHub did not return the labels of ${org}/${pr.repo}#${pr.number}`);
        out.set(prKey(pr), parsed.data.labels.nodes.flatMap((n) => (n ? [n.name] : [])));
      });
      return out;
    },
  };
}

export interface PreMergeDeps {
  remoteLinkUrls(key: string): Promise<string[]>;
  prLabels: PullRequestLabels;
  logger: Logger;
}

export async function isPreMergeVerified(key: string, deps: PreMergeDeps): Promise<boolean> {
  let urls: string[];
  try {
    urls = await deps.remoteLinkUrls(key);
  } catch (e) {
    deps.logger.warn({ key, err: e }, `cannot read the remote links of ${key}; treating it as not pre-merge verified`);
    return false;
  }
  const prs = validPullRequests(urls);
  if (prs.length === 0) return false;
  let labels: Map<string, string[]>;
  try {
    labels = await deps.prLabels.labels(prs);
  } catch (e) {
    deps.logger.warn({ key, err: e }, `cannot read the PR labels of ${key}; treating it as not pre-merge verified`);
    return false;
  }
  return prs.every((pr) => {
    const l = labels.get(prKey(pr)) ?? [];
    return l.includes('verified') && !l.includes('verified-later');
  });
}
