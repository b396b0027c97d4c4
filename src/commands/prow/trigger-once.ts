/**
 * Exactly-once Prow triggers across restarts and replicas (agents.md 14 #11: "never trigger
 * twice"). Every trigger has a key (build, arch, job, purpose); its state lives in the store:
 *
 *   claimed   → a process won the claim (an atomic `markSeen`) and is calling Gangway;
 *   triggered → Gangway answered with a job id (kept, so a later pass reuses it);
 *   failed    → Gangway answered with an error status: no job was created, the next attempt
 *               may claim again (a new claim key per attempt keeps the claim atomic).
 *
 * A claim left `claimed` (the process died during the call, or the call failed without an
 * answer) is never re-triggered automatically: whether the job started is unknown, and a
 * duplicate test run is the one thing this must not do. It is reported as `unknown`; an
 * operator re-runs the job by hand (`jobctl run`) if it did not start.
 */
import { IntegrationError } from '../../integrations/http.ts';
import type { Store } from '../../store/types.ts';

/** The store's job name under which the Prow subsystem keeps its state. */
export const PROW_STATE_JOB = 'prow';

/** How long a claim key is remembered (builds are recycled long before). */
export const CLAIM_TTL_MS = 365 * 24 * 3600_000;

export type TriggerStore = Pick<Store, 'markSeen' | 'getJobState' | 'setJobState'>;

interface TriggerState {
  attempt: number;
  state: 'claimed' | 'triggered' | 'failed';
  id?: string;
  error?: string;
  at: string;
}

export type TriggerResult =
  | { kind: 'triggered'; id: string }
  /** Triggered earlier (another pass, another process): the same id. */
  | { kind: 'existing'; id: string }
  /** Gangway refused: nothing started; a later attempt may try again. */
  | { kind: 'failed'; error: string }
  /** Claimed but never confirmed: it may or may not have started; not retried automatically. */
  | { kind: 'unknown'; error: string };

/** Errors after which Gangway certainly created no job: it answered with an HTTP status. */
function certainlyNotStarted(e: unknown): e is IntegrationError {
  return e instanceof IntegrationError && e.status !== undefined;
}

function messageOf(e: unknown): string {
  if (e instanceof IntegrationError) return e.userMessage;
  return e instanceof Error ? e.message : String(e);
}

export interface TriggerOnceOptions {
  store: TriggerStore;
  /** Unique per intended run, e.g. `trigger:amd64:4.19.0-0.nightly-...:<job>:controller`. */
  key: string;
  now: () => Date;
  /** Errors that must abort the whole pass (a 403: the token is wrong for every job). */
  isFatal?: (e: unknown) => boolean;
}

/** Run `trigger` at most once per key; see the module comment for the states. */
export async function triggerOnce(opts: TriggerOnceOptions, trigger: () => Promise<string>): Promise<TriggerResult> {
  const { store, key } = opts;
  const current = await store.getJobState<TriggerState>(PROW_STATE_JOB, key);
  if (current?.state === 'triggered' && current.id) return { kind: 'existing', id: current.id };
  if (current?.state === 'claimed') return { kind: 'unknown', error: current.error ?? `a trigger of ${key} was started at ${current.at} and never confirmed` };
  const attempt = current?.state === 'failed' ? current.attempt + 1 : 1;
  const won = await store.markSeen(`${PROW_STATE_JOB}:${key}#${attempt}`, CLAIM_TTL_MS, opts.now());
  if (!won) {
    // Another process claimed this attempt: use what it recorded.
    const other = await store.getJobState<TriggerState>(PROW_STATE_JOB, key);
    if (other?.state === 'triggered' && other.id) return { kind: 'existing', id: other.id };
    return { kind: 'unknown', error: `another run is triggering ${key}` };
  }
  await store.setJobState(PROW_STATE_JOB, key, { attempt, state: 'claimed', at: opts.now().toISOString() } satisfies TriggerState);
  let id: string;
  try {
    id = await trigger();
  } catch (e) {
    const error = messageOf(e);
    if (certainlyNotStarted(e)) {
      await store.setJobState(PROW_STATE_JOB, key, { attempt, state: 'failed', error, at: opts.now().toISOString() } satisfies TriggerState);
      if (opts.isFatal?.(e)) throw e;
      return { kind: 'failed', error };
    }
    await store.setJobState(PROW_STATE_JOB, key, { attempt, state: 'claimed', error: `trigger outcome unknown: ${error}`, at: opts.now().toISOString() } satisfies TriggerState);
    if (opts.isFatal?.(e)) throw e;
    return { kind: 'unknown', error };
  }
  await store.setJobState(PROW_STATE_JOB, key, { attempt, state: 'triggered', id, at: opts.now().toISOString() } satisfies TriggerState);
  return { kind: 'triggered', id };
}

/** A 403 from Gangway: the token is wrong, so every further trigger would fail too. */
export function isTokenRejected(e: unknown): boolean {
  return e instanceof IntegrationError && e.status === 403;
}
