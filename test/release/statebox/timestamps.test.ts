/** Port of TestExtractStartTimestamp / TestExtractEndTimestamp (spec 5.7). */
import { describe, expect, it } from 'vitest';
import { extractEndTimestamp, extractStartTimestamp, isoSeconds } from '../../../src/release/statebox/timestamps.ts';

describe('TestExtractStartTimestamp', () => {
  it.each([
    ['2025-11-27T21:54:22Z: INFO: started', '2025-11-27T21:54:22Z'],
    ['2025-11-27T21:54:22.1Z: INFO', '2025-11-27T21:54:22.1Z'],
    ['2025-11-27T21:54:22.123456Z: INFO', '2025-11-27T21:54:22.123456Z'],
    ['at 2025-11-27T21:54:22+00:00 something', '2025-11-27T21:54:22+00:00'],
    ['at 2025-11-27T21:54:22-05:00 something', '2025-11-27T21:54:22-05:00'],
    ['no time here\nthen 2025-11-27T21:54:22Z: INFO: x\n2025-11-27T22:00:00Z: INFO: y', '2025-11-27T21:54:22Z'],
  ])('finds the first zone-qualified timestamp in %j', (text, want) => {
    expect(extractStartTimestamp(text)).toBe(want);
  });

  it.each([['2025-11-27T21:54:22 no zone'], ['2025-11-27 21:54:22Z space'], ['nothing'], ['']])('ignores %j', (text) => {
    expect(extractStartTimestamp(text)).toBeNull();
  });

  it('null text gives null', () => {
    expect(extractStartTimestamp(null)).toBeNull();
  });
});

describe('TestExtractEndTimestamp', () => {
  it('finds the last zone-qualified timestamp', () => {
    const text = '2025-11-27T21:54:22Z: INFO: a\n2025-11-27T21:55:00Z: INFO: b\n2025-11-27T21:56:00Z: INFO: task [Take Ownership] status is changed to [Pass]';
    expect(extractEndTimestamp(text)).toBe('2025-11-27T21:56:00Z');
  });
  it('a single timestamp is both start and end', () => {
    expect(extractEndTimestamp('x 2025-11-27T21:54:22-05:00 y')).toBe('2025-11-27T21:54:22-05:00');
  });
  it('no zone, no match', () => {
    expect(extractEndTimestamp('2025-11-27T21:54:22')).toBeNull();
    expect(extractEndTimestamp(null)).toBeNull();
    expect(extractEndTimestamp('')).toBeNull();
  });
});

describe('stored timestamps', () => {
  it('are UTC, whole seconds, with Z', () => {
    expect(isoSeconds(new Date('2025-11-27T21:50:00.789Z'))).toBe('2025-11-27T21:50:00Z');
  });
});
