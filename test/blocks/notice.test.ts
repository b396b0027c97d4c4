import { describe, expect, it } from 'vitest';
import { noticeParts, renderTeamNotice } from '../../src/blocks/notice.ts';
import { rejectedBuildsSummary } from '../../src/blocks/result-checker.ts';

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

  it('renders a team notice: a section in the channel, the full text or the rich details in the thread', () => {
    const short = renderTeamNotice({ text: 'Hello <!subteam^S1>, new StateBox' });
    expect(short.thread).toEqual([]);
    expect(short.summary).toEqual({ text: 'Hello <!subteam^S1>, new StateBox', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello <!subteam^S1>, new StateBox' } }] });

    const text = `Please verify\n${Array.from({ length: 40 }, (_, i) => `OCPBUGS-${i}`).join('\n')}`;
    const long = renderTeamNotice({ text });
    expect(long.summary.text).toContain('…and 35 more (40 in all)');
    expect(long.thread).toEqual([{ text }]);

    const rich = renderTeamNotice({ text: 'a\nb', summary: '2 builds', details: [{ text: 'a', blocks: [] }, { text: 'b' }] });
    expect(rich.summary.text).toBe('2 builds');
    expect(rich.summary.blocks?.[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: ':speech_balloon: The full detail is in the thread.' }] });
    expect(rich.thread.map((m) => m.text)).toEqual(['a', 'b']);
  });

  it("summarises a run's rejected builds: the original's sentence for one, a count and the first five for many", () => {
    const build = (i: number) => ({ build: `4.19.0-0.nightly-${i}`, arch: 'amd64', release: '4.19', nightly: true, fileName: `f${i}.json`, fileUrl: `https://gh/f${i}.json`, totalJobs: 5, failedJobs: [{ shortName: 'aws', jobName: 'j', state: 'failure', retries: [] }] });
    expect(rejectedBuildsSummary([build(1)])).toBe(':x: Rejected build detected in test result file: <https://gh/f1.json|f1.json>. Please check!');
    const many = rejectedBuildsSummary(Array.from({ length: 7 }, (_, i) => build(i)));
    expect(many.split('\n')[0]).toBe(":x: *7 rejected builds detected* in the test result files. Please check! Each build's failed jobs are in the thread.");
    expect(many).toContain('• <https://gh/f0.json|4.19.0-0.nightly-0> — 4.19 nightly · amd64, 1 of 5 jobs failed');
    expect(many.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(many).toContain('_…and 2 more._');
  });
});
