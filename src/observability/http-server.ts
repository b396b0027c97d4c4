/**
 * The bot's one HTTP server (OAR_HTTP_HOST:OAR_HTTP_PORT): `/livez`, `/health`, `/metrics`, and
 * mounted handlers such as the MCP endpoint on `/mcp`.
 *
 * - `/livez` answers 200 without touching any dependency: it only says the event loop serves
 *   requests, so the liveness probe restarts a wedged process and nothing else.
 * - `/readyz` answers 200 when the HTTP endpoints can serve (process running, store reachable):
 *   the readiness probe, so a Slack outage does not take /mcp and /metrics out of the Service.
 * - `/health` is the full report (health.ts, Slack included): 200, 503 or 500.
 * - `/metrics` is the Prometheus text of the process registry.
 *
 * One port for all of them reconciles the original's split (monitor on :8000, MCP on :8080;
 * agents 14 #21).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { silentLogger, type Logger } from '../log.ts';
import { isoTimestamp, type HealthReport } from './health.ts';

/** Answers a request it owns and returns true; returns false to let the server answer 404. */
export type MountHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HttpServerOptions {
  port: number;
  host: string;
  registry: Registry;
  health: () => Promise<HealthReport>;
  logger?: Logger;
  /** Records each /health status as `oar_health_ok` (metrics.ts). */
  metrics?: { healthReported(status: HealthReport['body']['status']): void };
  mounts?: Record<string, MountHandler>;
  /** `/readyz` (readiness of the HTTP endpoints, without Slack); default: ready while serving. */
  ready?: () => Promise<{ ready: boolean; reasons: string[] }>;
  /** Open connections still busy this long after close() are cut (long MCP streams). Default 2000 ms. */
  closeGraceMs?: number;
}

export interface HttpServer {
  /** http://host:port (the bound port, useful with port 0). */
  readonly url: string;
  readonly port: number;
  /** Route every path equal to `prefix` or under `prefix/` to `handler`. */
  mount(prefix: string, handler: MountHandler): void;
  close(): Promise<void>;
}

/** The server could not listen: the process cannot serve probes, so this is fatal at startup. */
export class HttpListenError extends Error {
  readonly fatal = true;
  readonly code: string | undefined;
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const hint = code === 'EADDRINUSE' ? ': the port is in use (set OAR_HTTP_PORT)' : code === 'EACCES' ? ': permission denied (ports below 1024 need privileges)' : '';
    super(`the HTTP server cannot listen on ${host}:${port}${hint}${code ? ` [${code}]` : ''}`, { cause });
    this.name = 'HttpListenError';
    this.code = code;
  }
}

const BUILT_IN = ['/livez', '/readyz', '/health', '/metrics'];

function normalizePrefix(prefix: string): string {
  const p = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
  if (p === '/' || BUILT_IN.includes(p)) throw new Error(`cannot mount a handler on ${p}`);
  return p;
}

/** A JSON answer (also for mounted handlers that answer errors themselves). */
export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra }).end(`${JSON.stringify(body)}\n`);
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const logger = opts.logger ?? silentLogger;
  const mounts = new Map<string, MountHandler>();
  const mount = (prefix: string, handler: MountHandler) => {
    const p = normalizePrefix(prefix);
    if (mounts.has(p)) throw new Error(`a handler is already mounted on ${p}`);
    mounts.set(p, handler);
  };
  for (const [prefix, handler] of Object.entries(opts.mounts ?? {})) mount(prefix, handler);

  const builtIn = async (path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!BUILT_IN.includes(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` }, { allow: 'GET, HEAD' });
      return true;
    }
    if (path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
    } else if (path === '/readyz') {
      const r = opts.ready ? await opts.ready().catch((e: unknown) => ({ ready: false, reasons: [`readiness check failed: ${e instanceof Error ? e.message : String(e)}`] })) : { ready: true, reasons: [] };
      sendJson(res, r.ready ? 200 : 503, r);
    } else if (path === '/health') {
      let report: HealthReport;
      try {
        report = await opts.health();
      } catch (e) {
        // buildHealth never throws; a hand-made health function might.
        report = { httpStatus: 500, body: { status: 'unhealthy', server: 'oar-bot', version: 'unknown', error: e instanceof Error ? e.message : String(e), timestamp: isoTimestamp(new Date()) } };
      }
      opts.metrics?.healthReported(report.body.status);
      if (report.httpStatus !== 200) logger.warn({ status: report.body.status, reasons: 'reasons' in report.body ? report.body.reasons : undefined, error: 'error' in report.body ? report.body.error : undefined }, 'health check not healthy');
      sendJson(res, report.httpStatus, report.body);
    } else {
      const text = await opts.registry.metrics();
      res.writeHead(200, { 'content-type': opts.registry.contentType, 'cache-control': 'no-store' }).end(text);
    }
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (await builtIn(path, req, res)) return;
    // The longest matching prefix owns the path (so /mcp/admin can be mounted next to /mcp).
    let owner: MountHandler | undefined;
    let ownerLength = -1;
    for (const [prefix, handler] of mounts) {
      if ((path === prefix || path.startsWith(`${prefix}/`)) && prefix.length > ownerLength) {
        owner = handler;
        ownerLength = prefix.length;
      }
    }
    if (owner && (await owner(req, res))) return;
    if (res.headersSent) return;
    sendJson(res, 404, { error: `no route for ${req.method ?? 'GET'} ${path}`, routes: [...BUILT_IN, ...mounts.keys()] });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      logger.error({ err: e, method: req.method, url: req.url }, 'HTTP handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy(e instanceof Error ? e : undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: unknown) => reject(new HttpListenError(opts.host, opts.port, e));
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After listening, errors concern single connections or the socket layer; they are logged, not fatal.
  server.on('error', (e) => logger.error({ err: e }, 'HTTP server error'));

  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl === '[::]' ? '[::1]' : hostForUrl}:${address.port}`;
  logger.info({ url, mounts: [...mounts.keys()] }, 'HTTP server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    mount,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), opts.closeGraceMs ?? 2_000);
        cut.unref();
        server.close((e) => {
          clearTimeout(cut);
          if (e) reject(e);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
