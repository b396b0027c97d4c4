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

describe('NotificationLedger group commit', () => {
  /** A memory store that counts the store calls the ledger makes. */
  const counting = () => {
    const store = new MemoryLedgerStore();
    const calls = { claims: [] as number[], records: [] as number[] };
    const claimUnlessJobStates = store.claimUnlessJobStates.bind(store);
    const setJobStates = store.setJobStates.bind(store);
    store.claimUnlessJobStates = (req) => {
      calls.claims.push(req.items.length);
      return claimUnlessJobStates(req);
    };
    store.setJobStates = (job, entries) => {
      calls.records.push(entries.length);
      return setJobStates(job, entries);
    };
    return { store, calls };
  };
  const record = { at: '2025-06-01T00:00:00.000Z', route: 'post_test', environment: 'production' };

  it('claims and records asked for in one turn go to the store in one call each; every caller gets its own answer', async () => {
    const { store, calls } = counting();
    await store.setJobState('cki-notifier', 'sent:k1', record);
    await store.markSeen('cki-notifier:claim:k2', 60_000);
    const l = new NotificationLedger(store);
    const answers = await Promise.allSettled(['k0', 'k1', 'k2', 'k3'].map((k) => l.claimUnlessSent(k)));
    expect(calls.claims).toEqual([4]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(answers[1]).toEqual({ status: 'fulfilled', value: record });
    expect(answers[2]).toMatchObject({ status: 'rejected', reason: expect.any(ClaimHeldError) });
    expect(answers[3]).toEqual({ status: 'fulfilled', value: undefined });
    await Promise.all(['k0', 'k3'].map((k) => l.recordSent(k, record)));
    expect(calls.records).toEqual([2]);
    expect(await l.wasSent('k0')).toEqual(record);
    expect(await l.wasSent('k3')).toEqual(record);
  });

  it('the same key asked for twice in one turn: the first ask claims it, the second is refused', async () => {
    const { store, calls } = counting();
    const l = new NotificationLedger(store);
    const [a, b] = await Promise.allSettled([l.claimUnlessSent('dup'), l.claimUnlessSent('dup')]);
    expect(calls.claims).toEqual([1]);
    expect(a).toEqual({ status: 'fulfilled', value: undefined });
    expect(b).toMatchObject({ status: 'rejected', reason: expect.any(ClaimHeldError) });
  });

  it('a failed store call fails every caller of its turn, and the next turn starts afresh', async () => {
    const { store } = counting();
    const l = new NotificationLedger(store);
    const real = store.claimUnlessJobStates;
    store.claimUnlessJobStates = () => Promise.reject(new Error('database is locked'));
    const failed = await Promise.allSettled(['a', 'b'].map((k) => l.claimUnlessSent(k)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    store.claimUnlessJobStates = real;
    await expect(l.claimUnlessSent('a')).resolves.toBeUndefined();
  });
});
