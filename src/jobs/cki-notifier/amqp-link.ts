/**
 * One RabbitMQ connection that survives broker restarts.
 *
 * Reconnection is amqplib 2's own recovery (exponential backoff with jitter, `setup` run after
 * every successful connection), not a hand-written loop. Every connection gets a fresh confirm
 * channel for publishing, then each registered setup (topology, consumers) runs on it; if a setup
 * fails the connection is dropped and recovery tries again.
 *
 * Connection settings are the CKI README's: RABBITMQ_HOST, RABBITMQ_PORT (TLS on 443),
 * RABBITMQ_VIRTUAL_HOST, RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_CAFILE.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type ChannelModel, type ConfirmChannel, type Options, type RecoveringChannelModel } from 'amqplib';
import type { Config } from '../../config/env.ts';
import type { Logger } from '../../log.ts';
import { describeError } from '../../describe-error.ts';

export interface AmqpEndpoint {
  url: Options.Connect;
  socket: { ca?: Buffer[]; clientProperties: Record<string, string>; timeout: number };
}

export function amqpEndpoint(config: Pick<Config, 'RABBITMQ_HOST' | 'RABBITMQ_PORT' | 'RABBITMQ_VIRTUAL_HOST' | 'RABBITMQ_USER' | 'RABBITMQ_PASSWORD' | 'RABBITMQ_CAFILE'>, connectionName: string): AmqpEndpoint {
  if (!config.RABBITMQ_HOST) throw new Error('RABBITMQ_HOST is not set: the CKI notifier needs a RabbitMQ broker');
  const tls = config.RABBITMQ_PORT === 443;
  let ca: Buffer[] | undefined;
  if (config.RABBITMQ_CAFILE) {
    try {
      ca = [readFileSync(config.RABBITMQ_CAFILE)];
    } catch (e) {
      throw new Error(`RABBITMQ_CAFILE ${config.RABBITMQ_CAFILE} cannot be read: ${describeError(e)}`, { cause: e });
    }
  }
  return {
    url: {
      protocol: tls ? 'amqps' : 'amqp',
      hostname: config.RABBITMQ_HOST,
      port: config.RABBITMQ_PORT,
      vhost: config.RABBITMQ_VIRTUAL_HOST,
      username: config.RABBITMQ_USER,
      password: config.RABBITMQ_PASSWORD,
      heartbeat: 30,
    },
    socket: { ...(ca ? { ca } : {}), clientProperties: { connection_name: connectionName }, timeout: 10_000 },
  };
}

export interface LinkSetupContext {
  model: ChannelModel;
  confirm: ConfirmChannel;
  generation: number;
}

export interface AmqpLinkOptions {
  endpoint: AmqpEndpoint;
  logger: Logger;
  /** Backoff of the reconnection (amqplib recovery). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Retries of the very first connection before start() rejects (fail fast at startup). */
  initialMaxRetries?: number;
}

export class NotConnectedError extends Error {
  constructor() {
    super('RabbitMQ is not connected (reconnecting)');
    this.name = 'NotConnectedError';
  }
}

/** Emits `connected` (generation) and `disconnected` (error). */
export class AmqpLink extends EventEmitter {
  private readonly opts: AmqpLinkOptions;
  private readonly setups: ((ctx: LinkSetupContext) => Promise<void>)[] = [];
  private model: RecoveringChannelModel | undefined;
  private confirm: ConfirmChannel | undefined;
  private gen = 0;
  private closing = false;
  private reconnects = 0;
  private lastError: string | undefined;
  /** When the live connection was lost (cleared when a new one is set up), for /health. */
  private lostAt: Date | undefined;

  constructor(opts: AmqpLinkOptions) {
    super();
    this.opts = opts;
  }

  /** Register work to redo on every connection (call before start()). */
  addSetup(fn: (ctx: LinkSetupContext) => Promise<void>): void {
    this.setups.push(fn);
  }

  get generation(): number {
    return this.gen;
  }

  get connected(): boolean {
    return this.confirm !== undefined;
  }

  state(): { connected: boolean; generation: number; reconnects: number; lastError?: string; disconnectedSince?: string } {
    return {
      connected: this.connected,
      generation: this.gen,
      reconnects: this.reconnects,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(!this.connected && this.lostAt ? { disconnectedSince: this.lostAt.toISOString() } : {}),
    };
  }

  /** The confirm channel of the current connection; throws while reconnecting. */
  confirmChannel(): ConfirmChannel {
    if (!this.confirm) throw new NotConnectedError();
    return this.confirm;
  }

  async start(): Promise<void> {
    const { endpoint, logger } = this.opts;
    const where = `${endpoint.url.protocol}://${endpoint.url.hostname}:${endpoint.url.port}${endpoint.url.vhost === '/' ? '/' : `/${endpoint.url.vhost}`}`;
    this.model = await connect(endpoint.url, {
      ...endpoint.socket,
      recovery: {
        initialDelay: this.opts.initialDelayMs ?? 200,
        maxDelay: this.opts.maxDelayMs ?? 30_000,
        factor: 2,
        jitter: 0.2,
        initialMaxRetries: this.opts.initialMaxRetries ?? 5,
        maxRetries: Infinity,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.setup(model),
      },
    });
    this.model.on('error', (e: Error) => {
      this.lastError = e.message;
      logger.warn({ err: e }, 'RabbitMQ connection error');
    });
    this.model.on('disconnect', (e: Error) => {
      this.confirm = undefined;
      this.lostAt ??= new Date();
      this.lastError = e.message;
      if (!this.closing) logger.warn({ err: e, broker: where }, 'RabbitMQ connection lost; reconnecting');
      this.emit('disconnected', e);
    });
    this.model.on('reconnect-scheduled', ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) => {
      logger.info({ attempt, delayMs: delay, err: error }, 'RabbitMQ reconnection scheduled');
    });
    this.model.on('connect', () => {
      logger.info({ broker: where, generation: this.gen }, 'RabbitMQ connected');
      this.emit('connected', this.gen);
    });
    this.model.on('handler-error', (e: Error, event: string) => logger.error({ err: e, event }, 'RabbitMQ event handler failed'));
    try {
      await this.model.waitForConnect();
    } catch (e) {
      this.model = undefined;
      throw new Error(`cannot connect to RabbitMQ at ${where}: ${describeError(e)}`, { cause: e });
    }
  }

  private async setup(model: ChannelModel): Promise<void> {
    // amqplib's recovery listens for this connection's errors only after setup succeeded; a
    // socket that ends during setup would otherwise emit an unhandled 'error' (an uncaught
    // exception that stops the whole bot). The failed setup is retried by the recovery.
    model.on('error', (e: Error) => this.opts.logger.debug({ err: e }, 'RabbitMQ connection error during setup'));
    const generation = this.gen + 1;
    const confirm = await model.createConfirmChannel();
    confirm.on('error', (e: Error) => this.opts.logger.warn({ err: e }, 'RabbitMQ publish channel error'));
    // A channel can die alone (e.g. a broker-side precondition failure); the connection then
    // has to go too so that recovery rebuilds everything.
    confirm.on('close', () => this.dropIfCurrent(model, generation, 'publish channel closed'));
    // Live before the setups run: the last setup starts consuming, and the first delivery may
    // need to publish before setup() returns.
    if (this.gen !== 0) this.reconnects++;
    this.gen = generation;
    this.confirm = confirm;
    this.lostAt = undefined;
    try {
      for (const fn of this.setups) await fn({ model, confirm, generation });
    } catch (e) {
      this.confirm = undefined;
      throw e;
    }
  }

  /** Close the connection of `generation` if it is still the live one (forces a clean rebuild). */
  dropIfCurrent(model: ChannelModel, generation: number, why: string): void {
    if (this.closing || this.gen !== generation || !this.confirm) return;
    this.opts.logger.warn({ generation, why }, 'RabbitMQ channel lost; rebuilding the connection');
    this.confirm = undefined;
    model.close().catch((e: unknown) => this.opts.logger.debug({ err: e }, 'closing a broken RabbitMQ connection failed'));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.confirm = undefined;
    const m = this.model;
    this.model = undefined;
    if (m) await m.close();
  }
}
