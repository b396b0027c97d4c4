/**
 * Terminal help for `oar`, `oarctl` and `jobctl`: the registry's command list plus the terminal-only
 * entries (services, completion), hints that name the CLI they are printed by, global options that
 * exist for that CLI, and text wrapped to the terminal width. Light: no engine, no integration.
 */
import { commandHelp, registryHelp } from '../commands/registry.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { CommandGroup } from '../commands/types.ts';

/** Commands the terminal has beyond the registry's (they are not Slack or MCP commands). */
export interface TerminalCommand {
  name: string;
  group: CommandGroup | 'all';
  summary: string;
  /** The help text, or its loader (a command whose text lives with its job is imported only for its help). */
  help: string | (() => Promise<string>);
  hidden?: boolean;
}

export const TERMINAL_COMMANDS: readonly TerminalCommand[] = [
  {
    name: 'mcp',
    group: 'oarctl',
    summary: 'Serve every command as an MCP tool over stdio (run until stdin closes)',
    help: [
      'mcp — serve every command as an MCP tool over stdio',
      '',
      'Usage: oarctl mcp --stdio',
      '',
      'stdout carries the MCP protocol; logs go to stderr. The HTTP transport is served by the bot itself at /mcp (see docs/mcp.md).',
      '',
      'Examples:',
      '  oarctl mcp --stdio',
    ].join('\n'),
  },
  {
    name: 'cki-notifier',
    group: 'oarctl',
    summary: 'CKI notifier: consume DataWarehouse messages from RabbitMQ, or send the message of one checkout',
    help: async () => `cki-notifier — the CKI notifier (docs/cki-notifier.md)\n\n${(await import('../jobs/cki-notifier/usage.ts')).CKI_NOTIFIER_USAGE.trimEnd()}`,
  },
  {
    name: 'completion',
    group: 'all',
    summary: 'Print a shell completion script: completion bash|zsh|fish',
    help: [
      'completion — print a shell completion script (commands, options, active releases)',
      '',
      'Usage: <cli> completion bash|zsh|fish',
      '',
      'The script completes oar, oarctl and jobctl. Releases are fetched when you press Tab (from the StateBox backend, with a short timeout).',
      '',
      'Examples:',
      '  source <(npx oar completion bash)            # bash, this shell',
      '  npx oar completion zsh > "${fpath[1]}/_oar"   # zsh',
      '  npx oar completion fish > ~/.config/fish/completions/oar.fish',
    ].join('\n'),
  },
];

export function terminalCommand(group: CommandGroup, name: string | undefined): TerminalCommand | undefined {
  return TERMINAL_COMMANDS.find((c) => c.name === name && (c.group === group || c.group === 'all'));
}

/** `oar help mcp` explains `oarctl mcp` (its help names the CLI that runs it). */
function anyTerminalCommand(group: CommandGroup, name: string): TerminalCommand | undefined {
  return terminalCommand(group, name) ?? TERMINAL_COMMANDS.find((c) => c.name === name);
}

export function terminalCommandsOf(group: CommandGroup): TerminalCommand[] {
  return TERMINAL_COMMANDS.filter((c) => !c.hidden && (c.group === group || c.group === 'all'));
}

const TITLES: Record<CommandGroup, string> = {
  oar: 'oar — OpenShift z-stream release QE operations (oar-bot)',
  oarctl: 'oarctl — oar-bot controller commands and services',
  jobctl: 'jobctl — oar-bot Prow job commands',
};

/** `<cli> help`: the commands of this CLI (oar lists every group), terminal commands, global options. */
export function cliHelp(group: CommandGroup, registry: CommandRegistry): string {
  const defs = registry.list().filter((d) => d.name !== 'help' && (group === 'oar' || d.group === group));
  const list = registryHelp(defs, { title: `${TITLES[group]}\n\nUsage: ${group}${group === 'oar' ? ' [-r <release>]' : ''} <command> [options]`, footer: '' }).trimEnd();
  const extra = terminalCommandsOf(group);
  const lines = [list, '', group === 'oarctl' ? 'Services and terminal commands' : 'Terminal commands'];
  for (const c of extra) lines.push(`  ${c.name.padEnd(28)} ${''.padEnd(11)} ${c.summary}`);
  const critical = defs.some((d) => d.safety === 'critical');
  lines.push(
    '',
    'Global options:',
    `  -r, --release <release>      the release (${group === 'oar' ? 'z-stream, e.g. 4.19.1' : 'y-stream, e.g. 4.19'})`,
    '  -v, --debug                  debug logs and stack traces on stderr',
    '  -V, --version                print the version',
    '  -h, --help                   help (also: help <command>)',
    '  --playground                 use the local playground started by `npm start` in this directory (same simulated world and store)',
  );
  if (critical) {
    lines.push('  -y, --yes                    confirm critical commands without the prompt');
    lines.push('  --no-wait                    do not wait for a second-person approval: print its id, exit 3');
  }
  lines.push('  --wait                       follow long-running work (CDN push, Prow, Jenkins, approval) to its end here');
  lines.push('', `Run \`${group} help <command>\` (or \`${group} <command> --help\`) for options and examples.`);
  return lines.join('\n');
}

/** `<cli> help <command>`: a registry command or a terminal command. */
export async function topicHelp(group: CommandGroup, registry: CommandRegistry, topic: string): Promise<string | undefined> {
  const t = anyTerminalCommand(group, topic);
  if (t) return (typeof t.help === 'string' ? t.help : await t.help()).replaceAll('<cli>', group);
  const def = registry.get(topic);
  return def ? commandHelp(def) : undefined;
}

/** The terminal's width for help text: the TTY's columns, else 80; never narrower than 40. */
export function helpWidth(columns: number | undefined): number {
  return Math.max(40, columns && columns > 0 ? columns : 80);
}

/**
 * Wrap each line to `width`, continuing under the column where its text starts: after a run of
 * two or more spaces (the description column of a list) or, failing that, the line's indentation.
 * Words longer than a line (URLs, job names) are kept whole.
 */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

/** Example command lines stay whole so that they can be copied. */
const COMMAND_LINE = /^\s+(?:e\.g\. )?(?:oar|oarctl|jobctl|\/oar|@oar-bot|npx|source) /;

function wrapLine(line: string, width: number): string[] {
  if (line.length <= width || COMMAND_LINE.test(line)) return [line];
  const lead = /^ */.exec(line)![0].length;
  let hang = lead;
  const gap = /\S( {2,})\S/g;
  let m: RegExpExecArray | null;
  while ((m = gap.exec(line)) !== null) {
    const col = m.index + 1 + m[1]!.length;
    if (col > width - 24) break;
    hang = col;
  }
  const out: string[] = [];
  // The part before the hang column stays as it is (name and safety columns).
  let current = line.slice(0, hang);
  const pad = ' '.repeat(hang);
  const words = line.slice(hang).split(/(?<= )(?=\S)/);
  for (const w of words) {
    const candidate = current + w;
    if (candidate.trimEnd().length > width && current.trim().length > 0 && current.length > hang) {
      out.push(current.trimEnd());
      current = pad + w;
    } else current = candidate;
  }
  out.push(current.trimEnd());
  return out;
}
