/**
 * Conflicts and failures of StateBox writes (defect 14 #7 fixed): a write always names the version
 * it replaces; on a conflict the writer re-reads, merges and retries; transient failures are
 * retried; when attempts run out the caller gets an error and nothing is overwritten.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/env.ts';
import { GitHubClient } from '../../../src/integrations/github.ts';
import { IntegrationError } from '../../../src/integrations/http.ts';
import type { StateBoxBackend, StoredStateBox, WriteOptions } from '../../../src/release/statebox/backend.ts';
import { StateBoxConflictError, StateBoxError } from '../../../src/release/statebox/errors.ts';
import { createStateBoxService } from '../../../src/release/statebox/factory.ts';
import { GitHubStateBoxBackend } from '../../../src/release/statebox/github-backend.ts';
import { LocalStateBoxBackend } from '../../../src/release/statebox/local-backend.ts';
import { StateBoxService, type StateBoxWriteEvent } from '../../../src/release/statebox/service.ts';
import { parseStateBoxYaml } from '../../../src/release/statebox/yaml.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/github/index.ts';
import { localService, META_4_19_1, type LocalFixture } from './helpers.ts';

const R = '4.19.1';
const PATH = '_releases/4.19/statebox/4.19.1.yaml';

/** Runs `beforeWrite` once, just before the first write goes out: another writer "wins the race". */
class RacingBackend implements StateBoxBackend {
  readonly kind: StateBoxBackend['kind'];
  readonly description = 'racing';
  readonly inner: StateBoxBackend;
  private beforeWrite: (() => Promise<void>) | undefined;
  constructor(inner: StateBoxBackend, beforeWrite: () => Promise<void>) {
    this.inner = inner;
    this.kind = inner.kind;
    this.beforeWrite = beforeWrite;
  }
  location(release: string) {
    return this.inner.location(release);
  }
  read(release: string): Promise<StoredStateBox | null> {
    return this.inner.read(release);
  }
  async write(release: string, text: string, opts: WriteOptions) {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    if (hook) await hook();
    return this.inner.write(release, text, opts);
  }
}

describe('conflicts on the local backend', () => {
  let fx: LocalFixture;
  beforeEach(() => {
    fx = localService();
  });
  afterEach(() => fx.cleanup());

  it('a write that loses the race re-reads, merges and retries: both changes are kept', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    const other = localService({ backend: fx.backend.inner });
    const events: StateBoxWriteEvent[] = [];
    const racing = new StateBoxService({
      backend: new RacingBackend(fx.backend.inner, async () => {
        await other.service.updateTask(R, 'stage-testing', 'In Progress');
        await other.service.addIssue(R, 'other writer issue');
      }),
      metadataProvider: async () => META_4_19_1,
      minRetryDelayMs: 1,
      maxRetryDelayMs: 2,
      observer: (e) => events.push(e),
    });
    await racing.updateTask(R, 'image-signed-check', 'Fail', 'digest mismatch');
    const doc = await fx.service.get(R);
    expect(doc?.state.tasks.map((t) => [t.name, t.status])).toEqual([
      ['take-ownership', 'Pass'],
      ['stage-testing', 'In Progress'],
      ['image-signed-check', 'Fail'],
    ]);
    expect(doc?.state.issues.map((i) => i.issue)).toEqual(['other writer issue']);
    expect(events).toEqual([{ release: R, operation: 'Update task: image-signed-check', attempts: 2, conflicts: 1, outcome: 'written', groupSize: 1 }]);
  });

  it('defect 14 #7b: a write based on a default state never overwrites a file another writer created meanwhile', async () => {
    const other = localService({ backend: fx.backend.inner });
    const racing = new StateBoxService({
      backend: new RacingBackend(fx.backend.inner, async () => {
        await other.service.create({ ...META_4_19_1, jira_ticket: 'ART-FIRST' });
        await other.service.updateTask(R, 'take-ownership', 'Pass');
      }),
      metadataProvider: async () => ({ ...META_4_19_1, jira_ticket: 'ART-SECOND' }),
      minRetryDelayMs: 1,
    });
    await racing.addIssue(R, 'CVE trackers missing', { relatedTasks: ['check-cve-tracker-bug'] });
    const doc = await fx.service.get(R);
    expect(doc?.state.metadata.jira_ticket).toBe('ART-FIRST');
    expect(doc?.state.tasks.map((t) => t.name)).toEqual(['take-ownership']);
    expect(doc?.state.issues.map((i) => i.issue)).toEqual(['CVE trackers missing']);
  });

  it('the blocker rule is checked against the fresh state on retry (two racing blockers for one task)', async () => {
    const other = localService({ backend: fx.backend.inner });
    const racing = new StateBoxService({
      backend: new RacingBackend(fx.backend.inner, async () => {
        await other.service.addIssue(R, 'first blocker', { relatedTasks: ['stage-testing'] });
      }),
      metadataProvider: async () => META_4_19_1,
      minRetryDelayMs: 1,
    });
    await expect(racing.addIssue(R, 'second blocker', { relatedTasks: ['stage-testing'] })).rejects.toThrow("Task 'stage-testing' already has unresolved blocker: first blocker");
    expect((await fx.service.getIssues(R)).map((i) => i.issue)).toEqual(['first blocker']);
  });

  it('when other writers keep winning, the caller gets a conflict error and the file keeps their content', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    const alwaysStale: StateBoxBackend = {
      kind: 'local',
      description: 'stale',
      location: (r) => fx.backend.location(r),
      read: (r) => fx.backend.read(r),
      write: async (r) => {
        throw new StateBoxConflictError(r, 'changed');
      },
    };
    const events: StateBoxWriteEvent[] = [];
    const svc = new StateBoxService({ backend: alwaysStale, maxAttempts: 3, minRetryDelayMs: 1, maxRetryDelayMs: 2, observer: (e) => events.push(e) });
    const err = await svc.updateTask(R, 'stage-testing', 'Pass').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateBoxError);
    expect((err as StateBoxError).kind).toBe('conflict');
    expect((err as StateBoxError).message).toMatch(/after 3 attempts: other writers kept changing it; nothing was overwritten/);
    expect(events).toEqual([{ release: R, operation: 'Update task: stage-testing', attempts: 3, conflicts: 3, outcome: 'failed', groupSize: 1 }]);
    expect(await fx.service.getTaskStatus(R, 'stage-testing')).toBeNull();
  });

  it('a file that does not parse is reported (parse error), not retried and not overwritten', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(fx.service.location(R), 'tasks: [broken');
    const err = (await fx.service.updateTask(R, 'stage-testing', 'Pass').catch((e: unknown) => e)) as StateBoxError;
    expect(err.kind).toBe('parse');
    expect(err.message).toMatch(/^Failed to parse YAML/);
    // The write based on the document this service last wrote was refused (the file changed); nothing overwrote it.
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(fx.service.location(R), 'utf8')).toBe('tasks: [broken');
  });

  it('a lost answer after a committed write (5xx) is retried without a spurious error: resolve is idempotent', async () => {
    await fx.service.addIssue(R, 'flaky infra');
    let failOnce = true;
    const flaky: StateBoxBackend = {
      kind: 'local',
      description: 'flaky',
      location: (r) => fx.backend.location(r),
      read: (r) => fx.backend.read(r),
      write: async (r, text, opts) => {
        const out = await fx.backend.write(r, text, opts);
        if (failOnce) {
          failOnce = false;
          throw new IntegrationError({ system: 'GitHub', operation: 'updating', status: 502, retryable: true });
        }
        return out;
      },
    };
    const svc = new StateBoxService({ backend: flaky, minRetryDelayMs: 1 });
    const issue = await svc.resolveIssue(R, 'flaky infra', 'rerun passed');
    expect(issue).toMatchObject({ resolved: true, resolution: 'rerun passed' });
  });

  it('two handles that loaded the same version both keep their offline edits when saving (three-way merge)', async () => {
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    const a = fx.service.open(R);
    const b = fx.service.open(R);
    await a.load();
    await b.load();
    await a.updateTask('stage-testing', 'In Progress', null, { autoSave: false });
    await a.updateMetadata({ advisory_ids: { extras: 9 } }, { autoSave: false });
    await b.addIssue('issue from b', { autoSave: false });
    await b.updateMetadata({ candidate_builds: { aarch64: 'arm' } }, { autoSave: false });
    await a.save();
    await b.save();
    const doc = await fx.service.get(R);
    expect(doc?.state.tasks.map((t) => t.name)).toEqual(['take-ownership', 'stage-testing']);
    expect(doc?.state.issues.map((i) => i.issue)).toEqual(['issue from b']);
    expect(doc?.state.metadata.advisory_ids).toEqual({ rpm: 151234, rhcos: 151235, extras: 9 });
    expect(doc?.state.metadata.candidate_builds).toEqual({ x86_64: '4.19.0-0.nightly-2025-11-20-101010', aarch64: 'arm' });
  });

  it('a crashed writer\'s lock is broken; a live one makes writers wait and retry', async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const file = fx.service.location(R);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), at: '2020-01-01T00:00:00Z' }));
    await fx.service.updateTask(R, 'take-ownership', 'Pass');
    expect(await fx.service.getTaskStatus(R, 'take-ownership')).toBe('Pass');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), at: new Date().toISOString() }));
    // A live holder: the writer waits lockWaitMs for it, then reports a conflict and retries the round.
    const svc = new StateBoxService({ backend: new LocalStateBoxBackend({ dir: fx.dir, lockWaitMs: 20 }), maxAttempts: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
    const err = (await svc.updateTask(R, 'stage-testing', 'Pass').catch((e: unknown) => e)) as StateBoxError;
    expect(err.kind).toBe('conflict');
    const { unlinkSync } = await import('node:fs');
    unlinkSync(`${file}.lock`);
    await svc.updateTask(R, 'stage-testing', 'Pass');
    expect(await fx.service.getTaskStatus(R, 'stage-testing')).toBe('Pass');
  });
});

describe('the GitHub backend against the simulated GitHub', () => {
  let gh: GitHubSandbox;
  let sleeps: number[];
  beforeEach(async () => {
    sleeps = [];
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
  });
  afterEach(async () => {
    await gh.close();
  });

  function service(extra: Partial<ConstructorParameters<typeof StateBoxService>[0]> = {}) {
    const client = new GitHubClient({ token: 't', apiUrl: gh.url, graphqlUrl: gh.graphqlUrl, rawUrl: gh.rawUrl, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
    return new StateBoxService({
      backend: new GitHubStateBoxBackend({ client, repo: 'openshift/release-tests', branch: 'z-stream' }),
      metadataProvider: async () => META_4_19_1,
      minRetryDelayMs: 1,
      maxRetryDelayMs: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });
  }

  it('the factory picks GitHub when GITHUB_TOKEN is set, and the local directory otherwise', () => {
    const onGitHub = createStateBoxService(testConfig({ ...gh.env(), OAR_GITHUB_REPO: 'openshift/release-tests', OAR_STATEBOX_BRANCH: 'z-stream' }));
    expect(onGitHub.backendKind).toBe('github');
    expect(onGitHub.backendDescription).toBe(`GitHub openshift/release-tests@z-stream (${gh.url})`);
    const local = createStateBoxService(testConfig({ OAR_DATA_DIR: '/tmp/oar-data-x' }));
    expect(local.backendKind).toBe('local');
    expect(local.backendDescription).toBe('local directory /tmp/oar-data-x/statebox');
    const dir = createStateBoxService(testConfig({ OAR_STATEBOX_DIR: '/tmp/sb-y' }));
    expect(dir.location(R)).toBe('/tmp/sb-y/_releases/4.19/statebox/4.19.1.yaml');
  });

  it('creates with a sha-less PUT, updates with the current sha, commit messages as the original', async () => {
    const svc = createStateBoxService(testConfig(gh.env()), { metadataProvider: async () => META_4_19_1 });
    const created = await svc.create(META_4_19_1);
    expect(created.created).toBe(true);
    await svc.updateTask(R, 'take-ownership', 'In Progress');
    await svc.addIssue(R, 'Advisories in abnormal state (NEW_FILES instead of QE): 151235 and more text beyond fifty chars', { relatedTasks: ['push-to-cdn-staging'] });
    await svc.resolveIssue(R, 'abnormal state', 'moved');
    expect(gh.commits({ path: PATH }).map((c) => c.message)).toEqual([
      'Initialize StateBox for release 4.19.1',
      'Update task: take-ownership',
      'Add issue: Advisories in abnormal state (NEW_FILES instead of',
      'Resolve issue: abnormal state',
    ]);
    const puts = gh.calls.filter((c) => c.method === 'PUT');
    expect((puts[0]!.body as { sha?: string }).sha).toBeUndefined();
    expect(puts.slice(1).every((c) => typeof (c.body as { sha?: string }).sha === 'string')).toBe(true);
    expect(svc.location(R)).toBe(`${gh.url}/openshift/release-tests/blob/z-stream/${PATH}`);
    expect(parseStateBoxYaml(gh.readFile('z-stream', PATH)!).issues[0]).toMatchObject({ resolved: true, resolution: 'moved' });
  });

  it('409 from GitHub: re-read, merge, retry; the concurrent commit survives', async () => {
    const svc = service();
    await svc.updateTask(R, 'take-ownership', 'Pass');
    const sneaky = service();
    const racing = new StateBoxService({
      backend: new RacingBackend((svc as unknown as { backend: StateBoxBackend }).backend, async () => {
        await sneaky.updateTask(R, 'check-cve-tracker-bug', 'Pass');
      }),
      minRetryDelayMs: 1,
    });
    await racing.updateTask(R, 'push-to-cdn-staging', 'In Progress');
    expect(gh.calls.filter((c) => c.method === 'PUT').map((c) => c.status)).toEqual([201, 200, 409, 200]);
    const state = parseStateBoxYaml(gh.readFile('z-stream', PATH)!);
    expect(state.tasks.map((t) => t.name)).toEqual(['take-ownership', 'check-cve-tracker-bug', 'push-to-cdn-staging']);
  });

  it('5xx and 429 (with Retry-After) on the write are retried after a fresh read', async () => {
    const svc = service();
    await svc.updateTask(R, 'take-ownership', 'In Progress');
    gh.injectFault({ status: 502, method: 'PUT' });
    gh.injectFault({ status: 429, method: 'PUT', retryAfter: 2 });
    gh.clearCalls();
    const res = await svc.updateTask(R, 'take-ownership', 'Pass');
    expect(res.written).toBe(true);
    // The first write is based on the document this service wrote last (no read); every retry reads afresh.
    expect(gh.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['PUT 502', 'GET 200', 'PUT 429', 'GET 200', 'PUT 200']);
    expect(sleeps.some((ms) => ms > 1_900)).toBe(true);
    expect(await svc.getTaskStatus(R, 'take-ownership')).toBe('Pass');
  });

  it('401 on the write fails at once with a storage error naming GitHub; nothing retried', async () => {
    const svc = service();
    gh.injectFault({ status: 401, method: 'PUT', body: { message: 'Bad credentials' } });
    const err = (await svc.updateTask(R, 'take-ownership', 'Pass').catch((e: unknown) => e)) as StateBoxError;
    expect(err).toBeInstanceOf(StateBoxError);
    expect(err.kind).toBe('storage');
    expect(err.message).toMatch(/^GitHub API error \(status 401\): GitHub rejected the credentials/);
    expect(gh.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });

  it('exists(): a GitHub failure other than 404 is an error, not "missing"', async () => {
    const svc = service();
    expect(await svc.exists(R)).toBe(false);
    gh.injectFault({ status: 403, method: 'GET', body: { message: 'Resource not accessible by integration' } });
    await expect(svc.exists(R)).rejects.toThrow(/^Failed to check file existence: GitHub denied access/);
  });
});
