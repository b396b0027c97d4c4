/**
 * What a terminal says about long-running work it started (a watch in the store): with `--wait`
 * it follows the watch to its end, printing progress (Ctrl-C stops following; the watch stays);
 * without it, it says who will follow the work up — a bot polling the same store, or nobody
 * until one runs.
 */
import type { Engine } from '../commands/engine-port.ts';
import type { Store } from '../store/types.ts';
import type { CliIO } from './io.ts';

export async function followUpWatch(engine: Engine, store: Store, watchId: string, o: { wait: boolean; io: CliIO }): Promise<number | undefined> {
  const { botWatching, followWatch, watchSucceeded, BOT_WATCHING_WITHIN_MS } = await import('../jobs/follow-watch.ts');
  const { io } = o;
  const bot = await botWatching(store, new Date());
  const watch = await store.getWatch(watchId);
  if (!watch || watch.state !== 'active') return undefined;
  const what = `${watch.kind} watch ${watchId} of ${watch.release}`;
  if (!o.wait) {
    if (bot.watching) io.stderr(`A bot polling this store (replica ${bot.owner ?? 'unknown'}) follows the ${what} up: it records the outcome in StateBox and reports it in Slack. Add --wait to follow it here.`);
    else
      io.stderr(
        `No bot is polling this store (no watcher run in the last ${BOT_WATCHING_WITHIN_MS / 60_000} min), so nothing follows the ${what} up yet: ` +
          `its outcome is recorded only when a bot sharing this store (OAR_DATA_DIR or DATABASE_URL) runs, or when you run \`oarctl jobs run watchers\`. ` +
          'Add --wait to follow it here until it ends.',
      );
    return undefined;
  }
  const { wireJobs } = await import('../jobs/wiring.ts');
  const { poller } = wireJobs(engine, store);
  const controller = new AbortController();
  const onInt = () => controller.abort(new Error('stopped following'));
  if (io.signal) io.signal.addEventListener('abort', onInt, { once: true });
  else process.once('SIGINT', onInt);
  io.stderr(`Following the ${what} until it ends (deadline ${watch.deadline.toISOString()}); ${bot.watching ? 'a bot polls it, this terminal reads its progress' : 'no bot polls this store, so this terminal polls it'}. Ctrl-C stops following; the watch stays active.`);
  try {
    const end = await followWatch({ store, poller, now: () => new Date() }, watchId, { pollHere: !bot.watching, signal: controller.signal, onProgress: (line) => io.stderr(`… ${line}`) });
    const ok = watchSucceeded(end);
    (ok ? io.stdout : io.stderr)(`${end.kind} ${end.state}: ${end.lastResult ?? ''}`);
    return ok ? 0 : 1;
  } catch (e) {
    if (controller.signal.aborted) {
      io.stderr(`Stopped following; the ${what} stays active (\`oarctl jobs run watchers\` or a bot will finish it).`);
      return 130;
    }
    throw e;
  } finally {
    if (io.signal) io.signal.removeEventListener('abort', onInt);
    else process.removeListener('SIGINT', onInt);
  }
}
