/**
 * Small toolkit shared by the simulated Errata, GitLab, Jenkins, Prow and release-controller
 * services: a real node:http server on an ephemeral loopback port, a route table, a record of
 * every call and every state change, and fault injection (status, Retry-After, latency, hang).
 *
 * Kept dependency-free on purpose: simulators are test and playground infrastructure, and
 * production code never imports them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP call as the simulated service saw it. Credentials are reduced to their scheme. */
export interface RecordedCall {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased header names; authorization shows the scheme only (e.g. "Bearer ***"). */
  headers: Record<string, string>;
  /** Parsed body: JSON, form fields, or raw text. */
  body: unknown;
  status: number;
  /** Set when the answer came from an injected fault. */
  fault?: string;
}

/** A state change the simulated service made in response to a call (what it "recorded"). */
export interface StateChange {
  seq: number;
  at: string;
  kind: string;
  subject: string;
  detail: Record<string, unknown>;
}

export interface FaultRule {
  /** Matches any method when absent. */
  method?: string;
  /** Exact path, or a pattern tested against the path (without query string). */
  path: string | RegExp;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Seconds (number) or an HTTP date, sent as Retry-After. */
  retryAfter?: number | string;
  /** Added latency before answering (or before the real handler runs when no status is set). */
  delayMs?: number;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** How many matching calls this rule affects (default 1; Infinity for all). */
  times?: number;
  /** Free text shown in the call record. */
  label?: string;
}

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed body (JSON object, form fields as a flat object, text, or undefined). */
  body: unknown;
  rawBody: string;
  /** Base URL of this simulator, e.g. http://127.0.0.1:45678 */
  baseUrl: string;
}

export interface SimResponse {
  status?: number;
  json?: unknown;
  text?: string;
  /** Raw bytes (e.g. a gzip blob). */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** Express-like pattern: `/api/v1/erratum/:id/push`; `*rest` matches the remainder (may contain slashes). */
  pattern: string;
  handler: SimHandler;
}

interface CompiledRoute extends Route {
  re: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith('*')) {
        names.push(seg.slice(1));
        return '(.+)';
      }
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, re: new RegExp(`^${source}$`), names };
}

/** Thrown inside handlers to answer with an error status and a JSON body. */
export class SimHttpError extends Error {
  readonly status: number;
  readonly payload: unknown;
  constructor(status: number, payload: unknown) {
    super(typeof payload === 'string' ? payload : JSON.stringify(payload));
    this.status = status;
    this.payload = payload;
  }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return out;
  }
  return raw;
}

function queryRecord(q: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of q) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    if (k === 'authorization') out[k] = `${value.split(' ')[0] ?? ''} ***`;
    else if (k === 'private-token' || k === 'cookie' || k.endsWith('-crumb') || k === 'jenkins-crumb') out[k] = '***';
    else out[k] = value;
  }
  return out;
}

export interface SimServerOptions {
  name: string;
  routes: Route[];
  /** Called before routing; return a response to short-circuit (e.g. authentication). */
  before?: (req: SimRequest) => SimResponse | undefined;
}

/** A running simulated service. */
export class SimServer {
  readonly name: string;
  readonly calls: RecordedCall[] = [];
  readonly changes: StateChange[] = [];
  private readonly faults: (FaultRule & { remaining: number })[] = [];
  private readonly routes: CompiledRoute[];
  private readonly before: SimServerOptions['before'];
  private server: Server | undefined;
  private seq = 0;
  private hanging = new Set<ServerResponse>();
  baseUrl = '';

  constructor(opts: SimServerOptions) {
    this.name = opts.name;
    this.routes = opts.routes.map(compile);
    this.before = opts.before;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${addr.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Inject a fault; returns a function that removes it. */
  fault(rule: FaultRule): () => void {
    const entry = { ...rule, remaining: rule.times ?? 1 };
    this.faults.push(entry);
    return () => {
      const i = this.faults.indexOf(entry);
      if (i >= 0) this.faults.splice(i, 1);
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Record a state change (handlers call this whenever they mutate state). */
  record(kind: string, subject: string, detail: Record<string, unknown> = {}): void {
    this.changes.push({ seq: ++this.seq, at: new Date().toISOString(), kind, subject, detail });
  }

  /** Calls matching a method and a path (exact or pattern). */
  callsTo(method: string, path: string | RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  resetRecords(): void {
    this.calls.length = 0;
    this.changes.length = 0;
  }

  private takeFault(method: string, path: string): (FaultRule & { remaining: number }) | undefined {
    const rule = this.faults.find(
      (f) => (!f.method || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = (req.method ?? 'GET').toUpperCase();
    // Keep percent-encoding of path segments (GitLab project paths are encoded ids).
    const path = url.pathname;
    const call: RecordedCall = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      method,
      path,
      query: queryRecord(url.searchParams),
      headers: redactHeaders(req.headers),
      body: parseBody(rawBody, req.headers['content-type']),
      status: 0,
    };
    this.calls.push(call);

    const fault = this.takeFault(method, path);
    if (fault) {
      call.fault = fault.label ?? (fault.hang ? 'hang' : `status ${fault.status ?? 'delay'}`);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.hang) {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault.status !== undefined) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        call.status = fault.status;
        res.writeHead(fault.status, headers);
        res.end(fault.body === undefined ? JSON.stringify({ error: `injected fault ${fault.status}` }) : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body));
        return;
      }
    }

    const simReq: SimRequest = {
      method,
      path,
      params: {},
      query: url.searchParams,
      headers: req.headers,
      body: call.body,
      rawBody,
      baseUrl: this.baseUrl,
    };
    let out: SimResponse;
    try {
      const early = this.before?.(simReq);
      if (early) {
        out = early;
      } else {
        const match = this.match(method, path);
        if (!match) {
          out = { status: 404, json: { error: `${this.name} simulator has no route ${method} ${path}` } };
        } else {
          simReq.params = match.params;
          out = await match.route.handler(simReq);
        }
      }
    } catch (e) {
      if (e instanceof SimHttpError) out = { status: e.status, ...(typeof e.payload === 'string' ? { text: e.payload } : { json: e.payload }) };
      else out = { status: 500, json: { error: e instanceof Error ? e.message : String(e) } };
    }
    const status = out.status ?? 200;
    call.status = status;
    if (out.bytes !== undefined) {
      res.writeHead(status, { 'content-type': 'application/octet-stream', ...out.headers });
      res.end(Buffer.from(out.bytes));
    } else if (out.text !== undefined) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...out.headers });
      res.end(out.text);
    } else if (out.json !== undefined) {
      res.writeHead(status, { 'content-type': 'application/json', ...out.headers });
      res.end(JSON.stringify(out.json));
    } else {
      res.writeHead(status, out.headers);
      res.end();
    }
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) continue;
      const m = route.re.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }
}

/** Flat form fields as strings (the first value when a field repeats). */
export function formField(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** What every simulator exposes: its URL, what it recorded, fault injection, shutdown. */
export abstract class Simulator {
  abstract readonly server: SimServer;

  get url(): string {
    return this.server.baseUrl;
  }
  /** Every call received, in order. */
  get calls(): RecordedCall[] {
    return this.server.calls;
  }
  /** Every state change made, in order ("what the service recorded"). */
  get changes(): StateChange[] {
    return this.server.changes;
  }
  fault(rule: FaultRule): () => void {
    return this.server.fault(rule);
  }
  clearFaults(): void {
    this.server.clearFaults();
  }
  callsTo(method: string, path: string | RegExp): RecordedCall[] {
    return this.server.callsTo(method, path);
  }
  resetRecords(): void {
    this.server.resetRecords();
  }
  close(): Promise<void> {
    return this.server.close();
  }
}
