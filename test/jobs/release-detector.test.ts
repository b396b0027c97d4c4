/**
 * The release detector over the real ART tracking files (fixtures/zstream) served by
 * the simulated GitHub and read through release discovery, with create-test-report run through
 * the real runner (a fake command registered under that name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig, type Config } from '../../src/config/env.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandParser } from '../../src/commands/parser.ts';
import { releaseNoticeTargets } from '../../src/commands/notifier.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { Runner, TERMINAL_AUTHORIZER } from '../../src/commands/runner.ts';
import { LazyServices, type ServiceFactories } from '../../src/commands/services.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { GitHubClient } from '../../src/integrations/github.ts';
import { silentLogger } from '../../src/log.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import { ReleaseDiscovery } from '../../src/release/discovery.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/index.ts';
import { scheduleJobs, type JobScheduler } from '../../src/jobs/index.ts';
import { compareLatest, releaseDetectorJob, RELEASE_DETECTOR_JOB, type CreateTestReportResult } from '../../src/jobs/release-detector.ts';
import { runRegisteredCommand } from '../../src/jobs/run-command.ts';
import { jobActor } from '../../src/jobs/types.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { SlackRecorder } from './helpers.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const ZSTREAM = fixturePath('zstream');
const CHANNEL = '#qe-release';

/** Latest release of every tracking file, computed here independently (numeric sort). */
const trackingLatest = new Map<string, string | null>(
  readdirSync(ZSTREAM).map((y) => {
    const doc = load(readFileSync(`${ZSTREAM}/${y}/${y}.z.yaml`, 'utf8')) as { releases?: Record<string, unknown> | null } | null;
    const keys = Object.keys(doc?.releases ?? {}).sort((a, b) => {
      const x = a.split('.').map(Number);
      const w = b.split('.').map(Number);
      return x[0]! - w[0]! || x[1]! - w[1]! || x[2]! - w[2]!;
    });
    return [y, keys.at(-1) ?? null];
  }),
);

/** Release controller: every y-stream's stable equals ART's latest, except three. */
function stableOf(y: string): string | null {
  if (y === '4.19') return '4.19.36'; // ART has 4.19.37: new
  if (y === '4.21') return '4.21.24'; // ART has 4.21.23: abnormal
  if (y === '5.0') return '5.0.0-ec.3'; // ART's 5.0 file is empty: unknown
  return trackingLatest.get(y) ?? null;
}

class Slack extends SlackRecorder {
  async userGroupMention(handle: string): Promise<string> {
    return `<!subteam^S-${handle}>`;
  }
}

describe('release detector', () => {
  let gh: GitHubSandbox;
  let store: SqliteTestStore;
  let github: GitHubClient;
  let created: string[];
  let failCreate: boolean;
  let runner: Runner;
  let registry: ReturnType<typeof createRegistry>;
  let schedulerRef: JobScheduler | undefined;
  const config = testConfig({ GITHUB_TOKEN: 'gh-token', OAR_OPS_CHANNEL: 'C-OPS' });

  beforeEach(async () => {
    gh = await startGitHubSandbox({ branches: ['z-stream'] });
    gh.seedDirectory('z-stream', ZSTREAM, '_releases');
    store = await openTestStore();
    github = new GitHubClient({ token: 'gh-token', apiUrl: gh.url, graphqlUrl: gh.graphqlUrl, rawUrl: gh.rawUrl });
    created = [];
    failCreate = false;
    const createTestReport = defineCommand({
      name: 'create-test-report',
      group: 'oar',
      summary: 'fake',
      examples: [],
      safety: 'write',
      task: 'create-test-report',
      scope: 'zstream',
      options: z.object({}),
      async run(ctx) {
        if (failCreate) throw new Error('GitHub refused the StateBox file');
        created.push(ctx.release);
        return { status: 'pass', summary: `StateBox is created for ${ctx.release}`, links: [{ label: 'StateBox', url: `https://github.com/openshift/release-tests/blob/z-stream/_releases/4.19/statebox/${ctx.release}.yaml` }] };
      },
    });
    const releaseStatus = defineCommand({ name: 'release-status', group: 'oar', summary: 'fake', examples: [], safety: 'read', scope: 'zstream', options: z.object({}), run: async () => ({ status: 'info', summary: '' }) });
    registry = createRegistry([createTestReport, releaseStatus], { scheduler: () => schedulerRef });
    runner = new Runner({ config, store, statebox: new MemoryStateBox(), services: new LazyServices({}), configStores: { get: async () => { throw new Error('no ConfigStore in this test'); } }, authorizer: TERMINAL_AUTHORIZER, logger: silentLogger });
  });
  afterEach(async () => {
    await gh.close();
    await store.close();
  });

  function detector(slack: Slack, cfg: Config = config) {
    return releaseDetectorJob({
      config: cfg,
      store,
      discovery: async () => new ReleaseDiscovery({ github, repo: 'openshift/release-tests', branch: 'z-stream' }),
      latestStable: async (y) => stableOf(y),
      createTestReport: (release, ctx): Promise<CreateTestReportResult> => runRegisteredCommand({ runner, registry }, 'create-test-report', { release, actor: ctx.actor }),
      announce: { channel: async () => CHANNEL, slack: async () => slack, leadMention: async () => '<!subteam^S419>', nextSteps: () => [{ label: 'Release status', command: 'release-status' }] },
    });
  }
  const ctx = (dryRun = false, params: Record<string, unknown> = {}) => ({ dryRun, trigger: 'schedule' as const, params, signal: new AbortController().signal, logger: silentLogger, actor: jobActor(RELEASE_DETECTOR_JOB), now: () => new Date('2026-07-02T12:00:00Z') });

  it('compares the latest versions by semver', () => {
    expect(compareLatest('4.19.10', '4.19.9')).toBe('new');
    expect(compareLatest('4.19.9', '4.19.10')).toBe('abnormal');
    expect(compareLatest('4.22.0', '4.22.0-rc.5')).toBe('new');
    expect(compareLatest('4.19.9', '4.19.9')).toBe('none');
    expect(compareLatest(null, '4.19.9')).toBe('unknown');
  });

  it('checks every y-stream of the tracking files in one run: creates the report through the runner and announces once', async () => {
    const slack = new Slack();
    const r = await detector(slack).run(ctx());
    const results = r.data as { ystream: string; verdict: string; action?: string }[];
    expect(results.map((x) => x.ystream)).toEqual([...trackingLatest.keys()].sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]) || Number(a.split('.')[1]) - Number(b.split('.')[1])));
    expect(results.find((x) => x.ystream === '4.19')).toMatchObject({ verdict: 'new', action: 'announced' });
    expect(results.find((x) => x.ystream === '4.21')).toMatchObject({ verdict: 'abnormal' });
    expect(results.find((x) => x.ystream === '5.0')).toMatchObject({ verdict: 'unknown', detail: 'get latest versions failed' });
    expect(results.filter((x) => x.verdict === 'none')).toHaveLength(trackingLatest.size - 3);
    expect(r.counts).toMatchObject({ detected: 1, announced: 1, abnormal: 1, unknown: 1, failed: 0 });
    expect(r.error).toBeUndefined();
    expect(created).toEqual(['4.19.37']);
    const posts = slack.in(CHANNEL);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toBe('Hello <!subteam^S419>, new z-stream release 4.19.37 is detected (latest 4.19 stable is 4.19.36); its test report is ready.');
    const actions = (posts[0]!.blocks as { type: string; elements?: { value?: string; text?: { text: string } }[] }[]).find((b) => b.type === 'actions')!;
    expect(JSON.parse(actions.elements![0]!.value!)).toEqual({ r: '4.19.37', c: 'release-status' });
    expect(JSON.stringify(posts[0]!.blocks)).toContain('_releases/4.19/statebox/4.19.37.yaml|StateBox>');

    // Running twice announces once (and does not create again).
    const again = await detector(slack).run(ctx());
    expect((again.data as { ystream: string; action?: string }[]).find((x) => x.ystream === '4.19')!.action).toBe('already-announced');
    expect(created).toEqual(['4.19.37']);
    expect(slack.posts).toHaveLength(1);
  });

  it('a failed create-test-report fails the run and is retried next time', async () => {
    const slack = new Slack();
    failCreate = true;
    const r = await detector(slack).run(ctx(false, { ystreams: ['4.19'] }));
    expect(r.error).toMatch(/4.19: create-test-report for 4.19.37 failed: unexpected error: GitHub refused the StateBox file/);
    expect(slack.posts).toEqual([]);
    failCreate = false;
    const ok = await detector(slack).run(ctx(false, { ystreams: ['4.19'] }));
    expect(ok.error).toBeUndefined();
    expect(created).toEqual(['4.19.37']);
    expect(slack.posts).toHaveLength(1);
  });

  it('a dry run creates and posts nothing', async () => {
    const slack = new Slack();
    const r = await detector(slack).run(ctx(true));
    expect(created).toEqual([]);
    expect(slack.posts).toEqual([]);
    expect(r.lines).toContain('4.19: z-stream 4.19.37, stable 4.19.36 → new (would-create): would run create-test-report for 4.19.37 and announce it');
    expect(await store.getJobState(RELEASE_DETECTOR_JOB, 'announced:4.19.37')).toBeUndefined();
  });

  describe('wired with scheduleJobs (the declared jobs) and run by `oarctl start-release-detector -r X.Y`', () => {
    let scheduler: JobScheduler;
    let slack: Slack;
    let parser: CommandParser;

    beforeEach(() => {
      slack = new Slack();
      const factories: ServiceFactories = {
        github: () => github,
        releaseController: () => ({ latestStable: async (y: string) => (stableOf(y) ? { name: stableOf(y)!, pullSpec: 'x' } : null) }) as never,
        slack: () => slack as never,
      };
      const configStore = { slackChannel: () => CHANNEL, releaseLeadGroup: () => 'qe-release-leads-419' } as unknown as ConfigStore;
      const jobs = scheduleJobs({ config, store, owner: 'replica-a', services: new LazyServices(factories), statebox: new MemoryStateBox(), runner, registry, notices: releaseNoticeTargets({ configStores: { get: async () => configStore }, slack: async () => slack as never }) });
      scheduler = jobs.scheduler;
      schedulerRef = scheduler;
      parser = new CommandParser(registry);
    });

    it('runs the detector for the given y-stream only, with buttons for registered first steps', async () => {
      const parsed = parser.parseLine('oarctl start-release-detector -r 4.19');
      if (parsed.kind !== 'command') throw new Error('not a command');
      expect(parsed.release).toBe('4.19');
      const result = await runner.execute({ command: parsed.command, release: parsed.release, options: parsed.options, actor: { id: 'cli:me', via: 'cli' } });
      if (result.kind !== 'done') throw new Error(result.kind);
      expect(result.outcome.status).toBe('pass');
      expect(result.outcome.summary).toBe('release-detector: 1 y-stream checked: 1 new release, 1 announced');
      expect(created).toEqual(['4.19.37']);
      const post = slack.in(CHANNEL)[0]!;
      expect(post.text).toContain('Hello <!subteam^S-qe-release-leads-419>');
      const actions = (post.blocks as { type: string; elements?: { value?: string }[] }[]).find((b) => b.type === 'actions')!;
      // The first steps of a new release, as buttons (only commands the registry has).
      expect(actions.elements!.map((e) => JSON.parse(e.value!).c)).toEqual(['release-status', 'image-consistency-check', 'check-cve-tracker-bug']);
      expect((await store.lastJobRuns(1))[0]).toMatchObject({ job: 'release-detector', outcome: 'ok' });
      await scheduler.stop();
    });

    it('refuses a release that is not X.Y, and a dry run is read-only', async () => {
      expect(() => parser.parseLine('oarctl start-release-detector -r 4.19.1')).toThrow(/y-stream/);
      const parsed = parser.parseLine('oarctl start-release-detector -r 4.19 --dry-run');
      if (parsed.kind !== 'command') throw new Error('not a command');
      const result = await runner.execute({ command: parsed.command, release: parsed.release, options: parsed.options, actor: { id: 'cli:me', via: 'cli' } });
      if (result.kind !== 'done') throw new Error(result.kind);
      expect(result.safety).toBe('read');
      expect(result.outcome.status).toBe('info');
      expect(created).toEqual([]);
      await scheduler.stop();
    });
  });
});
