/**
 * The test-job registry (agents.md 6.2): `main:_releases/ocp-{X.Y}-test-jobs-{arch}.json`, one
 * file per y-stream and architecture, each with a `nightly` and a `stable` list of jobs.
 *
 * Decisions:
 * - booleans (`upgrade`, `disabled`, `optional`) must be JSON booleans (null counts as false).
 *   The original converted any present value with Python truthiness, so `"disabled": "false"`
 *   disabled a job; here a string or a number is rejected with an error naming the file and
 *   the job, and the whole file is unusable until it is fixed (changes nothing rather than
 *   guessing);
 * - `retries` keeps the original's normalisation: always even and at least 2 (0 → 2, 3 → 2,
 *   4 → 4, 5 → 4, "6" → 6), so first run + retries is odd and a majority always exists;
 * - an invalid file fails only its own y-stream: the other registries stay usable;
 * - the file name pattern accepts a multi-digit major (the original: one digit).
 *
 * Loading costs two requests whatever the number of files: one tree listing, one GraphQL read.
 */
import { z } from 'zod';
import type { GitHubClient } from '../../integrations/github.ts';
import type { Logger } from '../../log.ts';
import { CommandError } from '../errors.ts';
import { RELEASES_DIR, type Arch } from './streams.ts';

export interface TestJob {
  prowJob: string;
  upgrade: boolean;
  disabled: boolean;
  optional: boolean;
  /** Effective retries: even, >= 2. */
  retries: number;
}

export interface RegistryFile {
  nightly: TestJob[];
  stable: TestJob[];
}

export class RegistryError extends CommandError {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'RegistryError';
    this.file = file;
  }
}

/** The original's rule (6.2): absent, non-numeric, 0 or <= 2 → 2; otherwise n, minus one when odd. */
export function normaliseRetries(value: unknown): number {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return 2;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  if (!/^\d+$/.test(text)) return 2;
  const n = Number.parseInt(text, 10);
  if (n <= 2) return 2;
  return n % 2 === 0 ? n : n - 1;
}

const BOOL_KEYS = ['upgrade', 'disabled', 'optional'] as const;

const rawJobSchema = z.looseObject({
  prowJob: z.string().trim().min(1, 'prowJob must be a non-empty string'),
  upgrade: z.unknown().optional(),
  disabled: z.unknown().optional(),
  optional: z.unknown().optional(),
  retries: z.unknown().optional(),
});

const rawFileSchema = z.looseObject({
  nightly: z.array(z.unknown()),
  stable: z.array(z.unknown()),
});

function describeValue(v: unknown): string {
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v)}`;
}

/** Validate one registry file's JSON text; errors name the file and the job. */
export function parseRegistryFile(text: string, file: string): RegistryFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RegistryError(file, `test-job registry ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const top = rawFileSchema.safeParse(data);
  if (!top.success) {
    const issue = top.error.issues[0];
    throw new RegistryError(file, `test-job registry ${file} must have "nightly" and "stable" arrays (${issue?.path.join('.') || 'top level'}: ${issue?.message})`);
  }
  const parseList = (kind: 'nightly' | 'stable'): TestJob[] =>
    top.data[kind].map((item, i) => {
      const job = rawJobSchema.safeParse(item);
      if (!job.success) {
        const issue = job.error.issues[0];
        throw new RegistryError(file, `test-job registry ${file}: ${kind}[${i}] is not a job (${issue?.path.join('.') || 'entry'}: ${issue?.message})`);
      }
      const j = job.data;
      const flags: Record<(typeof BOOL_KEYS)[number], boolean> = { upgrade: false, disabled: false, optional: false };
      for (const key of BOOL_KEYS) {
        const v = j[key];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'boolean') {
          throw new RegistryError(
            file,
            `test-job registry ${file}: job ${j.prowJob} (${kind}[${i}]) has "${key}": ${describeValue(v)}; it must be true or false without quotes (the original read any non-empty string, even "false", as true)`,
          );
        }
        flags[key] = v;
      }
      return { prowJob: j.prowJob, ...flags, retries: normaliseRetries(j.retries) };
    });
  return { nightly: parseList('nightly'), stable: parseList('stable') };
}

/** `ocp-4.19-test-jobs-amd64.json` → `4.19`; other names (the `ocp-4.x-...` dummy) → null. */
export function registryKeyOf(path: string, arch: Arch): string | null {
  const name = path.split('/').at(-1) ?? path;
  const m = new RegExp(`^ocp-(\\d+\\.\\d+)-test-jobs-${arch}\\.json$`).exec(name);
  return m ? m[1]! : null;
}

export function registryPath(ystream: string, arch: Arch): string {
  return `${RELEASES_DIR}/ocp-${ystream}-test-jobs-${arch}.json`;
}

/** The registries of one architecture, by y-stream. */
export class TestJobRegistry {
  readonly arch: Arch;
  private readonly files: Map<string, RegistryFile | RegistryError>;
  private readonly log: Logger | undefined;

  constructor(arch: Arch, files: Map<string, RegistryFile | RegistryError>, log?: Logger) {
    this.arch = arch;
    this.files = files;
    this.log = log;
  }

  /** Y-streams with a registry file (valid or not). */
  ystreams(): string[] {
    return [...this.files.keys()];
  }

  /** Invalid files, for reports. */
  errors(): RegistryError[] {
    return [...this.files.values()].filter((f): f is RegistryError => f instanceof RegistryError);
  }

  /** The registry of a y-stream, or undefined; throws the file's RegistryError when it is invalid. */
  file(ystream: string): RegistryFile | undefined {
    const f = this.files.get(ystream);
    if (f instanceof RegistryError) throw f;
    return f;
  }

  /** Jobs of (Y, nightly?) in registry order; [] when the y-stream has no registry (logged). */
  jobsFor(ystream: string, nightly: boolean): TestJob[] {
    const f = this.file(ystream);
    if (!f) {
      this.log?.info(`no test job definition of ${ystream} found`);
      return [];
    }
    return nightly ? f.nightly : f.stable;
  }

  /** The first job with that exact name, or undefined (logged as the original did). */
  job(ystream: string, nightly: boolean, name: string): TestJob | undefined {
    const job = this.jobsFor(ystream, nightly).find((j) => j.prowJob === name);
    if (!job) this.log?.info(`Cannot find test job ${name} in ${ystream} definition`);
    return job;
  }
}

export type RegistryGitHub = Pick<GitHubClient, 'listTree' | 'readFiles'>;

/** Load every registry of `arch` from `repo@branch:_releases` (one listing, one batched read). */
export async function loadRegistry(
  github: RegistryGitHub,
  opts: { repo: string; branch: string; arch: Arch; logger?: Logger; signal?: AbortSignal },
): Promise<TestJobRegistry> {
  const listing = await github.listTree(opts.repo, opts.branch, RELEASES_DIR, opts.signal ? { signal: opts.signal } : {});
  const wanted = new Map<string, string>();
  for (const e of listing.entries) {
    if (e.type !== 'blob' || e.path.slice(RELEASES_DIR.length + 1).includes('/')) continue;
    const key = registryKeyOf(e.path, opts.arch);
    if (key) wanted.set(e.path, key);
  }
  const texts = wanted.size ? await github.readFiles(opts.repo, opts.branch, [...wanted.keys()], opts.signal ? { signal: opts.signal } : {}) : new Map<string, string | null>();
  const files = new Map<string, RegistryFile | RegistryError>();
  for (const [path, key] of [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = texts.get(path);
    if (text === null || text === undefined) {
      files.set(key, new RegistryError(path, `test-job registry ${path} could not be read from ${opts.repo}@${opts.branch}`));
      continue;
    }
    try {
      files.set(key, parseRegistryFile(text, path));
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      opts.logger?.error({ file: path }, e.message);
      files.set(key, e);
    }
  }
  return new TestJobRegistry(opts.arch, files, opts.logger);
}
