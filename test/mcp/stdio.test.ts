import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
// The SDK's stdio transport is a plain newline-delimited JSON-RPC pipe; used here as the client end.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createRegistry } from '../../src/commands/index.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { TERMINAL_AUTHORIZER } from '../../src/commands/runner.ts';
import { testConfig } from '../../src/config/env.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { silentLogger } from '../../src/log.ts';
import { runMcpStdio, type McpStdioHandle } from '../../src/mcp/stdio.ts';
import { openTestStore } from '../helpers/store.ts';
import { FakeStatusReader, testCommands, type Effects } from './harness.ts';

let handle: McpStdioHandle | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await handle?.close();
  await engine?.close();
});

describe('runMcpStdio', () => {
  it('serves the same tools over stdio, as the terminal user, with confirm still required', async () => {
    const effects: Effects = { owner: [], pushes: [], notifications: 0 };
    const store = await openTestStore();
    engine = await createEngine({
      frontEnd: 'test',
      config: testConfig(),
      logger: silentLogger,
      registry: createRegistry(testCommands(effects, new Map())),
      store,
      stateboxPort: new MemoryStateBox(),
      authorizer: TERMINAL_AUTHORIZER,
    });
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    handle = await runMcpStdio({ engine, statusReader: new FakeStatusReader(), clientName: 'stdio-alice', stdin: toServer, stdout: toClient });

    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(new StdioServerTransport(toClient, toServer));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('oar_push_to_cdn_staging');

    const plan = await client.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1' } });
    expect(plan.structuredContent).toMatchObject({ kind: 'needs-confirmation' });
    expect(effects.pushes).toEqual([]);
    const done = await client.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } });
    expect(done.structuredContent).toMatchObject({ kind: 'done' });
    expect(effects.pushes).toEqual(['4.19.1']);
    expect((await store.queryAudit({ event: 'run' })).map((a) => a.actorId)).toEqual(['mcp:stdio-alice']);

    // The client going away (stdin ends) closes the server.
    toServer.end();
    await handle.closed;
    await client.close();
  });
});
