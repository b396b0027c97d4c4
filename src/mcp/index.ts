/** MCP front end: every OAR command as a tool for AI agents (docs/mcp.md). */
export { McpAuthorizer, createMcpAuthorizer, McpTokenError, parseMcpTokens, mcpActor, ANONYMOUS_CLIENT, type McpClient, type McpIdentity } from './auth.ts';
export { createMcpHttpHandler, MCP_PATH, type McpHttpDeps, type McpHttpHandler } from './http.ts';
export { runMcpStdio, type McpStdioDeps, type McpStdioHandle } from './stdio.ts';
export { createMcpRuntime, createMcpServer, MCP_SERVER_NAME, type McpDeps, type McpRuntime } from './server.ts';
export { buildToolCatalog, toolNameOf, McpCatalogError, type ToolCatalog, type ToolSpec } from './catalog.ts';
export type { ReleaseStatusReader } from '../commands/ports.ts';
