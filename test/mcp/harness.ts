/**
 * A real MCP endpoint for tests: the engine (SQLite store, in-memory StateBox port, ConfigStore
 * built from the simulated ocp-build-data), the /mcp handler on a node:http server on an
 * ephemeral port, and SDK clients connected over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { createRegistry } from '../../src/commands/index.ts';
import { MemoryStateBox, type ReleaseStatusReader } from '../../src/commands/ports.ts';
import { CommandError } from '../../src/commands/errors.ts';
import { emailOption, idOption } from '../../src/commands/schemas.ts';
import { defineCommand, type AnyCommand } from '../../src/commands/types.ts';
import { testConfig } from '../../src/config/env.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { createLogger } from '../../src/log.ts';
import { McpAuthorizer } from '../../src/mcp/auth.ts';
import { RoleResolver } from '../../src/commands/roles.ts';
import { createMcpHttpHandler, type McpHttpHandler } from '../../src/mcp/http.ts';
import { startBuildDataServer, type BuildDataServer } from '../../src/sandbox/build-data.ts';
import { DEMO_JWK, writeDemoConfigFile } from '../../src/sandbox/demo-config.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

export const TOKENS = {
  reader: 'reader-token-0123456789',
  writer: 'writer-token-0123456789',
  lead: 'lead-token-0123456789abc',
} as const;
export const TOKENS_ENV = `reader:read:${TOKENS.reader},writer:write:${TOKENS.writer},lead:critical:${TOKENS.lead}`;

/** Side effects of the test commands, so a test can assert that nothing changed. */
export interface Effects {
  owner: string[];
  pushes: string[];
  notifications: number;
}

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A gate a command waits on, with a promise that says when the command reached it. */
export function gate() {
  const reached = deferred();
  const open = deferred();
  return {
    reached: reached.promise,
    open: () => open.resolve(),
    wait: () => {
      reached.resolve();
      return open.promise;
    },
  };
}

export function testCommands(effects: Effects, gates: Map<string, ReturnType<typeof gate>>): AnyCommand[] {
  return [
    defineCommand({
      name: 'take-ownership',
      group: 'oar',
      summary: 'Take ownership of the release',
      description: 'Sets the QE owner on every advisory.',
      examples: ['oar -r 4.19.1 take-ownership -e someone@redhat.com'],
      safety: 'write',
      task: 'take-ownership',
      scope: 'zstream',
      options: z.object({ email: emailOption().describe('QE owner e-mail') }),
      aliases: { e: 'email' },
      async run(ctx, o) {
        ctx.progress(`assigning ${o.email}`);
        await gates.get(ctx.release)?.wait();
        effects.owner.push(`${ctx.release}:${o.email}`);
        ctx.log.info(`QA Owner is updated to ${o.email}`);
        return { status: 'pass', summary: `owner of ${ctx.release} is ${o.email}`, data: { owner: o.email } };
      },
    }),
    defineCommand({
      name: 'push-to-cdn-staging',
      group: 'oar',
      summary: 'Push advisories to CDN staging',
      examples: ['oar -r 4.19.1 push-to-cdn-staging'],
      safety: 'critical',
      task: 'push-to-cdn-staging',
      scope: 'zstream',
      options: z.object({}),
      async plan(ctx) {
        return { summary: `push 2 advisories of ${ctx.release} to CDN staging`, changes: [{ target: 'advisory 151166', to: 'cdn_stage push' }, { target: 'advisory 151167', to: 'cdn_stage push' }] };
      },
      async run(ctx) {
        effects.pushes.push(ctx.release);
        return { status: 'in_progress', summary: 'pushes triggered' };
      },
    }),
    defineCommand({
      name: 'image-consistency-check',
      group: 'oar',
      summary: 'Trigger or query the image consistency Prow job',
      examples: ['oar -r 4.19.1 image-consistency-check', 'oar -r 4.19.1 image-consistency-check -i 123'],
      safety: (o) => (o.jobId ? 'read' : 'write'),
      task: 'image-consistency-check',
      scope: 'zstream',
      options: z.object({ jobId: idOption().optional().describe('Prow job id to query') }),
      aliases: { i: 'jobId' },
      async run(_ctx, o) {
        return { status: o.jobId ? 'pass' : 'in_progress', summary: o.jobId ? `job ${o.jobId} passed` : 'job triggered' };
      },
    }),
    defineCommand({
      name: 'drop-bugs',
      group: 'oar',
      summary: 'Drop unverified bugs (critical unless dry run)',
      examples: [],
      safety: (o) => (o.dryRun ? 'read' : 'critical'),
      scope: 'zstream',
      legacy: true,
      options: z.object({ dryRun: z.boolean().default(false) }),
      async run() {
        throw new CommandError('not implemented in tests');
      },
    }),
    defineCommand({
      name: 'jira-notificator',
      group: 'oarctl',
      summary: 'Notify ON_QA bug owners',
      examples: ['oarctl jira-notificator --dry-run'],
      safety: 'write',
      scope: 'none',
      options: z.object({ dryRun: z.boolean().default(false).describe('Report only'), fromDate: z.string().optional() }),
      async run(_ctx, o) {
        effects.notifications += 1;
        return { status: 'info', summary: `dry=${o.dryRun} from=${o.fromDate ?? '-'}` };
      },
    }),
    defineCommand({
      name: 'start-release-detector',
      group: 'oarctl',
      summary: 'Detect a new z-stream release',
      examples: ['oarctl start-release-detector -r 4.19'],
      safety: 'write',
      scope: 'ystream',
      options: z.object({}),
      async run(ctx) {
        return { status: 'info', summary: `checked ${ctx.release}` };
      },
    }),
    defineCommand({
      name: 'start-aggregator',
      group: 'jobctl',
      summary: 'Aggregate Prow results',
      examples: ['jobctl start-aggregator --arch amd64'],
      safety: 'read',
      scope: 'none',
      options: z.object({ arch: z.enum(['amd64', 'arm64']).default('amd64') }),
      async run(_ctx, o) {
        return { status: 'info', summary: `aggregated ${o.arch}` };
      },
    }),
  ];
}

export class FakeStatusReader implements ReleaseStatusReader {
  readonly docs = new Map<string, Record<string, unknown>>();
  failWith: Error | undefined;
  async get(release: string) {
    if (this.failWith) throw this.failWith;
    const state = this.docs.get(release);
    return state ? { state, location: `memory:${release}` } : null;
  }
}

export interface Harness {
  url: string;
  engine: Engine;
  store: SqliteTestStore;
  statebox: MemoryStateBox;
  reader: FakeStatusReader;
  effects: Effects;
  gates: Map<string, ReturnType<typeof gate>>;
  handler: McpHttpHandler;
  buildData: BuildDataServer;
  /** Everything the engine logged, as text. */
  logText(): string;
  /** Resolves when no HTTP response is open any more (the MCP handler has seen every close). */
  allResponsesClosed(): Promise<void>;
  connect(token?: string, opts?: { authorization?: string }): Promise<Client>;
  close(): Promise<void>;
}

export async function startHarness(opts: { tokens?: string; extraCommands?: AnyCommand[]; env?: Record<string, string> } = {}): Promise<Harness> {
  const buildData = await startBuildDataServer({ gitlabUrl: 'https://gitlab.example.com' });
  const dir = mkdtempSync(join(tmpdir(), 'oar-mcp-'));
  const configFile = await writeDemoConfigFile(join(dir, 'configstore.json'), { buildDataTemplate: buildData.template });
  const config = testConfig({ OAR_JWK: DEMO_JWK, OAR_CONFIG_FILE: configFile, OAR_BUILD_DATA_URL: buildData.template, OAR_MCP_TOKENS: opts.tokens ?? TOKENS_ENV, ...opts.env });
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    }),
  });
  const store = await openTestStore();
  const statebox = new MemoryStateBox();
  const effects: Effects = { owner: [], pushes: [], notifications: 0 };
  const gates = new Map<string, ReturnType<typeof gate>>();
  const auth = new McpAuthorizer(config.OAR_MCP_TOKENS);
  const engine = await createEngine({
    frontEnd: 'test',
    config,
    logger,
    registry: createRegistry([...testCommands(effects, gates), ...(opts.extraCommands ?? [])]),
    store,
    stateboxPort: statebox,
    authorizer: new RoleResolver({ mcp: auth.clients }),
  });
  const reader = new FakeStatusReader();
  const handler = createMcpHttpHandler({ engine, auth, statusReader: reader });
  let open = 0;
  let onAllClosed: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    open += 1;
    const handled = handler(req, res);
    // Registered after the handler's own close listener, so it runs once the handler has reacted.
    res.once('close', () => {
      open -= 1;
      if (open === 0) onAllClosed?.();
    });
    handled
      .then((handled) => {
        if (!handled) res.writeHead(404).end('not found');
      })
      .catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: Client[] = [];
  return {
    url,
    engine,
    store,
    statebox,
    reader,
    effects,
    gates,
    handler,
    buildData,
    logText: () => logLines.join(''),
    allResponsesClosed: () =>
      open === 0
        ? Promise.resolve()
        : new Promise<void>((r) => {
            onAllClosed = r;
          }),
    async connect(token, o = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (o.authorization !== undefined) headers.authorization = o.authorization;
      const client = new Client({ name: 'oar-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await buildData.stop();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
