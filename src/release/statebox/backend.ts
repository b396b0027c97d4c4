/**
 * Where StateBox files live. Both backends use the same layout
 * (`_releases/<y>/statebox/<release>.yaml`) and the same optimistic concurrency: a read returns
 * the content and its version (the git blob SHA), a write names the version it replaces
 * (null = create) and fails with StateBoxConflictError when that is no longer the stored one.
 */
import { parseRelease, stateboxPath } from '../version.ts';

export interface StoredStateBox {
  text: string;
  /** Opaque version: the git blob SHA of the text on both backends. */
  version: string;
}

export interface WriteOptions {
  /** The version this write replaces; null creates the file and fails if it exists. */
  expectedVersion: string | null;
  /** Commit message (GitHub); logged by the local backend. */
  message: string;
  signal?: AbortSignal;
}

export interface StateBoxBackend {
  readonly kind: 'github' | 'local' | 'misconfigured';
  /** One line for the startup report: where StateBox files are. */
  readonly description: string;
  /** Link or file path of a release's StateBox, for messages. */
  location(release: string): string;
  read(release: string, signal?: AbortSignal): Promise<StoredStateBox | null>;
  /** Compare-and-swap write; returns the new version. */
  write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }>;
  /** Releases of a y-stream that have a StateBox (backends that can list cheaply). */
  list?(ystream: string, signal?: AbortSignal): Promise<string[]>;
}

/** Repository-relative path of a release's StateBox; the release must be a valid SemVer release (no path tricks). */
export function stateBoxRelativePath(release: string): string {
  parseRelease(release);
  return stateboxPath(release);
}
