import { describe, expect, it } from 'vitest';
import { homeView, sortForViewer, type HomeRelease } from '../../src/blocks/home.ts';
import { parseResolveMeta, resolveModal, typedResolution } from '../../src/blocks/modal.ts';
import { RESOLVE_BLOCK, RESOLVE_INPUT } from '../../src/blocks/action-ids.ts';

const rel = (release: string, over: Partial<HomeRelease> = {}): HomeRelease => ({ release, tasks: [{ name: 'take-ownership', status: 'Pass' }, { name: 'stage-testing', status: 'Not Started' }], blockers: [], ...over });

describe('App Home', () => {
  it('the viewer\'s releases first, then newest first', () => {
    expect(sortForViewer([rel('4.18.3'), rel('4.19.10'), rel('4.19.2', { mine: true })]).map((r) => r.release)).toEqual(['4.19.2', '4.19.10', '4.18.3']);
  });

  it('owner as a mention, date token, full checklist, blockers with Resolve, Refresh', () => {
    const v = homeView([rel('4.19.1', { owner: 'lead@redhat.com', releaseDate: '2026-Jan-13', updatedAt: '2026-01-05T10:00:00Z', blockers: ['Found 1 missed CVE\n- OCPBUGS-9'], next: [{ label: 'Status', command: 'release-status' }, { label: 'Stage testing', command: 'stage-testing' }] })], { updatedAt: new Date('2026-01-05T11:00:00Z'), mentions: new Map([['lead@redhat.com', 'U_LEAD']]), resolvable: true, links: { jira: 'https://j', errata: 'https://e' } });
    const json = JSON.stringify(v);
    expect(json).toContain('owner <@U_LEAD>');
    expect(json).toContain('ships 2026-Jan-13');
    expect(json).toContain('<!date^1767607200^');
    expect(json).toContain(':white_circle: Stage Testing');
    expect(json).toContain('"action_id":"oar_resolve"');
    expect(json).toContain('"action_id":"oar_home_refresh"');
    expect(json).toContain('<https://j/browse/OCPBUGS-9|OCPBUGS-9>');
    expect(json).toContain('"style":"primary"');
    expect(json).toContain('"block_id":"oar_blocker_4.19.1_0"');
  });

  it('without a recorded owner: "no owner yet", or "owner not recorded" under a passed Take Ownership', () => {
    const opts = { updatedAt: new Date('2026-01-05T11:00:00Z') };
    expect(JSON.stringify(homeView([rel('4.19.1')], opts))).toContain('_owner not recorded by oar-bot_');
    const fresh = JSON.stringify(homeView([rel('4.19.2', { tasks: [{ name: 'take-ownership', status: 'Not Started' }] })], opts));
    expect(fresh).toContain('_no owner yet_');
    expect(fresh).not.toContain('not recorded');
  });

  it('stays within 100 blocks however many releases', () => {
    const v = homeView(Array.from({ length: 40 }, (_, i) => rel(`4.19.${i}`, { blockers: ['a', 'b'], next: [{ label: 'Status', command: 'release-status' }] })), { updatedAt: new Date(), resolvable: true });
    expect(v.blocks.length).toBeLessThanOrEqual(100);
  });
});

describe('Resolve modal', () => {
  it('carries the release and the exact issue, and reads the typed resolution', () => {
    const v = resolveModal({ release: '4.19.1', issue: 'Payload not signed\nline 2', channel: 'C1', threadTs: '1.2' });
    expect(parseResolveMeta(v.private_metadata!)).toEqual({ release: '4.19.1', issue: 'Payload not signed\nline 2', channel: 'C1', threadTs: '1.2' });
    expect(parseResolveMeta('nope')).toBeUndefined();
    expect(typedResolution({ [RESOLVE_BLOCK]: { [RESOLVE_INPUT]: { value: ' signed now ' } } })).toBe('signed now');
  });
});
