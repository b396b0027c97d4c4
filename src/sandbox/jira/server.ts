/**
 * Simulated Jira behind real HTTP (127.0.0.1, ephemeral port): REST v2 search (Cloud enhanced
 * `/search/jql` with nextPageToken, Data Center classic `/search` with startAt), issues,
 * changelog, comments, transitions, labels and custom fields, users, remote links and issue
 * creation. Records every call; injects faults (status, Retry-After, latency) per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JqlError, evaluate, parseJql, referencedKeys } from './jql.ts';
import { JiraState, SandboxError, type SandboxIssue, type SandboxUser } from './state.ts';

export interface JiraCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** The Authorization scheme used (`Basic`, `Bearer`) or none. */
  auth?: string;
  at: number;
}

export interface FaultRule {
  method?: string;
  /** Exact path, or a pattern tested against it. */
  path?: string | RegExp;
  status: number;
  /** Seconds (number) or an HTTP date, sent as Retry-After. */
  retryAfter?: number | string;
  body?: unknown;
  /** How many requests it hits (default 1; Infinity for all). */
  times?: number;
}

export interface JiraSandboxOptions {
  /** Latency added to every request, in ms (e.g. 50 for the bulk benchmark). */
  latencyMs?: number;
  /** Credentials that must be presented; unset accepts any request. */
  auth?: { basic?: { email: string; apiToken: string }; bearer?: string };
  /** Largest page either search returns (Cloud: 100 with fields). */
  maxResultsCap?: number;
  /** Histories returned in search results before the changelog counts as truncated. */
  searchChangelogLimit?: number;
  /** Comments returned in search results before the list counts as truncated. */
  searchCommentLimit?: number;
  now?: () => number;
}

export interface JiraSandbox {
  readonly url: string;
  readonly state: JiraState;
  readonly calls: JiraCall[];
  latencyMs: number;
  /** Add a fault rule; rules are tried in order. */
  fault(rule: FaultRule): void;
  clearFaults(): void;
  /** Calls whose path matches (and method, if given). */
  callsTo(path: string | RegExp, method?: string): JiraCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

const SEARCH_FIELDS_ALL = new Set(['*all', '*navigable']);

interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  user: SandboxUser;
}

type Handler = (ctx: Ctx, params: string[]) => { status: number; body?: unknown };

export async function startJiraSandbox(opts: JiraSandboxOptions = {}): Promise<JiraSandbox> {
  const now = opts.now ?? Date.now;
  const state = new JiraState(now);
  const calls: JiraCall[] = [];
  const faults: (FaultRule & { remaining: number })[] = [];
  const cap = opts.maxResultsCap ?? 100;
  const changelogLimit = opts.searchChangelogLimit ?? 100;
  const commentLimit = opts.searchCommentLimit ?? 50;
  let baseUrl = '';

  // --- rendering -----------------------------------------------------------------------------

  const commentJson = (c: SandboxIssue['comments'][number]) => ({ id: c.id, body: c.body, created: c.created, updated: c.updated, author: state.userJson(c.author) });
  const historyJson = (h: SandboxIssue['histories'][number]) => ({ id: h.id, created: h.created, author: state.userJson(h.author), items: h.items });

  function renderIssue(issue: SandboxIssue, fields: string[] | null, expand: string[], limits: { changelog: number; comments: number }) {
    const out: Record<string, unknown> = { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${baseUrl}/rest/api/2/issue/${issue.id}`, key: issue.key };
    if (fields === null || fields.length > 0) {
      const all = fields === null || fields.some((f) => SEARCH_FIELDS_ALL.has(f));
      const wanted = all ? [...Object.keys(issue.fields), 'comment'] : fields;
      const rendered: Record<string, unknown> = {};
      for (const f of wanted) {
        if (f.startsWith('-')) continue;
        if (f === 'comment') {
          const shown = issue.comments.slice(0, limits.comments);
          rendered.comment = { comments: shown.map(commentJson), maxResults: shown.length, total: issue.comments.length, startAt: 0 };
        } else rendered[f] = issue.fields[f] ?? null;
      }
      out.fields = rendered;
    }
    if (expand.includes('changelog')) {
      const shown = issue.histories.slice(0, limits.changelog);
      out.changelog = { startAt: 0, maxResults: shown.length, total: issue.histories.length, histories: shown.map(historyJson) };
    }
    return out;
  }

  const list = (v: unknown): string[] => {
    if (Array.isArray(v)) return v.map(String).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
    return [];
  };

  /** GET params or POST body, whichever the request used. */
  const param = (ctx: Ctx, name: string): unknown => (ctx.method === 'POST' ? (ctx.body as Record<string, unknown> | undefined)?.[name] : (ctx.query.getAll(name).length > 1 ? ctx.query.getAll(name) : ctx.query.get(name) ?? undefined));

  function runJql(jql: string, opts2: { validate: boolean }): { issues: SandboxIssue[]; warnings: string[] } {
    let parsed;
    try {
      parsed = parseJql(jql);
    } catch (e) {
      if (e instanceof JqlError) throw new SandboxError(400, [e.message]);
      throw e;
    }
    const warnings: string[] = [];
    const unknown = referencedKeys(parsed.where).filter((k) => {
      const issue = state.issues.get(k.toUpperCase());
      return !issue || issue.forbidden;
    });
    if (unknown.length > 0) {
      const messages = unknown.map((k) => `An issue with key '${k}' does not exist for field 'key'.`);
      if (opts2.validate) throw new SandboxError(400, messages);
      warnings.push(...messages);
    }
    const at = now();
    let issues: SandboxIssue[];
    try {
      issues = [...state.issues.values()].filter((i) => !i.forbidden && (parsed.where === null || evaluate(parsed.where, state.subject(i), at)));
    } catch (e) {
      if (e instanceof JqlError) throw new SandboxError(400, [e.message]);
      throw e;
    }
    for (const order of [...parsed.orderBy].reverse()) {
      issues.sort((a, b) => {
        const x = state.sortValue(a, order.field);
        const y = state.sortValue(b, order.field);
        const c = x < y ? -1 : x > y ? 1 : 0;
        return order.desc ? -c : c;
      });
    }
    return { issues, warnings };
  }

  const pageSize = (v: unknown, def: number) => {
    const n = v === undefined ? def : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new SandboxError(400, [`maxResults must be a non-negative integer, got ${String(v)}`]);
    return Math.min(n, cap);
  };

  function encodeToken(offset: number, jql: string): string {
    return Buffer.from(JSON.stringify({ o: offset, j: jql.length })).toString('base64url');
  }
  function decodeToken(token: string, jql: string): number {
    try {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { o?: unknown; j?: unknown };
      if (typeof t.o === 'number' && t.j === jql.length) return t.o;
    } catch {
      /* fall through */
    }
    throw new SandboxError(400, ['The provided next page token is invalid or expired.']);
  }

  const enhancedSearch: Handler = (ctx) => {
    const jql = String(param(ctx, 'jql') ?? '');
    const max = pageSize(param(ctx, 'maxResults'), 50);
    const token = param(ctx, 'nextPageToken');
    const offset = typeof token === 'string' && token ? decodeToken(token, jql) : 0;
    const { issues } = runJql(jql, { validate: true });
    const fields = list(param(ctx, 'fields'));
    const expand = list(param(ctx, 'expand'));
    const page = issues.slice(offset, offset + max);
    const end = offset + page.length;
    const isLast = end >= issues.length;
    return {
      status: 200,
      body: {
        // Cloud returns only ids unless fields are requested.
        issues: page.map((i) => (fields.length === 0 && !expand.includes('changelog') ? { id: i.id } : renderIssue(i, fields, expand, { changelog: changelogLimit, comments: commentLimit }))),
        ...(isLast ? {} : { nextPageToken: encodeToken(end, jql) }),
        isLast,
      },
    };
  };

  const classicSearch: Handler = (ctx) => {
    const jql = String(param(ctx, 'jql') ?? '');
    const startAt = Number(param(ctx, 'startAt') ?? 0);
    const max = pageSize(param(ctx, 'maxResults'), 50);
    const validate = param(ctx, 'validateQuery');
    const { issues, warnings } = runJql(jql, { validate: !(validate === 'warn' || validate === 'none' || validate === false || validate === 'false') });
    const fieldsParam = list(param(ctx, 'fields'));
    const fields = fieldsParam.length === 0 ? null : fieldsParam;
    const expand = list(param(ctx, 'expand'));
    const page = issues.slice(startAt, startAt + max);
    return {
      status: 200,
      body: {
        expand: 'schema,names',
        startAt,
        maxResults: max,
        total: issues.length,
        issues: page.map((i) => renderIssue(i, fields, expand, { changelog: changelogLimit, comments: commentLimit })),
        ...(warnings.length ? { warningMessages: warnings } : {}),
      },
    };
  };

  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/search\/jql$/, enhancedSearch],
    ['POST', /^\/search\/jql$/, enhancedSearch],
    ['GET', /^\/search$/, classicSearch],
    ['POST', /^\/search$/, classicSearch],
    ['GET', /^\/myself$/, (ctx) => ({ status: 200, body: state.userJson(ctx.user) })],
    ['GET', /^\/user\/search$/, (ctx) => {
      const q = ctx.query.get('query') ?? ctx.query.get('username');
      if (!q) throw new SandboxError(400, ['The query parameter is required.']);
      const max = Number(ctx.query.get('maxResults') ?? 50);
      return { status: 200, body: state.searchUsers(q, max).map((u) => state.userJson(u)) };
    }],
    ['POST', /^\/issue$/, (ctx) => {
      const issue = state.createIssue(ctx.body, ctx.user);
      return { status: 201, body: { id: issue.id, key: issue.key, self: `${baseUrl}/rest/api/2/issue/${issue.id}` } };
    }],
    ['GET', /^\/issue\/([^/]+)$/, (ctx, [key]) => {
      const issue = state.get(key!);
      const fieldsParam = list(ctx.query.get('fields') ?? undefined);
      return { status: 200, body: renderIssue(issue, fieldsParam.length === 0 ? null : fieldsParam, list(ctx.query.get('expand') ?? undefined), { changelog: Infinity, comments: Infinity }) };
    }],
    ['PUT', /^\/issue\/([^/]+)$/, (ctx, [key]) => {
      state.editIssue(key!, ctx.body, ctx.user);
      return { status: 204 };
    }],
    ['GET', /^\/issue\/([^/]+)\/changelog$/, (ctx, [key]) => {
      const issue = state.get(key!);
      const startAt = Number(ctx.query.get('startAt') ?? 0);
      const max = Math.min(Number(ctx.query.get('maxResults') ?? 100), 100);
      const values = issue.histories.slice(startAt, startAt + max);
      return { status: 200, body: { self: `${baseUrl}/rest/api/2/issue/${issue.key}/changelog`, startAt, maxResults: max, total: issue.histories.length, isLast: startAt + values.length >= issue.histories.length, values: values.map(historyJson) } };
    }],
    ['GET', /^\/issue\/([^/]+)\/comment$/, (ctx, [key]) => {
      const issue = state.get(key!);
      const startAt = Number(ctx.query.get('startAt') ?? 0);
      const max = Math.min(Number(ctx.query.get('maxResults') ?? 50), 100);
      const shown = issue.comments.slice(startAt, startAt + max);
      return { status: 200, body: { startAt, maxResults: max, total: issue.comments.length, comments: shown.map(commentJson) } };
    }],
    ['POST', /^\/issue\/([^/]+)\/comment$/, (ctx, [key]) => ({ status: 201, body: { self: `${baseUrl}/rest/api/2/issue/${key}/comment`, ...commentJson(state.addComment(key!, ctx.body, ctx.user)) } })],
    ['PUT', /^\/issue\/([^/]+)\/assignee$/, (ctx, [key]) => {
      state.assign(key!, ctx.body, ctx.user);
      return { status: 204 };
    }],
    ['GET', /^\/issue\/([^/]+)\/transitions$/, (_ctx, [key]) => ({ status: 200, body: { expand: 'transitions', transitions: state.transitions(key!) } })],
    ['POST', /^\/issue\/([^/]+)\/transitions$/, (ctx, [key]) => {
      state.transition(key!, ctx.body, ctx.user);
      return { status: 204 };
    }],
    ['GET', /^\/issue\/([^/]+)\/remotelink$/, (_ctx, [key]) => {
      const issue = state.get(key!);
      return {
        status: 200,
        body: issue.remoteLinks.map((l) => ({ id: l.id, self: `${baseUrl}/rest/api/2/issue/${issue.key}/remotelink/${l.id}`, ...(l.relationship ? { relationship: l.relationship } : {}), object: { url: l.url, title: l.title } })),
      };
    }],
  ];

  // --- HTTP --------------------------------------------------------------------------------------

  function authenticate(req: IncomingMessage): SandboxUser | null {
    const header = req.headers.authorization ?? '';
    if (!opts.auth) return state.botUser;
    if (opts.auth.bearer && header === `Bearer ${opts.auth.bearer}`) return state.botUser;
    if (opts.auth.basic) {
      const expected = `Basic ${Buffer.from(`${opts.auth.basic.email}:${opts.auth.basic.apiToken}`).toString('base64')}`;
      if (header === expected) return state.botUser;
    }
    return null;
  }

  function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new SandboxError(400, ['Unexpected character in the request body: not JSON.']);
    }
  }

  const sandbox: JiraSandbox = {
    get url() {
      return baseUrl;
    },
    state,
    calls,
    latencyMs: opts.latencyMs ?? 0,
    fault(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    callsTo(path, method) {
      return calls.filter((c) => (typeof path === 'string' ? c.path === path : path.test(c.path)) && (method === undefined || c.method === method));
    },
    resetCalls() {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const method = req.method ?? 'GET';
      const call: JiraCall = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, status: 0, at: Date.now() };
      const scheme = req.headers.authorization?.split(' ')[0];
      if (scheme) call.auth = scheme;
      calls.push(call);
      const reply = (status: number, body?: unknown, headers?: Record<string, string>) => {
        call.status = status;
        send(res, status, body, headers);
      };
      try {
        call.body = await readBody(req);
        if (sandbox.latencyMs > 0) await new Promise((r) => setTimeout(r, sandbox.latencyMs));
        const fault = faults.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname))));
        if (fault) {
          fault.remaining -= 1;
          const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
          reply(fault.status, fault.body ?? { errorMessages: [`Injected fault ${fault.status}`], errors: {} }, headers);
          return;
        }
        const user = authenticate(req);
        if (!user) {
          reply(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
          return;
        }
        const m = /^\/rest\/api\/(?:2|latest)(\/.*)$/.exec(url.pathname);
        if (!m) {
          reply(404, { errorMessages: [`No resource at ${url.pathname} (the simulated Jira serves /rest/api/2 and /rest/api/latest)`], errors: {} });
          return;
        }
        const sub = m[1]!;
        const route = routes.find(([rm, re]) => rm === method && re.test(sub));
        if (!route) {
          reply(routes.some(([, re]) => re.test(sub)) ? 405 : 404, { errorMessages: [`No ${method} handler for ${url.pathname}`], errors: {} });
          return;
        }
        const params = (route[1].exec(sub) ?? []).slice(1).map((p) => decodeURIComponent(p));
        const out = route[2]({ method, path: sub, query: url.searchParams, body: call.body, user }, params);
        reply(out.status, out.body);
      } catch (e) {
        if (e instanceof SandboxError) reply(e.status, { errorMessages: e.errorMessages, errors: e.errors });
        else reply(500, { errorMessages: [`sandbox failure: ${e instanceof Error ? e.message : String(e)}`], errors: {} });
      }
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return sandbox;
}
