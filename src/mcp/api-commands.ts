/**
 * The original MCP server's API tools (agents.md 9.4): which command (src/commands/mcp-tools.ts,
 * get-task-blocker) answers to which tool name, in the original's order. The commands run through
 * the runner like every other tool call.
 */
import { commandOf } from '../commands/index.ts';
import { getTaskBlocker } from '../commands/get-task-blocker.ts';
import type { AnyCommand } from '../commands/types.ts';
import {
  cacheInvalidate,
  cacheStats,
  cacheWarm,
  discoverActiveReleases,
  getApproval,
  getReleaseMetadata,
  getReleaseStatus,
  isReleaseShippedUnavailable,
  updateTaskStatus,
  type ApiCommandDeps,
} from '../commands/mcp-tools.ts';

/** An MCP-only command and the tool name the original server gave it. */
export interface ApiCommand {
  toolName: string;
  command: AnyCommand;
  /** Registered only when the registry lacks this command (whose generated tool has the same name). */
  standInFor?: string;
}

/** The API tools in the original's order. */
export function apiCommands(deps: ApiCommandDeps): ApiCommand[] {
  return [
    { toolName: 'oar_get_release_metadata', command: getReleaseMetadata() },
    { toolName: 'oar_is_release_shipped', command: isReleaseShippedUnavailable(), standInFor: 'is-release-shipped' },
    { toolName: 'oar_get_release_status', command: getReleaseStatus(deps.statusReader) },
    { toolName: 'oar_update_task_status', command: updateTaskStatus(deps.statusReader, deps.taskSafety) },
    { toolName: 'discover_active_releases', command: discoverActiveReleases() },
    { toolName: 'oar_get_approval', command: getApproval(deps.approvals ?? (() => undefined)) },
    { toolName: 'mcp_cache_stats', command: cacheStats(deps) },
    { toolName: 'mcp_cache_invalidate', command: cacheInvalidate(deps) },
    { toolName: 'mcp_cache_warm', command: cacheWarm(deps) },
    { toolName: 'oar_get_task_blocker', command: commandOf(getTaskBlocker) },
  ];
}
