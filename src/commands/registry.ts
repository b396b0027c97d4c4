/**
 * The command registry: every command known to every front end, with help text generated
 * from the definitions and "did you mean" suggestions for unknown names.
 */
import { echo } from '../echo.ts';
import { describeOptions } from './options.ts';
import type { AnyCommand, CommandGroup, FollowUpDeps, FollowUpHandler, FollowUpLookup, Safety } from './types.ts';

/** A follow-up kind with the command that declares it (its one owner). */
export interface FollowUpKind {
  kind: string;
  summary: string;
  command: string;
}

const KEBAB = /^[a-z][a-z0-9-]*$/;

export class CommandRegistry {
  private readonly commands = new Map<string, AnyCommand>();
  private readonly followUpOwners = new Map<string, FollowUpKind>();
  /** One lookup per dependencies object: each handler is built once for the deps it was given. */
  private readonly lookups = new WeakMap<FollowUpDeps, FollowUpLookup>();

  constructor(defs: AnyCommand[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: AnyCommand): void {
    if (this.commands.has(def.name)) throw new Error(`command ${def.name} registered twice`);
    if (!KEBAB.test(def.name)) throw new Error(`command name ${def.name} is not kebab-case`);
    const kinds = def.followUpKinds ?? [];
    const seen = new Set<string>();
    for (const { kind } of kinds) {
      if (!KEBAB.test(kind)) throw new Error(`follow-up kind ${kind} of ${def.name} is not kebab-case`);
      const owner = this.followUpOwners.get(kind)?.command ?? (seen.has(kind) ? def.name : undefined);
      if (owner) throw new Error(`follow-up kind ${kind} is declared by ${owner} and ${def.name}: a kind has one owner`);
      seen.add(kind);
    }
    this.commands.set(def.name, def);
    for (const { kind, summary } of kinds) this.followUpOwners.set(kind, { kind, summary, command: def.name });
  }

  /** Every follow-up kind a registered command declares, with its owner (declarations only: nothing is loaded). */
  followUpKinds(): FollowUpKind[] {
    return [...this.followUpOwners.values()];
  }

  /**
   * The poller's handlers: a kind's handler is built by its owner's implementation (imported on
   * the first poll of that kind) from `deps`, once; the same deps get the same lookup. A kind no
   * command declares has no handler.
   */
  followUps(deps: FollowUpDeps): FollowUpLookup {
    const known = this.lookups.get(deps);
    if (known) return known;
    const building = new Map<string, Promise<FollowUpHandler | undefined>>();
    const build = async (kind: string): Promise<FollowUpHandler | undefined> => {
      const owner = this.followUpOwners.get(kind);
      const command = owner && this.commands.get(owner.command);
      if (!command) return undefined;
      const factory = (await command.load()).followUps?.[kind];
      if (!factory) throw new Error(`${command.name} declares the follow-up kind ${kind} but its implementation has no handler for it`);
      return factory(deps);
    };
    const lookup: FollowUpLookup = {
      get: (kind) => {
        let h = building.get(kind);
        if (!h) {
          h = build(kind);
          building.set(kind, h);
          // A failed import is retried on the next poll.
          h.catch(() => building.delete(kind));
        }
        return h;
      },
      kinds: () => [...this.followUpOwners.keys()],
    };
    this.lookups.set(deps, lookup);
    return lookup;
  }

  get(name: string): AnyCommand | undefined {
    return this.commands.get(name);
  }

  /** The command a word names on `group`'s command line: its `cliName` in that group first, then the registry key. */
  resolve(group: CommandGroup, word: string): AnyCommand | undefined {
    for (const c of this.commands.values()) if (c.group === group && c.cliName === word) return c;
    return this.commands.get(word);
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  list(group?: CommandGroup): AnyCommand[] {
    return [...this.commands.values()].filter((c) => !group || c.group === group);
  }

  /** Closest names by edit distance (and prefix), best first. */
  suggest(name: string, max = 3): string[] {
    const n = name.toLowerCase();
    return [...this.commands.keys()]
      .map((c) => ({ c, d: c.startsWith(n) || c.includes(n) ? 0.5 : editDistance(n, c) }))
      .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)))
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
      .slice(0, max)
      .map(({ c }) => c);
  }

  unknownCommandMessage(name: string, group?: CommandGroup): string {
    const s = this.suggest(name);
    const names = this.list(group).filter((c) => c.name !== 'help').map((c) => c.name);
    const hint = s.length
      ? ` Did you mean ${s.map((x) => `\`${x}\``).join(', ')}?`
      : names.length
        ? ` Available commands: ${names.join(', ')}.`
        : '';
    const listHint = ` Run \`${group === 'oarctl' ? 'oarctl' : 'oar'} help\` for the list of commands.`;
    return `unknown command \`${echo(name)}\`.${hint}${listHint}`;
  }
}

/** Levenshtein distance: small inputs only (command names). */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.abs(a.length - b.length) + 64;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}


/** How a command is spelled on its command line. */
export function cliNameOf(def: Pick<AnyCommand, 'name' | 'cliName'>): string {
  return def.cliName ?? def.name;
}

export const SAFETY_LABEL: Record<Safety, string> = { read: 'read', write: 'write', critical: 'CRITICAL' };

function usage(def: AnyCommand): string {
  const release = def.scope === 'zstream' ? ' -r <release>' : def.scope === 'ystream' ? ' -r <X.Y>' : def.scope === 'optional-ystream' ? ' [-r <X.Y>]' : '';
  const opts = describeOptions(def)
    .filter((o) => !(def.positionals ?? []).includes(o.key))
    .map((o) => {
      const flag = o.aliases.length ? `-${o.aliases[0]}` : o.flag;
      const v = o.kind === 'boolean' ? '' : ` <${o.key}>`;
      return o.required ? `${flag}${v}` : `[${flag}${v}]`;
    });
  const required = new Set(describeOptions(def).filter((o) => o.required).map((o) => o.key));
  const pos = (def.positionals ?? []).map((p) => (required.has(p) ? `<${p}>` : `[${p}]`));
  return `${def.group}${release} ${cliNameOf(def)}${pos.length ? ` ${pos.join(' ')}` : ''}${opts.length ? ` ${opts.join(' ')}` : ''}`;
}

/** One command's help: usage, safety, task, options and examples. */
export function commandHelp(def: AnyCommand): string {
  const safety = typeof def.safety === 'function' ? 'depends on options' : SAFETY_LABEL[def.safety];
  const lines = [
    `${cliNameOf(def)}${def.legacy ? ' (legacy)' : ''} — ${def.summary}`,
    '',
    `Usage: ${usage(def)}`,
    `Safety: ${safety}${def.task ? `   StateBox task: ${def.task}` : ''}${def.longRunning ? '   (long-running: progress is reported back)' : ''}`,
  ];
  if (def.description) lines.push('', def.description);
  const opts = describeOptions(def);
  if (opts.length) {
    lines.push('', 'Options:');
    for (const o of opts) {
      const names = [...o.aliases.map((a) => `-${a}`), o.kind === 'boolean' && o.defaultValue === true ? `--no-${o.flag.slice(2)}` : o.flag].join(', ');
      const def_ = o.defaultValue !== undefined && o.kind !== 'boolean' ? ` (default ${String(o.defaultValue)})` : '';
      const choices = o.choices ? ` [${o.choices.join('|')}]` : '';
      lines.push(`  ${names.padEnd(28)} ${o.description}${choices}${def_}${o.required ? ' (required)' : ''}`);
    }
  }
  if (def.followUpKinds?.length) lines.push('', 'Follow-ups (watched until they end, reported back):', ...def.followUpKinds.map((f) => `  ${f.kind.padEnd(28)} ${f.summary}`));
  if (def.examples.length) lines.push('', 'Examples:', ...def.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** The command list, grouped, for the commands the caller may run. */
export function registryHelp(defs: AnyCommand[], opts: { title?: string; footer?: string } = {}): string {
  const lines: string[] = [opts.title ?? 'oar-bot — OpenShift z-stream release QE operations', ''];
  const groups: [CommandGroup, string][] = [
    ['oar', 'Release commands (oar -r <release> <command>, or /oar <release> <command>)'],
    ['oarctl', 'Controller commands (oarctl <command>)'],
    ['jobctl', 'Prow job commands (jobctl <command>)'],
  ];
  for (const [group, title] of groups) {
    const inGroup = defs.filter((d) => d.group === group);
    if (!inGroup.length) continue;
    lines.push(title);
    const current = inGroup.filter((d) => !d.legacy);
    const legacy = inGroup.filter((d) => d.legacy);
    for (const d of [...current, ...legacy]) {
      const safety = typeof d.safety === 'function' ? 'read/write' : SAFETY_LABEL[d.safety];
      lines.push(`  ${cliNameOf(d).padEnd(28)} ${`[${safety}]`.padEnd(11)} ${d.summary}${d.legacy ? ' (legacy)' : ''}`);
      if (d.examples[0]) lines.push(`  ${''.padEnd(28)} ${''.padEnd(11)} e.g. ${d.examples[0]}`);
    }
    lines.push('');
  }
  if (defs.some((d) => typeof d.safety === 'function')) lines.push('[read/write]: read-only when it only checks a status (e.g. -i/--status), write when it starts something.');
  lines.push(opts.footer ?? 'Run `oar help <command>` (or `/oar help <command>`) for options and examples.');
  return lines.join('\n');
}
