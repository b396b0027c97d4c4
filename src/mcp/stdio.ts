/**
 * stdio transport for `oarctl mcp --stdio`: one local client on stdin/stdout. Logs go to
 * stderr (the logger's default), never stdout, which carries the protocol.
 *
 * The caller's role comes from the engine's Authorizer for the actor `mcp:<clientName>`; the
 * terminal engine grants what the local user may do with their own credentials, and critical
 * tools still change nothing without "confirm": true.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpRuntime, createMcpServer, type McpDeps } from './server.ts';

export interface McpStdioDeps extends McpDeps {
  /** Audited as `mcp:<clientName>`; e.g. `stdio-<user>`. Default `stdio`. */
  clientName?: string;
  stdin?: Readable;
  stdout?: Writable;
}

export interface McpStdioHandle {
  /** Resolves when the client disconnects (stdin ends) or close() is called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runMcpStdio(deps: McpStdioDeps): Promise<McpStdioHandle> {
  const runtime = createMcpRuntime(deps);
  const server = createMcpServer(runtime, { name: deps.clientName ?? 'stdio' });
  const stdin = deps.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, deps.stdout);
  // Set before connect(): the SDK chains a handler that was already there.
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  // The SDK's stdio transport does not notice when stdin ends; the client is gone then.
  const onEnd = () => {
    server.close().catch((e: unknown) => runtime.logger.error({ err: e }, 'MCP stdio close failed'));
  };
  stdin.once('end', onEnd);
  await server.connect(transport);
  runtime.logger.info({ tools: runtime.catalog.counts() }, 'MCP server listening on stdio');
  return {
    closed,
    async close() {
      stdin.off('end', onEnd);
      await server.close();
    },
  };
}
