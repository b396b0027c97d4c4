/**
 * Simulated GitHub behind real HTTP (node:http on an ephemeral 127.0.0.1 port).
 *
 * REST: repository, contents GET/PUT/DELETE (SHA-checked: a stale sha answers 409, a create
 * without sha over an existing file answers 422), git trees (recursive), git blobs, branches.
 * GraphQL: `POST /graphql` (see graphql.ts). Raw content: `GET /raw/<owner>/<repo>/<branch>/<path>`.
 *
 * For tests and the playground: seed helpers, read-back of files and commits, a call log, and
 * fault injection (the next N matching requests answer a status, optionally with Retry-After,
 * and/or after a latency).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { answerGraphQL } from './graphql.ts';
import { InMemoryGitHub, normalizePath, type CommitRecord, type StoredFile } from './repo.ts';

export interface CallRecord {
  method: string;
  /** Path and query as received. */
  path: string;
  status: number;
  at: number;
  /** JSON body of writes and GraphQL queries. */
  body?: unknown;
}

export interface FaultRule {
  /** Status to answer; omit for latency-only rules. */
  status?: number;
  /** How many matching requests this rule applies to (default 1). */
  times?: number;
  /** Retry-After header value (seconds or HTTP date). */
  retryAfter?: number | string;
  /** Extra response headers (e.g. x-ratelimit-remaining). */
  headers?: Record<string, string>;
  body?: unknown;
  /** Delay before answering. */
  latencyMs?: number;
  method?: string;
  /** Matched against the request path (with query). */
  path?: string | RegExp;
}

export interface GitHubSandboxOptions {
  /** Repository the helpers use when none is named. Default openshift/release-tests. */
  defaultRepo?: string;
  /** Branches created up front on the default repository. */
  branches?: string[];
  /** When set, requests must carry `Authorization: token|Bearer <token>` (else 401). */
  token?: string;
  /** Let writes create a missing branch instead of answering 404 (playground convenience). */
  autoCreateBranches?: boolean;
  /** Cap of the contents-API directory listing (GitHub: 1000). */
  directoryListingLimit?: number;
}

export interface GitHubSandbox {
  /** REST base URL (GITHUB_API_URL). */
  readonly url: string;
  /** GITHUB_GRAPHQL_URL */
  readonly graphqlUrl: string;
  /** GITHUB_RAW_URL */
  readonly rawUrl: string;
  readonly defaultRepo: string;
  readonly git: InMemoryGitHub;
  /** Env overrides that point a client at this server. */
  env(token?: string): { GITHUB_API_URL: string; GITHUB_GRAPHQL_URL: string; GITHUB_RAW_URL: string; GITHUB_TOKEN: string };
  seedFile(branch: string, path: string, text: string, repo?: string): StoredFile;
  /** Copies every file under localDir to `<prefix>/<relative path>`; returns the repo paths. */
  seedDirectory(branch: string, localDir: string, prefix: string, repo?: string): string[];
  createBranch(branch: string, repo?: string): void;
  readFile(branch: string, path: string, repo?: string): string | undefined;
  fileSha(branch: string, path: string, repo?: string): string | undefined;
  listFiles(branch: string, prefix?: string, repo?: string): string[];
  commits(filter?: { branch?: string; path?: string; repo?: string }): CommitRecord[];
  readonly calls: readonly CallRecord[];
  clearCalls(): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Latency added to every request. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly payload: unknown;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.payload = { message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...extra };
  }
}

const MAX_BODY = 50 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'Problems parsing JSON');
}

function base64Lines(text: string): string {
  // GitHub wraps base64 content at 60 characters per line.
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

export async function startGitHubSandbox(options: GitHubSandboxOptions = {}): Promise<GitHubSandbox> {
  const defaultRepo = options.defaultRepo ?? 'openshift/release-tests';
  const listingLimit = options.directoryListingLimit ?? 1000;
  const git = new InMemoryGitHub();
  git.createRepo(defaultRepo);
  for (const b of options.branches ?? []) git.createBranch(defaultRepo, b);
  const calls: CallRecord[] = [];
  const faults: (FaultRule & { left: number })[] = [];
  let latencyMs = 0;
  const closing = new AbortController();
  let base = '';

  const contentItem = (repo: string, branch: string, path: string, f: StoredFile) => {
    const name = path.split('/').at(-1) ?? path;
    return {
      type: 'file',
      encoding: 'base64',
      size: f.size,
      name,
      path,
      sha: f.sha,
      content: base64Lines(f.text),
      url: `${base}/repos/${repo}/contents/${path}?ref=${branch}`,
      download_url: `${base}/raw/${repo}/${branch}/${path}`,
      html_url: `${base}/${repo}/blob/${branch}/${path}`,
    };
  };

  const ensureWritableBranch = (repo: string, branch: string) => {
    if (!git.hasRepo(repo)) throw new HttpError(404, 'Not Found');
    if (!git.hasBranch(repo, branch)) {
      if (options.autoCreateBranches) git.createBranch(repo, branch);
      else throw new HttpError(404, `Branch ${branch} not found`);
    }
  };

  const handleRepos = (method: string, segs: string[], url: URL, body: Record<string, unknown>): [number, unknown] => {
    const [owner, name, kind, ...rest] = segs;
    const repo = `${owner}/${name}`;
    if (!owner || !name || !git.hasRepo(repo)) throw new HttpError(404, 'Not Found');
    if (kind === undefined && method === 'GET') {
      return [200, { full_name: repo, name, owner: { login: owner }, default_branch: git.branches(repo)[0] ?? 'main', private: false }];
    }
    if (kind === 'branches' && method === 'GET' && rest.length > 0) {
      const branch = rest.join('/');
      if (!git.hasBranch(repo, branch)) throw new HttpError(404, 'Branch not found');
      return [200, { name: branch, commit: { sha: git.headSha(repo, branch) } }];
    }
    if (kind === 'contents') {
      const path = normalizePath(rest.join('/'));
      if (method === 'GET') {
        const branch = url.searchParams.get('ref') ?? git.branches(repo)[0] ?? 'main';
        if (!git.hasBranch(repo, branch)) throw new HttpError(404, `No commit found for the ref ${branch}`);
        const f = git.getFile(repo, branch, path);
        if (f) return [200, contentItem(repo, branch, path, f)];
        if (git.isDirectory(repo, branch, path)) {
          return [
            200,
            git.children(repo, branch, path).slice(0, listingLimit).map((e) => ({
              type: e.type === 'blob' ? 'file' : 'dir',
              name: e.name,
              path: e.path,
              sha: e.sha,
              size: e.size ?? 0,
            })),
          ];
        }
        throw new HttpError(404, 'Not Found');
      }
      const branch = typeof body.branch === 'string' ? body.branch : (git.branches(repo)[0] ?? 'main');
      const message = typeof body.message === 'string' ? body.message : '';
      const sha = typeof body.sha === 'string' && body.sha !== '' ? body.sha : undefined;
      if (method === 'PUT') {
        if (!message) throw new HttpError(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
        if (typeof body.content !== 'string') throw new HttpError(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
        ensureWritableBranch(repo, branch);
        const text = Buffer.from(body.content, 'base64').toString('utf8');
        const out = git.write(repo, branch, path, text, message, { sha });
        if (!out.ok) {
          if (out.reason === 'sha-required') throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
          if (out.reason === 'stale-sha') throw new HttpError(409, `${path} does not match ${sha}`);
          throw new HttpError(404, 'Not Found');
        }
        const item = contentItem(repo, branch, path, out.file);
        return [out.created ? 201 : 200, { content: { ...item, content: undefined }, commit: { sha: out.commit.sha, message } }];
      }
      if (method === 'DELETE') {
        ensureWritableBranch(repo, branch);
        if (!message) throw new HttpError(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
        const out = git.delete(repo, branch, path, message, sha);
        if (!out.ok) {
          if (out.reason === 'sha-required') throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
          if (out.reason === 'stale-sha') throw new HttpError(409, `${path} does not match ${sha}`);
          throw new HttpError(404, 'Not Found');
        }
        return [200, { content: null, commit: { sha: out.commit.sha, message } }];
      }
    }
    if (kind === 'git' && method === 'GET') {
      const [what, ...ref] = rest;
      if (what === 'trees' && ref.length > 0) {
        const branch = ref.join('/');
        if (!git.hasBranch(repo, branch)) throw new HttpError(404, 'Not Found');
        const recursive = ['1', 'true'].includes(url.searchParams.get('recursive') ?? '');
        const entries = recursive ? git.recursiveTree(repo, branch) : git.children(repo, branch, '');
        return [
          200,
          {
            sha: git.treeShaOf(repo, branch, ''),
            url: `${base}/repos/${repo}/git/trees/${branch}`,
            truncated: false,
            tree: entries.map((e) => ({
              path: e.path,
              mode: e.type === 'blob' ? '100644' : '040000',
              type: e.type,
              sha: e.sha,
              ...(e.type === 'blob' ? { size: e.size } : {}),
            })),
          },
        ];
      }
      if (what === 'blobs' && ref.length === 1) {
        const f = git.blob(repo, ref[0]!);
        if (!f) throw new HttpError(404, 'Not Found');
        return [200, { sha: f.sha, size: f.size, encoding: 'base64', content: base64Lines(f.text) }];
      }
    }
    throw new HttpError(404, 'Not Found');
  };

  const respond = (res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      ...headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<{ status: number; body?: unknown }> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = req.url ?? '/';
    const url = new URL(rawPath, 'http://sandbox');
    const text = await readBody(req);

    const rule = faults.find((f) => f.left > 0 && matches(f, method, rawPath));
    if (rule) rule.left--;
    const wait = latencyMs + (rule?.latencyMs ?? 0);
    if (wait > 0) await delay(wait, undefined, { signal: closing.signal }).catch(() => undefined);
    if (rule?.status !== undefined) {
      const headers: Record<string, string> = { ...rule.headers };
      if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
      respond(res, rule.status, rule.body ?? { message: `simulated failure ${rule.status}` }, headers);
      return { status: rule.status };
    }

    if (options.token) {
      const auth = req.headers.authorization ?? '';
      const m = /^(?:token|bearer)\s+(.+)$/i.exec(auth);
      if (!m || m[1] !== options.token) {
        respond(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        return { status: 401 };
      }
    }

    let segs: string[];
    try {
      segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      respond(res, 400, { message: 'Malformed path' });
      return { status: 400 };
    }
    try {
      if (method === 'POST' && (url.pathname === '/graphql' || url.pathname === '/api/graphql')) {
        const body = parseJson(text);
        const answer = answerGraphQL(git, body);
        // GitHub answers query errors with 200 and an `errors` array.
        respond(res, 200, answer);
        return { status: 200, body: { query: body.query, variables: body.variables } };
      }
      if (segs[0] === 'raw' && method === 'GET') {
        const [, owner, name, branch, ...rest] = segs;
        const f = owner && name && branch ? git.getFile(`${owner}/${name}`, branch, rest.join('/')) : undefined;
        if (!f) {
          respond(res, 404, '404: Not Found');
          return { status: 404 };
        }
        respond(res, 200, f.text);
        return { status: 200 };
      }
      if (segs[0] === 'repos') {
        const body = method === 'GET' || method === 'HEAD' ? {} : parseJson(text);
        const [status, payload] = handleRepos(method, segs.slice(1), url, body);
        respond(res, status, payload);
        return { status, body: method === 'GET' ? undefined : { ...body, content: typeof body.content === 'string' ? `<${body.content.length} base64 chars>` : undefined } };
      }
      throw new HttpError(404, 'Not Found');
    } catch (e) {
      if (e instanceof HttpError) {
        respond(res, e.status, e.payload);
        return { status: e.status };
      }
      throw e;
    }
  };

  const server: Server = createServer((req, res) => {
    const at = Date.now();
    handle(req, res)
      .then(({ status, body }) => calls.push({ method: (req.method ?? 'GET').toUpperCase(), path: req.url ?? '/', status, at, ...(body !== undefined ? { body } : {}) }))
      .catch((e: unknown) => {
        calls.push({ method: (req.method ?? 'GET').toUpperCase(), path: req.url ?? '/', status: 500, at });
        if (!res.headersSent) respond(res, 500, { message: e instanceof Error ? e.message : String(e) });
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  const sandbox: GitHubSandbox = {
    url: base,
    graphqlUrl: `${base}/graphql`,
    rawUrl: `${base}/raw`,
    defaultRepo,
    git,
    env: (token = options.token ?? 'sandbox-token') => ({ GITHUB_API_URL: base, GITHUB_GRAPHQL_URL: `${base}/graphql`, GITHUB_RAW_URL: `${base}/raw`, GITHUB_TOKEN: token }),
    seedFile: (branch, path, text, repo = defaultRepo) => git.setFile(repo, branch, path, text),
    seedDirectory: (branch, localDir, prefix, repo = defaultRepo) => {
      const seeded: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir).sort()) {
          const full = join(dir, name);
          if (statSync(full).isDirectory()) walk(full);
          else {
            const path = normalizePath(`${prefix}/${relative(localDir, full).split(sep).join('/')}`);
            git.setFile(repo, branch, path, readFileSync(full, 'utf8'));
            seeded.push(path);
          }
        }
      };
      walk(localDir);
      return seeded;
    },
    createBranch: (branch, repo = defaultRepo) => git.createBranch(repo, branch),
    readFile: (branch, path, repo = defaultRepo) => git.getFile(repo, branch, path)?.text,
    fileSha: (branch, path, repo = defaultRepo) => git.getFile(repo, branch, path)?.sha,
    listFiles: (branch, prefix = '', repo = defaultRepo) => {
      const dir = normalizePath(prefix);
      return git.paths(repo, branch).filter((p) => dir === '' || p.startsWith(`${dir}/`));
    },
    commits: (filter = {}) => git.commits({ repo: filter.repo ?? defaultRepo, branch: filter.branch, path: filter.path }),
    calls,
    clearCalls: () => {
      calls.length = 0;
    },
    injectFault: (rule) => {
      faults.push({ ...rule, left: rule.times ?? 1 });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sandbox;
}
