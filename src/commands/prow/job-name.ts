/**
 * Gangway job-name resolution (agents.md 6.4): a name starting with `periodic-ci-` is used as it
 * is; anything else is looked up in `openshift/release`
 * `ci-operator/jobs/openshift/openshift-tests-private/*periodics*.yaml`, and the first periodic
 * whose name CONTAINS the text wins. Two GraphQL round trips for the directory and the files
 * (in batches: the real files are megabytes each).
 */
import { load } from 'js-yaml';
import { z } from 'zod';
import type { GitHubClient } from '../../integrations/github.ts';

export const PERIODICS_REPO = 'openshift/release';
export const PERIODICS_BRANCH = 'main';
export const PERIODICS_DIR = 'ci-operator/jobs/openshift/openshift-tests-private';

const TreeAnswer = z.object({
  repository: z.object({ dir: z.object({ entries: z.array(z.object({ name: z.string(), type: z.string() })) }).nullable() }).nullable(),
});
const PeriodicsFile = z.looseObject({ periodics: z.array(z.looseObject({ name: z.string() })).nullish() });

export type JobNameGitHub = Pick<GitHubClient, 'graphql' | 'readFiles'>;

export async function resolveJobName(
  github: JobNameGitHub,
  name: string,
  opts: { repo?: string; branch?: string; dir?: string; batchSize?: number; signal?: AbortSignal } = {},
): Promise<string | null> {
  const text = name.trim();
  if (text.startsWith('periodic-ci-')) return text;
  if (text === '') return null;
  const repo = opts.repo ?? PERIODICS_REPO;
  const branch = opts.branch ?? PERIODICS_BRANCH;
  const dir = opts.dir ?? PERIODICS_DIR;
  const [owner, repoName] = repo.split('/');
  const query = `query ($owner: String!, $name: String!, $expr: String!) {\n  repository(owner: $owner, name: $name) {\n    dir: object(expression: $expr) { ... on Tree { entries { name type } } }\n  }\n}`;
  const data = await github.graphql(`listing ${dir} on ${repo}@${branch}`, query, { owner, name: repoName, expr: `${branch}:${dir}` }, opts.signal ? { signal: opts.signal } : {});
  const parsed = TreeAnswer.safeParse(data);
  const entries = parsed.success ? (parsed.data.repository?.dir?.entries ?? []) : [];
  const files = entries.filter((e) => e.type === 'blob' && e.name.includes('periodics') && e.name.endsWith('.yaml')).map((e) => `${dir}/${e.name}`);
  const batch = opts.batchSize ?? 4;
  for (let i = 0; i < files.length; i += batch) {
    const texts = await github.readFiles(repo, branch, files.slice(i, i + batch), opts.signal ? { signal: opts.signal } : {});
    for (const path of files.slice(i, i + batch)) {
      const yaml = texts.get(path);
      if (!yaml) continue;
      const doc = PeriodicsFile.safeParse(load(yaml));
      const hit = doc.success ? doc.data.periodics?.find((p) => p.name.includes(text)) : undefined;
      if (hit) return hit.name;
    }
  }
  return null;
}
