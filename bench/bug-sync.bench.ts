/**
 * `update-bug-list` on a release with 300 bugs (4 advisories x 75) against the simulated world,
 * with 50 ms latency on every Jira request, through the real engine (runner, StateBox on the
 * simulated GitHub, Errata, Slack notice with QA-contact mentions).
 * Metrics: jira_requests (Jira requests of one run) and wall_ms (one run, end to end).
 * Targets: at most 5 Jira requests and under 3 s. Median of 3 runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateBugList } from '../src/commands/update-bug-list.ts';
import { createRegistry } from '../src/commands/index.ts';
import type { AnyCommand } from '../src/commands/types.ts';
import { loadConfig } from '../src/config/env.ts';
import { createEngine } from '../src/engine.ts';
import { startSimulatedSlack } from '../src/sandbox/slack/index.ts';
import { startSimulatedWorld } from '../src/sandbox/world.ts';
import { emit, median, note } from './lib.ts';

const BENCH = 'bug-sync';
const RUNS = 3;
const RELEASE = '4.19.1';

const world = await startSimulatedWorld({ jiraLatencyMs: 50 });
const slack = await startSimulatedSlack();
slack.addChannel({ id: 'C_FORUM_OCP_QE', name: 'forum-ocp-qe' });
const dataDir = mkdtempSync(join(tmpdir(), 'oar-bench-bugs-'));
try {
  const seeded = world.seedRelease(RELEASE, { bugsPerAdvisory: 75 });
  if (seeded.bugs.length !== 300) throw new Error(`expected 300 seeded bugs, got ${seeded.bugs.length}`);
  const command = updateBugList as unknown as AnyCommand;
  const engine = await createEngine({
    frontEnd: 'test',
    config: loadConfig({ ...world.env, LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl }),
    registry: createRegistry([command]),
  });
  const requests: number[] = [];
  const wall: number[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      world.jira.resetCalls();
      const started = performance.now();
      const r = await engine.runner.execute({ command, release: RELEASE, options: {}, actor: { id: 'cli:bench', via: 'cli' } });
      const ms = performance.now() - started;
      if (r.kind !== 'done') throw new Error(`run ${run}: ${r.kind}`);
      const bugs = (r.outcome.data as { bugs?: unknown[] } | undefined)?.bugs?.length ?? 0;
      if (r.outcome.status === 'fail' || bugs !== 300) throw new Error(`run ${run}: ${r.outcome.status} with ${bugs} bugs: ${r.outcome.summary}`);
      requests.push(world.jira.calls.length);
      wall.push(ms);
      note(`run ${run}: ${world.jira.calls.length} Jira requests, ${ms.toFixed(1)} ms (${r.outcome.summary})`);
    }
  } finally {
    await engine.close();
  }
  emit(BENCH, 'jira_requests', median(requests), 'count');
  emit(BENCH, 'wall_ms', median(wall), 'ms');
  const ok = median(requests) <= 5 && median(wall) < 3000;
  note(`targets (<= 5 Jira requests, < 3000 ms): ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
} finally {
  await slack.stop();
  await world.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
