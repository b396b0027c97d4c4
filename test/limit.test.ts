import { describe, expect, it } from 'vitest';
import { serialByKey } from '../src/limit.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('serialByKey', () => {
  it('runs one key in arrival order, other keys alongside, a failure does not block the lane, idle lanes are dropped', async () => {
    const lanes = serialByKey<string>();
    const log: string[] = [];
    const a1 = deferred();
    const first = lanes.run('a', async () => {
      log.push('a1 start');
      await a1.promise;
      log.push('a1 end');
      throw new Error('a1 failed');
    });
    const second = lanes.run('a', async () => void log.push('a2'));
    const other = lanes.run('b', async () => void log.push('b1'));
    await other;
    expect(log).toEqual(['a1 start', 'b1']);
    expect(lanes.activeKeys).toBe(1);
    a1.resolve();
    await expect(first).rejects.toThrow('a1 failed');
    await second;
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(lanes.activeKeys).toBe(0);
  });
});
