/**
 * Which notifications were already published, kept in the operational store so a redelivered
 * DataWarehouse message (broker restart, retry, a replica taking over) never publishes the same
 * notification twice. Identity: checkout + kind + status.
 *
 * Protocol, per notification key (two store calls per published notification):
 * 1. `claimUnlessJobStates(sent:<key>, claim:<key>, claimTtl)`, one transaction: the sent record
 *    set -> duplicate, nothing is published; else the claim (`markSeen` semantics) -- exactly one
 *    replica wins; the winner remembers the claim in memory so its own retries re-enter it (they
 *    only re-read the sent record); a replica that loses defers the message (the claim expires by
 *    itself if its holder died);
 * 2. publish, then `setJobStates(sent:<key>)`.
 * The claim and the sent record cannot share a transaction: the publish sits between them.
 * The one window left is a crash between the broker's publish confirmation and step 2: the
 * message is then published again after the claim expires (at-least-once; no transactional
 * outbox across RabbitMQ/Kafka and the store).
 *
 * Group commit: the claims (and the sent records) asked for during one turn of the event loop go
 * to the store together, in one transaction, so concurrent messages share one commit. Each caller
 * still waits for its own answer before publishing (claim) or acknowledging (record); a failed
 * transaction fails every caller in it, and each message is retried on its own.
 */
import type { GuardedClaim, Store } from '../../store/types.ts';
import { JOB_NAME } from './types.ts';

export type LedgerStore = Pick<Store, 'getJobState' | 'setJobStates' | 'claimUnlessJobStates'>;

export interface SentRecord {
  at: string;
  route: string;
  environment: string;
}

/** Another replica is publishing this notification right now; try the message again later. */
export class ClaimHeldError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`notification ${key} is being published by another notifier`);
    this.name = 'ClaimHeldError';
    this.key = key;
  }
}

/** Items added during one turn of the event loop are handed to `flush` together; each caller gets its own answer. */
class TurnBatch<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private readonly flush: (items: I[]) => Promise<O[]>;

  constructor(flush: (items: I[]) => Promise<O[]>) {
    this.flush = flush;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.queue.push({ item, resolve, reject }) === 1) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const out = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]!));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}

export class NotificationLedger {
  private readonly store: LedgerStore;
  private readonly claimTtlMs: number;
  private readonly now: () => number;
  /** Claims this process holds: key -> expiry (ms). */
  private readonly held = new Map<string, number>();
  private readonly claims = new TurnBatch<string, GuardedClaim<SentRecord>>((keys) => this.claimAll(keys));
  private readonly records = new TurnBatch<{ key: string; value: SentRecord }, void>(async (entries) => {
    await this.store.setJobStates(JOB_NAME, entries);
    return entries.map(() => undefined);
  });

  constructor(store: LedgerStore, opts: { claimTtlMs?: number; now?: () => number } = {}) {
    this.store = store;
    this.claimTtlMs = opts.claimTtlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  async wasSent(key: string): Promise<SentRecord | undefined> {
    return this.store.getJobState<SentRecord>(JOB_NAME, `sent:${key}`);
  }

  /**
   * The sent record when the notification was already published (nothing claimed); undefined once
   * this process holds the claim. Throws ClaimHeldError when another process holds it.
   */
  async claimUnlessSent(key: string): Promise<SentRecord | undefined> {
    // Our own claim (a retry after a failed publish): re-enter it, only the record can have changed.
    if (this.holds(key, this.now())) return this.wasSent(key);
    const r = await this.claims.add(key);
    if (r.outcome === 'claimed') return undefined;
    if (r.outcome === 'held') throw new ClaimHeldError(key);
    return r.value;
  }

  async recordSent(key: string, record: SentRecord): Promise<void> {
    await this.records.add({ key: `sent:${key}`, value: record });
    this.held.delete(key);
  }

  /** One transaction for the keys of one turn; a key asked for twice in it is held by the first ask. */
  private async claimAll(keys: string[]): Promise<GuardedClaim<SentRecord>[]> {
    const now = this.now();
    const unique = [...new Set(keys)];
    const answers = await this.store.claimUnlessJobStates<SentRecord>({
      job: JOB_NAME,
      ttlMs: this.claimTtlMs,
      now: new Date(now),
      items: unique.map((key) => ({ stateKey: `sent:${key}`, claimKey: `${JOB_NAME}:claim:${key}` })),
    });
    const byKey = new Map(unique.map((key, i) => [key, answers[i]!]));
    for (const [key, a] of byKey) {
      if (a.outcome === 'claimed') this.held.set(key, now + this.claimTtlMs);
      else this.held.delete(key);
    }
    const first = new Set<string>();
    return keys.map((key) => {
      const a = byKey.get(key)!;
      if (first.has(key)) return a.outcome === 'recorded' ? a : { outcome: 'held' };
      first.add(key);
      return a;
    });
  }

  /** Keep a safety margin: a claim about to expire may be won by someone else meanwhile. */
  private holds(key: string, now: number): boolean {
    const mine = this.held.get(key);
    return mine !== undefined && mine - now > this.claimTtlMs / 10;
  }
}
