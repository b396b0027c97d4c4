/**
 * Rejected-build checker over 500 test-result records (the real record branch files, plus copies
 * under new nightly names to reach 500) in the simulated GitHub with 50 ms latency, run twice on
 * the same store. Target: the second run makes exactly 1 request (the listing) when nothing is
 * new. Median of 3 rounds, each with a fresh store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testConfig } from '../src/config/env.ts';
import { GitHubClient } from '../src/integrations/github.ts';
import { silentLogger } from '../src/log.ts';
import { startGitHubSandbox } from '../src/sandbox/github/index.ts';
import { SqliteStore } from '../src/store/index.ts';
import { resultCheckerJob, RESULT_CHECKER_JOB } from '../src/jobs/result-checker.ts';
import { renderTeamNotice } from '../src/blocks/notice.ts';
import { ReleaseNotifier } from '../src/commands/notifier.ts';
import { jobActor, type SlackPoster } from '../src/jobs/types.ts';
import { emit, median, note } from './lib.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fixturePath } from '../src/sandbox/fixtures.ts';

const BENCH = 'result-checker';
const RECORD = fixturePath('record');
const FILES = 500;
const LATENCY_MS = 50;
const ROUNDS = 3;

const gh = await startGitHubSandbox({ branches: ['record'] });
const real = readdirSync(RECORD).filter((n) => n.startsWith('ocp-test-result-'));
for (const n of readdirSync(RECORD)) gh.seedFile('record', `_releases/${n}`, readFileSync(join(RECORD, n), 'utf8'));
for (let i = 0; real.length + i < FILES; i++) {
  const source = real[i % real.length]!;
  const stamp = `2026-08-${String((i % 28) + 1).padStart(2, '0')}-${String(100000 + i).slice(-6)}`;
  gh.seedFile('record', `_releases/ocp-test-result-4.30.0-0.nightly-${stamp}-amd64.json`, readFileSync(join(RECORD, source), 'utf8'));
}
const total = gh.listFiles('record', '_releases').filter((p) => p.includes('ocp-test-result-')).length;
note(`${total} test-result files (+ ${gh.listFiles('record', '_releases').length - total} other files) on the record branch`);
gh.setLatency(LATENCY_MS);

const github = new GitHubClient({ token: 't', apiUrl: gh.url, graphqlUrl: gh.graphqlUrl, rawUrl: gh.rawUrl });
let posts = 0;
const slack: SlackPoster = {
  async post(target) {
    posts++;
    return { channel: target.channel, ts: `1.${posts}`, parts: [`1.${posts}`] };
  },
};
// What the jobs' env hands the checker (src/jobs/env.ts): a Block Kit notice poster per run.
const notifier = () => new ReleaseNotifier({ slack: async () => slack, render: renderTeamNotice });
const first: number[] = [];
const second: number[] = [];
const firstMs: number[] = [];
const secondMs: number[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'oar-bench-checker-'));
    const store = new SqliteStore({ file: join(dir, 'oar.db') });
    await store.init();
    try {
      const job = resultCheckerJob({ config: testConfig({ OAR_RESULT_CHECKER_CHANNEL: 'C1' }), store, github: async () => github, slack: async () => slack, notifier });
      const ctx = { dryRun: false, trigger: 'schedule' as const, params: {}, signal: new AbortController().signal, logger: silentLogger, actor: jobActor(RESULT_CHECKER_JOB), now: () => new Date() };
      gh.clearCalls();
      let t = performance.now();
      const r1 = await job.run(ctx);
      firstMs.push(performance.now() - t);
      first.push(gh.calls.length);
      gh.clearCalls();
      t = performance.now();
      const r2 = await job.run(ctx);
      secondMs.push(performance.now() - t);
      second.push(gh.calls.length);
      if (r1.counts?.files !== FILES || r2.counts?.read !== 0) throw new Error(`round ${round}: unexpected counts ${JSON.stringify(r1.counts)} / ${JSON.stringify(r2.counts)}`);
      note(`round ${round}: first run ${first.at(-1)} requests (${r1.counts?.read} files read, ${r1.counts?.notified} notified, ${r1.counts?.baseline} baseline) in ${firstMs.at(-1)!.toFixed(0)} ms; second run ${second.at(-1)} request(s) in ${secondMs.at(-1)!.toFixed(0)} ms`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await gh.close();
}
emit(BENCH, 'first_run_requests', median(first), 'count');
emit(BENCH, 'second_run_requests', median(second), 'count');
emit(BENCH, 'first_run_ms', median(firstMs), 'ms');
emit(BENCH, 'second_run_ms', median(secondMs), 'ms');
const ok = median(second) === 1;
note(`target (second run = 1 listing request): ${ok ? 'met' : 'NOT met'}`);
if (!ok) process.exitCode = 1;
