/**
 * @gitbeaker/rest on top of oar-bot's HttpClient: gitbeaker builds the requests (paths, query
 * strings, snake_case bodies, pagination), HttpClient sends them through the injectable fetch with
 * its timeout, retries of idempotent calls (429/5xx, Retry-After) and metrics. Failures surface as
 * IntegrationError (system "GitLab"); GitLabClient relabels them with the operation in words.
 */
import { createRequesterFn, type FormattedResponse, type ResponseBodyTypes } from '@gitbeaker/requester-utils';
import { Gitlab } from '@gitbeaker/rest';
import { HttpClient, IntegrationError, transportOptions, type TransportOptions } from '../http.ts';
import { SYSTEM } from './constants.ts';

export { SYSTEM };

export type GitlabApi = InstanceType<typeof Gitlab<false>>;

interface HandlerOptions {
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  signal?: AbortSignal;
  asStream?: boolean;
}

async function parseBody(res: Response, asStream: boolean): Promise<ResponseBodyTypes> {
  if (asStream) return res.body as ReadableStream;
  if (res.status === 204) return null;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') {
    const text = await res.text();
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  }
  if (type.startsWith('text/')) return res.text();
  return res.blob();
}

export interface GitlabTransportOptions extends TransportOptions {
  baseUrl: string;
  token?: string;
}

/** A gitbeaker `Gitlab` instance whose every request goes through HttpClient. */
export function createGitlabApi(opts: GitlabTransportOptions): GitlabApi {
  const http = new HttpClient({
    system: SYSTEM,
    baseUrl: opts.baseUrl,
    ...transportOptions(opts),
  });
  const requesterFn = createRequesterFn(
    async (_service, requestOptions) => requestOptions,
    async (endpoint, raw): Promise<FormattedResponse> => {
      const options = (raw ?? {}) as HandlerOptions;
      const method = (options.method ?? 'GET').toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      const base = options.prefixUrl ?? `${opts.baseUrl.replace(/\/+$/, '')}/api/v4/`;
      const url = new URL(endpoint, base.endsWith('/') ? base : `${base}/`);
      if (options.searchParams) url.search = options.searchParams;
      const res = await http.request<Response>(`${method} ${endpoint}`, {
        method,
        path: url.toString(),
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        responseType: 'response',
      });
      let body: ResponseBodyTypes;
      try {
        body = await parseBody(res, options.asStream ?? false);
      } catch (e) {
        throw new IntegrationError({ system: SYSTEM, operation: `${method} ${endpoint}`, status: res.status, cause: e, detail: 'the answer was not valid JSON' });
      }
      return { body, headers: Object.fromEntries(res.headers.entries()), status: res.status };
    },
  );
  // queryTimeout 0: HttpClient owns the per-attempt timeout (gitbeaker's would abort retries too).
  return new Gitlab({
    host: opts.baseUrl.replace(/\/+$/, ''),
    token: opts.token ?? '',
    requesterFn,
    queryTimeout: 0,
  }) as GitlabApi;
}

/** GitLab's error text: `message` (string, list or field map) or `error`. */
export function gitlabErrorText(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const data = JSON.parse(body) as { message?: unknown; error?: unknown };
    const m = data.message ?? data.error;
    if (typeof m === 'string') return m;
    if (Array.isArray(m)) return m.join('; ');
    if (m && typeof m === 'object') {
      return Object.entries(m as Record<string, unknown>)
        .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join('; ');
    }
  } catch {
    /* not JSON */
  }
  return body.length <= 200 ? body : undefined;
}

/** Any failure under a GitLab call → IntegrationError naming the operation in words. */
export function toGitLabError(operation: string, e: unknown): IntegrationError {
  if (e instanceof IntegrationError) {
    if (e.system === SYSTEM && e.operation === operation) return e;
    // Network failures carry their cause in parentheses at the end of the generic sentence.
    const detail = gitlabErrorText(e.body) ?? (e.status === undefined ? /\(([^()]*)\)$/.exec(e.userMessage)?.[1] : undefined);
    return new IntegrationError({
      system: SYSTEM,
      operation,
      ...(e.status !== undefined ? { status: e.status } : {}),
      retryable: e.retryable,
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
      ...(e.body !== undefined ? { body: e.body } : {}),
      ...(detail ? { detail } : {}),
      cause: e,
    });
  }
  return new IntegrationError({ system: SYSTEM, operation, cause: e, detail: e instanceof Error ? e.message : String(e) });
}
