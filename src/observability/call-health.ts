/**
 * Health of the optional systems that are reached call by call rather than through a long-lived
 * connection (LDAP, and DataWarehouse once the CKI notifier runs): the last call decides. A call
 * that fails (network error, timeout, 5xx) marks the system degraded on `/health` — since when,
 * the last error, how many calls failed in a row — until a call succeeds. A 4xx is an answer, so
 * the system is up. Fed by the integration clients' call observer; never throws.
 */
import type { CallObserver } from '../integrations/http.ts';
import type { SubsystemStatus } from './subsystems.ts';

interface Tracked {
  ok: boolean;
  since: Date;
  lastError?: string;
  failedInARow: number;
}

export class CallHealth {
  private readonly names: ReadonlyMap<string, string>;
  private readonly now: () => Date;
  private readonly state = new Map<string, Tracked>();

  /** `systems`: the integration's system name (as in its errors) → the subsystem name on /health. */
  constructor(systems: Record<string, string>, now: () => Date = () => new Date()) {
    this.names = new Map(Object.entries(systems));
    this.now = now;
  }

  readonly observer: CallObserver = (e) => {
    const name = this.names.get(e.system);
    if (!name) return;
    const failed = e.status === 'error' || e.status === 'timeout' || e.status >= 500;
    const prev = this.state.get(name);
    if (!failed) {
      if (!prev?.ok) this.state.set(name, { ok: true, since: this.now(), failedInARow: 0 });
      return;
    }
    const lastError = `${e.operation}: ${typeof e.status === 'number' ? `HTTP ${e.status}` : e.status}`;
    if (prev && !prev.ok) this.state.set(name, { ...prev, lastError, failedInARow: prev.failedInARow + 1 });
    else this.state.set(name, { ok: false, since: this.now(), lastError, failedInARow: 1 });
  };

  /** One entry per system that has been called at least once. */
  status(): SubsystemStatus[] {
    return [...this.state].map(([name, t]) => ({
      name,
      status: t.ok ? 'ok' : 'degraded',
      since: t.since.toISOString(),
      ...(t.ok ? {} : { failing: name, last_error: t.lastError!, failed_calls: t.failedInARow }),
      // Not supervised: it is reached per call, not started; a later call is the retry.
      attempts: 1,
    }));
  }
}
