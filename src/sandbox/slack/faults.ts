/**
 * Fault injection for the Web API and the Socket Mode link. Each fault applies to the next
 * `times` matching requests (default 1) and is then used up; `times: Infinity` keeps it on
 * until `clearFaults()`.
 */

export type Fault =
  /** HTTP 429 with `Retry-After`, body `{ok:false,error:'ratelimited'}`. */
  | { kind: 'rateLimit'; method: string; retryAfterSec?: number; times?: number }
  /** `{ok:false,error}` (HTTP 200 unless `status` is given: then that status with the same body). */
  | { kind: 'error'; method: string; error: string; status?: number; times?: number }
  /** Delays the answer of matching Web API calls. */
  | { kind: 'latency'; method: string; ms: number; times?: number }
  /** Treats the next acks as if they reached Slack `ms` later (network delay on the way back). */
  | { kind: 'ackDelay'; ms: number; times?: number };

export type ApiFault = Extract<Fault, { method: string }>;

interface Armed {
  fault: Fault;
  remaining: number;
}

export class FaultRegistry {
  #armed: Armed[] = [];

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error(`fault ${fault.kind}: times must be positive, got ${times}`);
    if ('method' in fault && !fault.method) throw new Error(`fault ${fault.kind}: method is required ('*' for all)`);
    if (fault.kind === 'rateLimit' && fault.retryAfterSec !== undefined && !(fault.retryAfterSec >= 0)) {
      throw new Error('fault rateLimit: retryAfterSec must be >= 0');
    }
    this.#armed.push({ fault, remaining: times });
  }

  clear(): void {
    this.#armed = [];
  }

  /** Takes (uses up one application of) the first armed API fault of a kind matching the method. */
  takeApi<K extends ApiFault['kind']>(kind: K, method: string): Extract<Fault, { kind: K }> | undefined {
    const i = this.#armed.findIndex((a) => a.fault.kind === kind && 'method' in a.fault && (a.fault.method === method || a.fault.method === '*'));
    return i < 0 ? undefined : (this.#use(i) as Extract<Fault, { kind: K }>);
  }

  takeAckDelay(): Extract<Fault, { kind: 'ackDelay' }> | undefined {
    const i = this.#armed.findIndex((a) => a.fault.kind === 'ackDelay');
    return i < 0 ? undefined : (this.#use(i) as Extract<Fault, { kind: 'ackDelay' }>);
  }

  #use(i: number): Fault {
    const armed = this.#armed[i]!;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed.splice(i, 1);
    return armed.fault;
  }

  pending(): Fault[] {
    return this.#armed.map((a) => a.fault);
  }
}
