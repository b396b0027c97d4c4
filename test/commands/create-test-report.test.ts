import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestReport as createTestReportDecl } from '../../src/commands/create-test-report.ts';
import { releaseStatus as releaseStatusDecl } from '../../src/commands/release-status.ts';
import { startBugsHarness, taskOf, type BugsHarness } from './update-bug-list.harness.ts';
import { commandOf } from '../../src/commands/index.ts';

const createTestReport = commandOf(createTestReportDecl);
const releaseStatus = commandOf(releaseStatusDecl);

const commands = [createTestReport, releaseStatus];
const ctr = createTestReport;

describe('create-test-report', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands });
    h.world.seedRelease('4.19.1');
    h.world.seedRelease('4.19.10');
  });
  afterAll(() => h.stop());

  it('creates the StateBox from the ConfigStore metadata and announces it to the QE release channel', async () => {
    expect(await h.statebox('4.19.1')).toBeNull();
    const r = await h.run(ctr, '4.19.1');
    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toMatch(/StateBox created for 4\.19\.1 and announced in #team-qe-release/);

    const doc = await h.statebox('4.19.1');
    expect(doc?.state.metadata).toMatchObject({ jira_ticket: 'ART-13172', advisory_ids: { extras: 151167, image: 151165, metadata: 151168, rpm: 151166 }, shipment_mr: null });
    expect(doc?.state.metadata.release_date).toMatch(/^\d{4}-[A-Z][a-z]{2}-\d{2}$/);
    // Written to the simulated GitHub at the spec's path.
    expect(h.world.github.readFile('z-stream', '_releases/4.19/statebox/4.19.1.yaml')).toContain("schema_version: '1.0'");
    expect(taskOf(doc, 'create-test-report')?.status).toBe('Pass');
    expect(taskOf(doc, 'create-test-report')?.result).toContain('StateBox initialized successfully for 4.19.1 at ');

    // Notification #2, exact text.
    const url = doc!.location;
    expect(h.posted('#team-qe-release')).toEqual([`Hello <!subteam^S_QE_REL_419>, new <${url}|StateBox> is created for 4.19.1 release tracking`]);
  });

  it('is idempotent: a second run changes nothing, notifies nobody and says so', async () => {
    const before = await h.statebox('4.19.1');
    const commits = h.world.github.commits({ branch: 'z-stream', path: '_releases/4.19/statebox/4.19.1.yaml' }).length;
    const r = await h.run(ctr, '4.19.1');
    expect(r.outcome.status).toBe('info');
    expect(r.outcome.summary).toBe('StateBox already exists for 4.19.1; nothing changed');
    expect(r.log).toContain('StateBox already exists for 4.19.1 at ');
    const after = await h.statebox('4.19.1');
    expect(after?.version).toBe(before?.version);
    expect(h.world.github.commits({ branch: 'z-stream', path: '_releases/4.19/statebox/4.19.1.yaml' })).toHaveLength(commits);
    expect(h.posted('#team-qe-release')).toHaveLength(1);
  });

  it('records a Konflux release with its shipment MR', async () => {
    const r = await h.run(ctr, '4.19.10');
    expect(r.outcome.status).toBe('pass');
    const doc = await h.statebox('4.19.10');
    expect(doc?.state.metadata.shipment_mr).toMatch(/merge_requests\/\d+$/);
    expect(doc?.state.metadata.advisory_ids).toEqual({ rhcos: 153981, rpm: 153979 });
  });

  it('does not announce a StateBox another command created first, but records its task once', async () => {
    h.world.seedRelease('4.19.2');
    await h.engine.statebox.updateTask('4.19.2', 'take-ownership', 'Pass', '2026-01-05T10:00:00Z: INFO: task [Take Ownership] status is changed to [Pass]');
    const posted = h.posted('#team-qe-release').length;
    const r = await h.run(ctr, '4.19.2');
    expect(r.outcome.status).toBe('pass');
    expect(r.outcome.summary).toMatch(/already exists/);
    expect(h.posted('#team-qe-release')).toHaveLength(posted);
    expect(taskOf(await h.statebox('4.19.2'), 'create-test-report')?.status).toBe('Pass');
    // ...and a further run is a no-op.
    const again = await h.run(ctr, '4.19.2');
    expect(again.outcome.status).toBe('info');
  });
});

describe('create-test-report without Slack', () => {
  let h: BugsHarness;
  beforeAll(async () => {
    h = await startBugsHarness({ commands, omitEnv: ['SLACK_BOT_TOKEN'] });
    h.world.seedRelease('4.19.1');
  });
  afterAll(() => h.stop());

  it('still creates the StateBox; the failed notice is a warning, not a failure', async () => {
    const r = await h.run(ctr, '4.19.1');
    expect(r.outcome.status).toBe('pass');
    expect(r.log).toMatch(/WARNING: Failed to send notification for StateBox creation: .*SLACK_BOT_TOKEN/);
    expect((await h.statebox('4.19.1'))?.exists).toBe(true);
  });
});

describe('create-test-report: the StateBox backend is a stated choice', () => {
  let h: BugsHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('production (Slack tokens) without GITHUB_TOKEN or OAR_STATEBOX_DIR: refused with the reason, nothing written or announced', async () => {
    h = await startBugsHarness({ commands, omitEnv: ['GITHUB_TOKEN'], env: { SLACK_APP_TOKEN: 'xapp-1-test' } });
    h.world.seedRelease('4.19.1');
    expect(h.engine.statebox.backendKind).toBe('misconfigured');
    const r = await h.run(ctr, '4.19.1');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(/StateBox is misconfigured: .*Set GITHUB_TOKEN .* or OAR_STATEBOX_DIR/);
    expect(h.posted('#team-qe-release')).toEqual([]);
    expect(existsSync(join(h.engine.config.OAR_DATA_DIR, 'statebox'))).toBe(false);
  });

  it('production with OAR_STATEBOX_DIR set explicitly: a local StateBox, and the announcement names where it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-statebox-'));
    try {
      h = await startBugsHarness({ commands, omitEnv: ['GITHUB_TOKEN'], env: { SLACK_APP_TOKEN: 'xapp-1-test', OAR_STATEBOX_DIR: dir } });
      h.world.seedRelease('4.19.1');
      const r = await h.run(ctr, '4.19.1');
      expect(r.outcome.status).toBe('pass');
      const file = join(dir, '_releases', '4.19', 'statebox', '4.19.1.yaml');
      expect(existsSync(file)).toBe(true);
      expect(r.outcome.summary).toBe(`StateBox created for 4.19.1 and announced in #team-qe-release (local file ${file}, not on GitHub)`);
      expect(h.posted('#team-qe-release')).toEqual([`Hello <!subteam^S_QE_REL_419>, new StateBox (local file \`${file}\` on the bot's machine, not on GitHub) is created for 4.19.1 release tracking`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
