import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../src/lazy-import.ts';

describe('onFirstUse', () => {
  it('loads once for concurrent first callers and keeps the module', async () => {
    let loads = 0;
    const load = onFirstUse(async () => ({ n: ++loads }));
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('a failed load is tried again on the next call', async () => {
    let loads = 0;
    const load = onFirstUse(async () => {
      if (++loads === 1) throw new Error('Cannot find package');
      return 'module';
    });
    await expect(load()).rejects.toThrow('Cannot find package');
    expect(await load()).toBe('module');
    expect(loads).toBe(2);
  });
});
