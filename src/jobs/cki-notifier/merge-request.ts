/**
 * The merge request behind an MR checkout, as GitLab reports it at send time: merged or not,
 * draft or not, and its head pipeline (the stale rule and `merge_request.is_draft` need it).
 *
 * RECONSTRUCTED: the README lists no GitLab variable. The MR URL stored in the checkout names the
 * GitLab instance; the REST API v4 of that instance is asked. GITLAB_TOKEN is sent only to the
 * instance GITLAB_URL names (never to another host); elsewhere the public API is used.
 */
import { z } from 'zod';
import { parseMergeRequestUrl, type MergeRequestRef } from '../../integrations/gitlab/mr-url.ts';
import { HttpClient, type FetchLike } from '../../integrations/http.ts';

export interface MergeRequestState {
  state: string;
  draft: boolean;
  headPipelineId: number | undefined;
  /** Title and description, where Jira keys are looked for (JIRA_SERVER). */
  title?: string;
  description?: string;
  /** Jira issues the MR names that Jira confirmed (only with JIRA_SERVER + JIRA_TOKEN_AUTH). */
  jiraIssues?: string[];
}

export interface MergeRequestLookup {
  get(mrUrl: string, signal?: AbortSignal): Promise<MergeRequestState>;
}

const mrSchema = z.looseObject({
  state: z.string(),
  draft: z.boolean().nullish(),
  work_in_progress: z.boolean().nullish(),
  head_pipeline: z.looseObject({ id: z.number().int() }).nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
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
    let parsed: MergeRequestRef;
    try {
      parsed = parseMergeRequestUrl(mrUrl);
    } catch {
      throw new Error(`not a GitLab merge request URL: ${mrUrl}`);
    }
    const mr = await this.client(parsed.origin).request(`reading merge request ${mrUrl}`, {
      path: `api/v4/projects/${encodeURIComponent(parsed.projectPath)}/merge_requests/${parsed.iid}`,
      schema: mrSchema,
      signal,
    });
    return {
      state: mr.state,
      draft: mr.draft === true || mr.work_in_progress === true,
      headPipelineId: mr.head_pipeline?.id,
      ...(mr.title ? { title: mr.title } : {}),
      ...(mr.description ? { description: mr.description } : {}),
    };
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

/** Jira keys named in a text (`RHEL-12345`, `OCPBUGS-9`), unique, in order of appearance. */
export function jiraKeysIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\b([A-Z][A-Z0-9_]{1,30}-[1-9]\d{0,9})\b/g)].map((m) => m[1]!))];
}

/** At most this many keys of one MR are asked of Jira. */
const MAX_JIRA_KEYS = 20;

/**
 * JIRA_SERVER / JIRA_TOKEN_AUTH (CKI README; spec cki-notifier.md 1.1: "Jira lookups to enrich
 * the message with Jira issue keys linked to the MR", RECONSTRUCTED): the keys the MR title and
 * description name are checked against Jira (`GET /rest/api/2/issue/<key>?fields=key`, Bearer
 * token) and the ones Jira knows become `merge_request.jira_issues`. Jira being down never holds
 * a message back: the lookup is logged and the field left out.
 */
export class JiraLinkedMergeRequestLookup implements MergeRequestLookup {
  private readonly inner: MergeRequestLookup;
  private readonly http: HttpClient;
  private readonly onError: (message: string) => void;

  constructor(opts: { inner: MergeRequestLookup; jiraServer: string; token: string; fetch?: FetchLike; onError?: (message: string) => void }) {
    this.inner = opts.inner;
    const token = opts.token;
    this.http = new HttpClient({ system: 'Jira', baseUrl: opts.jiraServer, fetch: opts.fetch, timeoutMs: 10_000, retries: 1, headers: () => ({ authorization: `Bearer ${token}`, accept: 'application/json' }) });
    this.onError = opts.onError ?? (() => undefined);
  }

  async get(mrUrl: string, signal?: AbortSignal): Promise<MergeRequestState> {
    const mr = await this.inner.get(mrUrl, signal);
    const keys = jiraKeysIn(`${mr.title ?? ''}\n${mr.description ?? ''}`).slice(0, MAX_JIRA_KEYS);
    if (keys.length === 0) return { ...mr, jiraIssues: [] };
    try {
      const known = await Promise.all(keys.map((key) => this.exists(key, signal)));
      return { ...mr, jiraIssues: keys.filter((_, i) => known[i]) };
    } catch (e) {
      this.onError(`Jira lookup of ${keys.join(', ')} for ${mrUrl} failed: ${e instanceof Error ? e.message : String(e)}`);
      return mr;
    }
  }

  private async exists(key: string, signal?: AbortSignal): Promise<boolean> {
    const res = (await this.http.request(`reading Jira issue ${key}`, {
      path: `rest/api/2/issue/${encodeURIComponent(key)}`,
      query: { fields: 'key' },
      okStatuses: [404],
      responseType: 'response',
      signal,
    })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    await res.body?.cancel();
    return res.status !== 404;
  }
}
