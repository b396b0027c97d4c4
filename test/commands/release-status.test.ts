import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseStatus as releaseStatusDecl } from '../../src/commands/release-status.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { startBugsHarness, type BugsHarness } from './update-bug-list.harness.ts';
import { commandOf } from '../../src/commands/index.ts';

const releaseStatus = commandOf(releaseStatusDecl);

const rs = releaseStatus;

describe('release-status', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands: [rs] });
    const sb = h.engine.statebox;
    await sb.updateTask('4.19.1', 'take-ownership', 'Pass', '2026-01-05T10:00:00Z: INFO: task [Take Ownership] status is changed to [In Progress]\n2026-01-05T10:02:00Z: INFO: task [Take Ownership] status is changed to [Pass]');
    await sb.updateTask('4.19.1', 'check-cve-tracker-bug', 'Fail', '2026-01-05T11:00:00Z: INFO: task [Check CVE Tracker Bug] status is changed to [Fail]');
    await sb.updateTask('4.19.1', 'image-consistency-check', 'In Progress', '2026-01-05T12:00:00Z: INFO: Triggered image consistency check Prow job: abc');
    await sb.addIssue('4.19.1', 'Found 1 missed CVE tracker bugs in advisories\n\nMissed CVE tracker bugs:\n- OCPBUGS-9\n', { blocker: true, relatedTasks: ['check-cve-tracker-bug'] });
    await sb.addIssue('4.19.1', 'Payload not signed yet', { blocker: true });
    await sb.addIssue('4.19.1', 'Docs review pending', { blocker: false });
    await sb.addIssue('4.19.1', 'Old blocker', { blocker: true });
    await sb.resolveIssue('4.19.1', 'Old blocker', 'fixed');
  }, 60_000);
  afterAll(() => h.stop());

  it('prints each task with its display name and status, and each open blocker', async () => {
    const r = await h.run(rs, '4.19.1');
    expect(r.outcome.status).toBe('info');
    expect(r.outcome.summary).toBe('4.19.1: Red, 1 of 9 tasks passed, 2 open blockers');
    const items = r.outcome.sections?.find((s) => s.title === 'Tasks')?.items ?? [];
    // The checklist in workflow order, every task by its name for people.
    expect(items.map((i) => i.label)).toEqual(['Take Ownership', 'Image Consistency Check', 'Analyze Candidate Build', 'Analyze Promoted Build', 'Check CVE Tracker Bug', 'Push to CDN Staging', 'Stage Testing', 'Image Signed Check', 'Change Advisory Status']);
    expect(items[0]).toEqual({ state: 'pass', label: 'Take Ownership', text: 'Pass', at: '2026-01-05T10:02:00Z', atLabel: 'completed' });
    expect(items[4]).toEqual({ state: 'blocked', label: 'Check CVE Tracker Bug', text: 'Fail (blocked)', at: '2026-01-05T11:00:00Z', atLabel: 'completed' });
    expect(items[1]).toEqual({ state: 'in_progress', label: 'Image Consistency Check', text: 'In Progress', at: '2026-01-05T12:00:00Z', atLabel: 'started' });
    // The workflow tasks not recorded yet are shown as Not Started, by display name.
    expect(items).toContainEqual({ state: 'not_started', label: 'Push to CDN Staging', text: 'Not Started' });
    expect(items).toContainEqual({ state: 'not_started', label: 'Change Advisory Status', text: 'Not Started' });
    // Each blocker once (no separate section), in full: every missed CVE key is kept.
    expect(r.outcome.sections?.find((s) => s.title === 'Open blockers')).toBeUndefined();
    expect(r.outcome.blockers).toEqual(['Found 1 missed CVE tracker bugs in advisories\n\nMissed CVE tracker bugs:\n- OCPBUGS-9', 'Payload not signed yet']);
    expect(r.outcome.sections?.find((s) => s.title === 'Other open issues')?.items?.[0]).toMatchObject({ state: 'warn', label: 'whole release', text: 'Docs review pending', atLabel: 'reported' });
    expect(r.outcome.links?.[0]?.url).toMatch(/\/openshift\/release-tests\/blob\/z-stream\/_releases\/4\.19\/statebox\/4\.19\.1\.yaml$/);
  });

  it('returns the StateBox document as data (agents.md 9.7 shape)', async () => {
    const r = await h.run(rs, '4.19.1');
    const data = r.outcome.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['schema_version', 'release', 'created_at', 'updated_at', 'metadata', 'tasks', 'issues']);
    expect(data).toMatchObject({ schema_version: '1.0', release: '4.19.1' });
    expect((data.tasks as { name: string }[]).map((t) => t.name)).toEqual(['take-ownership', 'check-cve-tracker-bug', 'image-consistency-check']);
    expect((data.issues as unknown[]).length).toBe(4);
  });

  it('suggests the natural next commands (suggestNext), not itself', async () => {
    const r = await h.run(rs, '4.19.1');
    expect(r.outcome.nextSteps?.map((n) => n.command)).toEqual(['check-cve-tracker-bug', 'push-to-cdn-staging']);
  });

  it('says when a release has no StateBox yet and suggests create-test-report', async () => {
    const r = await h.run(rs, '4.19.7');
    expect(r.outcome.status).toBe('info');
    expect(r.outcome.summary).toBe('4.19.7 has no StateBox yet: create-test-report creates it');
    expect(r.outcome.data).toMatchObject({ source: 'none', release: '4.19.7', overall_status: 'Unknown' });
    expect(r.outcome.nextSteps?.map((n) => n.command)).toEqual(['create-test-report']);
    expect(r.outcome.recordTask).toBeUndefined();
  });
});

describe('release-status without ConfigStore', () => {
  let engine: Engine;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oar-rs-'));
    // No OAR_JWK, no ConfigStore, no GitHub token: the local StateBox backend only.
    engine = await createEngine({ frontEnd: 'test', config: loadConfig({ LOG_LEVEL: 'silent', OAR_DATA_DIR: dir }), registry: createRegistry([rs]), store: null });
    await engine.statebox.saveDocument(
      '4.18.3',
      {
        schema_version: '1.0',
        release: '4.18.3',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        metadata: { jira_ticket: 'ART-1', advisory_ids: {}, release_date: '2026-Jan-07', candidate_builds: {}, shipment_mr: null },
        tasks: [{ name: 'stage-testing', status: 'Pass', started_at: '2026-01-02T00:00:00Z', completed_at: '2026-01-02T03:00:00Z', result: null }],
        issues: [],
      },
      null,
    );
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('works with StateBox alone', async () => {
    const r = await engine.runner.execute({ command: rs, release: '4.18.3', options: {}, actor: { id: 'cli:qe', via: 'cli' } });
    expect(r.kind).toBe('done');
    if (r.kind !== 'done') return;
    expect(r.outcome.summary).toBe('4.18.3: Green, 1 of 9 tasks passed, 0 open blockers');
    expect(r.outcome.sections?.find((s) => s.title === 'Tasks')?.items?.find((i) => i.label === 'Stage Testing')).toEqual({ state: 'pass', label: 'Stage Testing', text: 'Pass', at: '2026-01-02T03:00:00Z', atLabel: 'completed' });
    expect(r.outcome.links).toEqual([]);
  });
});
