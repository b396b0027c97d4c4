/**
 * Every command example in README.md and docs/*.md runs as written: each is parsed by the one
 * parser every front end uses (terminal argv, `oar ...` lines, `/oar ...` slash text), and the
 * release examples run against the simulated world — read commands as they are, the others with
 * a dry run — changing nothing. Usage synopses (`[--flag]`, `<release>`, `TEXT`, `...`) are not
 * examples; their command must still exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandParser, type Parsed } from '../../src/commands/parser.ts';
import { safetyOf, type CommandGroup } from '../../src/commands/types.ts';
import { PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';
import { terminalCommand } from '../../src/cli/help.ts';
import { terminalFlags } from '../../src/cli/main.ts';
import { stripQuiet } from '../../src/slack/index.ts';
import { startCommandWorld, type CommandWorld } from '../helpers/command-world.ts';

interface Example {
  file: string;
  text: string;
}

/** `oarctl mcp` and `oarctl cki-notifier` are services the terminal starts, not commands. */
const SERVICES = new Set(['mcp', 'cki-notifier']);
const COMMAND_START = /^(\/oar|oar|oarctl|jobctl)(\s|$)/;

export function collectExamples(): Example[] {
  const files = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const out: Example[] = [];
  for (const file of files) {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    let fenced = false;
    for (const raw of text.split('\n')) {
      if (/^\s*```/.test(raw)) {
        fenced = !fenced;
        continue;
      }
      const line = raw.trim();
      if (fenced || /^ {4}/.test(raw)) {
        const cmd = line.replace(/^\$\s+/, '').replace(/^npx\s+/, '').replace(/\s+#.*$/, '').trim();
        if (COMMAND_START.test(cmd)) out.push({ file, text: cmd });
        continue;
      }
      for (const m of raw.matchAll(/`([^`]+)`/g)) if (COMMAND_START.test(m[1]!)) out.push({ file, text: m[1]!.trim() });
    }
  }
  return out;
}

/** A usage synopsis rather than an example. */
function isSynopsis(text: string): boolean {
  return /[[\]<>|]|\.\.\.|…/.test(text) || /(^|\s)(-{1,2}[\w-]+\s+)?[A-Z][A-Z_]+(\s|$)/.test(text.replace(/^\/?oar(ctl)?\s+-r\s+\S+/, ''));
}

/** What the front end strips before the shared parser sees the text. */
function parse(parser: CommandParser, text: string): Parsed | { kind: 'terminal' } {
  if (text.startsWith('/oar')) return parser.parseSlash(stripQuiet(text.slice(4).trim()).text);
  const [group, ...argv] = text.split(/\s+/);
  if (group === 'oar' || group === 'oarctl' || group === 'jobctl') {
    // The terminal's own flags (--yes, --wait, --no-wait, --playground, -v) and terminal commands
    // (completion, help of a service) are taken out exactly as src/cli/main.ts does.
    const { args } = terminalFlags(argv);
    const first = args[0] === 'help' ? args[1] : args[0];
    if (terminalCommand(group, first)) return { kind: 'terminal' };
    return parser.parseLine([group, ...args].join(' '));
  }
  throw new Error(`not a command: ${text}`);
}

const examples = collectExamples();
const registry = createRegistry();
const parser = new CommandParser(registry);

describe('command examples in README.md and docs/', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(40);
    expect(examples.map((e) => e.text)).toContain('oar -r 4.19.1 push-to-cdn-staging --dry-run');
  });

  for (const ex of examples) {
    const words = ex.text.split(/\s+/);
    if (words[0] === 'oarctl' && SERVICES.has(words[1] ?? '')) continue;
    // A command named in prose (`jobctl run`) is a reference, not an example: it must exist.
    if (words.length === 2 && !words[0]!.startsWith('/') && !/^(help|-)/.test(words[1]!)) {
      it(`${ex.file}: \`${ex.text}\` names a command`, () => {
        const known = registry.resolve(words[0] as CommandGroup, words[1]!)?.group ?? (terminalCommand(words[0] as CommandGroup, words[1]) ? words[0] : undefined);
        expect(known).toBe(words[0]);
      });
      continue;
    }
    if (isSynopsis(ex.text)) {
      it(`${ex.file}: synopsis \`${ex.text}\` names a command`, () => {
        const group = (ex.text.startsWith('/oar') ? 'oar' : words[0]) as CommandGroup | '/oar';
        const name = words.slice(1).find((w, i, a) => !w.startsWith('-') && a[i - 1] !== '-r' && !/^\d/.test(w) && w !== 'help' && !/^(…|\.\.\.)$/.test(w));
        if (!name || (group === 'oarctl' && SERVICES.has(name))) return;
        const known = registry.has(name) || SERVICES.has(name) || (group !== '/oar' && (terminalCommand(group, name) !== undefined || registry.resolve(group, name) !== undefined));
        expect(known, `${name} is not a command`).toBe(true);
      });
      continue;
    }
    it(`${ex.file}: \`${ex.text}\` parses`, () => {
      const p = parse(parser, ex.text);
      expect(['command', 'help', 'terminal']).toContain(p.kind);
    });
  }
});

describe('the examples of every registered command (oar help)', () => {
  for (const def of registry.list()) {
    for (const text of def.examples.filter((e) => !isSynopsis(e))) {
      it(`${def.name}: \`${text}\` parses to ${def.name}`, () => {
        const p = parse(parser, text);
        expect(p.kind === 'command' ? p.command.name : p.kind).toBe(text.includes(' help') ? 'help' : def.name);
      });
    }
  }
});

describe('release examples run against the simulated world and change nothing', () => {
  let w: CommandWorld;
  beforeAll(async () => {
    w = await startCommandWorld({ commands: [], dataDirPrefix: 'oar-doc-examples-' });
    w.world.seedRelease('4.19.1');
    w.world.seedRelease('4.19.10');
    // The blocker the add-issue example records, which the resolve-issue example resolves.
    await w.engine.statebox.addIssue('4.19.1', 'Advisory 151165 is stuck in NEW_FILES', { blocker: true, relatedTasks: ['push-to-cdn-staging'] });
  }, 60_000);
  afterAll(() => w.stop());

  const runnable = [...new Set(examples.filter((e) => !isSynopsis(e.text)).map((e) => e.text))].filter((text) => {
    try {
      const p = parse(parser, text);
      return p.kind === 'command' && p.command.group === 'oar' && /^4\.19\.(1|10)$/.test(p.release);
    } catch {
      return false;
    }
  });

  it('has release examples to run', () => {
    expect(runnable.length).toBeGreaterThan(10);
  });

  for (const text of runnable) {
    it(`\`${text}\``, async () => {
      const p = parse(parser, text);
      if (p.kind !== 'command') throw new Error('not a command');
      const command = w.command(p.command.name);
      const safety = safetyOf(command, p.options);
      const accepts = 'dryRun' in (command.options.shape as Record<string, unknown>);
      if (safety !== 'read' && !accepts) throw new Error(`${text}: a command that changes something must accept --dry-run`);
      const options = safety === 'read' ? p.options : { ...p.options, dryRun: true };
      const errataBefore = w.world.errata.changes.length;
      const gitlabWrites = w.world.gitlab.calls.filter((c) => c.method !== 'GET').length;
      const r = await w.execute(command, p.release, options);
      expect(r.kind, 'message' in r ? r.message : '').toBe('done');
      if (r.kind !== 'done') return;
      expect(r.outcome.summary).not.toMatch(/unexpected error/i);
      if (safety !== 'read') {
        expect(r.outcome.summary).toMatch(/^Dry run: /);
        expect(w.world.errata.changes.length).toBe(errataBefore);
        expect(w.world.gitlab.calls.filter((c) => c.method !== 'GET').length).toBe(gitlabWrites);
      }
    });
  }
});
