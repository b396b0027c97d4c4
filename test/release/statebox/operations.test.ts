/**
 * StateBox API contract (spec 5.5 and section 15 edge cases 2, 3, 4, 7), ported from
 * tests/test_statebox.py with the defects of section 14 fixed (#2 pass demotion, #6 blocker re-add).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateBoxError } from '../../../src/release/statebox/errors.ts';
import { applyUpdateTask, createDefaultState } from '../../../src/release/statebox/operations.ts';
import { ReleaseFormatError } from '../../../src/release/version.ts';
import { localService, type LocalFixture } from './helpers.ts';

const R = '4.19.1';
let fx: LocalFixture;

beforeEach(() => {
  fx = localService();
});
afterEach(() => fx.cleanup());

async function stateboxError(p: Promise<unknown>): Promise<StateBoxError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StateBoxError);
    return e as StateBoxError;
  }
  throw new Error('expected a StateBoxError');
}

describe('load, default state and path (edge case 7)', () => {
  it('test_init_and_default_state: path is _releases/<y>/statebox/<release>.yaml', () => {
    expect(fx.service.location(R)).toBe(`${fx.dir}/_releases/4.19/statebox/4.19.1.yaml`);
    expect(fx.service.location('4.18.0-rc.8')).toMatch(/_releases\/4\.18\/statebox\/4\.18\.0-rc\.8\.yaml$/);
  });

  it('rejects release strings that are not releases (no path tricks)', () => {
    expect(() => fx.service.location('4.19')).toThrow(ReleaseFormatError);
    expect(() => fx.service.location('4.19.1/../../etc')).toThrow(ReleaseFormatError);
  });

  it('test_load_file_not_exists: default state (schema 1.0, empty tasks/issues), file not created', async () => {
    const doc = await fx.service.load(R);
    expect(doc.exists).toBe(false);
    expect(doc.version).toBeNull();
    expect(doc.state).toMatchObject({ schema_version: '1.0', release: R, created_at: '2025-11-27T21:50:00Z', updated_at: '2025-11-27T21:50:00Z', tasks: [], issues: [] });
    expect(doc.state.metadata).toEqual({
      jira_ticket: 'ART-12345',
      advisory_ids: { rpm: 151234, rhcos: 151235 },
      release_date: '2025-Dec-03',
      candidate_builds: { x86_64: '4.19.0-0.nightly-2025-11-20-101010' },
      shipment_mr: 'https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/337',
    });
    expect(existsSync(fx.service.location(R))).toBe(false);
    expect(fx.backend.writes).toBe(0);
    expect(await fx.service.exists(R)).toBe(false);
  });

  it('default state needs release_date (missing → Failed to load state)', () => {
    expect(() => createDefaultState({ release: R, release_date: null }, 'now')).toThrow(/^Failed to load state: release_date is missing/);
  });

  it('without release metadata a missing file is a clear not-found error and nothing is written', async () => {
    const bare = localService({ metadataProvider: undefined });
    try {
      const err = await stateboxError(bare.service.updateTask(R, 'take-ownership', 'In Progress'));
      expect(err.kind).toBe('not-found');
      expect(err.message).toContain('No StateBox for release 4.19.1');
      expect(bare.backend.writes).toBe(0);
    } finally {
      bare.cleanup();
    }
  });

  it('test_load_with_cache: a handle returns the same object until forceRefresh', async () => {
    const h = fx.service.open(R);
    const a = await h.load();
    const b = await h.load();
    expect(b).toBe(a);
    const c = await h.load({ forceRefresh: true });
    expect(c).not.toBe(a);
    expect(c).toEqual(a);
  });

  it('create() is idempotent and reports whether it created', async () => {
    const first = await fx.service.create({ release: R, advisories: { rpm: 1 }, jira_ticket: 'ART-1', release_date: '2025-Dec-03' });
    expect(first.created).toBe(true);
    const second = await fx.service.create({ release: R, advisories: { rpm: 2 }, jira_ticket: 'ART-2', release_date: '2025-Dec-04' });
    expect(second.created).toBe(false);
    expect(second.document.state.metadata.jira_ticket).toBe('ART-1');
    expect(fx.backend.writes).toBe(1);
    const text = readFileSync(fx.service.location(R), 'utf8');
    expect(text).toContain("schema_version: '1.0'\nrelease: 4.19.1\n");
    expect(text).toContain('  candidate_builds: {}\n  shipment_mr: null\ntasks: []\nissues: []\n');
  });
});

describe('update_task (edge cases 4 and 7)', () => {
  it('test_update_task_create_new: In Progress sets started_at = now, completed_at null, creates the file', async () => {
    const res = await fx.service.updateTask(R, 'take-ownership', 'In Progress');
    expect(res.written).toBe(true);
    expect(res.task).toEqual({ name: 'take-ownership', status: 'In Progress', started_at: '2025-11-27T21:50:00Z', completed_at: null, result: null });
    expect(await fx.service.getTaskStatus(R, 'take-ownership')).toBe('In Progress');
    expect(await fx.service.exists(R)).toBe(true);
  });

  it('test_update_task_update_existing: Pass sets completed_at and keeps started_at', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'In Progress');
    fx.clock.now = new Date('2025-11-27T22:10:04Z');
    const res = await fx.service.updateTask(R, 'take-ownership', 'Pass');
    expect(res.task).toMatchObject({ status: 'Pass', started_at: '2025-11-27T21:50:00Z', completed_at: '2025-11-27T22:10:04Z' });
    expect(res.previousStatus).toBe('In Progress');
    const doc = await fx.service.get(R);
    expect(doc?.state.updated_at).toBe('2025-11-27T22:10:04Z');
    expect(doc?.state.tasks).toHaveLength(1);
  });

  it('test_update_task_extracts_start_timestamp_from_result: first and last zone-qualified timestamps', async () => {
    const result = [
      '2025-11-27T21:54:22Z: INFO: task [Take Ownership] status is changed to [In Progress]',
      '2025-11-27T21:55:00Z: INFO: QA Owner of advisory 151234 is updated to [qe@redhat.com]',
      '2025-11-27T21:56:00Z: INFO: task [Take Ownership] status is changed to [Pass]',
    ].join('\n');
    const res = await fx.service.updateTask(R, 'take-ownership', 'Pass', result);
    expect(res.task.started_at).toBe('2025-11-27T21:54:22Z');
    expect(res.task.completed_at).toBe('2025-11-27T21:56:00Z');
    expect(res.task.completed_at).not.toBe(res.task.started_at);
    // Masked before it is written (edge case 5).
    expect(res.task.result).toContain('updated to [[EMAIL_REDACTED]]');
    expect(readFileSync(fx.service.location(R), 'utf8')).not.toContain('qe@redhat.com');
  });

  it('In Progress takes the first timestamp of the result; Fail with no timestamps uses now; Not Started touches no time', async () => {
    await fx.service.updateTask(R, 'stage-testing', 'In Progress', '2025-11-27T20:00:00+00:00: INFO: job id is not set, will trigger stage testing');
    expect((await fx.service.getTask(R, 'stage-testing'))?.started_at).toBe('2025-11-27T20:00:00+00:00');
    fx.clock.now = new Date('2025-11-28T01:02:03Z');
    const failed = await fx.service.updateTask(R, 'stage-testing', 'Fail', 'no times here');
    expect(failed.task).toMatchObject({ status: 'Fail', started_at: '2025-11-27T20:00:00+00:00', completed_at: '2025-11-28T01:02:03Z', result: 'no times here' });
    const reset = await fx.service.updateTask(R, 'stage-testing', 'Not Started');
    expect(reset.task).toMatchObject({ status: 'Not Started', started_at: '2025-11-27T20:00:00+00:00', completed_at: '2025-11-28T01:02:03Z' });
  });

  it('Pass without a prior In Progress back-fills started_at from the result (first timestamp)', () => {
    const state = createDefaultState({ release: R, release_date: '2025-Dec-03' }, '2025-11-27T21:50:00Z');
    const out = applyUpdateTask(state, 'image-signed-check', 'Pass', 'x 2025-11-27T10:00:00Z y 2025-11-27T11:00:00Z', 'NOW');
    expect(out.task).toMatchObject({ started_at: '2025-11-27T10:00:00Z', completed_at: '2025-11-27T11:00:00Z' });
    const out2 = applyUpdateTask(state, 'push-to-cdn-staging', 'Pass', undefined, 'NOW');
    expect(out2.task).toMatchObject({ started_at: 'NOW', completed_at: 'NOW' });
  });

  it('a result without a status only updates the result', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'In Progress');
    const res = await fx.service.updateTask(R, 'take-ownership', null, 'partial output');
    expect(res.task).toMatchObject({ status: 'In Progress', result: 'partial output', started_at: '2025-11-27T21:50:00Z' });
  });

  it('test_update_task_invalid_status: Invalid task status, nothing written', async () => {
    const err = await stateboxError(fx.service.updateTask(R, 'take-ownership', 'Done' as never));
    expect(err.kind).toBe('validation');
    expect(err.message).toBe("Invalid task status: Done. Must be one of ['Not Started', 'In Progress', 'Pass', 'Fail']");
    expect(fx.backend.writes + fx.backend.reads).toBe(0);
  });

  it('test_update_task_unsupported_task_name: Unsupported task name with the list', async () => {
    const err = await stateboxError(fx.service.updateTask(R, 'deploy-task', 'Pass'));
    expect(err.message).toBe(
      "Unsupported task name: 'deploy-task'. Must be one of: create-test-report, take-ownership, update-bug-list, image-consistency-check, analyze-candidate-build, analyze-promoted-build, check-greenwave-cvp-tests, check-cve-tracker-bug, push-to-cdn-staging, stage-testing, image-signed-check, drop-bugs, change-advisory-status",
    );
    await expect(fx.service.updateTask(R, '   ', 'Pass')).rejects.toThrow('Task name cannot be whitespace only');
    await expect(fx.service.updateTask(R, '', 'Pass')).rejects.toThrow('Task name must be a non-empty string');
    await expect(fx.service.updateTask(R, 'x'.repeat(201), 'Pass')).rejects.toThrow('Task name too long (max 200 characters)');
    expect(fx.backend.writes).toBe(0);
  });

  it('test_update_task_auto_save_disabled: only the cached copy changes', async () => {
    await fx.service.create({ ...(await fx.service.load(R)).state.metadata, release: R, release_date: '2025-Dec-03' });
    const writes = fx.backend.writes;
    const h = fx.service.open(R);
    const state = await h.updateTask('take-ownership', 'Pass', null, { autoSave: false });
    expect(state.tasks[0]?.status).toBe('Pass');
    expect(fx.backend.writes).toBe(writes);
    expect(await fx.service.getTaskStatus(R, 'take-ownership')).toBeNull();
    await h.save('Update task: take-ownership');
    expect(await fx.service.getTaskStatus(R, 'take-ownership')).toBe('Pass');
  });

  it('test_get_task_status: known task → status; unknown name → null (no validation)', async () => {
    await fx.service.updateTask(R, 'image-signed-check', 'Pass');
    expect(await fx.service.getTaskStatus(R, 'image-signed-check')).toBe('Pass');
    expect(await fx.service.getTaskStatus(R, 'no-such-task')).toBeNull();
    expect(await fx.service.getTaskStatus('4.19.2', 'image-signed-check')).toBeNull();
  });
});

describe('re-running a passed task (defect 14 #2: no demotion)', () => {
  it('In Progress on a passed task is a no-op: status, timestamps and result are kept, nothing written', async () => {
    await fx.service.updateTask(R, 'image-consistency-check', 'Pass', '2025-11-27T21:00:00Z: INFO: Triggered image consistency check Prow job: abc\n2025-11-27T22:00:00Z: done');
    const writes = fx.backend.writes;
    const res = await fx.service.updateTask(R, 'image-consistency-check', 'In Progress', 'Image consistency check already passed, skipping');
    expect(res).toMatchObject({ written: false, skipped: 'pass-kept', previousStatus: 'Pass' });
    expect(res.task).toMatchObject({ status: 'Pass', completed_at: '2025-11-27T22:00:00Z' });
    expect(res.task.result).toContain('Triggered image consistency check Prow job: abc');
    expect(fx.backend.writes).toBe(writes);
  });

  it('force: true demotes (explicit request), and Pass → Fail or Not Started are always recorded', async () => {
    await fx.service.updateTask(R, 'stage-testing', 'Pass');
    expect((await fx.service.updateTask(R, 'stage-testing', 'In Progress', undefined, { force: true })).task.status).toBe('In Progress');
    await fx.service.updateTask(R, 'stage-testing', 'Pass');
    expect((await fx.service.updateTask(R, 'stage-testing', 'Fail')).task.status).toBe('Fail');
    await fx.service.updateTask(R, 'push-to-cdn-staging', 'Pass');
    expect((await fx.service.updateTask(R, 'push-to-cdn-staging', 'Not Started')).task.status).toBe('Not Started');
  });
});

describe('issues (edge case 2)', () => {
  it('test_add_issue_success: entry shape and order', async () => {
    const out = await fx.service.addIssue(R, 'Advisories in abnormal state (NEW_FILES instead of QE): 151235', { blocker: true, relatedTasks: ['push-to-cdn-staging'] });
    expect(out.created).toBe(true);
    expect(Object.keys(out.issue)).toEqual(['issue', 'reported_at', 'resolved', 'resolution', 'blocker', 'related_tasks']);
    expect(out.issue).toEqual({ issue: 'Advisories in abnormal state (NEW_FILES instead of QE): 151235', reported_at: '2025-11-27T21:50:00Z', resolved: false, resolution: null, blocker: true, related_tasks: ['push-to-cdn-staging'] });
    expect(readFileSync(fx.service.location(R), 'utf8')).toContain("- issue: 'Advisories in abnormal state (NEW_FILES instead of QE): 151235'");
  });

  it('blocker defaults to true; related tasks are not validated against task names', async () => {
    const out = await fx.service.addIssue(R, 'deploy broke', { relatedTasks: ['task1', 'deploy-task'] });
    expect(out.issue).toMatchObject({ blocker: true, related_tasks: ['task1', 'deploy-task'] });
  });

  it('test_add_issue_deduplication: same text in another case returns the existing entry, no write', async () => {
    const first = await fx.service.addIssue(R, 'Jira ART ticket missing');
    const writes = fx.backend.writes;
    const again = await fx.service.addIssue(R, '  JIRA art TICKET missing ');
    expect(again.created).toBe(false);
    expect(again.issue).toEqual(first.issue);
    expect(fx.backend.writes).toBe(writes);
    expect(await fx.service.getIssues(R)).toHaveLength(1);
  });

  it('test_add_issue_general_blocker: different general blockers coexist', async () => {
    await fx.service.addIssue(R, 'general blocker one');
    await fx.service.addIssue(R, 'general blocker two');
    expect((await fx.service.getGeneralBlockers(R)).map((i) => i.issue)).toEqual(['general blocker one', 'general blocker two']);
  });

  it('test_add_issue_multiple_blockers_per_task_rejected: a second, different blocker for the task raises', async () => {
    await fx.service.addIssue(R, 'Found 2 missed CVE tracker bugs', { relatedTasks: ['check-cve-tracker-bug'] });
    const err = await stateboxError(fx.service.addIssue(R, 'another blocker', { relatedTasks: ['check-cve-tracker-bug'] }));
    expect(err.message).toBe("Task 'check-cve-tracker-bug' already has unresolved blocker: Found 2 missed CVE tracker bugs");
    // Non-blocking issues are not limited.
    expect((await fx.service.addIssue(R, 'fyi', { blocker: false, relatedTasks: ['check-cve-tracker-bug'] })).created).toBe(true);
  });

  it('defect 14 #6 fixed: re-adding the SAME unresolved blocker returns the existing entry instead of raising', async () => {
    const text = 'Found 1 missed CVE tracker bugs in shipments\n\nMissed CVE tracker bugs:\n- OCPBUGS-84775\n';
    const first = await fx.service.addIssue(R, text, { relatedTasks: ['check-cve-tracker-bug'] });
    const again = await fx.service.addIssue(R, text, { relatedTasks: ['check-cve-tracker-bug'] });
    expect(again).toEqual({ issue: first.issue, created: false });
    // Once resolved, a new blocker for the task is accepted again.
    await fx.service.resolveIssue(R, 'OCPBUGS-84775', 'attached');
    expect((await fx.service.addIssue(R, text, { relatedTasks: ['check-cve-tracker-bug'] })).created).toBe(true);
  });

  it('issue text validation: empty, whitespace, over 1000 characters; nothing written', async () => {
    await expect(fx.service.addIssue(R, '')).rejects.toThrow('Issue description must be a non-empty string');
    await expect(fx.service.addIssue(R, '  \n ')).rejects.toThrow('Issue description cannot be whitespace only');
    await expect(fx.service.addIssue(R, 'x'.repeat(1001))).rejects.toThrow('Issue description too long (max 1000 characters, got 1001)');
    expect((await fx.service.addIssue(R, 'x'.repeat(1000))).created).toBe(true);
    expect(fx.backend.writes).toBe(1);
  });

  it('test_get_task_blocker: first unresolved blocker that lists the task', async () => {
    await fx.service.addIssue(R, 'non-blocking note', { blocker: false, relatedTasks: ['stage-testing'] });
    await fx.service.addIssue(R, 'stage job failed', { relatedTasks: ['stage-testing'] });
    expect((await fx.service.getTaskBlocker(R, 'stage-testing'))?.issue).toBe('stage job failed');
    expect(await fx.service.getTaskBlocker(R, 'take-ownership')).toBeNull();
    await fx.service.resolveIssue(R, 'stage job failed', 'rerun passed');
    expect(await fx.service.getTaskBlocker(R, 'stage-testing')).toBeNull();
  });

  it('test_get_general_blockers: unresolved blockers without related tasks only', async () => {
    await fx.service.addIssue(R, 'general', {});
    await fx.service.addIssue(R, 'scoped', { relatedTasks: ['stage-testing'] });
    await fx.service.addIssue(R, 'general but not blocking', { blocker: false });
    expect((await fx.service.getGeneralBlockers(R)).map((i) => i.issue)).toEqual(['general']);
  });

  it('test_get_issues_filters: unresolved_only, blockers_only and task_name are ANDed', async () => {
    await fx.service.addIssue(R, 'a blocker stage', { relatedTasks: ['stage-testing'] });
    await fx.service.addIssue(R, 'b note stage', { blocker: false, relatedTasks: ['stage-testing'] });
    await fx.service.addIssue(R, 'c blocker general');
    await fx.service.addIssue(R, 'd blocker take', { relatedTasks: ['take-ownership'] });
    await fx.service.resolveIssue(R, 'd blocker take', 'fixed');
    const texts = async (f: Parameters<typeof fx.service.getIssues>[1]) => (await fx.service.getIssues(R, f)).map((i) => i.issue[0]);
    expect(await texts({})).toEqual(['a', 'b', 'c', 'd']);
    expect(await texts({ unresolvedOnly: true })).toEqual(['a', 'b', 'c']);
    expect(await texts({ blockersOnly: true })).toEqual(['a', 'c', 'd']);
    expect(await texts({ taskName: 'stage-testing' })).toEqual(['a', 'b']);
    expect(await texts({ unresolvedOnly: true, blockersOnly: true, taskName: 'stage-testing' })).toEqual(['a']);
    expect(await texts({ blockersOnly: true, taskName: 'take-ownership' })).toEqual(['d']);
  });
});

describe('resolve_issue (edge case 3)', () => {
  beforeEach(async () => {
    await fx.service.addIssue(R, 'Stage testing job #1628 failed due to PolarShift API timeout');
    await fx.service.addIssue(R, 'Stage testing job #1629 failed - quay.io registry 504');
    await fx.service.addIssue(R, 'Advisories in abnormal state (NEW_FILES instead of QE): 151235');
  });

  it('test_resolve_issue_exact_match: trimmed, case-insensitive; sets resolved, resolution, resolved_at', async () => {
    fx.clock.now = new Date('2025-11-28T08:00:00Z');
    const issue = await fx.service.resolveIssue(R, '  advisories in ABNORMAL state (new_files instead of qe): 151235 ', 'moved to QE');
    expect(issue).toMatchObject({ issue: 'Advisories in abnormal state (NEW_FILES instead of QE): 151235', resolved: true, resolution: 'moved to QE', resolved_at: '2025-11-28T08:00:00Z' });
    const text = readFileSync(fx.service.location(R), 'utf8');
    expect(text).toContain("  resolution: moved to QE\n  blocker: true\n  related_tasks: []\n  resolved_at: '2025-11-28T08:00:00Z'\n");
  });

  it('test_resolve_issue_partial_match: a unique substring', async () => {
    const issue = await fx.service.resolveIssue(R, 'quay.io registry', 'retried');
    expect(issue.issue).toBe('Stage testing job #1629 failed - quay.io registry 504');
  });

  it('test_resolve_issue_multiple_partial_matches: lists every candidate and asks for more text', async () => {
    const err = await stateboxError(fx.service.resolveIssue(R, 'stage testing job', 'x'));
    expect(err.message).toBe(
      "Multiple issues match 'stage testing job':\n  - Stage testing job #1628 failed due to PolarShift API timeout\n  - Stage testing job #1629 failed - quay.io registry 504\nPlease provide more specific text to uniquely identify the issue.",
    );
  });

  it('test_resolve_issue_not_found: lists the unresolved issues', async () => {
    await fx.service.resolveIssue(R, 'PolarShift', 'retried');
    const err = await stateboxError(fx.service.resolveIssue(R, 'PolarShift', 'again'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe(
      "Issue not found: 'PolarShift'\nUnresolved issues: ['Stage testing job #1629 failed - quay.io registry 504', 'Advisories in abnormal state (NEW_FILES instead of QE): 151235']",
    );
  });

  it('an exact match wins even when the text is also a substring of other issues', async () => {
    await fx.service.addIssue(R, 'timeout');
    await fx.service.addIssue(R, 'timeout in stage');
    expect((await fx.service.resolveIssue(R, 'TIMEOUT', 'ok')).issue).toBe('timeout');
  });
});

describe('metadata and status view', () => {
  it('update_metadata merges advisory_ids and candidate_builds, replaces other keys', async () => {
    await fx.service.create({ release: R, advisories: { rpm: 1 }, candidate_builds: { x86_64: 'a' }, release_date: '2025-Dec-03', jira_ticket: 'ART-1' });
    const meta = await fx.service.updateMetadata(R, { advisory_ids: { rhcos: 2 }, candidate_builds: { aarch64: 'b' }, jira_ticket: 'ART-2', qe_owner: 'someone' });
    expect(meta).toMatchObject({ advisory_ids: { rpm: 1, rhcos: 2 }, candidate_builds: { x86_64: 'a', aarch64: 'b' }, jira_ticket: 'ART-2', qe_owner: 'someone' });
  });

  it('readStatus: display names, blockers, Red when a task failed', async () => {
    expect(await fx.service.readStatus(R)).toBeNull();
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    await fx.service.updateTask(R, 'analyze-candidate-build', 'In Progress');
    await fx.service.addIssue(R, 'blocked', { relatedTasks: ['analyze-candidate-build'] });
    let view = await fx.service.readStatus(R);
    expect(view?.overall).toBe('Green');
    expect(view?.tasks.map((t) => [t.display, t.status, t.blocker])).toEqual([
      ['Take Ownership', 'Pass', null],
      ['analyze-candidate-build', 'In Progress', 'blocked'],
    ]);
    expect(view?.blockers.map((b) => b.issue)).toEqual(['blocked']);
    await fx.service.updateTask(R, 'stage-testing', 'Fail');
    view = await fx.service.readStatus(R);
    expect(view?.overall).toBe('Red');
    expect(view?.location).toBe(fx.service.location(R));
  });

  it('reports which backend it uses', () => {
    expect(fx.service.backendKind).toBe('local');
    expect(fx.service.backendDescription).toBe(`local directory ${fx.dir}`);
  });
});
