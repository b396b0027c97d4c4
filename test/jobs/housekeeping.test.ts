import { afterEach, describe, expect, it } from 'vitest';
import { housekeepingJob } from '../../src/jobs/housekeeping.ts';
import { silentLogger } from '../../src/log.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

describe('housekeeping job', () => {
  let store: SqliteTestStore;
  afterEach(() => store.close());

  it('purges expired dedup keys and locks, keeps live ones, and writes nothing in a dry run', async () => {
    store = await openTestStore();
    const t0 = new Date('2026-11-21T10:00:00Z');
    await store.markSeen('event:old', 60_000, t0);
    await store.markSeen('event:new', 3600_000, new Date('2026-11-21T10:30:00Z'));
    await store.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'x', ttlMs: 60_000, owner: 'a', now: t0 });
    const later = new Date('2026-11-21T11:00:00Z');
    const ctx = (dryRun: boolean) => ({ dryRun, trigger: 'manual' as const, params: {}, signal: new AbortController().signal, logger: silentLogger, actor: { id: 'job:housekeeping', via: 'job' as const }, now: () => later });
    const dry = await housekeepingJob(store).run(ctx(true));
    expect(dry.counts).toBeUndefined();
    const r = await housekeepingJob(store).run(ctx(false));
    expect(r.counts).toMatchObject({ dedup: 1, locks: 1 });
    // The live key is still remembered: marking it again is not "first".
    expect(await store.markSeen('event:new', 3600_000, later)).toBe(false);
    expect(await store.markSeen('event:old', 60_000, later)).toBe(true);
  });
});
