/**
 * GitHub client (octokit 5): repository files on a branch, a recursive tree listing, a batched
 * GraphQL read of several files, and raw content. Used by StateBox, release discovery, the Prow
 * record branch and the result checker.
 *
 * - every call has a timeout and maps failures to IntegrationError (system 'GitHub');
 *   SHA conflicts of a write (409, and 422 "sha wasn't supplied") become GitHubConflictError;
 * - reads (GET, read-only GraphQL) are retried on 429/5xx/network errors with backoff and
 *   Retry-After; writes are never retried here, because their caller must re-read and merge
 *   (a blind retry of a conditional write can only produce a conflict or a lost update).
 * octokit's own retry and throttling plugins are disabled so that this one policy applies.
 */
import { callSignal } from './call-signal.ts';
import type * as octokitModule from 'octokit';
import pRetry, { AbortError } from 'p-retry';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { silentLogger, type Logger } from '../log.ts';
import { onFirstUse } from '../lazy-import.ts';
import { IntegrationError, parseRetryAfter, type CallObserver, type FetchLike } from './http.ts';

export const GITHUB_SYSTEM = 'GitHub';

type OctokitLib = typeof octokitModule;
type OctokitInstance = InstanceType<OctokitLib['Octokit']>;
type OctokitOptions = ConstructorParameters<OctokitLib['Octokit']>[0];

/**
 * octokit and its plugins (~18 MB resident) are loaded on the first GitHub call, not at startup
 * (issue 22): most processes (the CLI, a bot whose StateBox is local) never make one.
 */
let octokitLib: OctokitLib | undefined;
const loadOctokit = onFirstUse(async (): Promise<OctokitLib> => (octokitLib = await import('octokit')));

/** What the error mapping reads of a failed answer: octokit's RequestError, or ours. */
interface StatusError {
  status: number;
  response?: { headers: unknown; data: unknown };
}

/**
 * A non-2xx answer to a request made without octokit (the contents API, raw files): carries what
 * octokit's RequestError carries, so both map to the same IntegrationError.
 */
class GitHubHttpError extends Error implements StatusError {
  readonly status: number;
  readonly response: { headers: Record<string, string>; data: unknown };
  constructor(status: number, headers: Record<string, string>, data: unknown) {
    super(messageOf(data) ?? `HTTP ${status}`);
    this.name = 'GitHubHttpError';
    this.status = status;
    this.response = { headers, data };
  }
}

/** octokit's RequestError (none can exist before octokit is loaded), or a GitHubHttpError. */
function isRequestError(e: unknown): e is StatusError {
  return e instanceof GitHubHttpError || (octokitLib !== undefined && e instanceof octokitLib.RequestError);
}
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
export const DEFAULT_GITHUB_RAW_URL = 'https://raw.githubusercontent.com';

/** A write lost the optimistic-concurrency race: the file changed since the SHA the caller sent. */
export class GitHubConflictError extends IntegrationError {
  readonly conflict = true;
  constructor(opts: ConstructorParameters<typeof IntegrationError>[0]) {
    super(opts);
    this.name = 'GitHubConflictError';
  }
}

export function isGitHubConflict(e: unknown): e is GitHubConflictError {
  return e instanceof GitHubConflictError;
}

export interface GitHubClientOptions {
  /** Token; unset allows anonymous reads of public repositories only. */
  token?: string;
  apiUrl?: string;
  /** Default `<apiUrl>/graphql`. */
  graphqlUrl?: string;
  rawUrl?: string;
  fetch?: FetchLike;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retries of reads. Default 3. */
  retries?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Longest Retry-After honoured; longer waits fail the call instead. Default 60 s. */
  maxRetryAfterMs?: number;
  /** How to wait for Retry-After; injectable so tests can observe it without sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger?: Logger;
  observer?: CallObserver;
}

export interface RepoFile {
  path: string;
  text: string;
  /** Blob SHA: send it back when updating or deleting the file. */
  sha: string;
}

export interface TreeEntry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  mode: string;
  size?: number;
}

export interface TreeListing {
  sha: string;
  entries: TreeEntry[];
  /** GitHub truncates recursive listings beyond 100,000 entries / 7 MB. */
  truncated: boolean;
}

export interface WriteResult {
  /** Blob SHA of the new content. */
  sha: string;
  commitSha: string | undefined;
}

export interface PutFileRequest {
  repo: string;
  branch: string;
  path: string;
  text: string;
  message: string;
  /** Current blob SHA when updating; null/undefined creates the file (fails with a conflict if it exists). */
  sha?: string | null;
  signal?: AbortSignal;
}

export interface DeleteFileRequest {
  repo: string;
  branch: string;
  path: string;
  sha: string;
  message: string;
  signal?: AbortSignal;
}

// --- response shapes we rely on -------------------------------------------------------------------

const contentsFileSchema = z.object({
  type: z.literal('file'),
  path: z.string(),
  sha: z.string(),
  size: z.number().optional(),
  encoding: z.string().optional(),
  content: z.string().optional(),
});
const blobSchema = z.object({ sha: z.string(), content: z.string(), encoding: z.string() });
const putResultSchema = z.object({
  content: z.object({ sha: z.string(), path: z.string() }).nullable(),
  commit: z.object({ sha: z.string() }).partial().optional(),
});
const treeSchema = z.object({
  sha: z.string(),
  truncated: z.boolean().default(false),
  tree: z.array(
    z.object({
      path: z.string(),
      mode: z.string(),
      type: z.enum(['blob', 'tree', 'commit']),
      sha: z.string(),
      size: z.number().optional(),
    }),
  ),
});
const graphqlEnvelope = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string(), type: z.string().optional() })).optional(),
});
const blobTextSchema = z.object({ text: z.string().nullable().optional() }).nullable();

export function splitRepo(repo: string): { owner: string; repo: string } {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(repo);
  if (!m) throw new IntegrationError({ system: GITHUB_SYSTEM, operation: 'resolving the repository', userMessage: `invalid GitHub repository "${repo}": expected owner/name` });
  return { owner: m[1]!, repo: m[2]! };
}

/** `a/b c/d.yaml` → `a/b%20c/d.yaml`: slashes stay path separators. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function headerOf(headers: Record<string, unknown> | undefined, name: string): string | null {
  const v = headers?.[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function messageOf(data: unknown): string | undefined {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') return data.message.split('\n')[0];
  if (typeof data === 'string' && data.trim()) return data.trim().slice(0, 200);
  return undefined;
}

interface CallOptions {
  /** Reads only: retried on 429/5xx/network errors. */
  idempotent: boolean;
  signal?: AbortSignal;
  /** 422 on this call means "the file exists, you sent no SHA" (contents PUT/DELETE). */
  conflictOn422?: boolean;
}

export class GitHubClient {
  readonly apiUrl: string;
  readonly graphqlUrl: string;
  readonly rawUrl: string;
  readonly hasToken: boolean;
  private readonly octokitOptions: OctokitOptions;
  private octokitInstance: OctokitInstance | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly token: string | undefined;
  private readonly opts: GitHubClientOptions;
  private readonly log: Logger;

  constructor(opts: GitHubClientOptions = {}) {
    this.opts = opts;
    this.token = opts.token;
    this.hasToken = Boolean(opts.token);
    this.apiUrl = (opts.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
    this.graphqlUrl = opts.graphqlUrl ?? `${this.apiUrl}/graphql`;
    this.rawUrl = (opts.rawUrl ?? DEFAULT_GITHUB_RAW_URL).replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.log = opts.logger ?? silentLogger;
    const log = this.log;
    this.octokitOptions = {
      auth: opts.token,
      baseUrl: this.apiUrl,
      userAgent: 'oar-bot',
      request: { fetch: this.fetchImpl },
      retry: { enabled: false },
      throttle: { enabled: false },
      log: {
        debug: (m: string) => log.debug(m),
        info: (m: string) => log.debug(m),
        warn: (m: string) => log.warn(m),
        error: (m: string) => log.error(m),
      },
    };
  }

  /** The Octokit instance, built on the first call (loading octokit then). */
  private async octokit(): Promise<OctokitInstance> {
    if (!this.octokitInstance) {
      const { Octokit } = await loadOctokit();
      this.octokitInstance ??= new Octokit(this.octokitOptions);
    }
    return this.octokitInstance;
  }

  /** Human link to a file, e.g. https://github.com/openshift/release-tests/blob/z-stream/<path>. */
  webUrl(repo: string, branch: string, path: string): string {
    let web = this.apiUrl;
    if (/^https:\/\/api\.github\.com$/i.test(web)) web = 'https://github.com';
    else web = web.replace(/\/api\/v3$/i, '');
    return `${web}/${repo}/blob/${branch}/${path}`;
  }

  /**
   * A REST call made with fetch, without octokit: the contents API (StateBox's every read and
   * write) is two plain JSON requests, and loading octokit for them cost a cold process (the CLI,
   * a fresh engine) tens of milliseconds of CPU before its first StateBox read (issue 22). A
   * non-2xx answer throws GitHubHttpError, mapped like octokit's RequestError.
   */
  private async rest(method: 'GET' | 'PUT', path: string, req: { query?: Record<string, string>; body?: unknown; signal: AbortSignal }): Promise<unknown> {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/vnd.github.v3+json', 'user-agent': 'oar-bot' };
    if (this.token) headers.authorization = `token ${this.token}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const res = await this.fetchImpl(url.href, { method, headers, signal: req.signal, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) });
    const text = await res.text();
    let data: unknown = text;
    if (text && /json/i.test(res.headers.get('content-type') ?? '')) {
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        data = text;
      }
    }
    if (!res.ok) {
      const h: Record<string, string> = {};
      res.headers.forEach((v, k) => (h[k] = v));
      throw new GitHubHttpError(res.status, h, data);
    }
    return data;
  }

  /** Contents API read: text and blob SHA, or null when the file (or branch) does not exist. */
  async getFile(repo: string, branch: string, path: string, opts: { signal?: AbortSignal } = {}): Promise<RepoFile | null> {
    const { owner, repo: name } = splitRepo(repo);
    const operation = `reading ${path} on ${repo}@${branch}`;
    const data = await this.call(
      operation,
      async (signal) => {
        try {
          return await this.rest('GET', `/repos/${owner}/${name}/contents/${encodePath(path)}`, { query: { ref: branch }, signal });
        } catch (e) {
          if (isRequestError(e) && e.status === 404 && e.response) return null;
          throw e;
        }
      },
      { idempotent: true, signal: opts.signal },
    );
    if (data === null) return null;
    const parsed = contentsFileSchema.safeParse(data);
    if (!parsed.success) {
      throw new IntegrationError({ system: GITHUB_SYSTEM, operation, detail: Array.isArray(data) ? `${path} is a directory, not a file` : 'unexpected answer from the contents API' });
    }
    const file = parsed.data;
    // Files over 1 MB come without inline content: fetch the blob instead.
    if ((file.content === undefined || file.content === '') && (file.size ?? 0) > 0) {
      return { path: file.path, sha: file.sha, text: await this.getBlobText(repo, file.sha, opts) };
    }
    return { path: file.path, sha: file.sha, text: decodeBase64(file.content ?? '') };
  }

  /** Git blobs API read (large files). */
  async getBlobText(repo: string, sha: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const { owner, repo: name } = splitRepo(repo);
    const operation = `reading blob ${sha.slice(0, 8)} of ${repo}`;
    const data = await this.call(
      operation,
      async (signal) => (await (await this.octokit()).request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo: name, file_sha: sha, request: { signal } })).data as unknown,
      { idempotent: true, signal: opts.signal },
    );
    const blob = this.validate(blobSchema, data, operation);
    return blob.encoding === 'base64' ? decodeBase64(blob.content) : blob.content;
  }

  /** Raw content (`<GITHUB_RAW_URL>/<owner>/<repo>/<branch>/<path>`), or null on 404. */
  async getRawFile(repo: string, branch: string, path: string, opts: { signal?: AbortSignal } = {}): Promise<string | null> {
    splitRepo(repo);
    const url = `${this.rawUrl}/${repo}/${encodePath(branch)}/${encodePath(path)}`;
    const operation = `reading raw ${path} on ${repo}@${branch}`;
    return this.call(
      operation,
      async (signal) => {
        const headers: Record<string, string> = { 'user-agent': 'oar-bot' };
        if (this.token) headers.authorization = `token ${this.token}`;
        const res = await this.fetchImpl(url, { method: 'GET', headers, signal });
        if (res.status === 404) {
          await res.body?.cancel();
          return null;
        }
        const text = await res.text();
        if (!res.ok) {
          const h: Record<string, string> = {};
          res.headers.forEach((v, k) => (h[k] = v));
          throw new GitHubHttpError(res.status, h, text);
        }
        return text;
      },
      { idempotent: true, signal: opts.signal },
    );
  }

  /** Create (no sha) or update (sha) a file; a stale or missing sha raises GitHubConflictError. */
  async putFile(req: PutFileRequest): Promise<WriteResult> {
    const { owner, repo: name } = splitRepo(req.repo);
    const operation = `${req.sha ? 'updating' : 'creating'} ${req.path} on ${req.repo}@${req.branch}`;
    const data = await this.call(
      operation,
      async (signal) =>
        this.rest('PUT', `/repos/${owner}/${name}/contents/${encodePath(req.path)}`, {
          body: {
            message: req.message,
            content: Buffer.from(req.text, 'utf8').toString('base64'),
            branch: req.branch,
            ...(req.sha ? { sha: req.sha } : {}),
          },
          signal,
        }),
      { idempotent: false, signal: req.signal, conflictOn422: true },
    );
    const parsed = this.validate(putResultSchema, data, operation);
    if (!parsed.content) throw new IntegrationError({ system: GITHUB_SYSTEM, operation, detail: 'the answer carried no content SHA' });
    return { sha: parsed.content.sha, commitSha: parsed.commit?.sha };
  }

  async deleteFile(req: DeleteFileRequest): Promise<void> {
    const { owner, repo: name } = splitRepo(req.repo);
    await this.call(
      `deleting ${req.path} on ${req.repo}@${req.branch}`,
      async (signal) => {
        await (await this.octokit()).request(`DELETE /repos/{owner}/{repo}/contents/${encodePath(req.path)}`, {
          owner,
          repo: name,
          message: req.message,
          sha: req.sha,
          branch: req.branch,
          request: { signal },
        });
      },
      { idempotent: false, signal: req.signal, conflictOn422: true },
    );
  }

  /**
   * Every entry under `prefix` on a branch, in one request (git trees API, recursive). The
   * contents API caps directory listings at 1,000 entries; this one does not.
   * `prefix` is a directory path (`_releases` or `_releases/`); '' lists the whole branch.
   */
  async listTree(repo: string, branch: string, prefix = '', opts: { signal?: AbortSignal } = {}): Promise<TreeListing> {
    const { owner, repo: name } = splitRepo(repo);
    const operation = `listing ${prefix || '/'} on ${repo}@${branch}`;
    const data = await this.call(
      operation,
      async (signal) =>
        (await (await this.octokit()).request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo: name, tree_sha: branch, recursive: '1', request: { signal } })).data as unknown,
      { idempotent: true, signal: opts.signal },
    );
    const tree = this.validate(treeSchema, data, operation);
    const dir = prefix.replace(/^\/+|\/+$/g, '');
    const entries = dir === '' ? tree.tree : tree.tree.filter((e) => e.path.startsWith(`${dir}/`));
    if (tree.truncated) this.log.warn({ repo, branch, prefix }, 'GitHub truncated the recursive tree listing');
    return { sha: tree.sha, truncated: tree.truncated, entries };
  }

  /**
   * Text of several files on one branch in ONE GraphQL request (aliased
   * `object(expression: "branch:path") { ... on Blob { text } }` lookups).
   * Missing files (and binary files, whose text GitHub does not return) map to null.
   */
  async readFiles(repo: string, branch: string, paths: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const unique = [...new Set(paths)];
    if (unique.length === 0) return out;
    const { owner, repo: name } = splitRepo(repo);
    const lookups = unique.map((p, i) => `    f${i}: object(expression: ${JSON.stringify(`${branch}:${p}`)}) { ... on Blob { text } }`).join('\n');
    const query = `query ($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n${lookups}\n  }\n}`;
    const operation = `reading ${unique.length} file(s) on ${repo}@${branch}`;
    const data = await this.graphql(operation, query, { owner, name }, opts);
    const repository = z.object({ repository: z.record(z.string(), blobTextSchema).nullable() }).safeParse(data);
    if (!repository.success) throw new IntegrationError({ system: GITHUB_SYSTEM, operation, detail: 'unexpected GraphQL answer' });
    if (repository.data.repository === null) throw new IntegrationError({ system: GITHUB_SYSTEM, operation, detail: 'GraphQL query returned empty repository object' });
    unique.forEach((p, i) => out.set(p, repository.data.repository?.[`f${i}`]?.text ?? null));
    return out;
  }

  /** A read-only GraphQL query (retried like other reads); GraphQL errors become IntegrationError. */
  async graphql(operation: string, query: string, variables: Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<unknown> {
    const body = await this.call(
      operation,
      async (signal) => (await (await this.octokit()).request(`POST ${this.graphqlUrl}`, { query, variables, request: { signal } })).data as unknown,
      { idempotent: true, signal: opts.signal },
    );
    const env = this.validate(graphqlEnvelope, body, operation);
    if (env.errors?.length) {
      const first = env.errors[0]!;
      const notFound = first.type === 'NOT_FOUND';
      throw new IntegrationError({ system: GITHUB_SYSTEM, operation, status: notFound ? 404 : undefined, detail: `GraphQL: ${env.errors.map((e) => e.message).join('; ')}` });
    }
    return env.data;
  }

  private validate<T>(schema: z.ZodType<T>, data: unknown, operation: string): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new IntegrationError({
        system: GITHUB_SYSTEM,
        operation,
        detail: `unexpected answer: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
    }
    return parsed.data;
  }

  private async call<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, callOpts: CallOptions): Promise<T> {
    // The running command's signal too, so its timeout aborts this call and every retry.
    const signal = callSignal(callOpts.signal);
    const opts: CallOptions = signal ? { ...callOpts, signal } : callOpts;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const maxRetryAfter = this.opts.maxRetryAfterMs ?? 60_000;
    const sleep = this.opts.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
    const attempt = async (): Promise<T> => {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
      const started = performance.now();
      try {
        const result = await fn(signal);
        this.opts.observer?.({ system: GITHUB_SYSTEM, operation, status: 200, durationMs: performance.now() - started });
        return result;
      } catch (e) {
        const err = this.mapError(e, operation, { timedOut: timeout.aborted, cancelled: opts.signal?.aborted === true, timeoutMs, conflictOn422: opts.conflictOn422 === true });
        this.opts.observer?.({ system: GITHUB_SYSTEM, operation, status: err.status ?? (timeout.aborted ? 'timeout' : 'error'), durationMs: performance.now() - started });
        // A wait longer than we are willing to honour fails now rather than blocking a command.
        const tooLong = err.retryAfterMs !== undefined && err.retryAfterMs > maxRetryAfter;
        if (!opts.idempotent || !err.retryable || tooLong) throw new AbortError(err);
        throw err;
      }
    };
    try {
      return await pRetry(attempt, {
        retries: opts.idempotent ? (this.opts.retries ?? 3) : 0,
        minTimeout: this.opts.minRetryDelayMs ?? 250,
        maxTimeout: this.opts.maxRetryDelayMs ?? 8_000,
        factor: 2,
        randomize: true,
        signal: opts.signal,
        onFailedAttempt: async ({ error, retriesLeft, retryDelay, attemptNumber }) => {
          if (retriesLeft <= 0) return;
          this.log.debug({ operation, attempt: attemptNumber, err: error.message }, 'GitHub call failed, retrying');
          if (error instanceof IntegrationError && error.retryAfterMs !== undefined) {
            const extra = Math.min(error.retryAfterMs, maxRetryAfter) - retryDelay;
            if (extra > 0) await sleep(extra, opts.signal);
          }
        },
      });
    } catch (e) {
      if (e instanceof IntegrationError) throw e;
      throw this.mapError(e, operation, { timedOut: false, cancelled: opts.signal?.aborted === true, timeoutMs, conflictOn422: false });
    }
  }

  private mapError(e: unknown, operation: string, ctx: { timedOut: boolean; cancelled: boolean; timeoutMs: number; conflictOn422: boolean }): IntegrationError {
    if (e instanceof IntegrationError) return e;
    if (ctx.cancelled) return new IntegrationError({ system: GITHUB_SYSTEM, operation, cause: e, detail: 'cancelled' });
    const causeName = e instanceof Error && e.cause instanceof Error ? e.cause.name : undefined;
    const isTimeout = ctx.timedOut || (e instanceof Error && (e.name === 'TimeoutError' || causeName === 'TimeoutError'));
    if (isRequestError(e) && e.response) {
      const status = e.status;
      const headers = e.response.headers as Record<string, unknown>;
      const detail = messageOf(e.response.data);
      const remaining = headerOf(headers, 'x-ratelimit-remaining');
      const retryAfterHeader = headerOf(headers, 'retry-after');
      let retryAfterMs = parseRetryAfter(retryAfterHeader);
      const reset = Number(headerOf(headers, 'x-ratelimit-reset'));
      if (retryAfterMs === undefined && remaining === '0' && Number.isFinite(reset) && reset > 0) retryAfterMs = Math.max(0, reset * 1000 - Date.now());
      // GitHub signals primary and secondary rate limits with 403 as well as 429.
      const rateLimited = status === 429 || (status === 403 && (remaining === '0' || retryAfterHeader !== null));
      const body = typeof e.response.data === 'string' ? e.response.data : JSON.stringify(e.response.data ?? '');
      const common = { system: GITHUB_SYSTEM, operation, status, cause: e, retryAfterMs, body: body.slice(0, 2000), detail };
      if (status === 409 || (status === 422 && ctx.conflictOn422)) {
        return new GitHubConflictError({ ...common, userMessage: `GitHub reported a conflict while ${operation} (${status}): the file changed since it was read${detail ? ` (${detail})` : ''}` });
      }
      if (rateLimited) {
        return new IntegrationError({ ...common, retryable: true, userMessage: `GitHub is rate limiting us while ${operation} (${status}): try again in a minute` });
      }
      return new IntegrationError({ ...common, retryable: status >= 500 });
    }
    const message = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    return new IntegrationError({
      system: GITHUB_SYSTEM,
      operation,
      cause: e,
      retryable: true,
      detail: isTimeout ? `timed out after ${ctx.timeoutMs} ms` : message,
    });
  }
}

/** git's blob SHA-1 (`blob <len>\0<bytes>`): what GitHub reports as a file's `sha`. */
export function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function decodeBase64(content: string): string {
  return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
}

export interface GitHubClientDeps {
  fetch?: FetchLike;
  logger?: Logger;
  observer?: CallObserver;
  sleep?: GitHubClientOptions['sleep'];
}

/** The client for the configured GitHub (token, API, GraphQL and raw URLs, timeout). */
export function createGitHubClient(config: Config, deps: GitHubClientDeps = {}): GitHubClient {
  return new GitHubClient({
    token: config.GITHUB_TOKEN,
    apiUrl: config.GITHUB_API_URL,
    graphqlUrl: config.GITHUB_GRAPHQL_URL,
    rawUrl: config.GITHUB_RAW_URL,
    timeoutMs: config.GITHUB_TIMEOUT_MS,
    fetch: deps.fetch,
    logger: deps.logger,
    observer: deps.observer,
    sleep: deps.sleep,
  });
}
