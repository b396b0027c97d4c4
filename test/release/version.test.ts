import { describe, expect, it } from 'vitest';
import { compareReleases, isZStream, parseRelease, parseYStream, releaseKey, stateboxPath, ystreamOf } from '../../src/release/version.ts';

describe('release version model', () => {
  it.each(['4.19.1', '4.18.0-rc.8', '4.19.0-ec.1', '5.0.1', '4.19.1+meta'])('accepts %s', (r) => {
    expect(parseRelease(r).raw).toBe(r);
  });

  it.each(['4.', '4.12', 'v4.19.1', '4.019.1', '4.19.1.2', '4.19.x', ' '])('rejects %j with a clear message', (r) => {
    expect(() => parseRelease(r)).toThrow(/release/);
  });

  it('says what a z-stream looks like when given a y-stream', () => {
    expect(() => parseRelease('4.19')).toThrow('invalid release format 4.19: 4.19 is a y-stream; a z-stream release has three numbers, like 4.19.1');
  });

  it('requires a release', () => {
    expect(() => parseRelease('')).toThrow(/argument release is required/);
  });

  it('derives y-stream and major', () => {
    const v = parseRelease('4.18.0-rc.8');
    expect(v.ystream).toBe('4.18');
    expect(v.major).toBe(4);
    expect(ystreamOf('5.0.3')).toBe('5.0');
    expect(ystreamOf('4.19')).toBeUndefined();
  });

  it('computes the releases.yml key: rc/ec prerelease only, else the release', () => {
    expect(releaseKey(parseRelease('4.18.0-rc.8'))).toBe('rc.8');
    expect(releaseKey(parseRelease('4.19.0-ec.1'))).toBe('ec.1');
    expect(releaseKey(parseRelease('4.18.1'))).toBe('4.18.1');
    expect(releaseKey(parseRelease('4.19.0-fc.1'))).toBe('4.19.0-fc.1');
  });

  it('has the strict z-stream helper and y-stream parser', () => {
    expect(isZStream('4.19.1')).toBe(true);
    expect(isZStream('4.19.1-rc.1')).toBe(false);
    expect(parseYStream('4.20').ystream).toBe('4.20');
    expect(() => parseYStream('4.20.1')).toThrow(/two numbers/);
  });

  it('places StateBox files by y-stream', () => {
    expect(stateboxPath('4.19.1')).toBe('_releases/4.19/statebox/4.19.1.yaml');
  });

  it('orders releases by SemVer precedence (pre-release keys do not crash)', () => {
    const sorted = ['4.19.10', '4.19.2', '4.19.0-rc.1', '4.19.0'].map(parseRelease).sort(compareReleases).map((v) => v.raw);
    expect(sorted).toEqual(['4.19.0-rc.1', '4.19.0', '4.19.2', '4.19.10']);
  });
});
