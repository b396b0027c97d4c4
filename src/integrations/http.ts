/**
 * The one HTTP layer every integration client uses when it does not sit on an ecosystem
 * library (and the transport handed to those libraries where they accept a fetch).
 *
 * - timeout on every call (AbortSignal.timeout, combined with the caller's signal and the running
 *   command's, see call-signal.ts);
 * - 429 and 5xx retried with exponential backoff (p-retry) and Retry-After, idempotent calls only
 *   (plus 429 on calls that say a rate-limit refusal is safe to repeat: the service processed nothing);
 * - every failure becomes an IntegrationError naming the system, the operation and a user-facing sentence;
 * - a metrics hook per call (system, operation, status).
 */
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { callSignal } from './call-signal.ts';
import { describeError } from '../describe-error.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One error type per integration call: system, operation, HTTP status and a sentence for users. */
export class IntegrationError extends Error {
  readonly system: string;
  readonly operation: string;
  readonly status: number | undefined;
  readonly userMessage: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly body: string | undefined;
  /** What went wrong beyond the status, when known (e.g. "the answer was not JSON"). */
  readonly detail: string | undefined;
  constructor(opts: {
    system: string;
    operation: string;
    status?: number;
    userMessage?: string;
    retryable?: boolean;
    retryAfterMs?: number;
    cause?: unknown;
    body?: string;
    detail?: string;
  }) {
    const user = opts.userMessage ?? describeFailure(opts.system, opts.operation, opts.status, opts.detail);
    super(user, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'IntegrationError';
    this.system = opts.system;
    this.operation = opts.operation;
    this.status = opts.status;
    this.userMessage = user;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.body = opts.body;
    this.detail = opts.detail;
  }
}

/** "Jira did not answer searching ON_QA bugs for 4.19.1: 503" and friends. */
export function describeFailure(system: string, operation: string, status?: number, detail?: string): string {
  const tail = detail ? ` (${detail})` : '';
  if (status === undefined) return `${system} did not answer ${operation}${tail}`;
  if (status === 401) return `${system} rejected the credentials while ${operation} (401): check the token${tail}`;
  if (status === 403) return `${system} denied access while ${operation} (403): the account lacks permission${tail}`;
  if (status === 404) return `${system} found nothing while ${operation} (404)${tail}`;
  if (status === 409) return `${system} reported a conflict while ${operation} (409)${tail}`;
  if (status === 429) return `${system} is rate limiting us while ${operation} (429): try again in a minute${tail}`;
  if (status >= 500) return `${system} did not answer ${operation}: ${status}${tail}`;
  return `${system} refused ${operation}: ${status}${tail}`;
}

export function isIntegrationError(e: unknown): e is IntegrationError {
  return e instanceof IntegrationError;
}

export interface CallObserver {
  (event: { system: string; operation: string; status: number | 'error' | 'timeout'; durationMs: number }): void;
}

/** The transport settings a client accepts from its caller and hands on to its HttpClient unchanged. */
export interface TransportOptions {
  fetch?: FetchLike;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Retries for idempotent calls (429/5xx/network; default 3). */
  retries?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  observer?: CallObserver;
}

/** One answer of a raw transport: the status, the response headers (lower-case names) and the whole body as text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One attempt handed to a raw transport. */
export interface RawRequest {
  method: string;
  /** Absolute. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** After this long the transport ends the attempt and rejects with an error named `TimeoutError`. */
  timeoutMs: number;
  /** When it aborts the transport ends the attempt at once and rejects. */
  signal: AbortSignal | undefined;
}

/**
 * A transport below fetch, for a client whose CPU per request matters (DataWarehouse's undici
 * pool, issue 22): no Request or Response objects, the body read whole. It sends one attempt;
 * HttpClient keeps the rest of the contract (retries, backoff, observer, errors) around it.
 */
export interface RawTransport {
  send(req: RawRequest): Promise<RawAnswer>;
}

export interface HttpClientOptions extends TransportOptions {
  system: string;
  baseUrl: string;
  /** Headers added to every request (auth); may be async (e.g. SPNEGO). */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Sends each attempt instead of fetch (then `responseType: 'response'` is not available). */
  transport?: RawTransport;
}

/**
 * The transport settings among a client's options (which may hold more: token, page size...),
 * only those actually set, so HttpClient's defaults apply to the rest:
 * `new HttpClient({ system, baseUrl, headers, ...transportOptions(opts) })`.
 */
export function transportOptions(opts: TransportOptions): TransportOptions {
  return {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.minRetryDelayMs !== undefined ? { minRetryDelayMs: opts.minRetryDelayMs } : {}),
    ...(opts.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: opts.maxRetryDelayMs } : {}),
    ...(opts.observer ? { observer: opts.observer } : {}),
  };
}

/** `Basic <base64(user:secret)>` (Jira basic auth, Jenkins API tokens). */
export function basicAuthorization(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path relative to baseUrl, or an absolute URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | (string | number)[]>;
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /** Defaults: GET/HEAD/PUT/DELETE idempotent; POST/PATCH not. */
  idempotent?: boolean;
  /**
   * Retry a 429 (after Retry-After) even when the call is not idempotent: for services whose rate
   * limiter refuses a request before processing it (Jira), so the retry cannot act twice.
   * 5xx and network errors of non-idempotent calls are still never retried.
   */
  retryRateLimited?: boolean;
  /** Parse the response as: json (default), text, or none. */
  responseType?: 'json' | 'text' | 'none' | 'response';
  /** Validate JSON responses the code relies on. */
  schema?: z.ZodType<T>;
  /** Statuses that are not errors (the body is returned / response returned). */
  okStatuses?: number[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function joinUrl(base: string, path: string, query?: RequestOptions<unknown>['query']): string {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
  }
  return url.toString();
}

const firstHeader = (v: string | string[] | undefined): string | null => (Array.isArray(v) ? v[0] : v) ?? null;

export class HttpClient {
  readonly system: string;
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly opts: HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.system = opts.system;
    this.baseUrl = opts.baseUrl;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  url(path: string, query?: RequestOptions<unknown>['query']): string {
    return joinUrl(this.baseUrl, path, query);
  }

  async request<T = unknown>(operation: string, request: RequestOptions<T>): Promise<T> {
    if (this.opts.transport && request.responseType === 'response') throw new TypeError(`${this.system}: responseType 'response' needs fetch, and this client sends through a raw transport`);
    // The running command's signal too, so its timeout aborts this call and every retry.
    const signal = callSignal(request.signal);
    const req: RequestOptions<T> = signal ? { ...request, signal } : request;
    const method = req.method ?? 'GET';
    const idempotent = req.idempotent ?? (method !== 'POST' && method !== 'PATCH');
    const retries = idempotent || req.retryRateLimited ? (this.opts.retries ?? 3) : 0;
    const run = async (): Promise<T> => {
      try {
        return await this.once(operation, req, method);
      } catch (e) {
        if (e instanceof IntegrationError && !e.retryable) throw new AbortError(e);
        if (!idempotent && !(e instanceof IntegrationError && e.status === 429)) throw new AbortError(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    };
    try {
      return await pRetry(run, {
        retries,
        minTimeout: this.opts.minRetryDelayMs ?? 250,
        maxTimeout: this.opts.maxRetryDelayMs ?? 8_000,
        factor: 2,
        signal: req.signal,
        onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
          // Honour Retry-After on top of the computed backoff, but never beyond a minute.
          if (retriesLeft > 0 && error instanceof IntegrationError && error.retryAfterMs !== undefined) {
            const extra = Math.min(error.retryAfterMs, 60_000) - retryDelay;
            if (extra > 0) await delay(extra, undefined, { signal: req.signal });
          }
        },
      });
    } catch (e) {
      if (e instanceof IntegrationError) throw e;
      if (e instanceof AbortError && e.cause instanceof IntegrationError) throw e.cause;
      // Cancelled while waiting for the next attempt.
      if (req.signal?.aborted) throw new IntegrationError({ system: this.system, operation, cause: e, detail: 'cancelled', retryable: false });
      throw new IntegrationError({ system: this.system, operation, cause: e, detail: describeError(e) });
    }
  }

  private async once<T>(operation: string, req: RequestOptions<T>, method: string): Promise<T> {
    const started = performance.now();
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.opts.headers?.()), ...req.headers };
    let body = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const url = this.url(req.path, req.query);
    const transport = this.opts.transport;
    // Exactly one of the two is set: the raw transport's answer, or fetch's Response.
    let raw: RawAnswer | undefined;
    let res: Response | undefined;
    if (transport && body != null && typeof body !== 'string') throw new TypeError(`${this.system}: a raw transport sends string bodies only`);
    try {
      if (transport) {
        raw = await transport.send({ method, url, headers, body: typeof body === 'string' ? body : undefined, timeoutMs, signal: req.signal });
      } else {
        const timeout = AbortSignal.timeout(timeoutMs);
        res = await this.fetchImpl(url, { method, headers, body, signal: req.signal ? AbortSignal.any([timeout, req.signal]) : timeout });
      }
    } catch (e) {
      const aborted = req.signal?.aborted;
      const timedOut = !aborted && (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'));
      this.opts.observer?.({ system: this.system, operation, status: timedOut ? 'timeout' : 'error', durationMs: performance.now() - started });
      if (aborted) throw new IntegrationError({ system: this.system, operation, cause: e, detail: 'cancelled', retryable: false });
      throw new IntegrationError({
        system: this.system,
        operation,
        cause: e,
        retryable: true,
        // fetch says "fetch failed" and puts the reason in its cause.
        detail: timedOut ? `timed out after ${timeoutMs} ms` : describeError(e instanceof Error && e.cause instanceof Error ? e.cause : e),
      });
    }
    const status = raw ? raw.status : res!.status;
    this.opts.observer?.({ system: this.system, operation, status, durationMs: performance.now() - started });
    if (!(status >= 200 && status < 300) && !(req.okStatuses ?? []).includes(status)) {
      const text = raw ? raw.text : await res!.text().catch(() => '');
      throw new IntegrationError({
        system: this.system,
        operation,
        status,
        retryable: status === 429 || status >= 500,
        retryAfterMs: parseRetryAfter(raw ? firstHeader(raw.headers['retry-after']) : res!.headers.get('retry-after')),
        body: text.slice(0, 2000),
      });
    }
    const type = req.responseType ?? 'json';
    if (type === 'response') return res as unknown as T; // the caller asked for the raw Response (responseType 'response') and typed T as such
    if (type === 'none' || method === 'HEAD' || status === 204) {
      await res?.body?.cancel();
      return undefined as T;
    }
    const text = raw ? raw.text : await res!.text();
    if (type === 'text') return text as T;
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch (e) {
      throw new IntegrationError({ system: this.system, operation, status, cause: e, detail: 'the answer was not JSON', body: text.slice(0, 500) });
    }
    if (req.schema) {
      const parsed = req.schema.safeParse(data);
      if (!parsed.success) {
        throw new IntegrationError({
          system: this.system,
          operation,
          status,
          detail: `unexpected answer: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        });
      }
      return parsed.data;
    }
    return data as T;
  }
}
