import { describe, expect, it } from 'vitest';
import type { ParseError} from '../../src/commands/parser.ts';
import { CommandParser, extractCommandText, normalizeSlackText, tokenize } from '../../src/commands/parser.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { cveLike, notificatorLike, takeOwnershipLike } from '../helpers/commands.ts';

const registry = createRegistry([takeOwnershipLike, notificatorLike, cveLike]);
const parser = new CommandParser(registry);

function cmd(p: ReturnType<CommandParser['parseLine']>) {
  if (p.kind !== 'command') throw new Error(`expected a command, got ${p.kind}`);
  return p;
}

describe('one parser for every spelling', () => {
  it.each([
    ['slash', () => parser.parseSlash('4.19.1 take-ownership -e a@b.c')],
    ['message', () => parser.parseLine('oar -r 4.19.1 take-ownership -e a@b.c')],
    ['long release flag', () => parser.parseLine('oar --release 4.19.1 take-ownership --email a@b.c')],
    ['mention', () => parser.parseLine('<@U12345> oar -r 4.19.1 take-ownership -e a@b.c')],
    ['slash with oar prefix', () => parser.parseSlash('oar -r 4.19.1 take-ownership -e a@b.c')],
    ['argv', () => parser.parseArgv('oar', ['-r', '4.19.1', 'take-ownership', '-e', 'a@b.c'])],
    ['release after command', () => parser.parseArgv('oar', ['take-ownership', '-r', '4.19.1', '-e', 'a@b.c'])],
    ['slack mailto', () => parser.parseSlash('4.19.1 take-ownership -e <mailto:a@b.c|a@b.c>')],
  ])('%s', (_name, run) => {
    const p = cmd(run());
    expect(p.command.name).toBe('take-ownership');
    expect(p.release).toBe('4.19.1');
    expect(p.options).toEqual({ email: 'a@b.c' });
  });

  it('parses oarctl commands with kebab flags and negations', () => {
    const p = cmd(parser.parseLine('oarctl jira-notificator --dry-run --search-batch-size 50'));
    expect(p.options).toEqual({ dryRun: true, searchBatchSize: 50 });
    const c = cmd(parser.parseSlash('4.19.1 check-cve-tracker-bug --no-notify'));
    expect(c.options).toEqual({ notify: false });
  });

  it('treats /oar <release> as release status and /oar help as help', () => {
    const status = parser.parseSlash('4.19.1');
    expect(status.kind === 'command' && [status.command.name, status.release]).toEqual(['release-status', '4.19.1']);
    expect(parser.parseSlash('help')).toEqual({ kind: 'help', topic: undefined });
    expect(parser.parseSlash('help take-ownership')).toEqual({ kind: 'help', topic: 'take-ownership' });
    expect(parser.parseSlash('')).toEqual({ kind: 'help' });
    expect(parser.parseLine('oar -r 4.19.1 take-ownership -h')).toEqual({ kind: 'help', topic: 'take-ownership' });
  });

  it('rejects a y-stream where a z-stream is needed, saying what a z-stream looks like', () => {
    expect(() => parser.parseLine('oar -r 4.19 take-ownership -e a@b.c')).toThrow(/4\.19 is a y-stream; a z-stream release has three numbers, like 4\.19\.1/);
  });

  it('suggests commands for unknown names', () => {
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownershp -e a@b.c')).toThrow(/Did you mean `take-ownership`/);
    try {
      parser.parseLine('oar -r 4.19.1 nonsense');
      expect.fail('should throw');
    } catch (e) {
      expect((e as ParseError).message).toMatch(/unknown command `nonsense`.*Available commands: .*take-ownership/);
    }
  });

  it('requires the release and the options with specific messages', () => {
    expect(() => parser.parseLine('oar take-ownership -e a@b.c')).toThrow('-r/--release is required for take-ownership');
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership')).toThrow(/missing required option --email\/-e/);
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership -e not-an-email')).toThrow(/--email\/-e: must be an e-mail address/);
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership -e a@b.c --force')).toThrow(/unknown option --force for take-ownership/);
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership -e a@b.c extra')).toThrow(/unexpected argument "extra"/);
  });

  it('keeps shell metacharacters as plain text: they never reach a shell and fail validation', () => {
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership -e "a@b.c; rm -rf /"')).toThrow(/must be an e-mail address/);
    expect(() => parser.parseLine('oar -r 4.19.1 take-ownership -e $(whoami)@b.c')).toThrow(/must be an e-mail address/);
    expect(() => parser.parseLine('oar -r "4.19.1 && reboot" take-ownership -e a@b.c')).toThrow(/invalid release format/);
  });

  it('reports unbalanced quotes like the original', () => {
    expect(() => parser.parseLine('oar -r 4.19.1 -e "unclosed quote')).toThrow('Invalid command syntax: No closing quotation');
    expect(() => tokenize('oar \\')).toThrow('Invalid command syntax: No escaped character');
  });

  it('refuses commands of another group under the wrong binary', () => {
    expect(() => parser.parseLine('oar jira-notificator')).toThrow('jira-notificator is a oarctl command: run `oarctl jira-notificator`');
  });

  it('only recognises messages that start with oar/oarctl/jobctl or a mention followed by one', () => {
    expect(extractCommandText('oar -r 4.19.1 create-test-report')).toBe('oar -r 4.19.1 create-test-report');
    expect(extractCommandText('oarctl start-release-detector -r 4.19')).toBe('oarctl start-release-detector -r 4.19');
    expect(extractCommandText('<@U12345>   oar -r 4.19.1 x')).toBe('oar -r 4.19.1 x');
    expect(extractCommandText('Hello, how are you?')).toBeUndefined();
    expect(extractCommandText('Please check the oar logs')).toBeUndefined();
    expect(extractCommandText('The oarctl command is useful')).toBeUndefined();
    expect(extractCommandText('oarfoo -r 1')).toBeUndefined();
    expect(() => parser.parseLine('')).toThrow(/Could not extract OAR command from message/);
  });

  it('unwraps every Slack mailto and link and unescapes entities', () => {
    expect(normalizeSlackText('-e <mailto:a@b.c|a@b.c> -x <mailto:d@e.f|d@e.f> <https://x.y/z|x.y/z> &amp;&lt;&gt;')).toBe('-e a@b.c -x d@e.f https://x.y/z &<>');
  });

  it('rejects huge inputs with a clear error', () => {
    expect(() => parser.parseLine(`oar ${'x'.repeat(5000)}`)).toThrow(/too long/);
  });
});
