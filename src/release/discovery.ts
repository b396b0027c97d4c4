/**
 * Release discovery (spec agents.md section 5): which y-streams exist, their latest z-stream
 * release, and which releases are active.
 *
 * - y-streams: the directories `_releases/<y>/` (name `^\d+\.\d{1,2}$`) holding `<y>.z.yaml`, from
 *   ONE recursive git-tree listing of the z-stream branch (no hard-coded list);
 * - ART tracking files `_releases/<y>/<y>.z.yaml` of all of them in ONE GraphQL call;
 * - the latest release's StateBox of every y-stream in ONE more GraphQL call; a release is active
 *   iff `metadata.release_date` (`YYYY-Mon-DD`) + keepDays >= today (local date).
 * Results of the first two steps are cached per instance (`refresh()` drops them).
 */
import { load } from 'js-yaml';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import type { GitHubClient } from '../integrations/github.ts';
import { silentLogger, type Logger } from '../log.ts';
import { compareReleases, parseRelease, stateboxPath, type ReleaseVersion } from './version.ts';

export const YSTREAM_DIR = /^\d+\.\d{1,2}$/;

export class ReleaseDiscoveryError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'ReleaseDiscoveryError';
  }
}

const trackingEntrySchema = z.looseObject({
  advisories: z.record(z.string(), z.number().int()).nullable().optional(),
  release_jira: z.string().nullable().optional(),
});

const trackingFileSchema = z
  .looseObject({ releases: z.record(z.string(), trackingEntrySchema.nullable()).nullable().optional() })
  .nullable();

export interface TrackingEntry {
  advisories: Record<string, number>;
  release_jira: string | null;
}

/** An ART tracking file `_releases/<y>/<y>.z.yaml` (`releases: {<z>: {advisories, release_jira}}`). */
export interface TrackingFile {
  ystream: string;
  releases: Record<string, TrackingEntry>;
}

export function parseTrackingFile(text: string, ystream: string): TrackingFile {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? null : load(text);
  } catch (e) {
    throw new ReleaseDiscoveryError(`Failed to parse tracking file for ${ystream}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { cause: e });
  }
  const parsed = trackingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ReleaseDiscoveryError(`Failed to parse tracking file for ${ystream}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const releases: Record<string, TrackingEntry> = {};
  for (const [release, entry] of Object.entries(parsed.data?.releases ?? {})) {
    releases[release] = { advisories: entry?.advisories ?? {}, release_jira: entry?.release_jira ?? null };
  }
  return { ystream, releases };
}

/** Highest release key by SemVer (pre-releases handled); unparsable keys are skipped. */
export function latestReleaseOf(tracking: TrackingFile): string | null {
  let best: ReleaseVersion | undefined;
  for (const key of Object.keys(tracking.releases)) {
    let v: ReleaseVersion;
    try {
      v = parseRelease(key);
    } catch {
      continue;
    }
    if (!best || compareReleases(v, best) > 0) best = v;
  }
  return best?.raw ?? null;
}

export function compareYStreams(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am! - bm! || an! - bn!;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-Jul-07` (Python `%Y-%b-%d`) → a local-midnight Date, or null. */
export function parseReleaseDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-([A-Za-z]{3})-(\d{1,2})$/.exec(value.trim());
  if (!m) return null;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === m[2]!.toLowerCase());
  if (month === -1) return null;
  const d = new Date(Number(m[1]), month, Number(m[3]));
  return d.getMonth() === month ? d : null;
}

/** Active iff today (local date) <= release date + keepDays. */
export function isActiveOn(releaseDate: Date, today: Date, keepDays: number): boolean {
  const last = new Date(releaseDate.getFullYear(), releaseDate.getMonth(), releaseDate.getDate() + keepDays);
  const day = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  return day.getTime() <= last.getTime();
}

export interface ReleaseDiscoveryOptions {
  github: GitHubClient;
  /** owner/name */
  repo: string;
  /** Branch of the tracking files and StateBox files (z-stream). */
  branch: string;
  /** Directory of the y-stream folders. Default `_releases`. */
  root?: string;
  logger?: Logger;
  now?: () => Date;
}

export class ReleaseDiscovery {
  private readonly opts: ReleaseDiscoveryOptions;
  private readonly root: string;
  private readonly log: Logger;
  private tracking: Promise<Map<string, TrackingFile>> | undefined;

  constructor(opts: ReleaseDiscoveryOptions) {
    this.opts = opts;
    this.root = (opts.root ?? '_releases').replace(/^\/+|\/+$/g, '');
    this.log = opts.logger ?? silentLogger;
  }

  /** Drop the cached tracking files. */
  refresh(): void {
    this.tracking = undefined;
  }

  /** Every y-stream's tracking file, sorted by y-stream (cached). */
  trackingFiles(): Promise<Map<string, TrackingFile>> {
    this.tracking ??= this.fetchTrackingFiles().catch((e: unknown) => {
      this.tracking = undefined;
      throw e;
    });
    return this.tracking;
  }

  async supportedYStreams(): Promise<string[]> {
    return [...(await this.trackingFiles()).keys()];
  }

  async latestRelease(ystream: string): Promise<string | null> {
    const tracking = (await this.trackingFiles()).get(ystream);
    return tracking ? latestReleaseOf(tracking) : null;
  }

  /** Latest release of every y-stream that has one, in y-stream order. */
  async latestReleases(): Promise<{ ystream: string; release: string }[]> {
    const out: { ystream: string; release: string }[] = [];
    for (const [ystream, tracking] of await this.trackingFiles()) {
      const release = latestReleaseOf(tracking);
      if (release) out.push({ ystream, release });
    }
    return out;
  }

  /** Latest releases whose StateBox release_date + keepDays is not past (spec 5.3). */
  async discoverActiveReleases(keepDays = 1): Promise<string[]> {
    const latest = await this.latestReleases();
    if (latest.length === 0) return [];
    const paths = latest.map(({ release }) => stateboxPath(release));
    let texts: Map<string, string | null>;
    try {
      texts = await this.opts.github.readFiles(this.opts.repo, this.opts.branch, paths);
    } catch (e) {
      throw new ReleaseDiscoveryError(`GraphQL query failed: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`, { cause: e });
    }
    const today = this.opts.now?.() ?? new Date();
    const active: string[] = [];
    for (const { release } of latest) {
      const text = texts.get(stateboxPath(release));
      if (!text) {
        this.log.debug({ release }, 'no StateBox: not active');
        continue;
      }
      let date: Date | null = null;
      try {
        const doc = load(text) as { metadata?: { release_date?: unknown } } | null;
        date = parseReleaseDate(doc?.metadata?.release_date);
      } catch (e) {
        this.log.debug({ release, err: e }, 'StateBox does not parse: not active');
        continue;
      }
      if (!date) {
        this.log.debug({ release }, 'StateBox has no valid release_date: not active');
        continue;
      }
      if (isActiveOn(date, today, keepDays)) active.push(release);
    }
    return active;
  }

  private async fetchTrackingFiles(): Promise<Map<string, TrackingFile>> {
    const { github, repo, branch } = this.opts;
    let listing;
    try {
      listing = await github.listTree(repo, branch, this.root);
    } catch (e) {
      throw new ReleaseDiscoveryError(`Listing ${this.root} on ${repo}@${branch} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const candidates: { ystream: string; path: string }[] = [];
    for (const entry of listing.entries) {
      if (entry.type !== 'blob') continue;
      const rest = entry.path.slice(this.root.length + 1).split('/');
      if (rest.length !== 2) continue;
      const [dir, file] = rest as [string, string];
      if (YSTREAM_DIR.test(dir) && file === `${dir}.z.yaml`) candidates.push({ ystream: dir, path: entry.path });
    }
    candidates.sort((a, b) => compareYStreams(a.ystream, b.ystream));
    if (candidates.length === 0) return new Map();
    let texts: Map<string, string | null>;
    try {
      texts = await github.readFiles(repo, branch, candidates.map((c) => c.path));
    } catch (e) {
      throw new ReleaseDiscoveryError(`GraphQL query failed: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`, { cause: e });
    }
    const out = new Map<string, TrackingFile>();
    for (const { ystream, path } of candidates) {
      const text = texts.get(path);
      if (!text || text.trim() === '') continue;
      out.set(ystream, parseTrackingFile(text, ystream));
    }
    return out;
  }
}

/** Discovery on the configured repository; needs GITHUB_TOKEN (GraphQL requires authentication). */
export function createReleaseDiscovery(config: Config, github: GitHubClient, deps: { logger?: Logger; now?: () => Date } = {}): ReleaseDiscovery {
  if (!config.GITHUB_TOKEN) throw new ReleaseDiscoveryError('GitHub token not found. Set GITHUB_TOKEN environment variable.');
  return new ReleaseDiscovery({ github, repo: config.OAR_GITHUB_REPO, branch: config.OAR_STATEBOX_BRANCH, logger: deps.logger, now: deps.now });
}
