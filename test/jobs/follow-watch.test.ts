import { describe, expect, it } from 'vitest';
import { botWatching, followWatch, watchSucceeded } from '../../src/jobs/follow-watch.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';
import { cdnPushPoller, startApprovalHarness, taskOf, type ApprovalHarness } from '../commands/change-advisory-status.harness.ts';

describe('following a watch from a terminal', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  const poller = (clock: { now: number }) => cdnPushPoller(h, clock);

  it('no bot polling the store: the terminal polls with the bot\'s handler until the pushes complete, then StateBox says Pass', async () => {
    h.world.seedRelease('4.19.10');
    await h.run('push-to-cdn-staging', '4.19.10');
    const [watch] = await h.store.listWatches({ state: 'active', release: '4.19.10', kind: 'cdn-push' });
    const clock = { now: Date.now() };
    const slept: number[] = [];
    const progress: string[] = [];
    const end = await followWatch(
      { store: h.store, poller: poller(clock), now: () => new Date(clock.now), sleep: async (ms) => void (slept.push(ms), (clock.now += ms)) },
      watch!.id,
      { pollHere: true, onProgress: (l) => progress.push(l) },
    );
    expect(end.state).toBe('done');
    expect(watchSucceeded(end)).toBe(true);
    // QUEUED -> RUNNING -> COMPLETE: checked at once, then at each interval.
    expect(slept).toEqual([h.engine.config.OAR_CDN_PUSH_POLL_MS, h.engine.config.OAR_CDN_PUSH_POLL_MS]);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(taskOf(await h.statebox('4.19.10'), 'push-to-cdn-staging')?.status).toBe('Pass');
  });

  it('a bot polls the store: the terminal only reads the row; aborting stops following and leaves the watch active', async () => {
    h.world.seedRelease('4.19.10');
    await h.run('push-to-cdn-staging', '4.19.10');
    const [watch] = await h.store.listWatches({ state: 'active', release: '4.19.10', kind: 'cdn-push' });
    const clock = { now: Date.now() };
    const p = poller(clock);
    let polledHere = 0;
    const ctl = new AbortController();
    const reads: string[] = [];
    const follow = followWatch(
      { store: h.store, poller: { pollWatch: async (...a) => (polledHere++, p.pollWatch(...a)) }, now: () => new Date(clock.now), sleep: async () => {
        // The bot polls meanwhile; the second time round the person presses Ctrl-C.
        clock.now += h.engine.config.OAR_CDN_PUSH_POLL_MS + 1000;
        await p.pollOnce();
        if (reads.length >= 1) ctl.abort(new Error('stopped following'));
      } },
      watch!.id,
      { pollHere: false, signal: ctl.signal, onProgress: (l) => reads.push(l) },
    );
    await expect(follow).rejects.toThrow('stopped following');
    expect(polledHere).toBe(0);
    expect(reads[0]).toMatch(/RUNNING|QUEUED|stage push/i);
    expect((await h.store.getWatch(watch!.id))?.state).toBe('active');
  });

  it('botWatching: a watchers run in the last 15 minutes means a bot polls the store', async () => {
    const now = new Date();
    expect(await botWatching(h.store, now)).toEqual({ watching: false });
    await h.store.recordJobStart('watchers', 'bot-replica-1', new Date(now.getTime() - 20 * 60_000));
    expect(await botWatching(h.store, now)).toMatchObject({ watching: false, owner: 'bot-replica-1' });
    await h.store.recordJobStart('watchers', 'bot-replica-2', new Date(now.getTime() - 60_000));
    expect(await botWatching(h.store, now)).toMatchObject({ watching: true, owner: 'bot-replica-2' });
  });
});
