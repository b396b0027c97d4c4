/**
 * Streamable HTTP transport at /mcp, mounted on the bot's node:http server.
 *
 * Stateless (the SDK's recommendation for API-style servers with many clients): every POST gets
 * its own McpServer and transport, bound to the client its bearer token identifies. Nothing is
 * kept between requests, so any replica can answer any request and concurrent clients never
 * share state; per-release locks live in the store and are taken by the runner.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpAuthorizer } from './auth.ts';
import { createMcpRuntime, createMcpServer, type McpDeps, type McpRuntime } from './server.ts';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 1024 * 1024;

export interface McpHttpDeps extends McpDeps {
  /** Token → client; must be the same instance the engine's runner uses as its Authorizer. */
  auth: McpAuthorizer;
  path?: string;
}

export type McpHttpHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & { runtime: McpRuntime };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/** Returns a request handler that answers /mcp and returns false for every other path. */
export function createMcpHttpHandler(deps: McpHttpDeps): McpHttpHandler {
  const runtime = createMcpRuntime(deps);
  const path = deps.path ?? MCP_PATH;
  const { logger } = runtime;

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path && pathname !== `${path}/`) return false;

    if (req.method !== 'POST') {
      // Stateless: no standalone SSE stream (GET) and no session to delete (DELETE).
      sendJson(res, 405, rpcError(-32000, 'Method not allowed: this MCP endpoint is stateless; use POST'), { allow: 'POST' });
      return true;
    }

    const auth = deps.auth.authenticate(req.headers.authorization);
    if (!auth.ok) {
      logger.warn({ remote: req.socket.remoteAddress, reason: auth.reason }, 'MCP request rejected: invalid credentials');
      sendJson(res, 401, rpcError(-32001, `Unauthorized: ${auth.reason}. Use "Authorization: Bearer <token>" with a token from OAR_MCP_TOKENS, or no header for read-only access.`), {
        'www-authenticate': 'Bearer realm="oar-bot", error="invalid_token"',
      });
      return true;
    }

    const server = createMcpServer(runtime, auth.client);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: MAX_BODY_BYTES });
    res.on('close', () => {
      transport.close().catch((e: unknown) => logger.debug({ err: e }, 'MCP transport close failed'));
      server.close().catch((e: unknown) => logger.debug({ err: e }, 'MCP server close failed'));
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (e) {
      logger.error({ err: e, client: auth.client.name }, 'MCP request failed');
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, 'Internal server error'));
      else res.end();
    }
    return true;
  };
  return Object.assign(handler, { runtime });
}
