/**
 * Simulated ocp-build-data: serves `/<branch>/releases.yml` (branch `openshift-<y>`) built from
 * ART's real tracking files in the fixtures, so ConfigStore runs against real release data.
 * Releases whose advisories are only rpm/rhcos(/microshift) are given a shipment MR (Konflux
 * flow); the others stay on the Errata flow.
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dump, load } from 'js-yaml';
import { fixturePath } from './fixtures.ts';

export interface TrackingEntry {
  advisories?: Record<string, number>;
  release_jira?: string;
}

export function readTrackingFile(ystream: string): Record<string, TrackingEntry> {
  const doc = load(readFileSync(fixturePath('zstream', ystream, `${ystream}.z.yaml`), 'utf8')) as { releases?: Record<string, TrackingEntry> };
  return doc.releases ?? {};
}

/**
 * The fixtures do not change while a process runs: each y-stream's tracking file is read and
 * parsed once. The simulated world runs in the process it serves (tests, the command-latency
 * bench), so its CPU per request is charged to the product's wall time: rebuilding releases.yml
 * from the parsed fixture cost 50-120 ms per ConfigStore download.
 */
const trackingCache = new Map<string, Record<string, TrackingEntry>>();
function trackingOf(ystream: string): Record<string, TrackingEntry> {
  let tracking = trackingCache.get(ystream);
  if (!tracking) {
    try {
      tracking = readTrackingFile(ystream);
    } catch {
      tracking = {};
    }
    trackingCache.set(ystream, tracking);
  }
  return structuredClone(tracking);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function trackedYStreams(): string[] {
  return readdirSync(fixturePath('zstream')).filter((d) => /^\d+\.\d+$/.test(d));
}

const KONFLUX_IMPETUS = new Set(['rpm', 'rhcos', 'microshift']);

export function isKonfluxRelease(entry: TrackingEntry): boolean {
  const keys = Object.keys(entry.advisories ?? {});
  return keys.length > 0 && keys.every((k) => KONFLUX_IMPETUS.has(k));
}

export interface BuildDataOptions {
  gitlabUrl: string;
  /** Extra or overriding assemblies per release. */
  overrides?: Record<string, Record<string, unknown>>;
}

let mrCounter = 300;
const mrByRelease = new Map<string, number>();
export function shipmentMrIid(release: string): number {
  let iid = mrByRelease.get(release);
  if (iid === undefined) {
    iid = ++mrCounter;
    mrByRelease.set(release, iid);
  }
  return iid;
}

export function shipmentMrUrl(gitlabUrl: string, release: string): string {
  return `${gitlabUrl.replace(/\/$/, '')}/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/${shipmentMrIid(release)}`;
}

/** The last releases.yml built per y-stream, with what it was built from (the overrides change as tests seed releases). */
const built = new Map<string, { key: string; text: string }>();

/** releases.yml for one y-stream (built again only when its inputs changed). */
export function buildReleasesYaml(ystream: string, opts: BuildDataOptions): string {
  const key = JSON.stringify([opts.gitlabUrl, opts.overrides ?? {}]);
  const hit = built.get(ystream);
  if (hit?.key === key) return hit.text;
  const text = renderReleasesYaml(ystream, opts);
  built.set(ystream, { key, text });
  return text;
}

function renderReleasesYaml(ystream: string, opts: BuildDataOptions): string {
  const releases: Record<string, unknown> = {};
  const tracking = trackingOf(ystream);
  // `2026-Jan-06`; the month by table (toLocaleString built an Intl formatter per release).
  const day = (n: number) => {
    const d = new Date(Date.UTC(2026, 0, 6 + n * 7));
    return `${d.getUTCFullYear()}-${MONTHS[d.getUTCMonth()]}-${String(d.getUTCDate()).padStart(2, '0')}`;
  };
  for (const [release, entry] of Object.entries(tracking)) {
    const z = Number(release.split('.')[2] ?? 0);
    const group: Record<string, unknown> = {
      advisories: entry.advisories ?? {},
      release_jira: entry.release_jira,
      release_date: day(z % 50),
    };
    if (isKonfluxRelease(entry)) group.shipment = { url: shipmentMrUrl(opts.gitlabUrl, release) };
    releases[release] = {
      assembly: {
        basis: { reference_releases: { x86_64: `${ystream}.0-0.nightly-2026-06-${String(10 + (z % 18)).padStart(2, '0')}-120000` } },
        group,
      },
    };
  }
  for (const [release, assembly] of Object.entries(opts.overrides ?? {})) releases[release] = { assembly };
  return dump({ releases }, { lineWidth: -1 });
}

export interface BuildDataServer {
  url: string;
  /** The template for ConfigStore's build_data_url / OAR_BUILD_DATA_URL. */
  template: string;
  requests: string[];
  stop(): Promise<void>;
}

export async function startBuildDataServer(opts: BuildDataOptions & { port?: number }): Promise<BuildDataServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const m = /^\/openshift-(\d+\.\d+)\/releases\.yml$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end('not found');
      return;
    }
    const ystream = m[1]!;
    const body = buildReleasesYaml(ystream, opts);
    if (!body.includes(':') || body.trim() === 'releases: {}') {
      res.writeHead(404).end('404: Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    template: `${url}/%s/releases.yml`,
    requests,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
