/**
 * The tool catalogue: one tool per registered command plus the original's API tools, built
 * once from the registry. Each tool carries its input schema (the command's zod options with
 * snake_case argument names, plus `release` per the command's scope and `confirm` when the
 * command can be critical), its annotations from the command's safety, and a description made
 * of the summary, description and examples.
 */
import { z } from 'zod';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { kebab } from '../commands/options.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { AnyCommand, ReleaseScope, Safety } from '../commands/types.ts';
import type { ApiCommand } from './api-commands.ts';
import { maxSafety } from './safety.ts';

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  command: AnyCommand;
  /** `command`: result is the RunResult; `api`: result is the command's data (the original's JSON). */
  output: 'command' | 'api';
  /** `registry`: a registered command; `mcp`: an MCP-only API command. */
  source: 'registry' | 'mcp';
  /** The command's most dangerous mode. */
  safety: Safety;
  inputSchema: z.ZodObject;
  annotations: ToolAnnotations;
  /** Tool argument name → the command's option key. */
  argToOption: ReadonlyMap<string, string>;
}

export class McpCatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpCatalogError';
  }
}

/**
 * Commands the original exposed as API tools: their name differs from `<group>_<name>` and
 * their result is the command's data (the original's JSON) rather than the whole RunResult.
 */
const API_SHAPED_COMMANDS: Readonly<Record<string, string>> = {
  'is-release-shipped': 'oar_is_release_shipped',
  // Blocker management (issue 19): the original's issue tools.
  'add-issue': 'oar_add_issue',
  'resolve-issue': 'oar_resolve_issue',
  issues: 'oar_get_issues',
};

/** Tool argument names that differ from the snake_case option key (the original's names). */
const API_ARG_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  issues: { task: 'task_name' },
};

/**
 * Registered commands whose tool keeps the original's name although it is not `<group>_<name>`:
 * `jobctl run` was the original `job run` CLI, exposed as `job_run`.
 */
const ORIGINAL_TOOL_NAMES: Readonly<Record<string, string>> = {
  run: 'job_run',
};

/**
 * Tool argument defaults that differ from the command line's, because the original's MCP tool
 * had them: `oar_check_cve_tracker_bug` notifies only when asked (`notify: false`), while
 * `oar check-cve-tracker-bug` notifies unless `--no-notify`.
 */
const ORIGINAL_ARG_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'check-cve-tracker-bug': { notify: false },
};

export function snakeCase(key: string): string {
  return kebab(key).replace(/-/g, '_');
}

/** `take-ownership` (oar) → `oar_take_ownership`; `jira-notificator` (oarctl) → `oarctl_jira_notificator`. */
export function toolNameOf(def: AnyCommand): string {
  return API_SHAPED_COMMANDS[def.name] ?? ORIGINAL_TOOL_NAMES[def.name] ?? `${def.group}_${snakeCase(def.cliName ?? def.name)}`;
}

const RELEASE_ARG: Record<Exclude<ReleaseScope, 'none'>, () => z.ZodType> = {
  zstream: () => z.string().describe('The z-stream release, e.g. 4.19.1 (or a pre-release such as 4.18.0-rc.8)'),
  ystream: () => z.string().describe('The y-stream X.Y, e.g. 4.19'),
  'optional-ystream': () => z.string().optional().describe('The y-stream X.Y, e.g. 4.19; omit for all'),
};

const CONFIRM_ARG = () =>
  z
    .boolean()
    .optional()
    .describe('Set to true to make the change. Without it nothing is changed and the result is the plan of what would change.');

const SAFETY_TEXT: Record<Safety, string> = {
  read: 'Read-only.',
  write: 'Changes state: needs a token with the write role.',
  critical:
    'CRITICAL (affects the production release): needs a token with the critical role. Without "confirm": true it changes ' +
    'nothing and returns the plan of what it would change; call it again with "confirm": true to run it.',
};

function describeTool(def: AnyCommand, safety: Safety, output: ToolSpec['output'], source: ToolSpec['source']): string {
  const lines = [`${def.summary}${def.legacy ? ' (legacy command)' : ''}`];
  if (def.description) lines.push('', def.description);
  lines.push('');
  if (typeof def.safety === 'function' && safety !== 'read') lines.push(`Safety depends on the arguments; the most dangerous mode: ${SAFETY_TEXT[safety]}`);
  else lines.push(SAFETY_TEXT[safety]);
  if (def.task) lines.push(`Records the StateBox task ${def.task} (In Progress while running, then Pass or Fail).`);
  if (def.longRunning) lines.push('Long-running: the call returns once the work has started; the result reports how to check on it later.');
  if (output === 'command') lines.push('Returns the outcome as structured content (kind, outcome with status/summary/sections/links/data, log) and as text.');
  else lines.push('Returns a JSON object as structured content and as text; when the call is refused (role, lock) the runner\'s result instead.');
  if (def.examples.length) lines.push('', source === 'registry' ? 'Command-line equivalents:' : 'Related commands:', ...def.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function annotationsFor(def: AnyCommand, title: string, safety: Safety, source: ToolSpec['source']): ToolAnnotations {
  return {
    title,
    readOnlyHint: safety === 'read',
    destructiveHint: safety === 'critical',
    // Commands talk to Errata, Jira, GitLab, Prow...; the cache tools stay inside oar-bot.
    openWorldHint: !(source === 'mcp' && def.scope === 'none'),
  };
}

export function buildToolSpec(def: AnyCommand, opts: { name?: string; output?: ToolSpec['output']; source?: ToolSpec['source'] } = {}): ToolSpec {
  const name = opts.name ?? toolNameOf(def);
  const output = opts.output ?? (def.name in API_SHAPED_COMMANDS ? 'api' : 'command');
  const source = opts.source ?? 'registry';
  // MCP-only commands have no command-line spelling; their tool name is their title.
  const title = source === 'registry' ? `${def.group} ${def.cliName ?? def.name}` : name;
  const safety = maxSafety(def);
  const shape: Record<string, z.ZodType> = {};
  const argToOption = new Map<string, string>();
  if (def.scope !== 'none') shape.release = RELEASE_ARG[def.scope]();
  for (const [key, schema] of Object.entries(def.options.shape as Record<string, z.ZodType>)) {
    const arg = API_ARG_NAMES[def.name]?.[key] ?? snakeCase(key);
    if (arg in shape || arg === 'confirm') {
      throw new McpCatalogError(`command ${def.name}: option ${key} clashes with the tool argument ${arg}`);
    }
    const dflt = ORIGINAL_ARG_DEFAULTS[def.name]?.[key];
    shape[arg] = dflt === undefined ? schema : (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).default(dflt as never).describe(schema.description ?? '');
    argToOption.set(arg, key);
  }
  if (safety === 'critical') shape.confirm = CONFIRM_ARG();
  const inputSchema = z.strictObject(shape);
  try {
    // The SDK converts the same way on tools/list; failing here names the command at startup.
    z.toJSONSchema(inputSchema, { io: 'input' });
  } catch (e) {
    throw new McpCatalogError(`command ${def.name}: its options cannot be described as JSON Schema for MCP (${e instanceof Error ? e.message : String(e)})`);
  }
  return {
    name,
    title,
    description: describeTool(def, safety, output, source),
    command: def,
    output,
    source,
    safety,
    inputSchema,
    annotations: annotationsFor(def, title, safety, source),
    argToOption,
  };
}

export interface ToolCatalog {
  readonly tools: readonly ToolSpec[];
  get(name: string): ToolSpec | undefined;
  /** For /health: how many tools, split into registered commands and MCP-only API tools. */
  counts(): { total: number; command: number; api: number };
}

/** Every registered command as a tool, then the API tools (stand-ins only for commands the registry lacks). */
export function buildToolCatalog(registry: CommandRegistry, api: readonly ApiCommand[]): ToolCatalog {
  const tools: ToolSpec[] = [];
  const byName = new Map<string, ToolSpec>();
  const add = (spec: ToolSpec) => {
    if (byName.has(spec.name)) throw new McpCatalogError(`two commands map to the MCP tool name ${spec.name}`);
    byName.set(spec.name, spec);
    tools.push(spec);
  };
  for (const def of registry.list()) add(buildToolSpec(def));
  for (const a of api) {
    // A stand-in (is-release-shipped) gives way to the real command when the registry has it.
    if (a.standInFor && registry.has(a.standInFor)) continue;
    add(buildToolSpec(a.command, { name: a.toolName, output: 'api', source: 'mcp' }));
  }
  return {
    tools,
    get: (name) => byName.get(name),
    counts: () => {
      const api = tools.filter((t) => t.source === 'mcp').length;
      return { total: tools.length, command: tools.length - api, api };
    },
  };
}
