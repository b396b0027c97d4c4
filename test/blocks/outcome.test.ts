import { describe, expect, it } from 'vitest';
import { outcomeBlocks, resultMessage, runningMessage, esc } from '../../src/blocks/outcome.ts';
import { confirmModal, loadingModal, typedRelease, CONFIRM_BLOCK } from '../../src/blocks/modal.ts';
import { homeView } from '../../src/blocks/home.ts';
import { suggestNext } from '../../src/release/tasks.ts';
import { planMessages } from '../../src/integrations/slack-limits.ts';

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
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':hourglass_flowing_sand: 4.19.1 · Image Consistency Check · In Progress', emoji: true } });
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

describe('messages at a glance', () => {
  const done = (outcome: Parameters<typeof outcomeBlocks>[0]) => ({ kind: 'done' as const, outcome, safety: 'read' as const, durationMs: 1, correlationId: 'c', log: '' });

  it('task lists are rich text with a status emoji per row and date tokens, never code blocks', () => {
    const m = resultMessage(done({ status: 'info', summary: 's', sections: [{ title: 'Tasks', items: [{ state: 'pass', label: 'Take Ownership', text: 'Pass', at: '2026-12-04T15:28:38Z', atLabel: 'completed' }, { state: 'not_started', label: 'Stage Testing', text: 'Not Started' }] }] }), meta);
    const json = JSON.stringify(m.blocks);
    expect(json).not.toContain('```');
    const rich = m.blocks.find((b) => b.type === 'rich_text');
    expect(JSON.stringify(rich)).toContain('"type":"emoji","name":"white_check_mark"');
    expect(JSON.stringify(rich)).toContain('"type":"date","timestamp":1796398118');
    expect(JSON.stringify(rich)).toContain('"name":"white_circle"');
  });

  it('each blocker once, in full, with a Resolve button carrying the exact text when resolvable', () => {
    const blocker = 'Found 3 missed CVE tracker bugs\n\nMissed CVE tracker bugs:\n- OCPBUGS-1\n- OCPBUGS-2\n- OCPBUGS-3';
    const m = resultMessage(done({ status: 'info', summary: 's', blockers: [blocker] }), meta, { resolvable: true, links: { jira: 'https://j', errata: 'https://e' } });
    const json = JSON.stringify(m.blocks);
    expect(json.split('Found 3 missed').length - 1).toBe(2); // the section and the button value
    expect(json).toContain('<https://j/browse/OCPBUGS-3|OCPBUGS-3>');
    const sec = m.blocks.find((b) => b.type === 'section' && (b as { accessory?: unknown }).accessory) as { accessory: { action_id: string; value: string } };
    expect(sec.accessory.action_id).toBe('oar_resolve');
    expect(JSON.parse(sec.accessory.value)).toEqual({ r: '4.19.1', i: blocker });
    expect(JSON.stringify(resultMessage(done({ status: 'info', summary: 's', blockers: [blocker] }), meta).blocks)).not.toContain('oar_resolve');
  });

  it('failures carry Retry, Help for this command and Open StateBox', () => {
    const m = resultMessage({ kind: 'refused', message: 'Errata is down', correlationId: 'c' }, { ...meta, text: 'oar -r 4.19.1 image-consistency-check' }, { stateboxUrl: 'https://github.com/o/r/blob/z/_releases/4.19/statebox/4.19.1.yaml' });
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string; value?: string; url?: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['oar_retry', 'oar_help', 'oar_link_0']);
    expect(actions.elements[0]!.value).toBe('oar -r 4.19.1 image-consistency-check');
    expect(actions.elements[1]!.value).toBe('image-consistency-check');
    expect(actions.elements[2]!.url).toContain('4.19.1.yaml');
    const failed = resultMessage(done({ status: 'fail', summary: 'x' }), { ...meta, text: 't' });
    expect(JSON.stringify(failed.blocks)).toContain('oar_retry');
    expect(JSON.stringify(resultMessage(done({ status: 'pass', summary: 'x' }), meta).blocks)).not.toContain('oar_retry');
  });

  it('a private answer offers "Share in channel" with its command line', () => {
    const m = resultMessage(done({ status: 'info', summary: 's' }), { ...meta, text: 'oar -r 4.19.1 release-status' }, { shareable: true });
    const share = m.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] };
    expect(share.elements[0]).toMatchObject({ action_id: 'oar_share', value: 'oar -r 4.19.1 release-status' });
  });
});
