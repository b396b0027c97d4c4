/**
 * One tool call: arguments → RunRequest → runner → CallToolResult. Authorization,
 * confirmation, locks and audit all happen in the runner; this module only translates.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { renderResult } from '../blocks/text.ts';
import { userMessageOf } from '../commands/errors.ts';
import type { RunRequest, RunResult, Runner } from '../commands/runner.ts';
import { scopedRelease } from '../commands/release-scope.ts';
import type { ReleaseScope } from '../commands/types.ts';
import type { Logger } from '../log.ts';
import { mcpActor } from './auth.ts';
import type { ToolSpec } from './catalog.ts';

export interface ToolCallContext {
  runner: Pick<Runner, 'execute'>;
  logger: Logger;
}

export interface ToolCallOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export class ToolArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolArgumentError';
  }
}

/** The release argument, validated and normalised per the command's scope ('' when none). */
export function releaseArgument(scope: ReleaseScope, value: unknown): string {
  const r = scopedRelease(scope, value);
  if ('missing' in r) throw new ToolArgumentError(r.missing === 'zstream' ? 'release is required: a z-stream release such as 4.19.1' : 'release is required: a y-stream such as 4.19');
  // A tool whose command takes no release has no release argument in its schema: one given is ignored.
  return 'release' in r ? r.release : '';
}

/** Dates become ISO strings, undefined disappears: what a JSON client will see. */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

export function toCallToolResult(spec: ToolSpec, result: RunResult): CallToolResult {
  const isError = result.kind === 'done' ? result.outcome.status === 'fail' : result.kind === 'needs-confirmation' ? Boolean(result.plan.refused) : result.kind !== 'pending-approval';
  if (spec.output === 'api' && result.kind === 'done') {
    const data = toJson(result.outcome.data);
    if (isRecord(data)) return { content: [{ type: 'text', text: JSON.stringify(data, null, 2) }], structuredContent: data, isError };
  }
  const structured = toJson(result) as Record<string, unknown>;
  let text = renderResult(result);
  if (result.kind === 'needs-confirmation' && !result.plan.empty) {
    text += `\n\nNothing was changed. Call ${spec.name} again with "confirm": true to run it.`;
  }
  if (result.kind === 'pending-approval') {
    text += `\n\nNothing was changed yet. Follow it with oar_get_approval {"approval_id": "${result.approval.id}", "wait_seconds": 60}.`;
  }
  // The JSON block too: clients that ignore structuredContent still get the data (MCP spec advice).
  return {
    content: [
      { type: 'text', text },
      { type: 'text', text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
    isError,
  };
}

export async function callTool(
  spec: ToolSpec,
  args: Record<string, unknown>,
  client: { name: string },
  ctx: ToolCallContext,
  opts: ToolCallOptions = {},
): Promise<CallToolResult> {
  let release: string;
  try {
    release = releaseArgument(spec.command.scope, args.release);
  } catch (e) {
    return errorResult(`${spec.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const options: Record<string, unknown> = {};
  for (const [arg, key] of spec.argToOption) if (args[arg] !== undefined) options[key] = args[arg];
  const request: RunRequest = {
    command: spec.command,
    release,
    options,
    actor: mcpActor(client),
    // A unique id per call: the runner runs one confirmation once.
    confirmation: args.confirm === true ? { id: `mcp-${randomUUID()}` } : undefined,
    // A client that gives up (timeout, cancel, disconnect) stops only read-only work: a write
    // interrupted half-way would leave the release half-changed, so it runs to completion and
    // its result still reaches StateBox and the audit log (the runner's timeout bounds it).
    signal: spec.safety === 'read' ? opts.signal : undefined,
    progress: opts.progress,
    text: `${spec.name}${release ? ` ${release}` : ''}`,
  };
  let result: RunResult;
  try {
    result = await ctx.runner.execute(request);
  } catch (e) {
    // Option validation errors and store outages arrive here; both have user-facing messages.
    const message = userMessageOf(e);
    if (message.startsWith('unexpected error')) ctx.logger.error({ err: e, tool: spec.name, client: client.name, release }, 'MCP tool call failed');
    return errorResult(`${spec.name}: ${message}`);
  }
  ctx.logger.info({ tool: spec.name, client: client.name, release, result: result.kind, correlationId: result.correlationId }, 'MCP tool call');
  return toCallToolResult(spec, result);
}
