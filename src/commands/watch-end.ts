/**
 * How long-running work a command left behind (a watch) ended: the result the watchers report and
 * the views render. A result type, so views need not read the store's rows.
 */
import type { Watch, WatchState } from '../store/types.ts';

export interface WatchEnd {
  state: Extract<WatchState, 'done' | 'expired' | 'cancelled'>;
  status?: 'Pass' | 'Fail';
  summary: string;
}

/** The watched run a report is about. */
export type WatchedRun = Pick<Watch, 'kind' | 'release' | 'id'>;
