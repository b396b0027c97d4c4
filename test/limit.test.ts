import { describe, expect, it } from 'vitest';
import { mapLimit, serialByKey } from '../src/limit.ts';

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

describe('mapLimit', () => {
  it.each([
    ['fewer items than the limit', 3, 4],
    ['more items than the limit', 7, 2],
  ])('%s: results in the items\' order, never more than the limit in flight', async (_name, count, limit) => {
    let inFlight = 0;
    let peak = 0;
    const gates = Array.from({ length: count }, deferred);
    const result = mapLimit(Array.from({ length: count }, (_, i) => i), limit, async (item, index) => {
      peak = Math.max(peak, ++inFlight);
      await gates[item]!.promise;
      inFlight--;
      return `${item}@${index}`;
    });
    // Release in reverse order: the results keep the items' order anyway.
    for (const g of [...gates].reverse()) g.resolve();
    await expect(result).resolves.toEqual(Array.from({ length: count }, (_, i) => `${i}@${i}`));
    expect(peak).toBe(Math.min(count, limit));
  });

  it('rejects with the first failure, including a function that throws before returning a promise', async () => {
    await expect(mapLimit([1, 2], 4, (x) => (x === 2 ? Promise.reject(new Error('two')) : Promise.resolve(x)))).rejects.toThrow('two');
    await expect(
      mapLimit([1], 4, () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });
});
