/**
 * Which y-streams the jobs cover: release discovery (the y-stream directories of the z-stream
 * branch that hold an ART tracking file) when it is available, otherwise OAR_SUPPORTED_YSTREAMS.
 * Never a list in code: a new y-stream appears when ART adds its tracking file.
 */
import { compareYStreams, YSTREAM_DIR } from '../release/discovery.ts';
import type { Logger } from '../log.ts';
import { errorText } from './types.ts';

export interface YStreamSource {
  supportedYStreams(): Promise<string[]>;
}

export interface YStreamDeps {
  /** Release discovery, or undefined when GitHub is not configured. */
  discovery?: () => Promise<YStreamSource | undefined>;
  /** OAR_SUPPORTED_YSTREAMS */
  configured: readonly string[];
  logger: Logger;
}

export class NoYStreamsError extends Error {
  readonly userMessage: string;
  constructor(why: string) {
    super(`no y-streams to work on: ${why}. Set OAR_SUPPORTED_YSTREAMS (e.g. 4.18,4.19,4.20) or GITHUB_TOKEN for release discovery.`);
    this.name = 'NoYStreamsError';
    this.userMessage = this.message;
  }
}

export function sortYStreams(list: readonly string[]): string[] {
  const bad = list.filter((y) => !YSTREAM_DIR.test(y));
  if (bad.length) throw new RangeError(`not y-streams (X.Y): ${bad.join(', ')}`);
  return [...new Set(list)].sort(compareYStreams);
}

export async function resolveYStreams(deps: YStreamDeps): Promise<{ ystreams: string[]; source: 'discovery' | 'configuration' }> {
  let discoveryError: string | undefined;
  if (deps.discovery) {
    try {
      const source = await deps.discovery();
      if (source) {
        const found = await source.supportedYStreams();
        if (found.length) return { ystreams: sortYStreams(found), source: 'discovery' };
        discoveryError = 'release discovery found no y-stream tracking files';
      }
    } catch (e) {
      discoveryError = `release discovery failed: ${errorText(e)}`;
    }
    if (discoveryError) deps.logger.warn(`${discoveryError}; using OAR_SUPPORTED_YSTREAMS`);
  }
  if (deps.configured.length) return { ystreams: sortYStreams(deps.configured), source: 'configuration' };
  throw new NoYStreamsError(discoveryError ?? 'release discovery is not configured and OAR_SUPPORTED_YSTREAMS is empty');
}
