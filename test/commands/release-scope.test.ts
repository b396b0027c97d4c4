import { describe, expect, it } from 'vitest';
import { scopedRelease } from '../../src/commands/release-scope.ts';
import { releaseArgument } from '../../src/mcp/call.ts';
import { ReleaseFormatError } from '../../src/release/version.ts';

describe('scopedRelease: one rule for the release a command runs on', () => {
  it('normalises per scope', () => {
    expect(scopedRelease('zstream', ' 4.19.1 ')).toEqual({ release: '4.19.1' });
    expect(scopedRelease('ystream', '4.19')).toEqual({ release: '4.19' });
    expect(scopedRelease('optional-ystream', undefined)).toEqual({ release: '' });
    expect(scopedRelease('optional-ystream', '4.19')).toEqual({ release: '4.19' });
    expect(scopedRelease('none', '')).toEqual({ release: '' });
  });

  it('names what is missing or unexpected, and throws on a malformed release', () => {
    expect(scopedRelease('zstream', '  ')).toEqual({ missing: 'zstream' });
    expect(scopedRelease('ystream', undefined)).toEqual({ missing: 'ystream' });
    expect(scopedRelease('none', '4.19.1')).toEqual({ unexpected: '4.19.1' });
    expect(() => scopedRelease('zstream', 'four')).toThrow(ReleaseFormatError);
  });

  it('MCP words it for a tool call and ignores a release a command does not take', () => {
    expect(() => releaseArgument('zstream', undefined)).toThrow('release is required: a z-stream release such as 4.19.1');
    expect(() => releaseArgument('ystream', 3)).toThrow('release is required: a y-stream such as 4.19');
    expect(releaseArgument('none', '4.19.1')).toBe('');
  });
});
