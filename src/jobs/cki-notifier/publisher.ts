/**
 * Where ready-for-test messages go (CKI_PUBLISHER):
 * - amqp (default): a durable topic exchange named CKI_READY_FOR_TEST_TOPIC, routing key
 *   `<kind>.<status>` (e.g. `post_test.success`) so consumers can bind just what they test on,
 *   persistent messages, publisher confirms; `messageId` is the notification key;
 * - kafka: kafkajs producer on topic CKI_READY_FOR_TEST_TOPIC, key = checkout id (one checkout's
 *   messages stay ordered in one partition), acks from all in-sync replicas;
 * - outside production (CKI_DEPLOYMENT_ENVIRONMENT != production) the message is logged instead.
 */
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { ConfirmChannel } from 'amqplib';
import type { Config } from '../../config/env.ts';
import type { Logger } from '../../log.ts';
import type { AmqpLink } from './amqp-link.ts';
import { PublishOutcomeUnknownError } from './errors.ts';
import type { ReadyForTestMessage } from './ready-for-test.ts';
import type { MessageKind, OverallStatus } from './types.ts';

export interface PublishMeta {
  key: string;
  checkoutId: string;
  kind: MessageKind;
  status: OverallStatus;
}

export interface ReadyForTestPublisher {
  readonly target: 'amqp' | 'kafka' | 'log';
  /** Connect ahead of the first publish (fail fast at startup); optional. */
  start?(): Promise<void>;
  /** Resolves once the broker has accepted the message; rejects otherwise. */
  publish(message: ReadyForTestMessage, meta: PublishMeta): Promise<void>;
  close(): Promise<void>;
}

const encode = (m: ReadyForTestMessage) => Buffer.from(JSON.stringify(m), 'utf8');

export class AmqpReadyForTestPublisher implements ReadyForTestPublisher {
  readonly target = 'amqp' as const;
  private readonly link: AmqpLink;
  private readonly exchange: string;

  constructor(opts: { link: AmqpLink; exchange: string }) {
    this.link = opts.link;
    this.exchange = opts.exchange;
    // Re-declared on every (re)connection: a broker restart may have lost a non-durable setup.
    this.link.addSetup(async ({ confirm }) => {
      await confirm.assertExchange(this.exchange, 'topic', { durable: true });
    });
  }

  publish(message: ReadyForTestMessage, meta: PublishMeta): Promise<void> {
    const ch: ConfirmChannel = this.link.confirmChannel();
    return new Promise<void>((resolve, reject) => {
      try {
        ch.publish(
          this.exchange,
          `${meta.kind}.${meta.status}`,
          encode(message),
          { persistent: true, contentType: 'application/json', messageId: meta.key, timestamp: Math.floor(Date.now() / 1000), appId: 'oar-bot-cki-notifier' },
          (err: unknown) => {
            if (!err) return resolve();
            // 'channel closed' with the message unconfirmed: sent, fate unknown. A nack is a clear refusal.
            if (err instanceof Error && /closed/i.test(err.message)) {
              reject(new PublishOutcomeUnknownError(`the RabbitMQ channel closed before confirming the ready-for-test message (${err.message})`, { cause: err }));
            } else reject(err instanceof Error ? err : new Error(`RabbitMQ refused the ready-for-test message: ${String(err)}`));
          },
        );
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  async close(): Promise<void> {
    // The link is owned by whoever created it.
  }
}

/** The part of kafkajs the publisher uses; tests inject a fake. */
export interface KafkaProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; acks?: number; messages: { key: string; value: string; headers?: Record<string, string> }[] }): Promise<unknown>;
}
export interface KafkaLike {
  producer(config?: { idempotent?: boolean; maxInFlightRequests?: number; allowAutoTopicCreation?: boolean }): KafkaProducerLike;
}

/** kafkajs logs to the console by default; send its lines to the notifier's pino logger instead. */
function kafkaLogCreator(logger: Logger) {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _t, ...extra } = log;
    const fields = { kafka: namespace, ...extra };
    if (level === logLevel.ERROR) logger.error(fields, message);
    else if (level === logLevel.WARN) logger.warn(fields, message);
    else if (level === logLevel.INFO) logger.info(fields, message);
    else logger.debug(fields, message);
  };
}

export function createKafka(config: Config, logger: Logger): KafkaLike {
  if (config.KAFKA_BROKERS.length === 0) throw new Error('CKI_PUBLISHER=kafka needs KAFKA_BROKERS (host:port, comma-separated)');
  let sasl: SASLOptions | undefined;
  if (config.KAFKA_SASL_MECHANISM) {
    if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD) throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    sasl = { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD } as SASLOptions;
  }
  const kafkaConfig: KafkaConfig = {
    clientId: 'oar-bot-cki-notifier',
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    ...(sasl ? { sasl } : {}),
    logCreator: kafkaLogCreator(logger),
  };
  return new Kafka(kafkaConfig);
}

export class KafkaReadyForTestPublisher implements ReadyForTestPublisher {
  readonly target = 'kafka' as const;
  private readonly producer: KafkaProducerLike;
  private readonly topic: string;
  private connected: Promise<void> | undefined;

  constructor(opts: { kafka: KafkaLike; topic: string }) {
    // Idempotent producer: a retried send after a lost ack does not duplicate on the broker side.
    this.producer = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.topic = opts.topic;
  }

  start(): Promise<void> {
    this.connected ??= this.producer.connect().catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    return this.connected;
  }

  async publish(message: ReadyForTestMessage, meta: PublishMeta): Promise<void> {
    await this.start();
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: meta.checkoutId, value: JSON.stringify(message), headers: { 'content-type': 'application/json', 'message-id': meta.key } }],
      });
    } catch (e) {
      // kafkajs has already retried; whether a broker appended the record is unknown.
      throw new PublishOutcomeUnknownError(`Kafka did not acknowledge the ready-for-test message: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    if (this.connected) {
      this.connected = undefined;
      await this.producer.disconnect();
    }
  }
}

/** Non-production: log what would have been published. */
export class LogReadyForTestPublisher implements ReadyForTestPublisher {
  readonly target = 'log' as const;
  private readonly logger: Logger;
  private readonly environment: string;
  constructor(opts: { logger: Logger; environment: string }) {
    this.logger = opts.logger;
    this.environment = opts.environment;
  }
  async publish(message: ReadyForTestMessage, meta: PublishMeta): Promise<void> {
    this.logger.info({ readyForTest: message, key: meta.key, environment: this.environment }, `not production (${this.environment}): ready-for-test message logged instead of published`);
  }
  async close(): Promise<void> {}
}
