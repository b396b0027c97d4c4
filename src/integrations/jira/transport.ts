/**
 * The Jira transport: a jira.js `Client` (its `sendRequest` contract) running on the shared
 * HttpClient, so every Jira call gets an injectable fetch, a timeout, retries with backoff and
 * Retry-After for idempotent calls only, and IntegrationError mapping.
 *
 * Why not jira.js's own `createClient`: it calls the global fetch (no injection point), has no
 * per-call timeout, and retries 5xx regardless of idempotency. Implementing its `Client`
 * interface keeps jira.js's flat functions usable through this transport (a test drives one).
 */
import type { Client, SendRequestOptions } from 'jira.js/core';
import { HttpClient, IntegrationError, basicAuthorization, transportOptions, type RequestOptions, type TransportOptions } from '../http.ts';
import { errorBodySchema } from './model.ts';

export const JIRA_SYSTEM = 'Jira';

/** jira.js's basic and bearer auth shapes. */
export type JiraAuth = { type: 'basic'; email: string; apiToken: string } | { type: 'bearer'; token: string };

export interface JiraTransportOptions extends TransportOptions {
  baseUrl: string;
  auth?: JiraAuth;
}

export type JiraRequest<T> = SendRequestOptions<T> & {
  /** Default: GET/PUT/DELETE idempotent, POST not (searches say so explicitly). */
  idempotent?: boolean;
  /** Jira's rate limiter refuses before processing: a 429 is retried after Retry-After even for a POST. */
  retryRateLimited?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
};

export function authHeader(auth: JiraAuth): string {
  if (auth.type === 'basic') return basicAuthorization(auth.email, auth.apiToken);
  return `Bearer ${auth.token}`;
}

/** jira.js serialises string arrays as comma lists (fields=a,b); the same here. */
function serialiseQuery(params: Record<string, unknown> | undefined): RequestOptions<unknown>['query'] {
  if (!params) return undefined;
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      if (v.length > 0) out[k] = v.map(String).join(',');
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else out[k] = JSON.stringify(v);
  }
  return out;
}

/** Jira's own words from an error body ("An issue with key 'X' does not exist ..."). */
export function jiraErrorMessages(body: string | undefined): string[] {
  if (!body) return [];
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return [];
    return [...(parsed.data.errorMessages ?? []), ...Object.entries(parsed.data.errors ?? {}).map(([k, v]) => `${k}: ${v}`)];
  } catch {
    return [];
  }
}

export class JiraTransport implements Client {
  readonly baseUrl: string;
  private readonly http: HttpClient;

  constructor(opts: JiraTransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const auth = opts.auth;
    this.http = new HttpClient({
      system: JIRA_SYSTEM,
      baseUrl: this.baseUrl,
      ...(auth ? { headers: () => ({ authorization: authHeader(auth) }) } : {}),
      ...transportOptions(opts),
    });
  }

  /** One Jira call; `operation` completes the sentence "Jira did not answer <operation>". */
  async request<T>(operation: string, req: JiraRequest<T>): Promise<T> {
    const method = req.method;
    if (method === 'OPTIONS') throw new RangeError(`Jira transport does not send OPTIONS requests (${req.url})`);
    try {
      return await this.http.request<T>(operation, {
        method,
        path: req.url,
        query: serialiseQuery(req.searchParams),
        json: req.body,
        headers: req.headers,
        schema: req.schema,
        idempotent: req.idempotent,
        retryRateLimited: req.retryRateLimited,
        signal: req.signal,
        timeoutMs: req.timeoutMs,
      });
    } catch (e) {
      throw withJiraDetail(e);
    }
  }

  /** jira.js `Client` contract: the operation is named after the endpoint. */
  sendRequest<T>(options: SendRequestOptions<T>): Promise<T> {
    return this.request(`calling ${options.method ?? 'GET'} ${options.url}`, options);
  }
}

/** Adds Jira's errorMessages to 4xx sentences (they say which key or field was wrong). */
function withJiraDetail(e: unknown): unknown {
  if (!(e instanceof IntegrationError) || e.status === undefined || e.status >= 500 || e.status === 429) return e;
  const messages = jiraErrorMessages(e.body);
  if (messages.length === 0) return e;
  return new IntegrationError({
    system: e.system,
    operation: e.operation,
    status: e.status,
    retryable: e.retryable,
    retryAfterMs: e.retryAfterMs,
    body: e.body,
    cause: e,
    detail: messages.join('; ').slice(0, 300),
  });
}
