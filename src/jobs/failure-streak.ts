/**
 * Failure streaks of scheduled jobs, kept in the store's job state so every replica (and a
 * restarted process) agrees: the ops channel hears about a failing job ONCE when it starts
 * failing and ONCE when it recovers, never on every run in between.
 */
import type { Store } from '../store/types.ts';

export const STREAK_KEY = 'failure-streak';

export interface FailureStreak {
  /** Consecutive failed runs. */
  failures: number;
  /** When the first failure of the streak happened (ISO). */
  since: string;
  lastError: string;
  /** The ops channel was told about this streak. */
  reported: boolean;
}

export type StreakTransition =
  | { kind: 'started'; streak: FailureStreak }
  | { kind: 'continues'; streak: FailureStreak }
  | { kind: 'recovered'; streak: FailureStreak }
  | { kind: 'none' };

type StreakStore = Pick<Store, 'getJobState' | 'setJobState'>;

export async function readStreak(store: StreakStore, job: string): Promise<FailureStreak | undefined> {
  const s = await store.getJobState<FailureStreak | { failures: 0 }>(job, STREAK_KEY);
  return s && s.failures > 0 ? (s as FailureStreak) : undefined;
}

/**
 * Record a run's outcome. Returns what the caller should report: `started` when this failure
 * has not been reported yet (a first failure, or an earlier report that did not go out),
 * `recovered` when a reported streak ended.
 */
export async function recordOutcome(store: StreakStore, job: string, failed: boolean, error: string | undefined, now: Date): Promise<StreakTransition> {
  const current = await readStreak(store, job);
  if (failed) {
    const streak: FailureStreak = current
      ? { ...current, failures: current.failures + 1, lastError: error ?? current.lastError }
      : { failures: 1, since: now.toISOString(), lastError: error ?? 'unknown error', reported: false };
    await store.setJobState(job, STREAK_KEY, streak);
    return streak.reported ? { kind: 'continues', streak } : { kind: 'started', streak };
  }
  if (!current) return { kind: 'none' };
  await store.setJobState(job, STREAK_KEY, { failures: 0 });
  return current.reported ? { kind: 'recovered', streak: current } : { kind: 'none' };
}

/** The ops report of a streak went out. */
export async function markReported(store: StreakStore, job: string, streak: FailureStreak): Promise<void> {
  await store.setJobState(job, STREAK_KEY, { ...streak, reported: true });
}
