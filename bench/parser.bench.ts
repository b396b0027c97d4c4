/**
 * Hostile input through the shared parser: Slack normalisation + parse of 200 KB, median of
 * 20 runs for each of several shapes (target: well under 50 ms; the regex chain took ~6 s).
 */
import { createRegistry } from '../src/commands/index.ts';
import { CommandParser, ParseError } from '../src/commands/parser.ts';
import { normalizeSlackText } from '../src/commands/slack-text.ts';
import { emit, median, note } from './lib.ts';

const SIZE = 200_000;
const shapes: Record<string, string> = {
  'unclosed-mailto': '<mailto:',
  'unclosed-link': '<https:',
  brackets: '<<<<>',
  entities: '&amp;&lt;',
  mailto: '<mailto:a@b.c|a@b.c> ',
};
const parser = new CommandParser(createRegistry([]));
const totals: number[] = [];
for (const [name, unit] of Object.entries(shapes)) {
  const text = `4.19.1 release-status ${unit.repeat(Math.ceil(SIZE / unit.length))}`.slice(0, SIZE);
  const runs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    normalizeSlackText(text);
    try {
      parser.parseSlash(text);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    runs.push(performance.now() - t0);
  }
  note(`${name}: median ${median(runs).toFixed(2)} ms`);
  emit('parser', `${name}_median_ms`, median(runs), 'ms');
  totals.push(median(runs));
}
emit('parser', 'median_ms', Math.max(...totals), 'ms');
