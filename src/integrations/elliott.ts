/**
 * elliott, ART's CLI, for the CVE tracker sweep (oar-commands 9.11, 11.4): the one place oar-bot
 * runs an external program. It is run with an argument vector (execFile, shell: false: nothing
 * is ever interpreted by a shell), a timeout and the command's AbortSignal.
 *
 * Environment (9.11): a copy of oar-bot's environment; JIRA_USERNAME is required; JIRA_EMAIL is
 * set to JIRA_USERNAME when missing and kept when present.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { IntegrationError } from './http.ts';

export const OCP_BUILD_DATA_URL = 'https://github.com/openshift-eng/ocp-build-data.git';
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export class ElliottError extends IntegrationError {
  constructor(opts: { operation: string; userMessage: string; cause?: unknown }) {
    super({ system: 'elliott', ...opts });
    this.name = 'ElliottError';
  }
}

export type BuildSystem = 'brew' | 'konflux';

/** The exact argument vector of 9.11 (after the program name). */
export function elliottFindBugsArgs(ystream: string, assembly: string, buildSystem: BuildSystem): string[] {
  const common = ['--data-path', OCP_BUILD_DATA_URL, '--group', `openshift-${ystream}`, '--assembly', assembly, '--build-system', buildSystem, 'find-bugs', '--cve-only'];
  return buildSystem === 'brew' ? [...common, '--output', 'json', '--permissive'] : [...common, '-o', 'json'];
}

/** The child's environment (9.11, pinned by the original's TestGetElliottEnv). */
export function elliottEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  if (!env.JIRA_USERNAME) throw new ElliottError({ operation: 'preparing the elliott environment', userMessage: 'JIRA_USERNAME environment variable is not set. This is required for elliott to access Jira' });
  if (!env.JIRA_EMAIL) env.JIRA_EMAIL = env.JIRA_USERNAME;
  return env;
}

/** OAR_ELLIOTT_BIN, else `elliott` found on PATH, else undefined (elliott is not installed). */
export function locateElliott(bin: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (bin) return isAbsolute(bin) && executable(bin) ? bin : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'elliott');
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

const FindBugsOutput = z.record(z.string(), z.unknown());

export interface ElliottRunnerOptions {
  bin: string;
  timeoutMs: number;
  /** The environment to copy (read at each run). */
  env?: () => NodeJS.ProcessEnv;
}

export class ElliottRunner {
  readonly bin: string;
  private readonly opts: ElliottRunnerOptions;

  constructor(opts: ElliottRunnerOptions) {
    this.bin = opts.bin;
    this.opts = opts;
  }

  /** The runner when elliott is installed (OAR_ELLIOTT_BIN or PATH), else null. */
  static fromConfig(config: Config, env: () => NodeJS.ProcessEnv = () => process.env): ElliottRunner | null {
    const bin = locateElliott(config.OAR_ELLIOTT_BIN, env());
    if (config.OAR_ELLIOTT_BIN && !bin) throw new ElliottError({ operation: 'locating elliott', userMessage: `OAR_ELLIOTT_BIN=${config.OAR_ELLIOTT_BIN} is not an absolute path to an executable file` });
    return bin ? new ElliottRunner({ bin, timeoutMs: config.OAR_ELLIOTT_TIMEOUT_MS, env }) : null;
  }

  /**
   * `find-bugs --cve-only` JSON: kind → Jira keys. Brew reads the lists `rpm` and `rhcos`; Konflux
   * every list (11.4). Empty output means no bugs.
   */
  async findCveBugs(ystream: string, assembly: string, buildSystem: BuildSystem, signal?: AbortSignal): Promise<{ byKind: Record<string, string[]>; keys: string[]; argv: string[] }> {
    const argv = elliottFindBugsArgs(ystream, assembly, buildSystem);
    const operation = `finding the CVE tracker bugs of ${assembly} (--build-system ${buildSystem})`;
    const env = elliottEnv((this.opts.env ?? (() => process.env))());
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(this.bin, argv, { env, shell: false, timeout: this.opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', ...(signal ? { signal } : {}) }, (err, out, stderr) => {
        if (!err) return resolve(out);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string };
        if (signal?.aborted) return reject(new ElliottError({ operation, userMessage: 'elliott was cancelled', cause: err }));
        if (e.killed && e.signal) return reject(new ElliottError({ operation, userMessage: `elliott did not finish ${operation} within ${Math.round(this.opts.timeoutMs / 1000)} s and was stopped`, cause: err }));
        if (typeof e.code === 'string') return reject(new ElliottError({ operation, userMessage: `elliott could not be started (${e.code}): ${this.bin}`, cause: err }));
        reject(new ElliottError({ operation, userMessage: `elliott cmd error:\n ${String(stderr).trim().slice(0, 2000)}`, cause: err }));
      });
    });
    if (stdout.trim() === '') return { byKind: {}, keys: [], argv };
    let parsed: Record<string, unknown>;
    try {
      parsed = FindBugsOutput.parse(JSON.parse(stdout));
    } catch (e) {
      throw new ElliottError({ operation, userMessage: `elliott's output is not the expected JSON object of bug lists: ${stdout.trim().slice(0, 200)}`, cause: e });
    }
    const byKind: Record<string, string[]> = {};
    for (const [kind, value] of Object.entries(parsed)) {
      if (!Array.isArray(value)) continue;
      if (buildSystem === 'brew' && kind !== 'rpm' && kind !== 'rhcos') continue;
      byKind[kind] = value.map(String);
    }
    return { byKind, keys: [...new Set(Object.values(byKind).flat())], argv };
  }
}
