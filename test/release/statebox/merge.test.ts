/**
 * Merge algorithm (spec 5.6, edge case 6): two writers that read the same version both keep their
 * changes. Ports test_concurrent_writes_with_merge, test_concurrent_task_updates_with_merge and
 * test_concurrent_issue_updates_with_merge, plus the three-way refinement.
 */
import { describe, expect, it } from 'vitest';
import { mergeStates } from '../../../src/release/statebox/merge.ts';
import { applyAddIssue, applyResolveIssue, applyUpdateMetadata, applyUpdateTask, createDefaultState } from '../../../src/release/statebox/operations.ts';
import type { StateBoxState } from '../../../src/release/statebox/schema.ts';

function base(): StateBoxState {
  const s = createDefaultState({ release: '4.19.1', advisories: { rpm: 1 }, candidate_builds: { x86_64: 'n1' }, jira_ticket: 'ART-1', release_date: '2025-Dec-03' }, '2025-11-27T21:50:00Z');
  applyUpdateTask(s, 'take-ownership', 'Pass', undefined, '2025-11-27T21:51:00Z');
  applyAddIssue(s, 'shared issue', {}, '2025-11-27T21:52:00Z');
  return s;
}

describe('mergeStates, two-way (the spec rules)', () => {
  it('test_concurrent_writes_with_merge: different metadata keys from both writers survive; local nulls never erase', () => {
    const remote = base();
    applyUpdateMetadata(remote, { advisory_ids: { rhcos: 2 }, qe_owner: 'remote-owner' });
    const local = base();
    applyUpdateMetadata(local, { candidate_builds: { aarch64: 'a1' }, shipment_mr: null, jira_ticket: 'ART-2' });
    const merged = mergeStates(local, remote);
    expect(merged.metadata).toMatchObject({
      advisory_ids: { rpm: 1, rhcos: 2 },
      candidate_builds: { x86_64: 'n1', aarch64: 'a1' },
      qe_owner: 'remote-owner',
      jira_ticket: 'ART-2',
    });
  });

  it('test_concurrent_task_updates_with_merge: each writer\'s task survives; remote order then new local tasks', () => {
    const remote = base();
    applyUpdateTask(remote, 'image-consistency-check', 'In Progress', undefined, 'T2');
    const local = base();
    applyUpdateTask(local, 'stage-testing', 'In Progress', undefined, 'T3');
    applyUpdateTask(local, 'take-ownership', 'Fail', 'local result', 'T3');
    const merged = mergeStates(local, remote);
    expect(merged.tasks.map((t) => [t.name, t.status])).toEqual([
      ['take-ownership', 'Fail'],
      ['image-consistency-check', 'In Progress'],
      ['stage-testing', 'In Progress'],
    ]);
    expect(merged.tasks[0]?.result).toBe('local result');
  });

  it('test_concurrent_issue_updates_with_merge: issues unioned by normalised text, resolved beats unresolved', () => {
    const remote = base();
    applyAddIssue(remote, 'remote issue', {}, 'T2');
    const local = base();
    applyAddIssue(local, 'local issue', { blocker: false }, 'T3');
    applyResolveIssue(local, 'SHARED ISSUE', 'fixed locally', 'T4');
    const merged = mergeStates(local, remote);
    expect(merged.issues.map((i) => [i.issue, i.resolved])).toEqual([
      ['shared issue', true],
      ['remote issue', false],
      ['local issue', false],
    ]);
    expect(merged.issues[0]).toMatchObject({ resolution: 'fixed locally', resolved_at: 'T4' });
  });

  it('remote resolved + local unresolved keeps remote; both resolved → the later resolved_at wins', () => {
    const remote = base();
    applyResolveIssue(remote, 'shared issue', 'remote fix', '2025-11-28T10:00:00Z');
    const local = base();
    expect(mergeStates(local, remote).issues[0]).toMatchObject({ resolved: true, resolution: 'remote fix' });
    const later = base();
    applyResolveIssue(later, 'shared issue', 'local fix', '2025-11-28T11:00:00Z');
    expect(mergeStates(later, remote).issues[0]).toMatchObject({ resolution: 'local fix', resolved_at: '2025-11-28T11:00:00Z' });
    const earlier = base();
    applyResolveIssue(earlier, 'shared issue', 'old fix', '2025-11-28T09:00:00Z');
    expect(mergeStates(earlier, remote).issues[0]).toMatchObject({ resolution: 'remote fix', resolved_at: '2025-11-28T10:00:00Z' });
  });

  it('does not modify its inputs', () => {
    const remote = base();
    const local = base();
    applyAddIssue(local, 'new', {}, 'T');
    const snapshot = JSON.stringify(remote);
    mergeStates(local, remote);
    expect(JSON.stringify(remote)).toBe(snapshot);
  });
});

describe('mergeStates, three-way (with the base the writer read)', () => {
  it('a task the local writer did not touch keeps the remote update (the two-way rule would lose it)', () => {
    const b = base();
    const remote = structuredClone(b);
    applyUpdateTask(remote, 'take-ownership', 'Fail', 'remote re-ran it', 'T2');
    const local = structuredClone(b);
    applyUpdateTask(local, 'stage-testing', 'In Progress', undefined, 'T3');
    expect(mergeStates(local, remote).tasks[0]?.status).toBe('Pass'); // spec two-way: stale local copy wins
    const merged = mergeStates(local, remote, b);
    expect(merged.tasks.map((t) => [t.name, t.status])).toEqual([
      ['take-ownership', 'Fail'],
      ['stage-testing', 'In Progress'],
    ]);
  });

  it('metadata the local writer did not change keeps the remote value', () => {
    const b = base();
    const remote = structuredClone(b);
    applyUpdateMetadata(remote, { jira_ticket: 'ART-9', advisory_ids: { rpm: 5 } });
    const local = structuredClone(b);
    applyUpdateMetadata(local, { advisory_ids: { rhcos: 7 } });
    const merged = mergeStates(local, remote, b);
    expect(merged.metadata).toMatchObject({ jira_ticket: 'ART-9', advisory_ids: { rpm: 5, rhcos: 7 } });
  });
});
