/**
 * Option handling shared by every front end: turn argv tokens into a command's options with
 * yargs-parser (driven by the command's zod schema), then validate with zod. Both are loaded on
 * first use (on-demand.ts): help reads `describeOptions` of a command only when asked for it.
 */
import type { z } from 'zod';
import { echo } from '../echo.ts';
import { loadYargsParser } from './on-demand.ts';
import type { AnyCommand } from './types.ts';

/** Stray arguments as quoted back to the user: a few, each made safe. */
function quoteArgs(args: string[]): string {
  const shown = args.slice(0, 3).map((a) => `"${echo(a)}"`);
  return args.length > 3 ? `${shown.join(' ')} and ${args.length - 3} more` : shown.join(' ');
}

export type OptionKind = 'boolean' | 'string' | 'number' | 'array';

export interface OptionInfo {
  key: string;
  flag: string;
  kind: OptionKind;
  description: string;
  required: boolean;
  defaultValue: unknown;
  aliases: string[];
  choices?: string[];
}

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, string>;
}

function defOf(t: z.ZodType): ZodDefLike {
  return (t as unknown as { _zod: { def: ZodDefLike } })._zod.def; // zod 4 keeps a schema's definition on `_zod`, which its public types do not describe
}

function unwrap(t: z.ZodType): { base: z.ZodType; optional: boolean; defaultValue: unknown } {
  let cur = t;
  let optional = false;
  let defaultValue: unknown;
  for (let i = 0; i < 10; i++) {
    const d = defOf(cur);
    if (d.type === 'optional' || d.type === 'nullable') {
      optional = true;
      cur = d.innerType!;
    } else if (d.type === 'default' || d.type === 'prefault') {
      optional = true;
      defaultValue = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      cur = d.innerType!;
    } else if (d.type === 'pipe') {
      cur = d.in!;
    } else break;
  }
  return { base: cur, optional, defaultValue };
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function describeOptions(def: AnyCommand): OptionInfo[] {
  const shape = def.options.shape as Record<string, z.ZodType>;
  const aliasesFor = (key: string) =>
    Object.entries(def.aliases ?? {})
      .filter(([, k]) => k === key)
      .map(([a]) => a);
  return Object.entries(shape).map(([key, schema]) => {
    const { base, optional, defaultValue } = unwrap(schema);
    const d = defOf(base);
    const kind: OptionKind = d.type === 'boolean' ? 'boolean' : d.type === 'number' ? 'number' : d.type === 'array' ? 'array' : 'string';
    return {
      key,
      flag: `--${kebab(key)}`,
      kind,
      description: schema.description ?? base.description ?? '',
      required: !optional,
      defaultValue,
      aliases: aliasesFor(key),
      choices: d.type === 'enum' && d.entries ? Object.values(d.entries) : undefined,
    };
  });
}

function flagsOf(info: OptionInfo): string {
  return [...info.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${kebab(a)}`)), info.flag].join('/');
}

export interface FlagSpec {
  /** Long names in kebab case and one-letter aliases. */
  names: string[];
  boolean: boolean;
  /** How the flag is named in messages, e.g. `-e/--email`. */
  label: string;
}

/**
 * The label of the first single-valued flag that occurs twice in `argv` (any spelling: alias,
 * long name, camelCase, `--name=value`, `--no-name`, `-ab` clusters), or undefined.
 */
export function repeatedFlag(argv: readonly string[], specs: readonly FlagSpec[]): string | undefined {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) for (const n of spec.names) byName.set(n, spec);
  const seen = new Set<FlagSpec>();
  const count = (spec: FlagSpec | undefined): string | undefined => {
    if (!spec) return undefined;
    if (seen.has(spec)) return spec.label;
    seen.add(spec);
    return undefined;
  };
  for (const token of argv) {
    if (token === '--') break;
    const long = /^--([^=]+)/.exec(token);
    if (long) {
      const name = kebab(long[1]!);
      const negated = name.startsWith('no-') ? byName.get(name.slice(3)) : undefined;
      const hit = count(byName.get(name) ?? (negated?.boolean ? negated : undefined));
      if (hit) return hit;
      continue;
    }
    if (!/^-[^-\d]/.test(token)) continue; // a value, a positional or a negative number
    for (const c of token.slice(1).split('=')[0]!) {
      const spec = byName.get(c);
      const hit = count(spec);
      if (hit) return hit;
      if (!spec?.boolean) break; // the rest of the cluster is this flag's value
    }
  }
  return undefined;
}

/** The one wording for a single-valued option given more than once, in every front end. */
export function repeatedOptionMessage(flags: string): string {
  return `option ${flags} is given more than once; give it once`;
}

export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/**
 * Parse command-level argv (after the command name) into validated options.
 * Unknown flags and stray positionals are errors, never silently ignored.
 */
export function parseOptions(def: AnyCommand, argv: string[]): Record<string, unknown> {
  const infos = describeOptions(def);
  const boolean = infos.filter((i) => i.kind === 'boolean').map((i) => i.key);
  const number = infos.filter((i) => i.kind === 'number').map((i) => i.key);
  const array = infos.filter((i) => i.kind === 'array').map((i) => i.key);
  const string = infos.filter((i) => i.kind === 'string').map((i) => i.key);
  const alias: Record<string, string[]> = {};
  for (const i of infos) if (i.aliases.length) alias[i.key] = i.aliases;
  // yargs keeps the last of a repeated flag: `--email a --email b` silently ran as b.
  const repeated = repeatedFlag(argv, infos.filter((i) => i.kind !== 'array').map((i) => ({ names: [kebab(i.key), ...i.aliases], boolean: i.kind === 'boolean', label: flagsOf(i) })));
  if (repeated) throw new OptionError(repeatedOptionMessage(repeated));
  const parsed = loadYargsParser().detailed(argv, {
    boolean,
    number,
    array,
    string,
    alias,
    configuration: {
      'camel-case-expansion': true,
      'strip-aliased': true,
      'strip-dashed': true,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': false,
      'unknown-options-as-args': false,
    },
  });
  if (parsed.error) throw new OptionError(parsed.error.message);
  const { _: positionals, ...rest } = parsed.argv;
  const known = new Set(infos.map((i) => i.key));
  const unknown = Object.keys(rest).filter((k) => !known.has(k));
  if (unknown.length) {
    const flags = unknown.slice(0, 5).map((k) => echo(k.length === 1 ? `-${k}` : `--${kebab(k)}`));
    if (unknown.length > 5) flags.push(`and ${unknown.length - 5} more`);
    throw new OptionError(`unknown option${flags.length > 1 ? 's' : ''} ${flags.join(', ')} for ${def.name}; it takes: ${infos.map((i) => i.flag).join(', ') || 'no options'}`);
  }
  const pos = positionals.map(String);
  const names = def.positionals ?? [];
  if (pos.length > names.length) {
    throw new OptionError(`unexpected argument${pos.length - names.length > 1 ? 's' : ''} ${quoteArgs(pos.slice(names.length))} for ${def.name}`);
  }
  names.forEach((n, idx) => {
    if (pos[idx] !== undefined) rest[n] = pos[idx];
  });
  // A required positional (`jobctl run <job>`) may also be given as its flag (`--job`): name both.
  const missing = infos.find((i) => i.required && names.includes(i.key) && rest[i.key] === undefined);
  if (missing) throw new OptionError(`missing ${missing.key}: \`${def.group} ${def.name} <${missing.key}>\` (or ${missing.flag} <${missing.key}>)`);
  // A string flag given with no value (`-e`) arrives as '' — report it as missing.
  for (const i of infos) if (i.kind === 'string' && rest[i.key] === '') throw new OptionError(`option ${i.flag} needs a value`);
  return validateOptions(def, rest);
}

/** Validate an options object (MCP arguments arrive already structured). */
export function validateOptions(def: AnyCommand, input: Record<string, unknown>): Record<string, unknown> {
  const r = def.options.safeParse(input);
  if (!r.success) {
    const infos = new Map(describeOptions(def).map((i) => [i.key, i]));
    const msgs = r.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const info = infos.get(key);
      const flag = info ? [info.flag, ...info.aliases.map((a) => `-${a}`)].join('/') : key;
      if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return `missing required option ${flag}`;
      return `${flag}: ${issue.message}`;
    });
    throw new OptionError(msgs.join('; '));
  }
  return r.data as Record<string, unknown>;
}
