/**
 * The AbortSignal of the work in progress (a command run), carried along the async call chain so
 * that it reaches every integration call without being threaded through every client method.
 * The runner opens the scope around a command; HttpClient, the GitHub client, LDAP and the other
 * transports combine it with their own per-call timeout and any signal passed explicitly. When a
 * command times out or is cancelled, its in-flight requests are aborted (sockets closed) instead
 * of running on to their own timeouts, which kept the terminal alive for two minutes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<AbortSignal>();

/** Run `fn` with `signal` as the ambient call signal (combined with an outer one, if any). */
export function withCallSignal<T>(signal: AbortSignal, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer && outer !== signal ? AbortSignal.any([outer, signal]) : signal, fn);
}

/** The signal an integration call must honour: the explicit one and the ambient one combined. */
export function callSignal(explicit?: AbortSignal): AbortSignal | undefined {
  const ambient = storage.getStore();
  if (!ambient) return explicit;
  if (!explicit || explicit === ambient) return ambient;
  return AbortSignal.any([explicit, ambient]);
}

/**
 * `promise`, or a rejection with `onAbort()` as soon as the call signal aborts: for clients whose
 * library takes no AbortSignal (ldapts, the Slack WebClient). The library call itself is left to
 * its own timeout; the caller is released at once.
 */
export async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    throw onAbort();
  }
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    listener = () => reject(onAbort());
    signal.addEventListener('abort', listener, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', listener!);
    promise.catch(() => undefined);
  }
}
