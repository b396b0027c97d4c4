/**
 * Option handling shared by every front end: turn argv tokens into a command's options with
 * yargs-parser (driven by the command's zod schema), then validate with zod.
 */
import yargsParser from 'yargs-parser';
import type { z } from 'zod';
import type { AnyCommand } from './types.ts';

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
  return (t as unknown as { _zod: { def: ZodDefLike } })._zod.def;
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
  const parsed = yargsParser.detailed(argv, {
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
    const flags = unknown.map((k) => (k.length === 1 ? `-${k}` : `--${kebab(k)}`));
    throw new OptionError(`unknown option${flags.length > 1 ? 's' : ''} ${flags.join(', ')} for ${def.name}; it takes: ${infos.map((i) => i.flag).join(', ') || 'no options'}`);
  }
  const pos = positionals.map(String);
  const names = def.positionals ?? [];
  if (pos.length > names.length) {
    throw new OptionError(`unexpected argument${pos.length - names.length > 1 ? 's' : ''} ${pos.slice(names.length).map((p) => JSON.stringify(p)).join(' ')} for ${def.name}`);
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
