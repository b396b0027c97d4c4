/**
 * The playground web page: a Slack-like channel view served by node:http on 127.0.0.1 (static
 * HTML/CSS/JS, no build step) plus the JSON API of api.ts. The page polls the API once a second.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../../../log.ts';
import type { SimulatedSlack } from '../../slack/index.ts';
import type { SimulatedWorld } from '../../world.ts';
import { ApiError, PlaygroundApi, type JobControls, type JobRunner, type PersonaInfo } from './api.ts';

export interface PlaygroundServerOptions {
  slack: SimulatedSlack;
  /** The simulated services behind the services panel. */
  world?: Pick<SimulatedWorld, 'errata' | 'gitlab' | 'jenkins' | 'prow' | 'github' | 'jira'>;
  /** Default 3000 (OAR_PLAYGROUND_PORT); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the playground is for the person at this machine. */
  host?: string;
  personas?: readonly PersonaInfo[];
  examples?: readonly string[];
  defaultChannel?: string;
  /** "Run now" for scheduled jobs; the button is rendered only when this is given. */
  runJob?: JobRunner;
  /** The job names to offer with runJob. */
  jobNames?: () => string[] | Promise<string[]>;
  logger?: Logger;
}

export interface PlaygroundServer {
  url: string;
  api: PlaygroundApi;
  /** Wire the "run now" button after start (the scheduler may be built after the playground). */
  setJobRunner(run: JobRunner | undefined, names?: () => string[] | Promise<string[]>): void;
  close(): Promise<void>;
}

/** The static files of the page; nothing else on disk is ever served. */
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/render-blocks.js': { file: 'render-blocks.js', type: 'text/javascript; charset=utf-8' },
};

const MAX_BODY = 64 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The page loads only its own scripts and styles; links open elsewhere.
    'content-security-policy': "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function jobControls(run: JobRunner | undefined, names?: () => string[] | Promise<string[]>): JobControls | undefined {
  return run ? { run, ...(names ? { names } : {}) } : undefined;
}

export async function startPlaygroundServer(opts: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const logger = (opts.logger ?? silentLogger).child({ component: 'playground-web' });
  const api = new PlaygroundApi({
    slack: opts.slack,
    ...(opts.world ? { world: opts.world } : {}),
    ...(opts.personas ? { personas: opts.personas } : {}),
    ...(opts.examples ? { examples: opts.examples } : {}),
    ...(opts.defaultChannel ? { defaultChannel: opts.defaultChannel } : {}),
    jobs: jobControls(opts.runJob, opts.jobNames),
  });
  const webDir = fileURLToPath(new URL('.', import.meta.url));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://playground.local');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    if (method === 'GET' && STATIC[path]) {
      const s = STATIC[path];
      send(res, 200, await readFile(`${webDir}${s.file}`), s.type);
      return;
    }
    if (!path.startsWith('/api/')) {
      json(res, 404, { error: `no page ${path}` });
      return;
    }
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /api/workspace':
        json(res, 200, api.workspace());
        return;
      case 'GET /api/snapshot':
        json(res, 200, await api.snapshot({ user: q('user'), channel: q('channel'), thread: q('thread') }));
        return;
      case 'GET /api/github/file':
        send(res, 200, api.githubFile({ branch: q('branch'), path: q('path') }), 'text/plain; charset=utf-8');
        return;
      case 'POST /api/send':
        json(res, 200, await api.send(await readJson(req)));
        return;
      case 'POST /api/click':
        json(res, 200, await api.click(await readJson(req)));
        return;
      case 'POST /api/submit':
        json(res, 200, await api.submit(await readJson(req)));
        return;
      case 'POST /api/close':
        json(res, 200, await api.close(await readJson(req)));
        return;
      case 'POST /api/home':
        json(res, 200, await api.openHome(await readJson(req)));
        return;
      case 'POST /api/jobs/run':
        json(res, 200, await api.runJob(await readJson(req)));
        return;
      default:
        json(res, 404, { error: `no API ${route}` });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof ApiError) {
        json(res, e.status, { error: e.message });
        return;
      }
      logger.error({ err: e, url: req.url }, 'playground request failed');
      if (!res.headersSent) json(res, 500, { error: (e as Error).message });
      else res.destroy();
    });
  });
  const port = opts.port ?? 3000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`the playground page cannot listen on ${host}:${port}: the port is in use. Set OAR_PLAYGROUND_PORT to another port (0 picks a free one).`, { cause: e })
          : e,
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address}:${addr.port}/`;
  logger.info({ url }, 'playground page listening');
  return {
    url,
    api,
    setJobRunner(run, names) {
      api.setJobs(jobControls(run, names));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
