import { describe, expect, it } from 'vitest';
import { KafkaReadyForTestPublisher, createKafka, type KafkaLike, type KafkaProducerLike } from '../../../src/jobs/cki-notifier/publisher.ts';
import { buildReadyForTest, testableBuilds, validateReadyForTest, type ReadyForTestMessage } from '../../../src/jobs/cki-notifier/ready-for-test.ts';
import { testConfig } from '../../../src/config/env.ts';
import { silentLogger } from '../../../src/log.ts';
import { checkoutTree } from '../../../src/sandbox/datawarehouse/index.ts';

/** A kafkajs-like client recording what a real producer would have been asked. No broker runs here. */
class FakeKafka implements KafkaLike {
  producerConfig: unknown;
  sent: Parameters<KafkaProducerLike['send']>[0][] = [];
  connects = 0;
  disconnects = 0;
  failSends = 0;
  producer(config?: unknown): KafkaProducerLike {
    this.producerConfig = config;
    return {
      connect: async () => void this.connects++,
      disconnect: async () => void this.disconnects++,
      send: async (record) => {
        if (this.failSends > 0) {
          this.failSends--;
          throw new Error('KafkaJSNumberOfRetriesExceeded');
        }
        this.sent.push(record);
        return [{ topicName: record.topic, partition: 0, errorCode: 0 }];
      },
    };
  }
}

function sample(): ReadyForTestMessage {
  const t = checkoutTree({ n: 31 });
  const v = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds: testableBuilds(t.builds), kind: 'post_test', status: 'success' }));
  if (!v.ok) throw new Error(v.detail);
  return v.message;
}

describe('KafkaReadyForTestPublisher (injected kafkajs-like client)', () => {
  it('sends the JSON message to the topic keyed by checkout id, all-replica acks, idempotent producer', async () => {
    const kafka = new FakeKafka();
    const p = new KafkaReadyForTestPublisher({ kafka, topic: 'kafka.tx.cki.ready-for-test' });
    const message = sample();
    await p.publish(message, { key: 'redhat:31|post_test|success', checkoutId: 'redhat:31', kind: 'post_test', status: 'success' });
    expect(kafka.producerConfig).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(kafka.connects).toBe(1);
    expect(kafka.sent).toHaveLength(1);
    const rec = kafka.sent[0]!;
    expect(rec.topic).toBe('kafka.tx.cki.ready-for-test');
    expect(rec.acks).toBe(-1);
    expect(rec.messages[0]!.key).toBe('redhat:31');
    expect(rec.messages[0]!.headers).toEqual({ 'content-type': 'application/json', 'message-id': 'redhat:31|post_test|success' });
    expect(JSON.parse(rec.messages[0]!.value)).toEqual(message);
    await p.publish(message, { key: 'k2', checkoutId: 'redhat:31', kind: 'post_test', status: 'success' });
    expect(kafka.connects).toBe(1);
    await p.close();
    expect(kafka.disconnects).toBe(1);
  });

  it('a failed send rejects (the consumer then retries the DataWarehouse message)', async () => {
    const kafka = new FakeKafka();
    kafka.failSends = 1;
    const p = new KafkaReadyForTestPublisher({ kafka, topic: 't' });
    await expect(p.publish(sample(), { key: 'k', checkoutId: 'redhat:31', kind: 'post_test', status: 'success' })).rejects.toThrow(/Retries/);
  });

  it('createKafka needs brokers, and SASL needs credentials', () => {
    expect(() => createKafka(testConfig({ CKI_PUBLISHER: 'kafka' }), silentLogger)).toThrow(/KAFKA_BROKERS/);
    expect(() => createKafka(testConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SASL_MECHANISM: 'scram-sha-512' }), silentLogger)).toThrow(/KAFKA_SASL_USERNAME/);
    expect(createKafka(testConfig({ KAFKA_BROKERS: 'k1:9093,k2:9093', KAFKA_SSL: 'true' }), silentLogger).producer).toBeTypeOf('function');
  });
});
