/**
 * Optional subsystems (the CKI notifier's RabbitMQ consumer and Kafka/AMQP publisher, its
 * DataWarehouse lookups, ...) are supervised, never awaited by startup: a broker that refuses at
 * startup or goes away later degrades `/health` for that subsystem (which one, since when, the
 * last error) and is retried with exponential backoff, while Slack, MCP and the jobs keep
 * serving. The process only ends through the graceful shutdown. Before this, a RabbitMQ
 * connection failure at startup made a bot that was already serving exit 1.
 */
import type { Logger } from '../log.ts';

export type SubsystemState = 'starting' | 'ok' | 'degraded' | 'stopped';

export interface SubsystemStatus {
  name: string;
  status: SubsystemState;
  /** ISO time the subsystem entered this status. */
  since: string;
  /** Which part failed (e.g. `rabbitmq`, `kafka`, `datawarehouse`), when the error says so. */
  failing?: string;
  last_error?: string;
  /** Start attempts so far (1 = the first). */
  attempts: number;
  next_retry_at?: string;
  /** A start attempt is running now (after a failure: the retry itself). */
  attempt_in_progress?: boolean;
  /** Systems reached per call (call-health.ts): calls failed in a row. */
  failed_calls?: number;
}

/** What a running subsystem says about itself (e.g. the RabbitMQ link reconnecting). */
export interface RunningHealth {
  ok: boolean;
  /** When it stopped being ok (ISO); the supervisor's own time otherwise. */
  since?: string;
  error?: string;
  failing?: string;
}

export interface SubsystemOptions<T> {
  name: string;
  start: () => Promise<T>;
  stop: (instance: T) => Promise<void>;
  health?: (instance: T) => RunningHealth;
  logger: Logger;
  /** First retry delay, doubled per failure up to maxDelayMs (defaults 5 s, 5 min). */
  minDelayMs?: number;
  maxDelayMs?: number;
  now?: () => Date;
}

/**
 * Which part of a subsystem failed, when its start error says so: the subsystem owns that error
 * (a `failing` field, e.g. the CKI notifier's `partFailure`); the supervisor only reads it.
 */
function failingOf(e: unknown): string | undefined {
  const f = (e as { failing?: unknown } | null)?.failing;
  return typeof f === 'string' ? f : undefined;
}

export class OptionalSubsystem<T> {
  readonly name: string;
  private readonly opts: SubsystemOptions<T>;
  private state: SubsystemState = 'starting';
  private since: Date;
  private attempts = 0;
  private lastError: string | undefined;
  private failing: string | undefined;
  private nextRetryAt: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private current: T | undefined;
  private unhealthySince: Date | undefined;

  constructor(opts: SubsystemOptions<T>) {
    this.opts = opts;
    this.name = opts.name;
    this.since = this.now();
  }

  /** The running instance, once a start succeeded. */
  get instance(): T | undefined {
    return this.current;
  }

  /** Starts the first attempt in the background; never throws. */
  begin(): void {
    if (this.state !== 'starting' || this.starting || this.current) return;
    this.attempt();
  }

  status(): SubsystemStatus {
    const base = { name: this.name, attempts: this.attempts };
    if (this.current && this.state === 'ok' && this.opts.health) {
      const h = this.opts.health(this.current);
      if (!h.ok) {
        this.unhealthySince ??= this.now();
        return {
          ...base,
          status: 'degraded',
          since: h.since ?? this.unhealthySince.toISOString(),
          ...(h.failing ? { failing: h.failing } : {}),
          ...(h.error ? { last_error: h.error } : {}),
        };
      }
      this.unhealthySince = undefined;
    }
    return {
      ...base,
      status: this.state,
      since: this.since.toISOString(),
      ...(this.state !== 'ok' && this.failing ? { failing: this.failing } : {}),
      ...(this.state !== 'ok' && this.lastError ? { last_error: this.lastError } : {}),
      ...(this.state === 'degraded' && this.nextRetryAt ? { next_retry_at: this.nextRetryAt.toISOString() } : {}),
      ...(this.starting ? { attempt_in_progress: true } : {}),
    };
  }

  /** Cancels a pending retry, waits for an attempt in flight, stops what runs. */
  async stop(): Promise<void> {
    const wasRunning = this.state !== 'stopped';
    this.enter('stopped');
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.starting;
    const instance = this.current;
    this.current = undefined;
    if (instance && wasRunning) await this.opts.stop(instance);
  }

  private attempt(): void {
    this.attempts++;
    this.nextRetryAt = undefined;
    this.starting = this.opts
      .start()
      .then(
        async (instance) => {
          if (this.state === 'stopped') {
            await this.opts.stop(instance).catch((e: unknown) => this.opts.logger.warn({ err: e, subsystem: this.name }, 'stopping a subsystem that started during shutdown failed'));
            return;
          }
          this.current = instance;
          this.lastError = undefined;
          this.failing = undefined;
          this.enter('ok');
          this.opts.logger.info({ subsystem: this.name, attempts: this.attempts }, `${this.name} started`);
        },
        (e: unknown) => {
          if (this.state === 'stopped') return;
          this.lastError = e instanceof Error ? e.message : String(e);
          this.failing = failingOf(e);
          const delay = Math.min(this.opts.maxDelayMs ?? 300_000, (this.opts.minDelayMs ?? 5_000) * 2 ** Math.min(this.attempts - 1, 20));
          this.nextRetryAt = new Date(this.now().getTime() + delay);
          this.enter('degraded');
          this.opts.logger.warn({ subsystem: this.name, attempt: this.attempts, retryInMs: delay, err: e }, `${this.name} could not start; the bot keeps serving without it and retries`);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            if (this.state !== 'stopped') this.attempt();
          }, delay);
          // A pending retry must not keep a stopping process alive.
          this.timer.unref?.();
        },
      )
      .finally(() => {
        this.starting = undefined;
      });
  }

  private enter(state: SubsystemState): void {
    if (state !== this.state) this.since = this.now();
    this.state = state;
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}
