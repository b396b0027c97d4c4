/**
 * Consumes DataWarehouse messages from RABBITMQ_QUEUE (bound to WEBHOOK_RECEIVER_EXCHANGE with
 * RABBITMQ_ROUTING_KEYS), with manual acknowledgements and a bounded prefetch.
 *
 * A message is acknowledged only once its outcome is settled:
 * - handled (sent, skipped, duplicate)             -> ack;
 * - permanent failure (malformed body)             -> copy to the dead-letter queue, then ack;
 * - transient failure, attempts left                -> wait (exponential backoff), republish to the
 *   queue with header `x-cki-attempts` = attempts so far, then ack;
 * - transient failure on attempt CKI_MAX_ATTEMPTS   -> dead-letter queue, then ack;
 * - another replica holds the notification's claim  -> wait, republish with the same count.
 * Republish and dead-lettering go through publisher confirms before the ack, so a crash in
 * between duplicates a message (the ledger absorbs it) but never loses one. If the connection
 * dies first, nothing is acked and the broker redelivers.
 *
 * Attempts are counted with a header on republish rather than x-death: a classic queue gives no
 * delivery count, and the production queue is declared by CKI with its own arguments, which a
 * DLX/TTL setup would have to change. Dead-letter queue: `<RABBITMQ_QUEUE>.dead-letter`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../../log.ts';
import type { AmqpLink, LinkSetupContext } from './amqp-link.ts';
import { PermanentError, StageError } from './errors.ts';
import { ClaimHeldError } from './ledger.ts';
import type { NotifierMetrics } from './metrics.ts';

export const ATTEMPTS_HEADER = 'x-cki-attempts';

export interface ConsumerOptions {
  link: AmqpLink;
  logger: Logger;
  metrics: NotifierMetrics;
  exchange: string;
  queue: string;
  routingKeys: readonly string[];
  prefetch: number;
  maxAttempts: number;
  /** Default `<queue>.dead-letter`. */
  deadLetterQueue?: string;
  /** Delay before retry n (1-based); default 1 s doubling, at most 60 s. */
  retryDelayMs?: (attempt: number) => number;
  /** Delay before retrying a message whose notification another replica is publishing. */
  deferDelayMs?: number;
  /** `signal` aborts when the consumer stops (in-flight DataWarehouse calls are cancelled; the broker redelivers). */
  handle: (body: Buffer, info: { attempt: number; redelivered: boolean; routingKey: string; signal: AbortSignal }) => Promise<unknown>;
  /** Called once a delivery is settled (tests and /health). */
  onSettled?: (event: SettledEvent) => void;
}

export type SettledEvent =
  | { settlement: 'ack'; result: unknown; attempt: number }
  | { settlement: 'retry'; attempt: number; error: string }
  | { settlement: 'defer'; attempt: number; error: string }
  | { settlement: 'dead_letter'; attempt: number; reason: string; error: string }
  | { settlement: 'abandoned'; attempt: number; why: string };

export function defaultRetryDelay(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** (attempt - 1));
}

function attemptsSoFar(msg: ConsumeMessage): number {
  const raw: unknown = msg.properties.headers?.[ATTEMPTS_HEADER];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

export class QueueConsumer {
  private readonly o: ConsumerOptions;
  private readonly dlq: string;
  private readonly stopping = new AbortController();
  private consumer: { channel: Channel; tag: string; generation: number } | undefined;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private lastMessageAt: Date | undefined;

  constructor(opts: ConsumerOptions) {
    this.o = opts;
    this.dlq = opts.deadLetterQueue ?? `${opts.queue}.dead-letter`;
    opts.link.addSetup((ctx) => this.setup(ctx));
  }

  get deadLetterQueue(): string {
    return this.dlq;
  }

  state(): { consuming: boolean; inFlight: number; lastMessageAt?: string } {
    return { consuming: this.consumer !== undefined, inFlight: this.inFlight, ...(this.lastMessageAt ? { lastMessageAt: this.lastMessageAt.toISOString() } : {}) };
  }

  private async setup({ model, confirm, generation }: LinkSetupContext): Promise<void> {
    const { exchange, queue, routingKeys, prefetch } = this.o;
    // Topology on the confirm channel (declarations are idempotent); deliveries on their own channel.
    await confirm.assertExchange(exchange, 'topic', { durable: true });
    await confirm.assertQueue(queue, { durable: true });
    await confirm.assertQueue(this.dlq, { durable: true });
    for (const key of routingKeys) await confirm.bindQueue(queue, exchange, key);
    if (this.stopping.signal.aborted) return;
    const channel = await model.createChannel();
    channel.on('error', (e: Error) => this.o.logger.warn({ err: e }, 'RabbitMQ consumer channel error'));
    channel.on('close', () => {
      if (this.consumer?.channel === channel) this.consumer = undefined;
      if (!this.stopping.signal.aborted) this.o.link.dropIfCurrent(model, generation, 'consumer channel closed');
    });
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(queue, (msg) => this.onDelivery(channel, generation, msg), { noAck: false });
    this.consumer = { channel, tag: consumerTag, generation };
    this.o.logger.info({ queue, exchange, routingKeys, prefetch, generation }, 'consuming DataWarehouse messages');
  }

  private onDelivery(channel: Channel, generation: number, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled the consumer (queue deleted): rebuild the topology.
      this.o.logger.warn({ queue: this.o.queue }, 'RabbitMQ cancelled the consumer; rebuilding');
      channel.close().catch(() => undefined);
      return;
    }
    this.inFlight++;
    this.lastMessageAt = new Date();
    void this.settle(channel, generation, msg)
      .catch((e: unknown) => {
        this.o.logger.error({ err: e }, 'settling a delivery failed unexpectedly');
        return this.abandon(0, errText(e));
      })
      .then((event) => {
        this.inFlight--;
        if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
        // Observers see the consumer's state after this delivery is fully done.
        this.o.onSettled?.(event);
      });
  }

  /** Never rejects: every path ends in a settlement (or an abandoned delivery the broker redelivers). */
  private async settle(channel: Channel, generation: number, msg: ConsumeMessage): Promise<SettledEvent> {
    const { handle, maxAttempts, logger, metrics } = this.o;
    const attempt = attemptsSoFar(msg) + 1;
    const routingKey = msg.fields.routingKey;
    let event: SettledEvent;
    try {
      const result = await handle(msg.content, { attempt, redelivered: msg.fields.redelivered, routingKey, signal: this.stopping.signal });
      event = { settlement: 'ack', result, attempt };
    } catch (e) {
      if (this.stopping.signal.aborted) return this.abandon(attempt, `stopping (${errText(e)})`);
      if (e instanceof PermanentError) {
        metrics.errors.inc({ stage: 'message' });
        event = { settlement: 'dead_letter', attempt, reason: e.reason, error: errText(e) };
      } else if (e instanceof ClaimHeldError || (e instanceof StageError && e.cause instanceof ClaimHeldError)) {
        event = { settlement: 'defer', attempt, error: errText(e) };
      } else {
        metrics.errors.inc({ stage: e instanceof StageError ? e.stage : 'other' });
        event =
          attempt >= maxAttempts
            ? { settlement: 'dead_letter', attempt, reason: 'max_attempts', error: errText(e) }
            : { settlement: 'retry', attempt, error: errText(e) };
        logger.warn({ err: e, attempt, maxAttempts, routingKey }, `processing a DataWarehouse message failed (attempt ${attempt} of ${maxAttempts})`);
      }
    }
    try {
      if (event.settlement === 'retry' || event.settlement === 'defer') {
        const wait = event.settlement === 'retry' ? (this.o.retryDelayMs ?? defaultRetryDelay)(attempt) : (this.o.deferDelayMs ?? 5_000);
        await sleep(wait, undefined, { signal: this.stopping.signal });
        const count = event.settlement === 'retry' ? attempt : attempt - 1;
        if (!(await this.copy(generation, msg, this.o.queue, { [ATTEMPTS_HEADER]: count, 'x-cki-last-error': event.error }))) return this.abandon(attempt, 'connection changed before the retry');
      } else if (event.settlement === 'dead_letter') {
        const headers = { [ATTEMPTS_HEADER]: attempt, 'x-cki-dead-letter-reason': event.reason, 'x-cki-error': event.error, 'x-cki-dead-lettered-at': new Date().toISOString() };
        if (!(await this.copy(generation, msg, this.dlq, headers))) return this.abandon(attempt, 'connection changed before dead-lettering');
        metrics.deadLettered.inc({ reason: event.reason });
        logger.error({ attempt, reason: event.reason, error: event.error, queue: this.dlq }, 'DataWarehouse message moved to the dead-letter queue');
      }
      if (this.o.link.generation !== generation) return this.abandon(attempt, 'connection changed before the ack');
      channel.ack(msg);
    } catch (e) {
      // Stopping or a dead channel: the message stays unacked and the broker redelivers it.
      return this.abandon(attempt, errText(e));
    }
    return event;
  }

  private abandon(attempt: number, why: string): SettledEvent {
    this.o.logger.info({ attempt, why }, 'delivery left unacknowledged; the broker will redeliver it');
    return { settlement: 'abandoned', attempt, why };
  }

  /** Copy a delivery to a queue through the confirm channel; false when the connection it came on is gone. */
  private async copy(generation: number, msg: ConsumeMessage, queue: string, extra: Record<string, unknown>): Promise<boolean> {
    if (this.o.link.generation !== generation || !this.o.link.connected) return false;
    const confirm = this.o.link.confirmChannel();
    const p = msg.properties;
    const options: Options.Publish = {
      persistent: true,
      // The first hop's exchange and routing key survive later republishes (which go through the default exchange).
      headers: { 'x-cki-routing-key': msg.fields.routingKey, 'x-cki-exchange': msg.fields.exchange, ...(p.headers ?? {}), ...extra },
      ...(p.contentType ? { contentType: p.contentType } : {}),
      ...(p.contentEncoding ? { contentEncoding: p.contentEncoding } : {}),
      ...(p.messageId ? { messageId: p.messageId } : {}),
      ...(p.correlationId ? { correlationId: p.correlationId } : {}),
      ...(p.timestamp ? { timestamp: p.timestamp } : {}),
      ...(p.type ? { type: p.type } : {}),
      ...(p.appId ? { appId: p.appId } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      confirm.sendToQueue(queue, msg.content, options, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });
    return true;
  }

  /** Stop taking deliveries, let in-flight ones settle (a pending retry wait is abandoned: the broker redelivers). */
  async stop(): Promise<void> {
    this.stopping.abort();
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await c.channel.cancel(c.tag).catch((e: unknown) => this.o.logger.debug({ err: e }, 'cancelling the consumer failed'));
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
