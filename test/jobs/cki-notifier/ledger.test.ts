import { describe, expect, it } from 'vitest';
import { ClaimHeldError, NotificationLedger } from '../../../src/jobs/cki-notifier/ledger.ts';
import type { LedgerStore } from '../../../src/jobs/cki-notifier/ledger.ts';
import { openTestStore } from '../../helpers/store.ts';
import { MemoryLedgerStore } from './memory-store.ts';

type Opened = { store: LedgerStore & { listJobStateKeys?: (job: string) => Promise<string[]>; keys?: (job: string) => string[] }; close: () => Promise<void> };
const stores: [string, () => Promise<Opened>][] = [
  ['in-memory test store', async () => ({ store: new MemoryLedgerStore(), close: async () => {} })],
  ['operational SQLite store', async () => {
    const s = await openTestStore();
    return { store: s, close: () => s.close() };
  }],
];
const keysOf = async (o: Opened) => (o.store.listJobStateKeys ? o.store.listJobStateKeys('cki-notifier') : (o.store.keys?.('cki-notifier') ?? []));

describe.each(stores)('NotificationLedger on the %s', (_name, open) => {
  it('records sent notifications in job state under sent:<key>', async () => {
    const opened = await open();
    const l = new NotificationLedger(opened.store);
    expect(await l.wasSent('redhat:1|pre_test|success')).toBeUndefined();
    expect(await l.claimUnlessSent('redhat:1|pre_test|success')).toBeUndefined();
    await l.recordSent('redhat:1|pre_test|success', { at: '2025-01-01T00:00:00.000Z', route: 'pre_test', environment: 'production' });
    expect(await l.wasSent('redhat:1|pre_test|success')).toMatchObject({ route: 'pre_test' });
    expect(await keysOf(opened)).toEqual(['sent:redhat:1|pre_test|success']);
    // Once recorded, any replica gets the record back and publishes nothing.
    expect(await new NotificationLedger(opened.store).claimUnlessSent('redhat:1|pre_test|success')).toMatchObject({ route: 'pre_test', environment: 'production' });
    await opened.close();
  });

  it('one replica wins a claim; the holder re-enters it; the other is refused until the claim expires', async () => {
    let now = Date.parse('2025-06-01T00:00:00Z');
    const opened = await open();
    const a = new NotificationLedger(opened.store, { claimTtlMs: 60_000, now: () => now });
    const b = new NotificationLedger(opened.store, { claimTtlMs: 60_000, now: () => now });
    await expect(a.claimUnlessSent('k')).resolves.toBeUndefined();
    await expect(a.claimUnlessSent('k')).resolves.toBeUndefined();
    await expect(b.claimUnlessSent('k')).rejects.toBeInstanceOf(ClaimHeldError);
    now += 60_001;
    await expect(b.claimUnlessSent('k')).resolves.toBeUndefined();
    // a's claim expired and b took it: a must not believe it still holds it.
    await expect(a.claimUnlessSent('k')).rejects.toBeInstanceOf(ClaimHeldError);
    await opened.close();
  });

  it('a sent record wins over a live claim, also for the claim holder re-entering it', async () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    const opened = await open();
    const a = new NotificationLedger(opened.store, { claimTtlMs: 60_000, now: () => now });
    const b = new NotificationLedger(opened.store, { claimTtlMs: 60_000, now: () => now });
    await expect(a.claimUnlessSent('k2')).resolves.toBeUndefined();
    // b records it (a replica whose claim a took over after expiry, finishing late): a sees the record.
    await b.recordSent('k2', { at: '2025-06-01T00:00:00.000Z', route: 'pre_test', environment: 'production' });
    await expect(a.claimUnlessSent('k2')).resolves.toMatchObject({ route: 'pre_test' });
    await expect(b.claimUnlessSent('k2')).resolves.toMatchObject({ route: 'pre_test' });
    await opened.close();
  });
});
