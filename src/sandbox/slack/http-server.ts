/**
 * The simulator's one HTTP server: Web API at /api/<method>, response URLs at /response/<id>,
 * file upload URLs at /upload/v1/<fileId>, and the Socket Mode WebSocket upgrade at /link.
 * Accepts form-encoded bodies (what @slack/web-api sends) and JSON bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { FaultRegistry } from './faults.ts';
import { applyResponseUrl } from './messaging.ts';
import { METHODS } from './web-api.ts';
import { SlackApiError } from './workspace.ts';
import type { CallRecord, JsonObject, TokenKind } from './types.ts';

const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Arguments the Web API takes as JSON, which form encoding carries as JSON strings. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files']);

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a Web API request body: JSON, form-encoded, or multipart (fields only). */
async function parseArgs(req: IncomingMessage, body: Buffer, query: URLSearchParams): Promise<JsonObject> {
  const args: JsonObject = Object.fromEntries(query);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return args;
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    Object.assign(args, parsed);
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://sim.invalid/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
    for (const [k, v] of form) if (typeof v === 'string') args[k] = v;
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  for (const key of JSON_ARGS) {
    const v = args[key];
    if (typeof v !== 'string') continue;
    try {
      args[key] = JSON.parse(v);
    } catch {
      throw new SlackApiError(key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments', [`[ERROR] ${key} is not valid JSON`]);
    }
  }
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m?.[1]?.trim();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function errorBody(err: SlackApiError): JsonObject {
  const body: JsonObject = { ok: false, error: err.code };
  if (err.messages?.length) body.response_metadata = { messages: err.messages };
  if (err.code === 'invalid_blocks' && err.messages) body.errors = err.messages.map((m) => m.replace(/^\[ERROR\] /, ''));
  return body;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SimHttpServer {
  readonly server: Server;
  readonly #ctx: SimContext;
  readonly #faults: FaultRegistry;

  constructor(ctx: SimContext, faults: FaultRegistry) {
    this.#ctx = ctx;
    this.#faults = faults;
    this.server = createServer((req, res) => {
      this.#route(req, res).catch((err: unknown) => {
        ctx.logger.error({ err }, 'simulated slack: request failed');
        if (!res.headersSent) sendJson(res, err instanceof HttpError ? err.status : 500, { ok: false, error: 'internal_error' });
        else res.destroy();
      });
    });
    this.server.on('upgrade', (req, socket, head) => ctx.link.handleUpgrade(req, socket, head));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') reject(new Error('simulated slack: no TCP address'));
        else resolve(addr.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const at = Date.now();
    const body = await readBody(req);
    const [, root, ...rest] = url.pathname.split('/');
    const name = root === 'api' ? (rest[0] ?? '') : root === 'response' ? 'response_url' : root === 'upload' ? 'file_upload' : url.pathname;
    this.#ctx.recorder.events.emit('request', { method: name, at });
    if (root === 'api' && rest.length === 1 && rest[0]) return this.#api(req, res, rest[0], body, url.searchParams, at);
    if (req.method === 'POST' && root === 'response' && rest.length === 1 && rest[0]) return this.#responseUrl(req, res, rest[0], body, at);
    if (req.method === 'POST' && root === 'upload' && rest[0] === 'v1' && rest[1]) return this.#upload(req, res, rest[1], body, at);
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  #record(call: Omit<CallRecord, 'seq'>): void {
    this.#ctx.recorder.recordCall(call);
  }

  /** Applies rate-limit, error and latency faults; true when a fault already answered. */
  async #fault(method: string, res: ServerResponse, call: Omit<CallRecord, 'seq' | 'status' | 'ok' | 'response'>): Promise<boolean> {
    const latency = this.#faults.takeApi('latency', method);
    if (latency) await sleep(latency.ms);
    const limited = this.#faults.takeApi('rateLimit', method);
    if (limited) {
      const retryAfter = String(limited.retryAfterSec ?? 1);
      const body = { ok: false, error: 'ratelimited' };
      this.#record({ ...call, status: 429, ok: false, error: 'ratelimited', response: body, fault: 'rateLimit' });
      sendJson(res, 429, body, { 'retry-after': retryAfter });
      return true;
    }
    const failing = this.#faults.takeApi('error', method);
    if (failing) {
      const status = failing.status ?? 200;
      const body = { ok: false, error: failing.error };
      this.#record({ ...call, status, ok: false, error: failing.error, response: body, fault: 'error' });
      sendJson(res, status, body);
      return true;
    }
    return false;
  }

  async #api(req: IncomingMessage, res: ServerResponse, method: string, body: Buffer, query: URLSearchParams, at: number): Promise<void> {
    const ctx = this.#ctx;
    let args: JsonObject = {};
    let parseError: SlackApiError | undefined;
    try {
      args = await parseArgs(req, body, query);
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      parseError = err;
    }
    const presented = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
    // Never keep a token in the records.
    delete args.token;
    const token: TokenKind = presented === undefined ? 'none'
      : presented === ctx.botToken ? 'bot' : presented === ctx.appToken ? 'app' : 'invalid';
    const base = { method, args, token, at };
    const fail = (err: SlackApiError): void => {
      const b = errorBody(err);
      this.#record({ ...base, status: 200, ok: false, error: err.code, response: b });
      sendJson(res, 200, b);
    };
    const def = METHODS[method];
    if (!def) return fail(new SlackApiError('unknown_method'));
    if (token === 'none') return fail(new SlackApiError('not_authed'));
    if (token !== def.token) return fail(new SlackApiError('invalid_auth'));
    if (await this.#fault(method, res, base)) return;
    if (parseError) return fail(parseError);
    let result: JsonObject;
    try {
      result = def.handle(args, ctx);
    } catch (err) {
      if (err instanceof SlackApiError) return fail(err);
      throw err;
    }
    const b = { ok: true, ...result };
    this.#record({ ...base, status: 200, ok: true, response: b });
    sendJson(res, 200, b);
  }

  async #responseUrl(req: IncomingMessage, res: ServerResponse, id: string, body: Buffer, at: number): Promise<void> {
    let args: JsonObject = {};
    let parseError: SlackApiError | undefined;
    try {
      args = await parseArgs(req, body, new URLSearchParams());
      // Some clients post form-encoded `payload=<json>`.
      if (typeof args.payload === 'string') args = JSON.parse(args.payload) as JsonObject;
    } catch (err) {
      parseError = err instanceof SlackApiError ? err : new SlackApiError('invalid_json');
    }
    const base = { method: 'response_url', args: { ...args, response_url_id: id }, token: 'none' as const, at };
    if (await this.#fault('response_url', res, base)) return;
    try {
      if (parseError) throw parseError;
      const r = this.#ctx.workspace.useResponseUrl(id);
      const msg = applyResponseUrl(this.#ctx, r, args);
      const ok = { ok: true, ts: msg.ts };
      this.#record({ ...base, status: 200, ok: true, response: ok });
      sendJson(res, 200, ok);
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      const status = err.code === 'expired_url' || err.code === 'used_url' ? 404 : 400;
      const b = errorBody(err);
      this.#record({ ...base, status, ok: false, error: err.code, response: b });
      sendJson(res, status, b);
    }
  }

  async #upload(req: IncomingMessage, res: ServerResponse, fileId: string, body: Buffer, at: number): Promise<void> {
    const file = this.#ctx.workspace.files.get(fileId);
    const base = { method: 'file_upload', args: { file_id: fileId, bytes: body.length }, token: bearer(req) === this.#ctx.botToken ? 'bot' as const : 'none' as const, at };
    if (await this.#fault('file_upload', res, base)) return;
    if (!file || file.completed) {
      const b = { ok: false, error: 'file_not_found' };
      this.#record({ ...base, status: 404, ok: false, error: 'file_not_found', response: b });
      sendJson(res, 404, b);
      return;
    }
    let bytes = body;
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://sim.invalid/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    file.bytes = bytes;
    const text = `OK - ${bytes.length}`;
    this.#record({ ...base, args: { file_id: fileId, bytes: bytes.length }, status: 200, ok: true, response: text });
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
