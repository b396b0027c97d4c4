/**
 * The simulator's memory of what happened (HTTP calls, envelopes, messages, connections) and
 * the event-driven waits tests use instead of polling.
 */
import { EventEmitter } from 'node:events';
import type { CallRecord, ConnectionInfo, EnvelopeRecord, InboundFrame, MessageRecord } from './types.ts';

export interface RecorderEvents {
  call: [CallRecord];
  envelope: [EnvelopeRecord];
  message: [MessageRecord];
  connection: [ConnectionInfo];
  /** Emitted after the simulator has handled the frame (an ack delayed by a fault is scheduled by then). */
  inbound: [InboundFrame];
  /** An HTTP request reached the simulator (before faults and handling): path and method name. */
  request: [{ method: string; at: number }];
}

export interface WaitOptions {
  /** Rejects after this many ms (default 5000). Uses setTimeout, so fake timers control it. */
  timeoutMs?: number;
}

export class Recorder {
  readonly events = new EventEmitter<RecorderEvents>();
  readonly calls: CallRecord[] = [];
  readonly envelopes: EnvelopeRecord[] = [];
  #seq = 0;
  #waiters = new Set<(err: Error) => void>();
  #stopped = false;

  get lastSeq(): number {
    return this.#seq;
  }

  recordCall(call: Omit<CallRecord, 'seq'>): CallRecord {
    this.#seq += 1;
    const rec: CallRecord = { seq: this.#seq, ...call };
    this.calls.push(rec);
    this.events.emit('call', rec);
    return rec;
  }

  recordEnvelope(env: EnvelopeRecord): void {
    this.envelopes.push(env);
    this.events.emit('envelope', env);
  }

  /** Signals a status change of an already recorded envelope. */
  envelopeChanged(env: EnvelopeRecord): void {
    this.events.emit('envelope', env);
  }

  /**
   * Resolves with the first item for which `predicate` holds: among `existing` first, then among
   * items emitted later on `event`. Rejects on timeout or when the simulator stops.
   */
  waitFor<K extends keyof RecorderEvents>(
    event: K,
    predicate: (item: RecorderEvents[K][0]) => boolean,
    existing: readonly RecorderEvents[K][0][],
    what: string,
    opts: WaitOptions = {},
  ): Promise<RecorderEvents[K][0]> {
    const found = existing.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    if (this.#stopped) return Promise.reject(new Error(`simulated Slack stopped while waiting for ${what}`));
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const listener = (item: RecorderEvents[K][0]): void => {
        let matches: boolean;
        try {
          matches = predicate(item);
        } catch (err) {
          finish();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (matches) {
          finish();
          resolve(item);
        }
      };
      const fail = (err: Error): void => {
        finish();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        // The listener type is generic over K; EventEmitter's typed overloads cannot follow it.
        (this.events as EventEmitter).off(event, listener as (...args: unknown[]) => void);
        this.#waiters.delete(fail);
      };
      (this.events as EventEmitter).on(event, listener as (...args: unknown[]) => void);
      this.#waiters.add(fail);
    });
  }

  stop(): void {
    this.#stopped = true;
    for (const fail of [...this.#waiters]) fail(new Error('simulated Slack stopped'));
  }
}
