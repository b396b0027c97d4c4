/**
 * Every command's critical path: each workflow and legacy command runs once, through the runner
 * (lock, audit, StateBox task updates included), against the simulated world with 100 ms added
 * to every service request (GitHub, Jira, Errata, GitLab, Jenkins, Prow, release controller,
 * build data, Slack). Critical commands run confirmed, as with `--yes`. A fresh engine per command, so nothing is cached from an earlier command.
 *
 * Per command (issue 22): `<command>.requests` (service requests made), `<command>.depth` (the
 * longest chain of requests each started after the previous one answered: the round trips the
 * run could not overlap), `<command>.repeated_requests` (requests identical in method, URL and
 * body to an earlier one of the same run, polls of a job's status excepted), `<command>.wall_ms`.
 * Target: wall <= (depth + 2) x 100 ms, no request repeated. Also `all.targets_met` (commands
 * meeting both).
 *
 * `npm run bench -- command-latency` runs all; `COMMANDS=take-ownership,release-info` a subset.
 *
 * Node's compile cache is on, as in the product's entry points (bin/oar.js, src/main.ts): the
 * first run of a command loads its modules (the command, its integrations) as `oar` and the bot
 * do, from the cache once it is filled, instead of stripping types and compiling them again. The
 * first bench run after a change fills the cache; compare later runs (see bench/README.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createEngine } from '../src/engine.ts';
import { createRegistry } from '../src/commands/index.ts';
import { CommandParser } from '../src/commands/parser.ts';
import { loadConfig } from '../src/config/env.ts';
import { startSimulatedWorld } from '../src/sandbox/world.ts';
import { startSimulatedSlack } from '../src/sandbox/slack/index.ts';
import { emit, note } from './lib.ts';

// The static imports above are loaded before this line; every command's implementation, and
// what it imports, is loaded on its first run, after it.
enableCompileCache?.();

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 100);

/** One line per command, as typed in a terminal (critical ones are confirmed like `--yes`). */
const LINES: string[] = [
  'oar -r 4.19.1 release-info',
  'oar -r 4.19.1 release-status',
  'oar -r 4.19.1 take-ownership -e qe-lead@example.com',
  'oar -r 4.19.1 create-test-report',
  'oar -r 4.19.1 check-cve-tracker-bug --no-notify',
  'oar -r 4.19.1 update-bug-list --no-notify',
  'oar -r 4.19.1 image-consistency-check',
  'oar -r 4.19.1 stage-testing',
  'oar -r 4.19.1 image-signed-check',
  'oar -r 4.19.1 push-to-cdn-staging',
  'oar -r 4.19.1 check-greenwave-cvp-tests',
  'oar -r 4.19.1 drop-bugs',
  'oar -r 4.19.1 add-qe-approval',
  'oar -r 4.19.1 change-advisory-status',
  'oar -r 4.19.1 is-release-shipped',
  'oar -r 4.19.1 unlock',
  'oar -r 4.19.10 release-status',
  'oar -r 4.19.10 is-release-shipped',
  'oar -r 4.19.10 image-consistency-check',
];

interface Call {
  key: string;
  start: number;
  end: number;
}

/** Longest chain of calls where each starts after the previous one ended. */
function depth(calls: Call[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const best: number[] = [];
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= sorted[i]!.start && best[j]! + 1 > d) d = best[j]! + 1;
    best.push(d);
    max = Math.max(max, d);
  }
  return max;
}

/**
 * Polls of something that changes by itself (a job's status) are expected to repeat. A Prow job's
 * record is read at `/prowjob?prowjob=<id>` (query, no slash after `prowjob`): a triggered job is
 * read until Prow gives it a URL (ProwClient.waitForJobUrl), which the old pattern `prowjobs?\/`
 * missed and counted as a repeated read.
 */
const POLL = /\/job\/[^/]+\/\d+\/api\/json|\/queue\/item\/|\/v1\/executions\/|prowjobs?\/|\/prowjob\?prowjob=/;

function repeated(calls: Call[]): { count: number; keys: string[] } {
  const seen = new Map<string, number>();
  for (const c of calls) seen.set(c.key, (seen.get(c.key) ?? 0) + 1);
  const dupes = [...seen].filter(([k, n]) => n > 1 && !POLL.test(k));
  return { count: dupes.reduce((s, [, n]) => s + n - 1, 0), keys: dupes.map(([k, n]) => `${n}x ${k}`) };
}

async function bodyText(body: RequestInit['body'] | undefined): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return `<${Object.prototype.toString.call(body)}>`;
}

const world = await startSimulatedWorld();
const slack = await startSimulatedSlack();
world.seedRelease('4.19.1');
world.seedRelease('4.19.10');
const dataRoot = mkdtempSync(join(tmpdir(), 'oar-command-latency-'));

// Every client calls the global fetch at call time: one wrapper sees every service request.
const realFetch = globalThis.fetch;
let recording: Call[] | undefined;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const log = recording;
  const start = performance.now();
  const key = `${method} ${url.replace(/^https?:\/\/127\.0\.0\.1:\d+/, '')} ${await bodyText(init?.body)}`;
  await delay(LATENCY_MS);
  try {
    return await realFetch(input, init);
  } finally {
    log?.push({ key, start, end: performance.now() });
  }
};

const wanted = process.env.COMMANDS?.split(',');
let met = 0;
let total = 0;
try {
  for (const line of LINES) {
    const registry = createRegistry();
    const parsed = new CommandParser(registry).parseLine(line);
    if (parsed.kind !== 'command') throw new Error(`${line}: not a command`);
    const name = `${parsed.command.name}${parsed.release === '4.19.10' ? '@konflux' : ''}`;
    if (wanted && !wanted.includes(parsed.command.name) && !wanted.includes(name)) continue;
    const dir = join(dataRoot, name);
    const env = { ...world.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', OAR_JOBS_ENABLED: 'false', OAR_DATA_DIR: dir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl };
    const engine = await createEngine({ frontEnd: 'cli', config: loadConfig(env), registry });
    const calls: Call[] = [];
    recording = calls;
    const request = { command: parsed.command, release: parsed.release, options: parsed.options, actor: { id: 'cli:bench', via: 'cli' as const } };
    const started = performance.now();
    // Critical commands run confirmed (`--yes`): the plan shown before a confirmation is a run of its own.
    const result = await engine.runner.execute({ ...request, confirmation: { id: `bench-${name}` } });
    const wall = performance.now() - started;
    recording = undefined;
    await engine.close();
    const status = result.kind === 'done' ? result.outcome.status : result.kind;
    const d = depth(calls);
    const rep = repeated(calls);
    emit('command-latency', `${name}.requests`, calls.length, 'requests');
    emit('command-latency', `${name}.depth`, d, 'round trips');
    emit('command-latency', `${name}.repeated_requests`, rep.count, 'requests (target 0)');
    emit('command-latency', `${name}.wall_ms`, wall, `ms (target <= ${(d + 2) * LATENCY_MS})`);
    const ok = wall <= (d + 2) * LATENCY_MS && rep.count === 0;
    total++;
    if (ok) met++;
    note(`${name}: ${status}, ${calls.length} requests, depth ${d}, ${rep.count} repeated, ${wall.toFixed(0)} ms${ok ? '' : '  <-- target not met'}`);
    if (rep.keys.length) note(`  repeated: ${rep.keys.map((k) => k.slice(0, 160)).join('\n            ')}`);
    if (process.env.VERBOSE) for (const c of calls.sort((a, b) => a.start - b.start)) note(`  ${(c.start - started).toFixed(0).padStart(6)} ${(c.end - started).toFixed(0).padStart(6)} ${c.key.slice(0, 150)}`);
  }
  emit('command-latency', 'all.targets_met', met, `of ${total} commands`);
} finally {
  globalThis.fetch = realFetch;
  await slack.stop();
  await world.stop();
  rmSync(dataRoot, { recursive: true, force: true });
}
