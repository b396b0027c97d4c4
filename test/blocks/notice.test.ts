import { describe, expect, it } from 'vitest';
import { noticeParts } from '../../src/blocks/notice.ts';

describe('team notices', () => {
  it('a short notice is posted as it is', () => {
    expect(noticeParts('Hello @art, found 2 bugs\nOCPBUGS-1\nOCPBUGS-2\n')).toEqual({ summary: 'Hello @art, found 2 bugs\nOCPBUGS-1\nOCPBUGS-2\n' });
  });

  it('a long list: first line, the top items, the count; the full text unchanged for the thread', () => {
    const text = `[4.19.1] Please verify\n${Array.from({ length: 300 }, (_, i) => `<https://j/browse/OCPBUGS-${i}|OCPBUGS-${i}> <@U${i}>`).join('\n')}\n`;
    const p = noticeParts(text);
    expect(p.detail).toBe(text);
    expect(p.summary.split('\n')).toHaveLength(7);
    expect(p.summary).toMatch(/^\[4\.19\.1\] Please verify\n/);
    expect(p.summary).toContain('…and 295 more (300 in all): the full list is in the thread.');
    expect(p.summary.length).toBeLessThan(1500);
  });

  it('one very long line keeps its start and says the rest is in the thread', () => {
    const text = `Hello ${'word '.repeat(600)}`;
    const p = noticeParts(text);
    expect(p.detail).toBe(text);
    expect(p.summary.length).toBeLessThan(1600);
    expect(p.summary).toContain('The full text is in the thread.');
  });
});
