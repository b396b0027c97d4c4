/**
 * The Store methods the notifier uses, in memory, with the Store contract's semantics:
 * markSeen is true the first time a key is seen within its ttl; job state is a key-value map;
 * claimUnlessJobStates is markSeen unless the job state exists, per item.
 * For unit tests and the bench until the operational store is available.
 */
import type { GuardedClaim, Store } from '../../../src/store/types.ts';

export type LedgerStoreLike = Pick<Store, 'markSeen' | 'getJobState' | 'setJobState' | 'setJobStates' | 'claimUnlessJobStates'>;

export class MemoryLedgerStore implements LedgerStoreLike {
  readonly seen = new Map<string, number>();
  readonly state = new Map<string, unknown>();

  async markSeen(key: string, ttlMs: number, now: Date = new Date()): Promise<boolean> {
    const t = now.getTime();
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    this.seen.set(key, t + ttlMs);
    return true;
  }

  async getJobState<T = unknown>(job: string, key: string): Promise<T | undefined> {
    const v = this.state.get(`${job}\u0000${key}`);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }

  async setJobState(job: string, key: string, value: unknown): Promise<void> {
    this.state.set(`${job}\u0000${key}`, structuredClone(value));
  }

  async setJobStates(job: string, entries: readonly { key: string; value: unknown }[]): Promise<void> {
    for (const e of entries) await this.setJobState(job, e.key, e.value);
  }

  async claimUnlessJobStates<T = unknown>(req: { job: string; ttlMs: number; now?: Date; items: readonly { stateKey: string; claimKey: string }[] }): Promise<GuardedClaim<T>[]> {
    const out: GuardedClaim<T>[] = [];
    for (const item of req.items) {
      const value = await this.getJobState<T>(req.job, item.stateKey);
      if (value !== undefined) out.push({ outcome: 'recorded', value });
      else out.push((await this.markSeen(item.claimKey, req.ttlMs, req.now)) ? { outcome: 'claimed' } : { outcome: 'held' });
    }
    return out;
  }

  /** Keys of one job's state (test helper). */
  keys(job: string): string[] {
    return [...this.state.keys()].filter((k) => k.startsWith(`${job}\u0000`)).map((k) => k.slice(job.length + 1));
  }
}
