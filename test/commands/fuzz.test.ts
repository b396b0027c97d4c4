/**
 * 10,000 generated inputs against the parser and runner: no exception escapes, every input
 * yields a parsed command or a clear ParseError, and nothing runs for invalid input.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { CommandParser, ParseError } from '../../src/commands/parser.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { emailOption } from '../../src/commands/schemas.ts';
import { memoryRunner } from '../helpers/commands.ts';

const executed: Record<string, unknown>[] = [];
const spy = defineCommand({
  name: 'take-ownership',
  group: 'oar',
  summary: 'spy',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({ email: emailOption() }),
  aliases: { e: 'email' },
  async run(ctx, o) {
    executed.push({ release: ctx.release, ...o });
    return { status: 'pass', summary: 'ran' };
  },
});

const registry = createRegistry([spy]);
const parser = new CommandParser(registry);
const runner = memoryRunner();

const META = [';', '&', '|', '`', '$', '(', ')', '<', '>', '\n', '\r', '&&', '||', '$(whoami)', '`id`', '>>', '\\', '"', "'", '*', '?', '~', '#', '!'];
const SLACK = ['<mailto:a@b.co|a@b.co>', '<@U12345>', '<#C123|chan>', '<https://x.y|x>', '&amp;', '&lt;', '&gt;', '<!here>', '<!subteam^S1|@grp>'];
const WORDS = ['oar', 'oarctl', 'jobctl', '-r', '--release', '4.19.1', '4.19', 'v4.19.1', 'take-ownership', '-e', '--email', 'a@b.co', 'help', '-h', '--yes', '--dry-run', '-i', '123', '4.18.0-rc.8'];

const token = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...META),
  fc.constantFrom(...SLACK),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const line = fc.oneof(
  { weight: 5, arbitrary: fc.array(token, { maxLength: 12 }).map((t) => t.join(' ')) },
  { weight: 2, arbitrary: fc.array(token, { maxLength: 8 }).map((t) => `oar -r 4.19.1 ${t.join(' ')}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 3000, max: 20000 }).map((n) => `oar -r 4.19.1 take-ownership -e ${'a'.repeat(n)}@b.co`) },
  { weight: 1, arbitrary: fc.array(token, { maxLength: 6 }).map((t) => `oar -r 4.19.1 take-ownership -e "${t.join(' ')}`) },
);

describe('parser and runner fuzz', () => {
  it('10,000 inputs: a command or a clear error, never an escaped exception, nothing run when invalid', async () => {
    let parsedCount = 0;
    let errors = 0;
    const inputs = fc.sample(line, { numRuns: 10_000, seed: 20261121 });
    expect(inputs).toHaveLength(10_000);
    for (const [i, input] of inputs.entries()) {
      const form = i % 2 === 0 ? 'line' : 'slash';
      const before = executed.length;
      let parsed;
      try {
        parsed = form === 'line' ? parser.parseLine(input) : parser.parseSlash(input);
      } catch (e) {
        if (!(e instanceof ParseError)) throw new Error(`non-ParseError escaped for ${JSON.stringify(input).slice(0, 200)}: ${String(e)}`);
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.message).not.toMatch(/\n\s+at /); // no stack traces
        errors++;
        expect(executed.length).toBe(before);
        continue;
      }
      parsedCount++;
      if (parsed.kind === 'command') {
        const r = await runner.execute({ command: parsed.command, release: parsed.release, options: parsed.options, actor: { id: 'U1', via: 'slack' } });
        expect(['done', 'locked']).toContain(r.kind);
        if (parsed.command.name === 'take-ownership') {
          const last = executed.at(-1) as { email: string; release: string };
          expect(last.email).toMatch(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/);
          expect(last.release).toMatch(/^\d+\.\d+\.\d+/);
        }
      }
    }
    expect(parsedCount + errors).toBe(10_000);
    // The generator must exercise both outcomes to be meaningful.
    expect(errors).toBeGreaterThan(1000);
    expect(parsedCount).toBeGreaterThan(100);
  });
});
