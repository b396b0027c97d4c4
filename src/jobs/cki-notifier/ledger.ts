/**
 * Which notifications were already published, kept in the operational store so a redelivered
 * DataWarehouse message (broker restart, retry, a replica taking over) never publishes the same
 * notification twice. Identity: checkout + kind + status.
 *
 * Protocol, per notification key:
 * 1. `getJobState(sent:<key>)` set -> duplicate, nothing is published;
 * 2. claim: `markSeen(claim:<key>, claimTtl)` -- exactly one replica wins; the winner remembers
 *    the claim in memory so its own retries re-enter it; a replica that loses defers the message
 *    (the claim expires by itself if its holder died);
 * 3. publish, then `setJobState(sent:<key>)`.
 * The one window left is a crash between the broker's publish confirmation and step 3: the
 * message is then published again after the claim expires (at-least-once; no transactional
 * outbox across RabbitMQ/Kafka and the store).
 */
import type { Store } from '../../store/types.ts';
import { JOB_NAME } from './types.ts';

export type LedgerStore = Pick<Store, 'markSeen' | 'getJobState' | 'setJobState'>;

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

  /** Throws ClaimHeldError when another process holds the claim. */
  async claim(key: string): Promise<void> {
    const now = this.now();
    const mine = this.held.get(key);
    // Keep a safety margin: a claim about to expire may be won by someone else meanwhile.
    if (mine !== undefined && mine - now > this.claimTtlMs / 10) return;
    const won = await this.store.markSeen(`${JOB_NAME}:claim:${key}`, this.claimTtlMs, new Date(now));
    if (!won) {
      this.held.delete(key);
      throw new ClaimHeldError(key);
    }
    this.held.set(key, now + this.claimTtlMs);
  }

  async recordSent(key: string, record: SentRecord): Promise<void> {
    await this.store.setJobState(JOB_NAME, `sent:${key}`, record);
    this.held.delete(key);
  }
}
