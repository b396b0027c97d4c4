/**
 * Rejected-build checker (agents.md 7): tells a Slack channel about every build whose test-result
 * record on the `record` branch says it was rejected (aggregated, `accepted: false`, not manually
 * promoted): one team notice per run, the builds counted in the channel and each build's message
 * (the original's sentence, its failed jobs) in the notice's thread. Nightly AND stable builds (the original's file-name pattern missed stable ones).
 *
 * Cost per run: ONE listing request (git trees, no 1,000-entry cap), then only the files that are
 * new or changed since the last run (compared by blob SHA), read in batches through GraphQL. A run
 * where nothing changed makes exactly one request.
 *
 * Dedup lives in the store's job state (not a local text file): `files` maps each file to the SHA
 * last read, `notified:<file>` marks a file as reported, forever. First run: at most `limit`
 * notifications (the newest rejected builds); older rejected builds are recorded as a baseline
 * without a message, so a new deployment does not flood the channel (the documented intent of
 * the original's `--limit`).
 */
import type { Config } from '../config/env.ts';
import type { GitHubClient } from '../integrations/github.ts';
import { rejectedBuildMessage, rejectedBuildsSummary, type RejectedBuild } from '../blocks/result-checker.ts';
import type { ReleaseNotifier } from '../commands/notifier.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { failedJobs, isAggregated, isRejected, latestActivity, parseResultFile, parseResultFileName, type ResultFileName } from './result-file.ts';
import { defineJob } from './declare.ts';
import { errorText, type JobDefinition, type JobReport, type JobRunContext, type SlackPoster } from './types.ts';

export const RESULT_CHECKER_JOB = 'result-checker';
const FILES_KEY = 'files';
const INITIALIZED_KEY = 'initialized';
const NOTIFIED_PREFIX = 'notified:';

export type ResultCheckerGitHub = Pick<GitHubClient, 'listTree' | 'readFiles' | 'webUrl'>;

export interface ResultCheckerDeps {
  config: Pick<Config, 'OAR_CRON_RESULT_CHECKER' | 'OAR_RESULT_CHECKER_CHANNEL' | 'OAR_GITHUB_REPO' | 'OAR_RECORD_BRANCH'>;
  store: Pick<Store, 'getJobState' | 'setJobState' | 'listJobStateKeys'>;
  github(): Promise<ResultCheckerGitHub>;
  slack(): Promise<SlackPoster | undefined>;
  /** A poster of the run's notice for one run (the jobs' env's: Block Kit, warnings into the run's log). */
  notifier(logger: Logger): Pick<ReleaseNotifier, 'post'>;
  /** Notifications on the very first run (default 5, the original's --limit). */
  firstRunLimit?: number;
  /** Directory of the records (default `_releases`). */
  path?: string;
  /** Files per GraphQL read (default 50). */
  fetchBatchSize?: number;
}

interface NotifiedMark {
  at: string;
  build: string;
  /** Recorded on the first run without a message. */
  baseline?: boolean;
}

interface Candidate extends ResultFileName {
  sha: string;
}

interface Rejected {
  candidate: Candidate;
  build: RejectedBuild;
  message: ReturnType<typeof rejectedBuildMessage>;
  activity: number | null;
}

export const resultChecker = defineJob<ResultCheckerDeps>({
  name: RESULT_CHECKER_JOB,
  description: 'Posts one Slack notice per run for the rejected builds (nightly and stable) found in the Prow test-result records, each build in its thread',
  schedule: 'OAR_CRON_RESULT_CHECKER',
  lease: {},
  deps: ({ config, store, services, slack, notifier }) => ({ config, store, github: () => services.get('github'), slack, notifier }),
  run: (ctx, deps) => checkerRun(deps)(ctx),
});

export function resultCheckerJob(deps: ResultCheckerDeps): JobDefinition {
  return resultChecker.with(deps, deps.config);
}

function checkerRun(deps: ResultCheckerDeps): (ctx: JobRunContext) => Promise<JobReport> {
  const dir = (deps.path ?? '_releases').replace(/^\/+|\/+$/g, '');
  const repo = deps.config.OAR_GITHUB_REPO;
  const branch = deps.config.OAR_RECORD_BRANCH;
  const limit = deps.firstRunLimit ?? 5;
  const batchSize = deps.fetchBatchSize ?? 50;

  async function run(ctx: JobRunContext): Promise<JobReport> {
    const channel = deps.config.OAR_RESULT_CHECKER_CHANNEL;
    if (!channel && !ctx.dryRun) throw new Error('OAR_RESULT_CHECKER_CHANNEL is not set: the rejected-build checker has nowhere to post');
    const github = await deps.github();
    const listing = await github.listTree(repo, branch, dir, { signal: ctx.signal });
    const candidates: Candidate[] = [];
    for (const e of listing.entries) {
      if (e.type !== 'blob' || e.path.slice(dir.length + 1).includes('/')) continue;
      const parsed = parseResultFileName(e.path);
      if (parsed) candidates.push({ ...parsed, sha: e.sha });
    }
    const seen = (await deps.store.getJobState<Record<string, string>>(RESULT_CHECKER_JOB, FILES_KEY)) ?? {};
    const firstRun = (await deps.store.getJobState(RESULT_CHECKER_JOB, INITIALIZED_KEY)) === undefined;
    const notified = new Set((await deps.store.listJobStateKeys(RESULT_CHECKER_JOB, NOTIFIED_PREFIX)).map((k) => k.slice(NOTIFIED_PREFIX.length)));
    const changed = candidates.filter((c) => seen[c.name] !== c.sha);

    // Read only what is new or changed since the last run.
    const texts = new Map<string, string | null>();
    for (let i = 0; i < changed.length; i += batchSize) {
      const batch = changed.slice(i, i + batchSize);
      const got = await github.readFiles(repo, branch, batch.map((c) => c.path), { signal: ctx.signal });
      for (const c of batch) texts.set(c.name, got.get(c.path) ?? null);
    }

    const nextSeen: Record<string, string> = {};
    for (const c of candidates) if (seen[c.name] !== undefined) nextSeen[c.name] = seen[c.name]!;
    const counts = { files: candidates.length, read: changed.length, rejected: 0, notified: 0, baseline: 0, pending: 0, invalid: 0, errors: 0 };
    const lines: string[] = [];
    const rejected: Rejected[] = [];
    for (const c of changed) {
      const text = texts.get(c.name);
      if (text === null || text === undefined) {
        // Vanished between the listing and the read: look again next run.
        delete nextSeen[c.name];
        continue;
      }
      nextSeen[c.name] = c.sha;
      let parsed;
      try {
        parsed = parseResultFile(text, c.name);
      } catch (e) {
        counts.invalid++;
        ctx.logger.warn({ file: c.name }, errorText(e));
        continue;
      }
      if (!isAggregated(parsed.raw)) counts.pending++;
      if (!isRejected(parsed.raw) || notified.has(c.name)) continue;
      counts.rejected++;
      const failed = failedJobs(parsed.file);
      const build: RejectedBuild = {
        build: parsed.file.build?.name ?? c.build,
        arch: c.arch,
        release: c.release,
        nightly: c.nightly,
        fileName: c.name,
        fileUrl: github.webUrl(repo, branch, c.path),
        totalJobs: parsed.file.result?.length ?? 0,
        failedJobs: failed,
      };
      rejected.push({ candidate: c, build, message: rejectedBuildMessage(build), activity: latestActivity(parsed.file) });
    }

    // Newest first: by the latest job activity recorded in the file, then by name.
    rejected.sort((a, b) => (b.activity ?? -Infinity) - (a.activity ?? -Infinity) || (a.candidate.name < b.candidate.name ? 1 : -1));
    const toNotify = firstRun ? rejected.slice(0, limit) : rejected;
    const baseline = firstRun ? rejected.slice(limit) : [];
    const now = ctx.now().toISOString();

    if (ctx.dryRun) {
      for (const r of toNotify) lines.push(`would notify: ${r.candidate.name}`);
      counts.notified += toNotify.length;
    } else if (toNotify.length) {
      // One team notice for the run: the summary in the channel, each build's message in its thread.
      if (!(await deps.slack())) throw new Error('Slack is not configured (SLACK_BOT_TOKEN): cannot post rejected builds');
      let failed: Map<number, string>;
      try {
        const posted = await deps.notifier(ctx.logger).post(channel!, { text: toNotify.map((r) => r.message.text).join('\n'), summary: rejectedBuildsSummary(toNotify.map((r) => r.build)), details: toNotify.map((r) => r.message) });
        // A build whose thread message Slack refused: the notifier has warned in the run's log.
        failed = new Map(posted.threadFailures.map((f) => [f.index, f.error]));
      } catch (e) {
        ctx.logger.error({ err: e, channel }, `could not post the notice of ${toNotify.length} rejected build(s) to ${channel}: ${errorText(e)}`);
        failed = new Map(toNotify.map((_, i) => [i, errorText(e)]));
      }
      for (const [i, r] of toNotify.entries()) {
        const c = r.candidate;
        const error = failed.get(i);
        if (error === undefined) {
          await deps.store.setJobState(RESULT_CHECKER_JOB, `${NOTIFIED_PREFIX}${c.name}`, { at: now, build: c.build } satisfies NotifiedMark);
          counts.notified++;
          lines.push(`notified: ${c.name}`);
        } else {
          // Not marked: the file is read and reported again on the next run.
          delete nextSeen[c.name];
          counts.errors++;
          lines.push(`could not notify ${c.name}: ${error}`);
        }
      }
    }
    for (const r of baseline) {
      counts.baseline++;
      lines.push(`${ctx.dryRun ? 'would record' : 'recorded'} without a message (first run, older than the newest ${limit}): ${r.candidate.name}`);
      if (!ctx.dryRun) await deps.store.setJobState(RESULT_CHECKER_JOB, `${NOTIFIED_PREFIX}${r.candidate.name}`, { at: now, build: r.candidate.build, baseline: true } satisfies NotifiedMark);
    }
    if (!ctx.dryRun) {
      await deps.store.setJobState(RESULT_CHECKER_JOB, FILES_KEY, nextSeen);
      if (firstRun) await deps.store.setJobState(RESULT_CHECKER_JOB, INITIALIZED_KEY, { at: now });
    }
    const verb = ctx.dryRun ? 'would notify' : 'notified';
    return {
      summary: `${counts.files} result files, ${counts.read} read, ${counts.rejected} newly rejected build${counts.rejected === 1 ? '' : 's'}: ${verb} ${counts.notified}${counts.baseline ? `, ${counts.baseline} recorded without a message (first run)` : ''}`,
      counts,
      lines,
      links: toNotify.map((r) => ({ label: r.candidate.build, url: github.webUrl(repo, branch, r.candidate.path) })),
      ...(counts.errors ? { error: `${counts.errors} rejected build notification(s) could not be posted` } : {}),
      data: { notified: toNotify.map((r) => r.candidate.name), baseline: baseline.map((r) => r.candidate.name) },
    };
  }

  return run;
}
