/**
 * The merge request behind an MR checkout, as GitLab reports it at send time: merged or not,
 * draft or not, and its head pipeline (the stale rule and `merge_request.is_draft` need it).
 *
 * RECONSTRUCTED: the README lists no GitLab variable. The MR URL stored in the checkout names the
 * GitLab instance; the REST API v4 of that instance is asked. GITLAB_TOKEN is sent only to the
 * instance GITLAB_URL names (never to another host); elsewhere the public API is used.
 */
import { z } from 'zod';
import { HttpClient, type FetchLike } from '../../integrations/http.ts';

export interface MergeRequestState {
  state: string;
  draft: boolean;
  headPipelineId: number | undefined;
}

export interface MergeRequestLookup {
  get(mrUrl: string, signal?: AbortSignal): Promise<MergeRequestState>;
}

/** `https://host/group/sub/project/-/merge_requests/123` -> origin, project path, iid. */
export function parseMergeRequestUrl(mrUrl: string): { origin: string; project: string; iid: number } | undefined {
  let u: URL;
  try {
    u = new URL(mrUrl);
  } catch {
    return undefined;
  }
  const m = /^\/(.+?)\/-\/merge_requests\/(\d+)\/?$/.exec(u.pathname);
  if (!m?.[1] || !m[2]) return undefined;
  return { origin: u.origin, project: decodeURIComponent(m[1]), iid: Number(m[2]) };
}

const mrSchema = z.looseObject({
  state: z.string(),
  draft: z.boolean().nullish(),
  work_in_progress: z.boolean().nullish(),
  head_pipeline: z.looseObject({ id: z.number().int() }).nullish(),
});

export class GitLabMergeRequestLookup implements MergeRequestLookup {
  private readonly clients = new Map<string, HttpClient>();
  private readonly fetchImpl: FetchLike | undefined;
  private readonly tokenOrigin: string | undefined;
  private readonly token: string | undefined;

  constructor(opts: { fetch?: FetchLike; gitlabUrl?: string; token?: string }) {
    this.fetchImpl = opts.fetch;
    this.token = opts.token;
    this.tokenOrigin = opts.gitlabUrl ? new URL(opts.gitlabUrl).origin : undefined;
  }

  async get(mrUrl: string, signal?: AbortSignal): Promise<MergeRequestState> {
    const parsed = parseMergeRequestUrl(mrUrl);
    if (!parsed) throw new Error(`not a GitLab merge request URL: ${mrUrl}`);
    const mr = await this.client(parsed.origin).request(`reading merge request ${mrUrl}`, {
      path: `api/v4/projects/${encodeURIComponent(parsed.project)}/merge_requests/${parsed.iid}`,
      schema: mrSchema,
      signal,
    });
    return { state: mr.state, draft: mr.draft === true || mr.work_in_progress === true, headPipelineId: mr.head_pipeline?.id };
  }

  private client(origin: string): HttpClient {
    let c = this.clients.get(origin);
    if (!c) {
      const token = origin === this.tokenOrigin ? this.token : undefined;
      c = new HttpClient({
        system: 'GitLab',
        baseUrl: origin,
        fetch: this.fetchImpl,
        timeoutMs: 15_000,
        headers: (): Record<string, string> => (token ? { 'private-token': token } : {}),
      });
      this.clients.set(origin, c);
    }
    return c;
  }
}
