/**
 * Which notifications were already published, kept in the operational store so a redelivered
 * DataWarehouse message (broker restart, retry, a replica taking over) never publishes the same
 * notification twice. Identity: checkout + kind + status.
 *
 * Protocol, per notification key (two store calls per published notification):
 * 1. `claimUnlessJobState(sent:<key>, claim:<key>, claimTtl)`, one transaction: the sent record
 *    set -> duplicate, nothing is published; else the claim (`markSeen` semantics) -- exactly one
 *    replica wins; the winner remembers the claim in memory so its own retries re-enter it (they
 *    only re-read the sent record); a replica that loses defers the message (the claim expires by
 *    itself if its holder died);
 * 2. publish, then `setJobState(sent:<key>)`.
 * The claim and the sent record cannot share a transaction: the publish sits between them.
 * The one window left is a crash between the broker's publish confirmation and step 3: the
 * message is then published again after the claim expires (at-least-once; no transactional
 * outbox across RabbitMQ/Kafka and the store).
 */
import type { Store } from '../../store/types.ts';
import { JOB_NAME } from './types.ts';

export type LedgerStore = Pick<Store, 'markSeen' | 'getJobState' | 'setJobState' | 'claimUnlessJobState'>;

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

export class NotificationLedger {
  private readonly store: LedgerStore;
  private readonly claimTtlMs: number;
  private readonly now: () => number;
  /** Claims this process holds: key -> expiry (ms). */
  private readonly held = new Map<string, number>();

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
    const now = this.now();
    // Our own claim (a retry after a failed publish): re-enter it, only the record can have changed.
    if (this.holds(key, now)) return this.wasSent(key);
    const r = await this.store.claimUnlessJobState<SentRecord>({ job: JOB_NAME, stateKey: `sent:${key}`, claimKey: `${JOB_NAME}:claim:${key}`, ttlMs: this.claimTtlMs, now: new Date(now) });
    if (r.outcome === 'claimed') {
      this.held.set(key, now + this.claimTtlMs);
      return undefined;
    }
    this.held.delete(key);
    if (r.outcome === 'held') throw new ClaimHeldError(key);
    return r.value;
  }

  /** Keep a safety margin: a claim about to expire may be won by someone else meanwhile. */
  private holds(key: string, now: number): boolean {
    const mine = this.held.get(key);
    return mine !== undefined && mine - now > this.claimTtlMs / 10;
  }

  async recordSent(key: string, record: SentRecord): Promise<void> {
    await this.store.setJobState(JOB_NAME, `sent:${key}`, record);
    this.held.delete(key);
  }
}
