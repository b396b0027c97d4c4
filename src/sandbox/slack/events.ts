/**
 * Events API over Socket Mode: wraps events in `event_callback` bodies with unique event ids and
 * redelivers an event whose envelope was not acked in time (or could not be written because no
 * socket was open), with `retry_attempt` + 1 and `retry_reason: 'timeout'`, up to 3 times, as
 * Slack does. Slack's schedule is "at once, after 1 minute, after 5 minutes"; it is configurable.
 */
import type { Logger } from '../../log.ts';
import type { IdGenerator } from './ids.ts';
import type { Identity } from './shapes.ts';
import type { SocketModeLink } from './socket-link.ts';
import type { DeliveryResult, JsonObject } from './types.ts';

export interface EventDispatcherOptions {
  link: SocketModeLink;
  ids: IdGenerator;
  identity: Identity;
  logger: Logger;
  verificationToken: string;
  /** Delay before retry n (1-based index n-1); the last value repeats. */
  retryDelaysMs: readonly number[];
  maxRetries: number;
}

export interface EventRecord {
  eventId: string;
  type: string;
  body: JsonObject;
  deliveries: DeliveryResult[];
  acked: boolean;
}

export interface DispatchedEvent {
  eventId: string;
  type: string;
  /** Resolves with the first delivery's outcome (retries continue in the background). */
  delivery: Promise<DeliveryResult>;
}

export class EventDispatcher {
  readonly #opts: EventDispatcherOptions;
  readonly #events = new Map<string, EventRecord>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(opts: EventDispatcherOptions) {
    this.#opts = opts;
  }

  dispatch(event: JsonObject): DispatchedEvent {
    const { identity } = this.#opts;
    const eventId = this.#opts.ids.eventId();
    const body: JsonObject = {
      token: this.#opts.verificationToken,
      team_id: identity.teamId,
      context_team_id: identity.teamId,
      context_enterprise_id: null,
      api_app_id: identity.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: identity.teamId, user_id: identity.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-sim-${eventId}`,
    };
    const type = String(event.type);
    const rec: EventRecord = { eventId, type, body, deliveries: [], acked: false };
    this.#events.set(eventId, rec);
    return { eventId, type, delivery: this.#attempt(rec, '', true) };
  }

  /** Delivers an event again, as Slack's retry would (no further automatic retries follow). */
  redeliver(eventId: string, reason = 'timeout'): Promise<DeliveryResult> {
    const rec = this.#events.get(eventId);
    if (!rec) throw new Error(`unknown event id ${eventId}`);
    return this.#attempt(rec, reason, false);
  }

  get(eventId: string): EventRecord | undefined {
    return this.#events.get(eventId);
  }

  all(): EventRecord[] {
    return [...this.#events.values()];
  }

  async #attempt(rec: EventRecord, reason: string, autoRetry: boolean): Promise<DeliveryResult> {
    const res = await this.#opts.link.deliver('events_api', rec.body, {
      acceptsResponsePayload: false,
      retryAttempt: rec.deliveries.length,
      retryReason: reason,
    });
    rec.deliveries.push(res);
    if (res.acked) rec.acked = true;
    const retriesSoFar = rec.deliveries.length - 1;
    if (autoRetry && !res.acked && res.outcome !== 'stopped' && !this.#stopped && retriesSoFar < this.#opts.maxRetries) {
      const delays = this.#opts.retryDelaysMs;
      const delay = delays[Math.min(retriesSoFar, delays.length - 1)] ?? 0;
      this.#opts.logger.debug({ event: rec.eventId, attempt: retriesSoFar + 1, delay }, 'simulated slack: scheduling event retry');
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#stopped || rec.acked) return;
        this.#attempt(rec, 'timeout', true).catch((err: unknown) => {
          this.#opts.logger.error({ err, event: rec.eventId }, 'simulated slack: event retry failed');
        });
      }, delay);
      this.#timers.add(timer);
    }
    return res;
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
