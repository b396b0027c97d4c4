import { describe, expect, it } from 'vitest';
import {
  SLACK_LIMITS,
  blocksToPlainText,
  chunk,
  chunkBlocks,
  fence,
  fitText,
  hardSplit,
  planMessages,
  splitMessage,
  splitOnLines,
  splitOversizedSections,
  textToSections,
} from '../../src/integrations/slack-limits.ts';

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn', text } });

describe('splitMessage (agents.md 1.9)', () => {
  it('keeps a message of exactly 4000 characters in one chunk', () => {
    const msg = 'a'.repeat(4000);
    expect(splitMessage(msg)).toEqual([msg]);
  });

  it('cuts 4001 characters into 2500 + 1501', () => {
    const chunks = splitMessage('b'.repeat(4001));
    expect(chunks.map((c) => c.length)).toEqual([2500, 1501]);
  });

  it('ignores line boundaries when cutting', () => {
    const msg = `${'x'.repeat(2499)}\n${'y'.repeat(2000)}`;
    const chunks = splitMessage(msg);
    expect(chunks[0]).toBe(`${'x'.repeat(2499)}\n`);
    expect(chunks.join('')).toBe(msg);
  });

  it('counts code points, so emoji are never split into lone surrogates', () => {
    const msg = '😀'.repeat(4001);
    const chunks = splitMessage(msg);
    expect(chunks.map((c) => Array.from(c).length)).toEqual([2500, 1501]);
    expect(chunks.every((c) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(c))).toBe(true);
    // 4000 emoji are 8000 UTF-16 units but one chunk, as Python counted.
    expect(splitMessage('😀'.repeat(4000))).toHaveLength(1);
  });

  it('a fenced chunk is at most 2506 characters', () => {
    const chunks = splitMessage('z'.repeat(9000)).map(fence);
    expect(Math.max(...chunks.map((c) => c.length))).toBe(2506);
    expect(chunks[0]!.startsWith('```') && chunks[0]!.endsWith('```')).toBe(true);
  });

  it('honours other sizes and rejects a zero chunk size', () => {
    expect(splitMessage('abcdefg', 3, 2)).toEqual(['ab', 'cd', 'ef', 'g']);
    expect(() => splitMessage('abcdefg', 3, 0)).toThrow(RangeError);
  });
});

describe('splitOnLines', () => {
  it('returns short text unchanged', () => {
    expect(splitOnLines('one\ntwo', 3000)).toEqual(['one\ntwo']);
  });

  it('packs whole lines into pieces of at most the limit and loses nothing', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'-'.repeat(i % 37)}`);
    const text = lines.join('\n');
    const pieces = splitOnLines(text, 500);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= 500)).toBe(true);
    expect(pieces.join('\n')).toBe(text);
    // Every piece starts at a line start: no line was cut.
    for (const p of pieces) expect(lines.some((l) => p.startsWith(l))).toBe(true);
  });

  it('hard-splits only a line longer than the limit', () => {
    const text = `short\n${'L'.repeat(7000)}\nend`;
    const pieces = splitOnLines(text, 3000);
    expect(pieces).toEqual(['short', 'L'.repeat(3000), 'L'.repeat(3000), 'L'.repeat(1000), 'end']);
  });

  it('keeps empty lines', () => {
    const text = `${'a'.repeat(10)}\n\n\n${'b'.repeat(10)}`;
    expect(splitOnLines(text, 12).join('\n')).toBe(text);
  });

  it('never leaves a lone surrogate at a hard cut', () => {
    const pieces = hardSplit(`a${'😀'.repeat(10)}`, 4);
    expect(pieces.join('')).toBe(`a${'😀'.repeat(10)}`);
    expect(pieces.every((p) => p.length <= 4 && !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});

describe('blocks', () => {
  it('chunks block arrays by 50', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => section(`b${i}`));
    const groups = chunkBlocks(blocks);
    expect(groups.map((g) => g.length)).toEqual([50, 50, 20]);
    expect(groups.flat()).toEqual(blocks);
    expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('turns long text into sections of at most 3000 characters', () => {
    const text = Array.from({ length: 400 }, (_, i) => `OCPBUGS-${i} is ON_QA`).join('\n');
    const sections = textToSections(text);
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.every((s) => s.text!.text.length <= SLACK_LIMITS.sectionText && s.text!.type === 'mrkdwn')).toBe(true);
    expect(sections.map((s) => s.text!.text).join('\n')).toBe(text);
  });

  it('splits an oversized section and keeps the accessory on the first piece only', () => {
    const big = { type: 'section' as const, block_id: 'summary', text: { type: 'mrkdwn', text: `${'x'.repeat(2000)}\n${'y'.repeat(2000)}` }, accessory: { type: 'button' } };
    const out = splitOversizedSections([section('before'), big, section('after')]);
    expect(out).toHaveLength(4);
    expect(out[1]).toMatchObject({ block_id: 'summary', accessory: { type: 'button' }, text: { text: 'x'.repeat(2000) } });
    expect(out[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(2000) } });
    expect(out[3]).toEqual(section('after'));
  });

  it('reads the visible text of blocks, skipping buttons', () => {
    const text = blocksToPlainText([
      { type: 'header', text: { type: 'plain_text', text: 'Release 4.19.1' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'All good' }, accessory: { type: 'button', text: { type: 'plain_text', text: 'Click' } } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'by oar-bot' }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' } }] },
    ]);
    expect(text).toBe('Release 4.19.1\nAll good\nby oar-bot');
  });
});

describe('planMessages', () => {
  it('sends a small message as is', () => {
    expect(planMessages({ text: 'hello', blocks: [section('hi')] })).toEqual([{ text: 'hello', blocks: [section('hi')] }]);
    expect(planMessages({ text: 'plain' })).toEqual([{ text: 'plain' }]);
  });

  it('splits plain text above 40,000 characters on lines', () => {
    const line = 'q'.repeat(999);
    const text = Array.from({ length: 90 }, () => line).join('\n');
    const plan = planMessages({ text });
    expect(plan.length).toBe(3);
    expect(plan.every((p) => p.text.length <= SLACK_LIMITS.messageText && p.blocks === undefined)).toBe(true);
    expect(plan.map((p) => p.text).join('\n')).toBe(text);
  });

  it('keeps at most 50 blocks and ~12k block characters per message', () => {
    const many = Array.from({ length: 130 }, (_, i) => section(`row ${i}`));
    const plan = planMessages({ text: 'Bug report\nsecond line', blocks: many });
    expect(plan.map((p) => p.blocks!.length)).toEqual([50, 50, 30]);
    expect(plan[0]!.text).toBe('Bug report\nsecond line');
    expect(plan[1]!.text).toBe('Bug report (continued 2/3)');

    const heavy = Array.from({ length: 10 }, () => section('h'.repeat(2900)));
    const plan2 = planMessages({ text: 't', blocks: heavy });
    expect(plan2.every((p) => p.blocks!.reduce((n, b) => n + b.text.text.length, 0) <= SLACK_LIMITS.blockCharsPerMessage)).toBe(true);
    expect(plan2.flatMap((p) => p.blocks)).toEqual(heavy);
  });

  it('splits a section above 3000 characters before grouping', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i}`.padEnd(40, '.')).join('\n');
    const plan = planMessages({ text: 'report', blocks: [section(text)] });
    const sections = plan.flatMap((p) => p.blocks!);
    expect(sections.every((s) => s.text.text.length <= 3000)).toBe(true);
    expect(sections.map((s) => s.text.text).join('\n')).toBe(text);
  });

  it('cuts an oversized fallback text on a line with an ellipsis', () => {
    const text = Array.from({ length: 50 }, () => 'w'.repeat(999)).join('\n');
    const plan = planMessages({ text, blocks: [section('x')] });
    expect(plan[0]!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(plan[0]!.text.endsWith('…')).toBe(true);
    expect(fitText('abc', 10)).toBe('abc');
  });
});
