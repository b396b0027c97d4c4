/**
 * The MCP runtime shared by the HTTP and stdio transports: the tool catalogue built once from
 * the engine's registry, and a factory for an McpServer bound to one client identity. The HTTP
 * transport is stateless, so it builds one (cheap) server per request.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Engine } from '../commands/engine-port.ts';
import type { Logger } from '../log.ts';
import pkg from '../../package.json' with { type: 'json' };
import { apiCommands } from './api-commands.ts';
import { callTool, type ToolCallContext } from './call.ts';
import { buildToolCatalog, type ToolCatalog } from './catalog.ts';
import { maxSafety } from './safety.ts';
import type { ReleaseStatusReader } from '../commands/ports.ts';

export const MCP_SERVER_NAME = 'oar-bot';

export interface McpDeps {
  engine: Pick<Engine, 'logger' | 'registry' | 'runner' | 'configStores'>;
  /** StateBox reads for oar_get_release_status and oar_update_task_status (the StateBox service). */
  statusReader: ReleaseStatusReader;
}

export interface McpRuntime {
  catalog: ToolCatalog;
  ctx: ToolCallContext;
  logger: Logger;
}

export function createMcpRuntime(deps: McpDeps): McpRuntime {
  const logger = deps.engine.logger.child({ component: 'mcp' });
  const taskSafety = (task: string) => {
    const owner = deps.engine.registry.list().find((d) => d.task === task);
    return owner ? maxSafety(owner) : undefined;
  };
  const catalog = buildToolCatalog(
    deps.engine.registry,
    apiCommands({ configStores: deps.engine.configStores, statusReader: deps.statusReader, taskSafety, approvals: () => deps.engine.runner.approvals }),
  );
  return { catalog, ctx: { runner: deps.engine.runner, logger }, logger };
}

const INSTRUCTIONS = [
  'oar-bot runs OpenShift z-stream release QE operations (OAR). Tool names follow the command line:',
  'oar_<command> for `oar -r <release> <command>`, oarctl_<command> and jobctl_<command> for the controllers.',
  'Read-only tools can be called freely. Critical tools change nothing unless called with "confirm": true;',
  'call them first without it to see the plan, and confirm only what the user asked for.',
  'A confirmed command that needs a second person returns kind "pending-approval": a person approves it in Slack;',
  'follow it with oar_get_approval (approval_id, wait_seconds).',
].join(' ');

/** An McpServer whose every tool call runs as the actor `mcp:<client.name>`. */
export function createMcpServer(runtime: McpRuntime, client: { name: string }): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: pkg.version }, { instructions: INSTRUCTIONS });
  for (const spec of runtime.catalog.tools) {
    server.registerTool(
      spec.name,
      { title: spec.title, description: spec.description, inputSchema: spec.inputSchema, annotations: spec.annotations },
      async (args, extra) => {
        const token = extra._meta?.progressToken;
        let step = 0;
        const progress =
          token === undefined
            ? undefined
            : (message: string) => {
                step += 1;
                extra
                  .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, message } })
                  .catch((e: unknown) => runtime.logger.debug({ err: e, tool: spec.name }, 'progress notification not delivered'));
              };
        return callTool(spec, args as Record<string, unknown>, client, runtime.ctx, { signal: extra.signal, progress });
      },
    );
  }
  return server;
}
