/**
 * The release a command runs on, checked against the command's scope: one rule for every front
 * end (CLI and Slack through the parser, MCP through its tool arguments). Each front end words a
 * missing or unexpected release its own way; a malformed one throws ReleaseFormatError.
 */
import { parseRelease, parseYStream } from '../release/version.ts';
import type { ReleaseScope } from './types.ts';

export type ScopedRelease =
  /** Normalised: a z-stream release, a y-stream, or '' when the scope takes none. */
  | { release: string }
  /** The scope needs a release of this kind and none was given. */
  | { missing: 'zstream' | 'ystream' }
  /** The scope takes no release and one was given. */
  | { unexpected: string };

export function scopedRelease(scope: ReleaseScope, value: unknown): ScopedRelease {
  const v = typeof value === 'string' ? value.trim() : undefined;
  switch (scope) {
    case 'zstream':
      return v ? { release: parseRelease(v).raw } : { missing: 'zstream' };
    case 'ystream':
      return v ? { release: parseYStream(v).ystream } : { missing: 'ystream' };
    case 'optional-ystream':
      return { release: v ? parseYStream(v).ystream : '' };
    case 'none':
      return v ? { unexpected: v } : { release: '' };
  }
}
