/**
 * Names of the Prow subsystem (agents.md 6.1, 6.3, 6.6): the streams the controller watches,
 * the files it keeps on the record branch, and the build/arch parsing of result-file names.
 * Pure.
 */
import { ARCHES, type Arch, type StreamKind } from '../../integrations/release-controller.ts';
import { CommandError } from '../errors.ts';

export { ARCHES, type Arch, type StreamKind };

/** The directory of registries (main) and records (record). */
export const RELEASES_DIR = '_releases';

/** One (y-stream, nightly|stable, arch) the controller watches. */
export interface ProwStream {
  ystream: string;
  kind: StreamKind;
  arch: Arch;
}

export class ProwConfigError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'ProwConfigError';
  }
}

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}

/** "invalid architecture X" (the original's sentence) for anything outside ARCHES. */
export function parseArch(s: string): Arch {
  const arch = s.trim();
  if (!isArch(arch)) throw new ProwConfigError(`invalid architecture ${arch}: use one of ${ARCHES.join(', ')}`);
  return arch;
}

const YSTREAM = /^\d+\.\d+$/;

export function assertYStream(y: string): string {
  const v = y.trim();
  if (!YSTREAM.test(v)) throw new ProwConfigError(`invalid y-stream ${JSON.stringify(y)}: expected X.Y such as 4.19`);
  return v;
}

/**
 * OAR_PROW_STREAMS entries: `4.19:nightly:amd64`, `4.19:stable:arm64`. The arch may be left out
 * (amd64), and `4.19` alone means both kinds on amd64, as the CI loop ran them.
 */
export function parseProwStreams(entries: readonly string[]): ProwStream[] {
  const out: ProwStream[] = [];
  const seen = new Set<string>();
  for (const raw of entries) {
    const parts = raw.split(':').map((p) => p.trim());
    if (parts.length > 3 || parts.some((p) => p === '')) throw new ProwConfigError(`OAR_PROW_STREAMS entry ${JSON.stringify(raw)} is not y:nightly|stable:arch (e.g. 4.19:nightly:amd64)`);
    const ystream = assertYStream(parts[0]!);
    const kinds: StreamKind[] = parts[1] === undefined ? ['nightly', 'stable'] : [parseKind(parts[1], raw)];
    const arch = parts[2] === undefined ? 'amd64' : parseArch(parts[2]);
    for (const kind of kinds) {
      const key = streamKey({ ystream, kind, arch });
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ystream, kind, arch });
    }
  }
  return out;
}

function parseKind(s: string, raw: string): StreamKind {
  if (s === 'nightly' || s === 'stable') return s;
  throw new ProwConfigError(`OAR_PROW_STREAMS entry ${JSON.stringify(raw)}: the kind must be nightly or stable, not ${JSON.stringify(s)}`);
}

/** `4.19-nightly-amd64` */
export function streamKey(s: ProwStream): string {
  return `${s.ystream}-${s.kind}-${s.arch}`;
}

/** The architectures of a stream list, in first-seen order (one aggregator pass each). */
export function archesOf(streams: readonly ProwStream[]): Arch[] {
  return [...new Set(streams.map((s) => s.arch))];
}

/** `record:_releases/ocp-latest-{X.Y}-{nightly|stable}-{arch}.json` */
export function latestStatePath(s: ProwStream): string {
  return `${RELEASES_DIR}/ocp-latest-${s.ystream}-${s.kind}-${s.arch}.json`;
}

/** `record:_releases/ocp-test-result-{build}-{arch}.json` */
export function resultPath(build: string, arch: Arch): string {
  return `${RELEASES_DIR}/ocp-test-result-${build}-${arch}.json`;
}

/** `4.19` from `4.19.0-0.nightly-2026-07-01-085304`, `4.19.36` or `5.0.0-ec.3`. */
export function ystreamOfBuild(build: string): string {
  const m = /^(\d+)\.(\d+)\.\d+/.exec(build);
  if (!m) throw new ProwConfigError(`invalid build name ${JSON.stringify(build)}: expected a version such as 4.19.0-0.nightly-2026-07-01-085304 or 4.19.36`);
  return `${m[1]}.${m[2]}`;
}

/** A build name contains "nightly" exactly when it is a nightly (6.1). */
export function isNightlyBuild(build: string): boolean {
  return build.includes('nightly');
}

export interface ResultFileRef {
  /** `_releases/ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json` */
  path: string;
  name: string;
  build: string;
  arch: Arch;
  /** The first `\d.\d+` of the name (registry key). */
  release: string;
  nightly: boolean;
}

/**
 * A record file of `arch` (6.7 step 2): `ocp-test-result-<build>-<arch>.json` where the build
 * starts and ends with a digit. Anything else is not a record of this arch (null).
 */
export function parseResultFile(path: string, arch: Arch): ResultFileRef | null {
  const name = path.split('/').at(-1) ?? path;
  const prefix = 'ocp-test-result-';
  const suffix = `-${arch}.json`;
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return null;
  const build = name.slice(prefix.length, name.length - suffix.length);
  if (!/^\d.*\d$/.test(build) && !/^\d$/.test(build)) return null;
  const release = /\d+\.\d+/.exec(build)?.[0];
  if (!release) return null;
  return { path, name, build, arch, release, nightly: isNightlyBuild(build) };
}
