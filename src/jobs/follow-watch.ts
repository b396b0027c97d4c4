/**
 * Long-running work started from a terminal (CDN push, Prow job, Jenkins build, async approval)
 * is a watch in the operational store. A bot sharing that store polls it; a terminal alone does
 * not. This module answers "is a bot polling this store?" (a recent run of the `watchers` job,
 * whichever replica ran it) and follows one watch to its end for `--wait`: polling it with the
 * same handler the bot uses when no bot does, else reading the row the bot keeps up to date.
 */
import type { Store, Watch } from '../store/types.ts';
import type { WatchPoller } from './watchers.ts';

/** A watcher run this recent means a bot polls the store (the default schedule is every 2 minutes). */
export const BOT_WATCHING_WITHIN_MS = 15 * 60_000;
/** How often a terminal re-reads a watch the bot polls. */
export const FOLLOW_READ_MS = 30_000;

export interface BotWatching {
  watching: boolean;
  /** Replica of the last watcher run. */
  owner?: string;
  lastRun?: Date;
}

export async function botWatching(store: Pick<Store, 'lastJobRuns'>, now: Date, withinMs = BOT_WATCHING_WITHIN_MS): Promise<BotWatching> {
  const runs = (await store.lastJobRuns(1)).filter((r) => r.job === 'watchers' && r.outcome !== 'skipped');
  const last = runs.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
  if (!last) return { watching: false };
  return { watching: now.getTime() - last.startedAt.getTime() <= withinMs, lastRun: last.startedAt, ...(last.owner ? { owner: last.owner } : {}) };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface FollowDeps {
  store: Pick<Store, 'getWatch'>;
  poller: Pick<WatchPoller, 'pollWatch'>;
  now: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface FollowOptions {
  /** true: poll with the handler here (no bot); false: read the row a bot keeps up to date. */
  pollHere: boolean;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

/** Until the watch is no longer active; returns its final row. Aborting the signal stops following (the watch stays active). */
export async function followWatch(deps: FollowDeps, id: string, o: FollowOptions): Promise<Watch> {
  const sleep = deps.sleep ?? abortableSleep;
  let said: string | undefined;
  const say = (line: string | undefined) => {
    if (line && line !== said) {
      said = line;
      o.onProgress?.(line);
    }
  };
  // The first check is at once: whoever waits wants the current state, not the next scheduled one.
  let first = true;
  for (;;) {
    o.signal?.throwIfAborted();
    let watch = await deps.store.getWatch(id);
    if (!watch) throw new Error(`There is no watch ${id}.`);
    if (watch.state !== 'active') return watch;
    if (o.pollHere) {
      const r = await deps.poller.pollWatch(id, { ...(o.signal ? { signal: o.signal } : {}), force: first });
      first = false;
      if (r.outcome !== 'not-due') say(r.summary);
      watch = r.watch ?? watch;
      if (watch.state !== 'active') return watch;
    } else say(watch.lastResult);
    const untilNext = Math.max(0, watch.nextCheckAt.getTime() - deps.now().getTime());
    await sleep(o.pollHere ? Math.max(1_000, untilNext) : Math.min(FOLLOW_READ_MS, Math.max(1_000, untilNext)), o.signal);
  }
}

/** `Pass: ...` / `Fail: ...` / `expired: ...` → whether the watched work succeeded. */
export function watchSucceeded(w: Watch): boolean {
  return w.state === 'done' && !/^Fail\b/.test(w.lastResult ?? '');
}
