/**
 * Release detector (agents.md 4, oar-commands.md 8.1): for every active y-stream, when ART's
 * tracking file names a z-stream release newer than the release controller's latest stable,
 * run `create-test-report` for it (through the runner, like any command) and announce it once in
 * the release channel with buttons for the first steps.
 *
 * Repeat-safety: the detector fires on every run until the release ships, so the announcement
 * is recorded in the job state (`announced:<release>`) and never repeated; create-test-report is
 * itself idempotent (an existing StateBox is a no-op).
 */
import type { Config } from '../config/env.ts';
import type { NextStep, OutcomeLink } from '../commands/types.ts';
import { FIRST_STEPS, newReleaseMessage } from '../blocks/detector.ts';
import { compareReleases, parseRelease, parseYStream } from '../release/version.ts';
import type { Store } from '../store/types.ts';
import { resolveYStreams, type YStreamSource } from './ystreams.ts';
import { errorText, type JobDefinition, type JobReport, type JobRunContext, type SlackPoster } from './types.ts';
import { RELEASE_DETECTOR_JOB } from '../commands/job-names.ts';
import { defineJob } from './declare.ts';
import { runRegisteredCommand } from './run-command.ts';
import { latestReleaseOf, parseTrackingFile } from '../release/discovery.ts';

export { RELEASE_DETECTOR_JOB };

const ANNOUNCED_PREFIX = 'announced:';

export interface CreateTestReportResult {
  ok: boolean;
  summary: string;
  links?: OutcomeLink[];
}

export interface ReleaseDetectorDeps {
  config: Pick<Config, 'OAR_CRON_RELEASE_DETECTOR' | 'OAR_SUPPORTED_YSTREAMS'>;
  store: Pick<Store, 'getJobState' | 'setJobState'>;
  /** Release discovery, built fresh per run so its cache is per run (undefined: GitHub not configured). */
  discovery?: () => Promise<DetectorDiscovery | undefined>;
  /** Without discovery: the latest release of ART's tracking file of a y-stream (a raw read), or null. */
  trackingLatest?(ystream: string, ctx: JobRunContext): Promise<string | null>;
  /** `name` of the release controller's latest `<major>-stable` build for the y-stream, or null. */
  latestStable(ystream: string, ctx: JobRunContext): Promise<string | null>;
  /** Runs `create-test-report` for the release through the runner. */
  createTestReport(release: string, ctx: JobRunContext): Promise<CreateTestReportResult>;
  announce: {
    /** The release channel (ConfigStore `qe-release` contact), or undefined. */
    channel(release: string): Promise<string | undefined>;
    slack(): Promise<SlackPoster | undefined>;
    leadMention?(release: string): Promise<string | undefined>;
    /** Buttons to offer (default FIRST_STEPS filtered to registered commands by the wiring). */
    nextSteps?(release: string): NextStep[];
  };
}

/** Release discovery as the detector uses it (ReleaseDiscovery has this shape). */
export interface DetectorDiscovery extends YStreamSource {
  latestRelease(ystream: string): Promise<string | null>;
}

export type Verdict = 'new' | 'none' | 'abnormal' | 'unknown';

export interface YStreamResult {
  ystream: string;
  zstream: string | null;
  stable: string | null;
  verdict: Verdict;
  action?: 'announced' | 'already-announced' | 'would-create' | 'created-not-announced' | 'failed';
  detail?: string;
}

interface AnnouncedMark {
  at: string;
  channel: string | null;
  ts?: string;
}

/** agents.md 4.2 step 4: semver comparison of the two latest versions. */
export function compareLatest(zstream: string | null, stable: string | null): Verdict {
  if (!zstream || !stable) return 'unknown';
  const c = compareReleases(parseRelease(zstream), parseRelease(stable));
  return c > 0 ? 'new' : c < 0 ? 'abnormal' : 'none';
}

export const releaseDetector = defineJob<ReleaseDetectorDeps>({
  name: RELEASE_DETECTOR_JOB,
  description: 'Creates the test report of, and announces, every z-stream release ART adds before it is the latest stable',
  schedule: 'OAR_CRON_RELEASE_DETECTOR',
  lease: {},
  deps: (env) => {
    const { config, services, runner, registry, notices } = env;
    return {
      config,
      store: env.store,
      discovery: env.discovery,
      async trackingLatest(ystream, ctx) {
        const github = await services.get('github');
        const text = await github.getRawFile(config.OAR_GITHUB_REPO, config.OAR_STATEBOX_BRANCH, `_releases/${ystream}/${ystream}.z.yaml`, { signal: ctx.signal });
        return text === null ? null : latestReleaseOf(parseTrackingFile(text, ystream));
      },
      async latestStable(ystream) {
        const rc = await services.get('releaseController');
        return (await rc.latestStable(ystream))?.name ?? null;
      },
      async createTestReport(release, ctx) {
        if (!runner || !registry) throw new Error('the command runner is not wired into the jobs: cannot run create-test-report');
        return runRegisteredCommand({ runner, registry }, 'create-test-report', { release, actor: ctx.actor, signal: ctx.signal });
      },
      announce: {
        channel: (release) => notices.releaseChannel(release),
        slack: env.slack,
        leadMention: (release) => notices.leadMention(release),
        nextSteps: () => FIRST_STEPS.filter((s) => registry?.has(s.command) ?? false),
      },
    };
  },
  run: (ctx, deps) => detectorRun(deps)(ctx),
});

export function releaseDetectorJob(deps: ReleaseDetectorDeps): JobDefinition {
  return releaseDetector.with(deps, deps.config);
}

function detectorRun(deps: ReleaseDetectorDeps): (ctx: JobRunContext) => Promise<JobReport> {
  async function latestZStream(ystream: string, ctx: JobRunContext, discovery: DetectorDiscovery | undefined): Promise<string | null> {
    if (discovery) {
      try {
        return await discovery.latestRelease(ystream);
      } catch (e) {
        if (!deps.trackingLatest) throw e;
        ctx.logger.warn({ err: e }, `release discovery failed for ${ystream}; reading the tracking file directly`);
      }
    }
    if (!deps.trackingLatest) throw new Error('neither release discovery nor the tracking file reader is configured');
    return deps.trackingLatest(ystream, ctx);
  }

  async function detect(ystream: string, ctx: JobRunContext, discovery: DetectorDiscovery | undefined): Promise<YStreamResult> {
    const log = ctx.logger.child({ ystream });
    const [zstream, stable] = await Promise.all([latestZStream(ystream, ctx, discovery), deps.latestStable(ystream, ctx)]);
    log.info(`latest z-stream version: ${zstream ?? 'None'}`);
    log.info(`latest stable version: ${stable ?? 'None'}`);
    let verdict: Verdict;
    try {
      verdict = compareLatest(zstream, stable);
    } catch (e) {
      log.error(`cannot compare ${zstream} and ${stable}: ${errorText(e)}`);
      return { ystream, zstream, stable, verdict: 'unknown', detail: `cannot compare ${zstream} with ${stable}: ${errorText(e)}` };
    }
    if (verdict === 'unknown') {
      log.error('get latest versions failed');
      return { ystream, zstream, stable, verdict, detail: 'get latest versions failed' };
    }
    if (verdict === 'abnormal') {
      log.warn("latest z-stream version is less than latest stable version, it's abnormal. We need to contact ART");
      return { ystream, zstream, stable, verdict, detail: "latest z-stream version is less than latest stable version, it's abnormal. We need to contact ART" };
    }
    if (verdict === 'none') {
      log.info('no new z-stream release found');
      return { ystream, zstream, stable, verdict };
    }
    const release = zstream!;
    log.info(`new z-stream release is detected: ${release}`);
    const key = `${ANNOUNCED_PREFIX}${release}`;
    if ((await deps.store.getJobState<AnnouncedMark>(RELEASE_DETECTOR_JOB, key)) !== undefined) {
      return { ystream, zstream, stable, verdict, action: 'already-announced' };
    }
    if (ctx.dryRun) return { ystream, zstream, stable, verdict, action: 'would-create', detail: `would run create-test-report for ${release} and announce it` };

    const created = await deps.createTestReport(release, ctx);
    if (!created.ok) return { ystream, zstream, stable, verdict, action: 'failed', detail: `create-test-report for ${release} failed: ${created.summary}` };
    log.info(`test report is created for ${release}`);

    const channel = await deps.announce.channel(release);
    const slack = channel ? await deps.announce.slack() : undefined;
    if (!channel || !slack) {
      await deps.store.setJobState(RELEASE_DETECTOR_JOB, key, { at: ctx.now().toISOString(), channel: null } satisfies AnnouncedMark);
      return { ystream, zstream, stable, verdict, action: 'created-not-announced', detail: 'no release channel or Slack configured' };
    }
    const message = newReleaseMessage({
      release,
      ystream,
      stable: stable!,
      reportSummary: created.summary,
      ...(created.links ? { links: created.links } : {}),
      nextSteps: deps.announce.nextSteps?.(release) ?? [...FIRST_STEPS],
      ...(await leadMention(release, ctx)),
    });
    const posted = await slack.post({ channel }, message);
    await deps.store.setJobState(RELEASE_DETECTOR_JOB, key, { at: ctx.now().toISOString(), channel: posted.channel, ts: posted.ts } satisfies AnnouncedMark);
    return { ystream, zstream, stable, verdict, action: 'announced' };
  }

  async function leadMention(release: string, ctx: JobRunContext): Promise<{ leadMention?: string }> {
    try {
      const m = await deps.announce.leadMention?.(release);
      return m ? { leadMention: m } : {};
    } catch (e) {
      ctx.logger.warn({ err: e }, `cannot resolve the release lead group of ${release}; announcing without a mention`);
      return {};
    }
  }

  async function run(ctx: JobRunContext): Promise<JobReport> {
    const requested = ctx.params.ystreams;
    let discovery: DetectorDiscovery | undefined;
    try {
      discovery = await deps.discovery?.();
    } catch (e) {
      ctx.logger.warn({ err: e }, `release discovery is not available: ${errorText(e)}`);
    }
    let ystreams: string[];
    if (Array.isArray(requested) && requested.length) {
      ystreams = requested.map((y) => parseYStream(String(y)).ystream);
    } else {
      ystreams = (await resolveYStreams({ ...(discovery ? { discovery: async () => discovery } : {}), configured: deps.config.OAR_SUPPORTED_YSTREAMS, logger: ctx.logger })).ystreams;
    }
    const results: YStreamResult[] = [];
    for (const y of ystreams) {
      if (ctx.signal.aborted) break;
      try {
        results.push(await detect(y, ctx, discovery));
      } catch (e) {
        ctx.logger.error({ err: e, ystream: y }, `release detection for ${y} failed: ${errorText(e)}`);
        results.push({ ystream: y, zstream: null, stable: null, verdict: 'unknown', action: 'failed', detail: errorText(e) });
      }
    }
    const count = (f: (r: YStreamResult) => boolean) => results.filter(f).length;
    const counts = {
      ystreams: results.length,
      detected: count((r) => r.verdict === 'new'),
      announced: count((r) => r.action === 'announced'),
      abnormal: count((r) => r.verdict === 'abnormal'),
      unknown: count((r) => r.verdict === 'unknown' && r.action !== 'failed'),
      failed: count((r) => r.action === 'failed'),
    };
    const lines = results.map((r) => `${r.ystream}: z-stream ${r.zstream ?? '-'}, stable ${r.stable ?? '-'} → ${r.verdict}${r.action ? ` (${r.action})` : ''}${r.detail ? `: ${r.detail}` : ''}`);
    const failed = results.filter((r) => r.action === 'failed');
    return {
      summary: `${counts.ystreams} y-stream${counts.ystreams === 1 ? '' : 's'} checked: ${counts.detected} new release${counts.detected === 1 ? '' : 's'}${ctx.dryRun ? '' : `, ${counts.announced} announced`}${counts.abnormal ? `, ${counts.abnormal} abnormal` : ''}`,
      counts,
      lines,
      ...(failed.length ? { error: failed.map((r) => `${r.ystream}: ${r.detail}`).join('; ') } : {}),
      data: results,
    };
  }

  return run;
}
