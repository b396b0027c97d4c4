/**
 * One parser for every spelling of a command:
 *   /oar 4.19.1 take-ownership -e a@b.c        (slash command text)
 *   oar -r 4.19.1 take-ownership -e a@b.c      (message, terminal)
 *   <@U123> oar --release 4.19.1 ...           (mention)
 *   oarctl jira-notificator --dry-run
 * Words are split with POSIX shell-word rules (quotes work); shell metacharacters are plain
 * text because nothing ever reaches a shell. A command outside the registry is an error.
 */
import { split } from 'shlex';
import { ReleaseFormatError } from '../release/version.ts';
import { echo, stripUnsafe } from '../echo.ts';
import { type FlagSpec, OptionError, parseOptions, repeatedFlag, repeatedOptionMessage } from './options.ts';
import { scopedRelease, type ScopedRelease } from './release-scope.ts';
import { normalizeSlackText } from './slack-text.ts';
import { loadYargsParser } from './on-demand.ts';
import { cliNameOf, type CommandRegistry } from './registry.ts';
import type { AnyCommand, CommandGroup } from './types.ts';

export { normalizeSlackText };

export class ParseError extends Error {
  readonly suggestions: string[];
  readonly helpTopic: string | undefined;
  constructor(message: string, opts: { suggestions?: string[]; helpTopic?: string } = {}) {
    // Messages quote the user's input; no control or bidi character of it reaches the reader.
    super(stripUnsafe(message));
    this.name = 'ParseError';
    this.suggestions = opts.suggestions ?? [];
    this.helpTopic = opts.helpTopic;
  }
}

export type Parsed =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | {
      kind: 'command';
      group: CommandGroup;
      command: AnyCommand;
      /** Validated z-stream release, y-stream, or '' per the command's scope. */
      release: string;
      options: Record<string, unknown>;
      debug: boolean;
      /** Normalised text of the command line, for logs and audit. */
      text: string;
    };

/**
 * Longest command text accepted, checked on the raw text before any other work: Slack's
 * escaping only ever shortens when undone, so the normalised text is within the limit too.
 */
export const MAX_INPUT_LENGTH = 4000;
const GROUPS: readonly CommandGroup[] = ['oar', 'oarctl', 'jobctl'];

/** POSIX shell words, with the original's error texts. */
export function tokenize(text: string): string[] {
  checkLength(text);
  if (text.includes('\0')) throw new ParseError('Invalid command syntax: NUL character');
  try {
    return split(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/quot/i.test(msg)) throw new ParseError('Invalid command syntax: No closing quotation');
    if (/escape/i.test(msg)) throw new ParseError('Invalid command syntax: No escaped character');
    throw new ParseError(`Invalid command syntax: ${msg}`);
  }
}

function checkLength(text: string): void {
  if (text.length > MAX_INPUT_LENGTH) throw new ParseError(`command is too long (${text.length} characters; at most ${MAX_INPUT_LENGTH})`);
}

/** A message is oar-related when it starts with oar/oarctl/jobctl, or with a mention followed by one. */
export function extractCommandText(message: string): string | undefined {
  const text = message.trim();
  if (/^(oar|oarctl|jobctl)(\s|$)/.test(text)) return text;
  const m = /^<@[^>]+>\s+((?:oar|oarctl|jobctl)(?:\s[\s\S]*)?)$/.exec(text);
  return m ? m[1]!.trim() : undefined;
}

export class CommandParser {
  private readonly registry: CommandRegistry;

  constructor(registry: CommandRegistry) {
    this.registry = registry;
  }

  /** A chat message or a typed command line: `oar -r 4.19.1 take-ownership -e x`. */
  parseLine(text: string): Parsed {
    checkLength(text);
    const normalized = normalizeSlackText(text);
    const commandText = extractCommandText(normalized);
    if (commandText === undefined) throw new ParseError('Could not extract OAR command from message: it must start with oar, oarctl or jobctl');
    const tokens = tokenize(commandText);
    const group = tokens[0] as CommandGroup;
    if (!GROUPS.includes(group)) throw new ParseError(`Command must start with 'oar', 'oarctl' or 'jobctl', got: ${echo(tokens[0] ?? '')}`);
    return this.parseArgv(group, tokens.slice(1));
  }

  /**
   * Slash command text (after `/oar`): `4.19.1 take-ownership -e x`, `4.19.1`, `help [cmd]`,
   * `jobs run jira-notificator --dry-run`, or any `oar -r ...` line.
   */
  parseSlash(text: string): Parsed {
    checkLength(text);
    const normalized = normalizeSlackText(text).trim();
    if (normalized === '') return { kind: 'help' };
    if (extractCommandText(normalized) !== undefined) return this.parseLine(normalized);
    const tokens = tokenize(normalized);
    const first = tokens[0]!;
    if (first.startsWith('-')) return this.parseArgv('oar', tokens);
    if (/^\d/.test(first)) {
      // `/oar <release> [command] [options]`
      const rest = tokens.slice(1);
      if (rest.length === 0 || rest[0]!.startsWith('-')) return this.parseArgv('oar', ['-r', first, 'release-status', ...rest]);
      return this.parseArgv('oar', ['-r', first, ...rest]);
    }
    const def = this.registry.get(first);
    return this.parseArgv(def?.group ?? 'oar', tokens);
  }

  /** Terminal argv after the binary name, or tokens after the group word. */
  parseArgv(group: CommandGroup, argv: string[]): Parsed {
    checkLength(argv.join(' '));
    const g = globalFlags(argv) as { _: (string | number)[]; release?: string; debug?: boolean; help?: boolean; version?: boolean };
    const rest = g._.map(String);
    // The global flags are the words before the command name.
    const repeatedGlobal = repeatedFlag(argv.slice(0, argv.length - rest.length), GLOBAL_FLAGS);
    if (repeatedGlobal) throw new ParseError(repeatedOptionMessage(repeatedGlobal));
    if (g.version) return { kind: 'version' };
    const name = rest[0];
    if (name === undefined || name === 'help') {
      const topic = name === 'help' && rest[1] !== undefined ? this.registry.resolve(group, rest[1]) : undefined;
      if (name === 'help' && rest[1] !== undefined && !topic) {
        throw new ParseError(this.registry.unknownCommandMessage(rest[1], group), { suggestions: this.registry.suggest(rest[1]) });
      }
      return { kind: 'help', topic: topic?.name };
    }
    if (name.startsWith('-')) throw new ParseError(`unknown option ${echo(name)}: global options are -r/--release, -v/--debug, -V/--version, -h/--help`);
    const command = this.registry.resolve(group, name);
    if (!command) throw new ParseError(this.registry.unknownCommandMessage(name, group), { suggestions: this.registry.suggest(name) });
    if (command.group !== group && command.name !== 'help') {
      throw new ParseError(`${name} is a ${command.group} command: run \`${command.group} ${cliNameOf(command)}\``, { helpTopic: command.name });
    }
    let cmdArgv = rest.slice(1);
    // `-h` after the command name asks for that command's help.
    if (g.help || cmdArgv.some((a) => a === '-h' || a === '--help')) return { kind: 'help', topic: command.name };

    // Accept -r/--release after the command name too (`oarctl start-release-detector -r 4.19`).
    let releaseArg = g.release;
    const lifted = liftRelease(cmdArgv);
    cmdArgv = lifted.rest;
    if (lifted.release !== undefined) {
      if (releaseArg !== undefined) throw new ParseError(repeatedOptionMessage('-r/--release'));
      releaseArg = lifted.release;
    }
    const release = this.validateRelease(command, releaseArg);
    let options: Record<string, unknown>;
    try {
      options = parseOptions(command, cmdArgv);
    } catch (e) {
      if (e instanceof OptionError) throw new ParseError(`${e.message}. See \`${command.group} help ${cliNameOf(command)}\`.`, { helpTopic: command.name });
      throw e;
    }
    const text = [command.group, ...(release ? ['-r', release] : []), cliNameOf(command), ...cmdArgv].join(' ');
    return { kind: 'command', group: command.group, command, release, options, debug: Boolean(g.debug), text };
  }

  private validateRelease(command: AnyCommand, value: string | undefined): string {
    let r: ScopedRelease;
    try {
      r = scopedRelease(command.scope, value);
    } catch (e) {
      if (e instanceof ReleaseFormatError) throw new ParseError(e.message, { helpTopic: command.name });
      throw e;
    }
    if ('missing' in r) {
      throw new ParseError(
        r.missing === 'zstream'
          ? `-r/--release is required for ${command.name}: e.g. \`oar -r 4.19.1 ${command.name}\``
          : `-r/--release X.Y is required for ${command.name}: e.g. \`${command.group} ${command.name} -r 4.19\``,
        { helpTopic: command.name },
      );
    }
    if ('unexpected' in r) throw new ParseError(`${command.name} does not take a release`);
    return r.release;
  }
}

/**
 * The global flags: the words before the command name. When the first word is not an option
 * (`oar help`, `oarctl jobs`, every slash command), there are none and every word is left for the
 * command — what yargs-parser answers under halt-at-non-option — without loading it (on-demand.ts).
 */
function globalFlags(argv: string[]): { _: (string | number)[] } {
  if (argv[0] === undefined || !argv[0].startsWith('-')) return { _: [...argv] };
  const global = loadYargsParser().detailed(argv, {
    string: ['release'],
    boolean: ['debug', 'help', 'version'],
    alias: { release: ['r'], debug: ['v'], help: ['h'], version: ['V'] },
    configuration: { 'halt-at-non-option': true, 'parse-numbers': false, 'parse-positional-numbers': false, 'unknown-options-as-args': true },
  });
  if (global.error) throw new ParseError(global.error.message);
  return global.argv;
}

/** The global flags that take one value or are switches: repeating any of them is an error. */
const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { names: ['release', 'r'], boolean: false, label: '-r/--release' },
  { names: ['debug', 'v'], boolean: true, label: '-v/--debug' },
  { names: ['help', 'h'], boolean: true, label: '-h/--help' },
  { names: ['version', 'V'], boolean: true, label: '-V/--version' },
];

function liftRelease(argv: string[]): { release?: string; rest: string[] } {
  const rest: string[] = [];
  let release: string | undefined;
  const take = (value: string) => {
    if (release !== undefined) throw new ParseError(repeatedOptionMessage('-r/--release'));
    release = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-r' || a === '--release') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new ParseError(`${a} needs a value`);
      take(next);
      i++;
    } else if (a.startsWith('--release=')) take(a.slice('--release='.length));
    else rest.push(a);
  }
  return { release, rest };
}
