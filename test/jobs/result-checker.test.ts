/**
 * The rejected-build checker over the real record branch data (fixtures/record),
 * served by the simulated GitHub. The expected builds are derived from the files here with the
 * spec's rule written independently (agents.md 7.3/7.4), and a few are pinned by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { GitHubClient } from '../../src/integrations/github.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { startGitHubSandbox, type GitHubSandbox } from '../../src/sandbox/github/index.ts';
import { resultCheckerJob, RESULT_CHECKER_JOB } from '../../src/jobs/result-checker.ts';
import { failedJobs, jobVerdict, parseResultFile, parseResultFileName } from '../../src/jobs/result-file.ts';
import { rejectedBuildMessage } from '../../src/blocks/result-checker.ts';
import { jobActor, type JobReport } from '../../src/jobs/types.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { envNotifier, SlackRecorder } from './helpers.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';

const RECORD = fixturePath('record');
const CHANNEL = 'C-REJECTED';

// --- the spec's rule, written independently of src/ -----------------------------------------------
const resultFiles = readdirSync(RECORD).filter((n) => n.startsWith('ocp-test-result-') && n.endsWith('.json'));
const json = (n: string) => JSON.parse(readFileSync(join(RECORD, n), 'utf8')) as Record<string, unknown>;
const expectedRejected = resultFiles.filter((n) => {
  const d = json(n);
  return !Object.prototype.hasOwnProperty.call(d, 'manual_promotion') && Object.prototype.hasOwnProperty.call(d, 'accepted') && d.accepted === false;
});
function newestTime(value: unknown): number {
  let best = -Infinity;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'jobStartTime' || k === 'jobCompletionTime') && typeof x === 'string') best = Math.max(best, Date.parse(x));
        else walk(x);
      }
    }
  };
  walk((value as { result?: unknown }).result);
  return best;
}
const newestFirst = [...expectedRejected].sort((a, b) => newestTime(json(b)) - newestTime(json(a)) || (a < b ? 1 : -1));

describe('rejected-build checker on the real record branch', () => {
  let gh: GitHubSandbox;
  let store: SqliteTestStore;
  let slack: SlackRecorder;
  let github: GitHubClient;

  beforeEach(async () => {
    gh = await startGitHubSandbox({ branches: ['record'] });
    gh.seedDirectory('record', RECORD, '_releases');
    store = await openTestStore();
    slack = new SlackRecorder();
    github = new GitHubClient({ token: 't', apiUrl: gh.url, graphqlUrl: gh.graphqlUrl, rawUrl: gh.rawUrl, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
  });
  afterEach(async () => {
    await gh.close();
    await store.close();
  });

  function job(config: Record<string, string> = {}) {
    return resultCheckerJob({
      config: testConfig({ OAR_RESULT_CHECKER_CHANNEL: CHANNEL, ...config }),
      store,
      github: async () => github,
      slack: async () => slack,
      notifier: envNotifier(slack),
    });
  }
  const ctx = (dryRun = false) => ({ dryRun, trigger: 'schedule' as const, params: {}, signal: new AbortController().signal, logger: silentLogger, actor: jobActor(RESULT_CHECKER_JOB), now: () => new Date('2026-07-02T12:00:00Z') });
  // Each build's message is posted in the thread of the run's summary (one team notice per run).
  const buildMessages = () => slack.in(CHANNEL).filter((p) => p.threadTs !== undefined);
  const summaries = () => slack.in(CHANNEL).filter((p) => p.threadTs === undefined);
  const postedFiles = () => buildMessages().map((p) => /\|(ocp-test-result-[^>]+)>/.exec(p.text)![1]);
  const afterFirstRun = () => store.setJobState(RESULT_CHECKER_JOB, 'initialized', { at: '2026-07-01T00:00:00Z' });

  it('the fixture holds what the test relies on: nightly and stable rejected builds, manual promotions, pending files', () => {
    expect(resultFiles.length).toBeGreaterThan(300);
    expect(expectedRejected.some((n) => n.includes('nightly'))).toBe(true);
    expect(expectedRejected.some((n) => !n.includes('nightly'))).toBe(true);
    expect(resultFiles.some((n) => json(n).accepted === false && 'manual_promotion' in json(n))).toBe(true);
    expect(resultFiles.some((n) => !('aggregated' in json(n)))).toBe(true);
  });

  it('reports every rejected build once (nightly AND stable), in one listing plus batched reads', async () => {
    await afterFirstRun();
    const r = await job().run(ctx());
    expect([...postedFiles()].sort()).toEqual([...expectedRejected].sort());
    expect(postedFiles()).toEqual(newestFirst);
    // Pinned by name: a stable build the original missed, a nightly, an rc.
    expect(postedFiles()).toContain('ocp-test-result-4.21.18-amd64.json');
    expect(postedFiles()).toContain('ocp-test-result-5.0.0-0.nightly-2026-07-01-125918-amd64.json');
    expect(postedFiles()).toContain('ocp-test-result-4.19.0-rc.4-amd64.json');
    // Rejected but manually promoted, and accepted builds are not reported.
    const promoted = resultFiles.find((n) => json(n).accepted === false && 'manual_promotion' in json(n))!;
    expect(postedFiles()).not.toContain(promoted);
    expect(postedFiles()).not.toContain('ocp-test-result-4.12.65-amd64.json');
    expect(r.counts).toMatchObject({ files: resultFiles.length, read: resultFiles.length, rejected: expectedRejected.length, notified: expectedRejected.length, errors: 0 });
    const listing = gh.calls.filter((c) => c.path.includes('/git/trees/'));
    const graphql = gh.calls.filter((c) => c.path === '/graphql');
    expect(listing).toHaveLength(1);
    expect(graphql).toHaveLength(Math.ceil(resultFiles.length / 50));
    expect(gh.calls).toHaveLength(1 + graphql.length);
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]!.text).toMatch(new RegExp(`^:x: \\*${expectedRejected.length} rejected builds detected\\*`));
    expect(summaries()[0]!.text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(buildMessages().every((p) => p.threadTs === summaries()[0]!.ts)).toBe(true);
    const first = buildMessages().find((p) => p.text.includes('4.21.18-amd64'))!;
    expect(first.text).toBe(`Rejected build detected in test result file: <${gh.url}/openshift/release-tests/blob/record/_releases/ocp-test-result-4.21.18-amd64.json|ocp-test-result-4.21.18-amd64.json>. Please check!`);
  });

  it('a second run with nothing new makes one listing request and posts nothing', async () => {
    await afterFirstRun();
    await job().run(ctx());
    const posted = slack.posts.length;
    gh.clearCalls();
    const r = await job().run(ctx());
    expect(gh.calls).toHaveLength(1);
    expect(gh.calls[0]!.path).toMatch(/\/git\/trees\/record\?recursive=1$/);
    expect(slack.posts).toHaveLength(posted);
    expect(r.counts).toMatchObject({ read: 0, notified: 0 });
  });

  it('first run: notifies only the newest `limit` rejected builds and records the rest without a message', async () => {
    const r = await job().run(ctx());
    expect(postedFiles()).toEqual(newestFirst.slice(0, 5));
    expect(r.counts).toMatchObject({ notified: 5, baseline: expectedRejected.length - 5 });
    gh.clearCalls();
    const again = await job().run(ctx());
    expect(postedFiles()).toHaveLength(5);
    expect(again.counts).toMatchObject({ read: 0, notified: 0 });
    expect(await store.listJobStateKeys(RESULT_CHECKER_JOB, 'notified:')).toHaveLength(expectedRejected.length);
  });

  it('reads only files that are new or changed; a pending build that gets rejected is reported', async () => {
    await afterFirstRun();
    await job().run(ctx());
    const pending = resultFiles.find((n) => !('aggregated' in json(n)))!;
    const doc = { ...json(pending), aggregated: true, accepted: false };
    gh.seedFile('record', `_releases/${pending}`, JSON.stringify(doc, null, 2));
    const fresh = 'ocp-test-result-4.20.99-amd64.json';
    gh.seedFile('record', `_releases/${fresh}`, JSON.stringify({ result: [{ jobName: 'periodic-ci-x-automated-release-aws-ipi', firstJob: { jobState: 'error', jobCompletionTime: '2026-07-02T10:00:00Z', jobURL: 'https://deck/x/1' }, retriedJobs: [] }], build: { name: '4.20.99' }, aggregated: true, accepted: false }));
    gh.seedFile('record', '_releases/ocp-latest-4.20-stable-amd64.json', '{"name":"4.20.99"}');
    gh.clearCalls();
    const before = postedFiles().length;
    const r = await job().run(ctx());
    expect(r.counts).toMatchObject({ read: 2, notified: 2 });
    expect(gh.calls.filter((c) => c.path === '/graphql')).toHaveLength(1);
    expect(postedFiles().slice(before).sort()).toEqual([fresh, pending].sort());
  });

  it('a thread message Slack refused is retried on the next run, and never sent twice', async () => {
    await afterFirstRun();
    const post = slack.post.bind(slack);
    let calls = 0;
    // The summary goes out; the first build's message in its thread is refused.
    slack.post = async (target, message) => {
      if (++calls === 2) throw new Error('Slack refused posting a message to C1: channel_not_found');
      return post(target, message);
    };
    const r = await job().run(ctx());
    expect(r.counts).toMatchObject({ errors: 1, notified: expectedRejected.length - 1 });
    expect(r.error).toMatch(/could not be posted/);
    const missing = expectedRejected.find((n) => !postedFiles().includes(n))!;
    slack.post = post;
    gh.clearCalls();
    const again = await job().run(ctx());
    expect(again.counts).toMatchObject({ read: 1, notified: 1, errors: 0 });
    expect(postedFiles().filter((f) => f === missing)).toHaveLength(1);
    expect(new Set(postedFiles()).size).toBe(postedFiles().length);
  });

  it('a refused thread message is logged once, as a warning by the run\'s notifier (the env wires warn to the run\'s logger), and reported in the run', async () => {
    await afterFirstRun();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const post = slack.post.bind(slack);
    let calls = 0;
    slack.post = async (target, message) => {
      if (++calls === 2) throw new Error('Slack refused posting a message to C1: channel_not_found');
      return post(target, message);
    };
    const def = resultCheckerJob({ config: testConfig({ OAR_RESULT_CHECKER_CHANNEL: CHANNEL }), store, github: async () => github, slack: async () => slack, notifier: envNotifier(slack) });
    const r = await def.run({ ...ctx(), logger });
    // Warnings and errors: the notifier's one line, no second line from the job for the same failure.
    const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 40);
    expect(logged).toEqual([{ level: 40, msg: expect.stringMatching(new RegExp(`^a thread message of the notice in ${CHANNEL} was not sent: .*channel_not_found$`)) }].map((w) => expect.objectContaining(w)));
    expect(r.counts).toMatchObject({ errors: 1 });
    expect(r.lines).toContainEqual(expect.stringMatching(/^could not notify ocp-test-result-.*channel_not_found$/));
  });

  it('a summary Slack refused leaves every build of the run to the next run', async () => {
    await afterFirstRun();
    slack.failNext(1);
    const r = await job().run(ctx());
    expect(r.counts).toMatchObject({ errors: expectedRejected.length, notified: 0 });
    expect(slack.posts).toEqual([]);
    const again = await job().run(ctx());
    expect(again.counts).toMatchObject({ notified: expectedRejected.length, errors: 0 });
    expect([...postedFiles()].sort()).toEqual([...expectedRejected].sort());
    expect(summaries()).toHaveLength(1);
  });

  it('a dry run posts nothing and stores nothing', async () => {
    const r: JobReport = await job().run(ctx(true));
    expect(slack.posts).toEqual([]);
    expect(r.lines?.filter((l) => l.startsWith('would notify: '))).toHaveLength(5);
    expect(await store.getJobState(RESULT_CHECKER_JOB, 'files')).toBeUndefined();
    expect(await store.getJobState(RESULT_CHECKER_JOB, 'initialized')).toBeUndefined();
    expect(await store.listJobStateKeys(RESULT_CHECKER_JOB)).toEqual([]);
  });

  it('refuses to run without a channel', async () => {
    const def = resultCheckerJob({ config: testConfig(), store, github: async () => github, slack: async () => slack, notifier: envNotifier(slack) });
    await expect(def.run(ctx())).rejects.toThrow(/OAR_RESULT_CHECKER_CHANNEL is not set/);
  });
});

describe('result files and the rejected-build message', () => {
  it('parses nightly, stable, rc and ec file names and ignores the rest', () => {
    expect(parseResultFileName('_releases/ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json')).toMatchObject({ build: '4.19.0-0.nightly-2026-07-01-085304', arch: 'amd64', release: '4.19', nightly: true });
    expect(parseResultFileName('_releases/ocp-test-result-4.21.18-amd64.json')).toMatchObject({ build: '4.21.18', release: '4.21', nightly: false });
    expect(parseResultFileName('ocp-test-result-4.19.0-rc.4-arm64.json')).toMatchObject({ build: '4.19.0-rc.4', arch: 'arm64' });
    expect(parseResultFileName('ocp-test-result-5.0.0-0.nightly-arm64-2026-07-01-125918-arm64.json')).toMatchObject({ build: '5.0.0-0.nightly-arm64-2026-07-01-125918', release: '5.0' });
    expect(parseResultFileName('ocp-latest-4.19-nightly-amd64.json')).toBeNull();
    expect(parseResultFileName('ocp-test-result-4.19.1-sparc.json')).toBeNull();
    // Every real file name parses.
    for (const n of resultFiles) expect(parseResultFileName(n), n).not.toBeNull();
  });

  it('retry arithmetic: a majority of all runs (2/2, 3/4), error is neither', () => {
    const run = (jobState: string) => ({ jobState, jobCompletionTime: '2026-07-01T00:00:00Z' });
    expect(jobVerdict({ jobName: 'j', firstJob: run('failure'), retriedJobs: [run('success'), run('success')] }).success).toBe(true);
    expect(jobVerdict({ jobName: 'j', firstJob: run('failure'), retriedJobs: [run('failure'), run('success')] })).toMatchObject({ success: false, failed: true });
    expect(jobVerdict({ jobName: 'j', firstJob: run('failure'), retriedJobs: [run('success'), run('success'), run('success'), run('failure')] }).success).toBe(true);
    expect(jobVerdict({ jobName: 'j', firstJob: run('error'), retriedJobs: [] })).toMatchObject({ success: false, failed: false, completed: true });
  });

  it('lists the failed jobs of 4.21.18 with their runs', () => {
    const { file } = parseResultFile(readFileSync(join(RECORD, 'ocp-test-result-4.21.18-amd64.json'), 'utf8'), 'x');
    const failed = failedJobs(file);
    expect(failed.map((j) => j.shortName)).toEqual(['stable-4.21-upgrade-from-stable-4.21-azure-ipi-fips-f999']);
    expect(failed[0]!.retries.map((r) => r.state)).toEqual(['failure', 'success']);
    const msg = rejectedBuildMessage({ build: '4.21.18', arch: 'amd64', release: '4.21', nightly: false, fileName: 'f.json', fileUrl: 'https://github.com/x/f.json', totalJobs: file.result!.length, failedJobs: failed });
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('1 of 3');
    expect(text).toContain('|stable-4.21-upgrade-from-stable-4.21-azure-ipi-fips-f999>');
    expect(text).toContain('retry 2: success>');
    expect(msg.text).toBe('Rejected build detected in test result file: <https://github.com/x/f.json|f.json>. Please check!');
  });

  it('invalid JSON is a clear error', () => {
    expect(() => parseResultFile('{nope', 'ocp-test-result-4.1.1-amd64.json')).toThrow('Error decoding JSON in file ocp-test-result-4.1.1-amd64.json');
  });
});
