/** GitLab response shapes the code relies on. */
import { z } from 'zod';
import { IntegrationError } from '../http.ts';
import { SYSTEM } from './transport.ts';

export const MergeRequestSchema = z.looseObject({
  id: z.number(),
  iid: z.number(),
  project_id: z.number(),
  title: z.string(),
  state: z.string(),
  web_url: z.string(),
  source_branch: z.string(),
  target_branch: z.string(),
  source_project_id: z.number().nullish(),
  target_project_id: z.number().nullish(),
  labels: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])).nullish(),
  merge_status: z.string().nullish(),
  detailed_merge_status: z.string().nullish(),
  sha: z.string().nullish(),
});

export interface MergeRequestInfo {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  /** opened / merged / closed / locked */
  state: string;
  webUrl: string;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  targetProjectId: number;
  labels: string[];
  mergeStatus: string | undefined;
  sha: string | undefined;
}

export function toMergeRequestInfo(raw: unknown, operation: string): MergeRequestInfo {
  const parsed = MergeRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new IntegrationError({ system: SYSTEM, operation, detail: `unexpected answer: ${parsed.error.issues.slice(0, 2).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  }
  const mr = parsed.data;
  return {
    id: mr.id,
    iid: mr.iid,
    projectId: mr.project_id,
    title: mr.title,
    state: mr.state,
    webUrl: mr.web_url,
    sourceBranch: mr.source_branch,
    targetBranch: mr.target_branch,
    sourceProjectId: mr.source_project_id ?? mr.project_id,
    targetProjectId: mr.target_project_id ?? mr.project_id,
    labels: (mr.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)),
    mergeStatus: mr.detailed_merge_status ?? mr.merge_status ?? undefined,
    sha: mr.sha ?? undefined,
  };
}

export const UserSchema = z.looseObject({ id: z.number(), username: z.string(), name: z.string().nullish(), email: z.string().nullish() });
export type GitLabUser = z.infer<typeof UserSchema>;

