/**
 * Input that cannot hurt (issue 17): Slack normalisation is linear, limits are checked on the
 * raw text, repeated single-valued options are usage errors, echoed input is made safe.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandParser, MAX_INPUT_LENGTH, ParseError } from '../../src/commands/parser.ts';
import { normalizeSlackText, type ScanMeter } from '../../src/commands/slack-text.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import { echo } from '../../src/echo.ts';
import { cveLike, notificatorLike, takeOwnershipLike } from '../helpers/commands.ts';

const parser = new CommandParser(createRegistry([takeOwnershipLike, notificatorLike, cveLike]));

/** The regular-expression chain the scanner replaced: the reference for well-formed Slack text. */
function reference(text: string): string {
  return text
    .replace(/<mailto:([^|>]*)\|([^>]*)>/g, (_m, _addr: string, label: string) => label)
    .replace(/<mailto:([^|>]*)>/g, (_m, addr: string) => addr)
    .replace(/<((?:https?):[^|>]*)\|[^>]*>/g, (_m, url: string) => url)
    .replace(/<((?:https?):[^|>]*)>/g, (_m, url: string) => url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[\u2018\u2019]/g, "'");
}

function stepsFor(text: string): number {
  const meter: ScanMeter = { steps: 0 };
  normalizeSlackText(text, meter);
  return meter.steps;
}

const word = fc.stringMatching(/^[a-z0-9.@=/-]{1,12}$/);
/** What Slack really sends: words, wrapped e-mails and links, entities, smart quotes. */
const slackPiece = fc.oneof(
  word,
  fc.constantFrom(' ', '  ', '\t', '&amp;', '&lt;', '&gt;', '&amp;lt;', '\u201C', '\u201D', '\u2018', '\u2019', '"', "'", '&', '<@U123>'),
  fc.tuple(word, word).map(([a, b]) => `<mailto:${a}@x.io|${b}@x.io>`),
  word.map((a) => `<mailto:${a}@x.io>`),
  fc.tuple(word, word).map(([a, b]) => `<https://${a}.io/${b}?q=1&amp;r=2|${b}>`),
  word.map((a) => `<http://${a}.io>`),
);
/** Fragments that make hostile text: unclosed brackets, link prefixes, bars and ampersands. */
const hostilePiece = fc.constantFrom('<', '>', '|', '&', '<mailto:', '<https:', '<http:', 'mailto:', '&amp', '&lt;', 'x', ' ', '\u201C');

describe('Slack text normalisation', () => {
  it('agrees with the regular-expression chain on Slack-formatted text', () => {
    fc.assert(
      fc.property(fc.array(slackPiece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(normalizeSlackText(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('inspects every character a bounded number of times, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(hostilePiece, { maxLength: 400 }), (pieces) => {
        const text = pieces.join('');
        expect(stepsFor(text)).toBeLessThanOrEqual(4 * text.length);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['unclosed mailto', '<mailto:'],
    ['unclosed link', '<https:'],
    ['brackets', '<<<<>'],
    ['bars', '<mailto:a|'],
    ['entities', '&amp;&lt;&'],
    ['wrapped e-mails', '<mailto:a@b.c|a@b.c> '],
  ])('normalises 200 KB of %s with linear work', (_name, unit) => {
    const text = unit.repeat(Math.ceil(200_000 / unit.length));
    const steps = stepsFor(text);
    expect(steps).toBeLessThanOrEqual(4 * text.length);
    // Doubling the input at most doubles the work (plus a constant): no hidden quadratic term.
    expect(stepsFor(text + text)).toBeLessThanOrEqual(2 * steps + 16);
  });

  it('still unwraps real Slack text, once per link, with entities inside links', () => {
    expect(normalizeSlackText('-e <mailto:a@b.c|a@b.c> <https://x.y/?a=1&amp;b=2|x.y> &lt;tag&gt; \u201Cq\u201D')).toBe('-e a@b.c https://x.y/?a=1&b=2 <tag> "q"');
    // Decoded text is not read again: an escaped link stays text.
    expect(normalizeSlackText('&lt;https://x&gt;')).toBe('<https://x>');
  });
});

describe('input length is checked before normalisation', () => {
  it.each([
    ['slash', (t: string) => parser.parseSlash(t)],
    ['line', (t: string) => parser.parseLine(`oar ${t}`)],
  ])('refuses 200 KB through %s, reporting the raw length', (_name, parse) => {
    // 200 000 raw characters that would normalise to 40 000: the reported length proves which
    // text was measured.
    const text = '&amp;'.repeat(40_000);
    expect(() => parse(text)).toThrow(/command is too long \((200000|200004) characters; at most 4000\)/);
  });

  it('accepts a command at the limit', () => {
    const p = parser.parseLine(`oar -r 4.19.1 take-ownership -e a@b.c${' '.repeat(MAX_INPUT_LENGTH - 37)}`);
    expect(p.kind).toBe('command');
  });
});

describe('a repeated single-valued option is a usage error naming it', () => {
  it.each([
    ['release twice before the command', 'oar -r 4.19.1 -r 4.19.2 release-status', /option -r\/--release is given more than once/],
    ['release before and after', 'oar -r 4.19.1 take-ownership -r 4.19.2 -e a@b.c', /option -r\/--release is given more than once/],
    ['same release twice', 'oar -r 4.19.1 take-ownership --release=4.19.1 -e a@b.c', /option -r\/--release is given more than once/],
    ['release twice after', 'oar take-ownership -r 4.19.1 -e a@b.c -r 4.19.2', /option -r\/--release is given more than once/],
    ['email twice', 'oar -r 4.19.1 take-ownership --email a@b.c --email d@e.f', /option -e\/--email is given more than once/],
    ['email by alias and name', 'oar -r 4.19.1 take-ownership -e a@b.c --email d@e.f', /option -e\/--email is given more than once/],
    ['boolean twice', 'oarctl jira-notificator --dry-run --dry-run', /option --dry-run is given more than once/],
    ['number twice', 'oarctl jira-notificator --search-batch-size 1 --search-batch-size 2', /option --search-batch-size is given more than once/],
    ['negation and flag', 'oar -r 4.19.1 check-cve-tracker-bug --no-notify --notify', /option --notify is given more than once/],
    ['debug twice', 'oar -v -v -r 4.19.1 take-ownership -e a@b.c', /option -v\/--debug is given more than once/],
  ])('%s', (_name, line, message) => {
    expect(() => parser.parseLine(line)).toThrow(ParseError);
    expect(() => parser.parseLine(line)).toThrow(message);
  });

  it('the terminal exits 2 and names the option', async () => {
    const err: string[] = [];
    const io: CliIO = { stdout: () => undefined, stderr: (s) => err.push(s), env: { LOG_LEVEL: 'silent' }, isTTY: false };
    expect(await runCli('oar', ['-r', '4.19.1', '-r', '4.19.2', 'release-status'], io, COMPOSITION)).toBe(2);
    expect(err.join('\n')).toMatch(/^oar: option -r\/--release is given more than once/);
    err.length = 0;
    expect(await runCli('oar', ['-r', '4.19.1', 'take-ownership', '--email', 'a@b.c', '--email', 'd@e.f'], io, COMPOSITION)).toBe(2);
    expect(err.join('\n')).toMatch(/option -e\/--email is given more than once/);
  });
});

describe('echoed input is truncated and stripped of control and bidirectional characters', () => {
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/;

  it.each([
    ['unknown command', (x: string) => parser.parseLine(`oar -r 4.19.1 ${x}`)],
    ['stray argument', (x: string) => parser.parseLine(`oar -r 4.19.1 take-ownership -e a@b.c ${x}`)],
    ['unknown option', (x: string) => parser.parseLine(`oar -r 4.19.1 take-ownership -e a@b.c --${x}`)],
    ['release', (x: string) => parser.parseLine(`oar -r 4.19.1${x} take-ownership -e a@b.c`)],
    ['first word', (x: string) => parser.parseArgv('oar', [`-${x}`])],
  ])('%s', (_name, parse) => {
    const hostile = `evil\u202Egnp.exe\u0007\u001B[31m\u2066x${'y'.repeat(3000)}`;
    let message = '';
    try {
      parse(hostile);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toMatch(unsafe);
    expect(message).not.toContain('y'.repeat(61));
    expect(message).toContain('evil');
  });

  it('echo keeps short safe text as it is and marks a cut', () => {
    expect(echo('take-ownershp')).toBe('take-ownershp');
    expect(echo('a\u202Eb\u0000c')).toBe('abc');
    expect(echo('z'.repeat(100))).toBe(`${'z'.repeat(60)}…`);
  });
});
