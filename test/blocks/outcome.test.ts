import { describe, expect, it } from 'vitest';
import { outcomeBlocks, resultMessage, runningMessage, esc } from '../../src/blocks/outcome.ts';
import { confirmModal, loadingModal, typedRelease, CONFIRM_BLOCK } from '../../src/blocks/modal.ts';
import { homeView, suggestNext } from '../../src/blocks/home.ts';
import { planMessages } from '../../src/blocks/limits.ts';

const meta = { actorId: 'U1', command: 'image-consistency-check', release: '4.19.1', correlationId: 'abc123' };

describe('outcome blocks', () => {
  it('shows status, summary, fields, links, blockers, next-step buttons and the correlation id', () => {
    const blocks = outcomeBlocks(
      {
        status: 'in_progress',
        summary: 'Triggered Prow job 123 <script>',
        sections: [{ title: 'Job', fields: [{ label: 'State', value: 'pending' }] }],
        links: [{ label: 'Prow', url: 'https://prow.example/123' }],
        blockers: ['CVE tracker missing'],
        nextSteps: [{ label: 'Check status', command: 'image-consistency-check', args: ['-i', '123'] }],
      },
      meta,
    );
    const json = JSON.stringify(blocks);
    expect(json).toContain(':hourglass_flowing_sand: *In Progress*');
    expect(json).toContain('Triggered Prow job 123 &lt;script&gt;');
    expect(json).toContain('<https://prow.example/123|Prow>');
    expect(json).toContain('CVE tracker missing');
    expect(json).toContain('id abc123');
    const actions = blocks.find((b) => b.type === 'actions') as { elements: { value: string; action_id: string }[] };
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ r: '4.19.1', c: 'image-consistency-check', a: ['-i', '123'] });
  });

  it('renders refusals with their own emoji and a fallback text', () => {
    const m = resultMessage({ kind: 'locked', message: '4.19.1 is locked by U2', correlationId: 'x', heldBy: {} as never }, meta);
    expect(m.text).toBe('4.19.1 is locked by U2');
    expect(JSON.stringify(m.blocks)).toContain(':lock:');
  });

  it('keeps a huge output within Slack limits once planned into messages', () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const msg = resultMessage({ kind: 'done', safety: 'read', durationMs: 1, correlationId: 'c', log: '', outcome: { status: 'info', summary: 'big', sections: [{ lines }] } }, meta);
    const parts = planMessages(msg);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.blocks!.length).toBeLessThanOrEqual(50);
      for (const b of p.blocks as { type: string; text?: { text: string } }[]) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
    const all = parts.flatMap((p) => p.blocks as { text?: { text: string } }[]).map((b) => b.text?.text ?? '').join('\n');
    expect(all).toContain('line 3999');
  });

  it('says who runs what on which release', () => {
    expect(runningMessage(meta).text).toBe('U1 is running image-consistency-check on 4.19.1');
  });

  it('escapes Slack control characters', () => {
    expect(esc('<@U1> & <!here>')).toBe('&lt;@U1&gt; &amp; &lt;!here&gt;');
  });
});

describe('confirmation modal', () => {
  it('shows the plan and asks for the release; an empty plan has no submit', () => {
    const v = confirmModal({ pendingId: 'p1', command: 'push-to-cdn-staging', release: '4.19.1', expiresAt: new Date(Date.now() + 600_000) }, { summary: 'trigger 1 push', changes: [{ target: 'advisory 151166', from: 'no push', to: 'cdn_stage push' }] });
    expect(v.private_metadata).toBe('p1');
    expect(JSON.stringify(v)).toContain('advisory 151166');
    expect(JSON.stringify(v)).toContain('Type 4.19.1 to confirm');
    expect(v.type === 'modal' && v.submit).toBeTruthy();
    const empty = confirmModal({ pendingId: 'p2', command: 'x', release: '4.19.1', expiresAt: new Date() }, { summary: 'nothing', changes: [], empty: true });
    expect(empty.type === 'modal' && empty.submit).toBeFalsy();
    expect(loadingModal({ pendingId: 'p3', command: 'x', release: '4.19.1' }).private_metadata).toBe('p3');
    expect(typedRelease({ [CONFIRM_BLOCK]: { value: { value: ' 4.19.1 ' } } })).toBe('4.19.1');
  });
});

describe('App Home', () => {
  it('lists releases with task emoji, blockers and next-step buttons', () => {
    const tasks = [{ name: 'take-ownership', status: 'Pass' as const }, { name: 'image-consistency-check', status: 'Fail' as const }];
    const v = homeView([{ release: '4.19.1', flow: 'konflux', tasks, blockers: ['CVE-2026-1 missing'], next: suggestNext(tasks) }], { updatedAt: new Date('2026-11-21T10:00:00Z') });
    const json = JSON.stringify(v);
    expect(json).toContain(':white_check_mark: Take Ownership');
    expect(json).toContain(':x: Image Consistency Check');
    expect(json).toContain('CVE-2026-1 missing');
    expect(suggestNext(tasks).map((n) => n.command)).toEqual(['release-status', 'check-cve-tracker-bug', 'image-consistency-check']);
  });
});
