/**
 * Release version model (spec oar-commands.md section 2).
 * A release is a SemVer 2.0 string; oar-bot commands operate on z-stream releases.
 */
import { echo } from '../echo.ts';

// SemVer 2.0 (no leading zeros, optional prerelease and build metadata).
const NUM = '(0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER = new RegExp(
  `^${NUM}\\.${NUM}\\.${NUM}(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);
const YSTREAM = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export interface ReleaseVersion {
  /** As given, e.g. `4.19.1` or `4.18.0-rc.8`. */
  readonly raw: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string | undefined;
  readonly build: string | undefined;
  /** `4.19` */
  readonly ystream: string;
}

export class ReleaseFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseFormatError';
  }
}

export const Z_STREAM_HINT = 'a z-stream release has three numbers, like 4.19.1 (or a pre-release such as 4.18.0-rc.8)';

export function parseRelease(input: string): ReleaseVersion {
  const raw = input.trim();
  if (raw === '') throw new ReleaseFormatError(`argument release is required: ${Z_STREAM_HINT}`);
  const m = SEMVER.exec(raw);
  if (!m) {
    if (YSTREAM.test(raw)) throw new ReleaseFormatError(`invalid release format ${raw}: ${raw} is a y-stream; ${Z_STREAM_HINT}`);
    throw new ReleaseFormatError(`invalid release format ${echo(raw)}: ${Z_STREAM_HINT}`);
  }
  const [, major, minor, patch, prerelease, build] = m;
  return {
    raw,
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease,
    build,
    ystream: `${major}.${minor}`,
  };
}

export function isValidRelease(input: string): boolean {
  try {
    parseRelease(input);
    return true;
  } catch {
    return false;
  }
}

/** Exactly three all-digit parts (the stricter helper). */
export function isZStream(input: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(input);
}

export function parseYStream(input: string): { major: number; minor: number; ystream: string } {
  const raw = input.trim();
  const m = YSTREAM.exec(raw);
  if (!m) throw new ReleaseFormatError(`invalid y-stream ${echo(raw)}: a y-stream has two numbers, like 4.19`);
  return { major: Number(m[1]), minor: Number(m[2]), ystream: raw };
}

/** y-stream from a release string (first two dot parts), or undefined. */
export function ystreamOf(release: string): string | undefined {
  const parts = release.split('.');
  return parts.length >= 3 ? `${parts[0]}.${parts[1]}` : undefined;
}

/** Key inside ocp-build-data releases.yml: `rc.8` / `ec.1` for rc/ec prereleases, else the release. */
export function releaseKey(v: ReleaseVersion): string {
  if (v.prerelease && /^(ec|rc)/.test(v.prerelease)) return v.prerelease;
  return v.raw;
}

/** `4-stable`, `5-stable` */
export function stableStream(v: { major: number }): string {
  return `${v.major}-stable`;
}

export function payloadPullspec(release: string, arch = 'x86_64'): string {
  return `quay.io/openshift-release-dev/ocp-release:${release}-${arch}`;
}

export function stateboxPath(release: string): string {
  const y = ystreamOf(release);
  if (!y) throw new ReleaseFormatError(`invalid release format ${echo(release)}: ${Z_STREAM_HINT}`);
  return `_releases/${y}/statebox/${release}.yaml`;
}

/** Compare two releases by SemVer precedence (build metadata ignored). */
export function compareReleases(a: ReleaseVersion, b: ReleaseVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] - b[k];
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  const pa = a.prerelease.split('.');
  const pb = b.prerelease.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

