import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/env.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amqpEndpoint } from '../../../src/jobs/cki-notifier/amqp-link.ts';
import { createNotifierMetrics } from '../../../src/jobs/cki-notifier/metrics.ts';
import { buildRuntime, notifierLogger } from '../../../src/jobs/cki-notifier/runtime.ts';
import { routingKeysOf } from '../../../src/jobs/cki-notifier/service.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { checkoutTree, dataWarehouseMessage } from '../../../src/sandbox/datawarehouse/index.ts';
import { FakeDataWarehouse, FakeMergeRequests } from './fakes.ts';
import { MemoryLedgerStore } from './memory-store.ts';

const base = { DATAWAREHOUSE_URL: 'http://dw.invalid', DATAWAREHOUSE_TOKEN: 't' };

describe('notifier runtime composition', () => {
  it('CKI_LOGGING_LEVEL (Python names, default WARN) sets the notifier logger level; a silent parent stays silent', () => {
    const parent = createLogger({ level: 'info', destination: { write: () => undefined } });
    expect(notifierLogger(parent, testConfig()).level).toBe('warn');
    expect(notifierLogger(parent, testConfig({ CKI_LOGGING_LEVEL: 'info' })).level).toBe('info');
    expect(notifierLogger(parent, testConfig({ CKI_LOGGING_LEVEL: 'WARNING' })).level).toBe('warn');
    expect(notifierLogger(parent, testConfig({ CKI_LOGGING_LEVEL: 'CRITICAL' })).level).toBe('fatal');
    expect(notifierLogger(silentLogger, testConfig({ CKI_LOGGING_LEVEL: 'DEBUG' })).level).toBe('silent');
  });

  it('metrics join the bot registry only with CKI_METRICS_ENABLED', () => {
    const bot = new Registry();
    buildRuntime({ config: testConfig(base), logger: silentLogger, store: new MemoryLedgerStore(), registry: bot }, { needConsumer: false, needPublisher: false });
    expect(bot.getSingleMetric('cki_notifier_messages_received_total')).toBeUndefined();
    const rt = buildRuntime({ config: testConfig({ ...base, CKI_METRICS_ENABLED: 'true' }), logger: silentLogger, store: new MemoryLedgerStore(), registry: bot }, { needConsumer: false, needPublisher: false });
    expect(rt.registry).toBe(bot);
    expect(bot.getSingleMetric('cki_notifier_messages_received_total')).toBeDefined();
    // A second notifier on the same registry reuses the series instead of throwing.
    expect(() => createNotifierMetrics(bot)).not.toThrow();
  });

  it('publisher: log outside production, kafka or amqp in production', () => {
    const store = new MemoryLedgerStore();
    const mk = (over: Record<string, string>, kafka?: Parameters<typeof buildRuntime>[0]['kafka']) =>
      buildRuntime({ config: testConfig({ ...base, ...over }), logger: silentLogger, store, ...(kafka ? { kafka } : {}) }, { needConsumer: false, needPublisher: true });
    expect(mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'staging' })).toMatchObject({ publisher: { target: 'log' }, link: undefined });
    const kafka = { producer: () => ({ connect: async () => {}, disconnect: async () => {}, send: async () => [] }) };
    expect(mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'production', CKI_PUBLISHER: 'kafka' }, kafka)).toMatchObject({ publisher: { target: 'kafka' }, link: undefined });
    // Kafka is the production default (the CKI README); it needs brokers.
    expect(mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'production' }, kafka)).toMatchObject({ publisher: { target: 'kafka' }, link: undefined });
    expect(() => mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'production' })).toThrow(/CKI_PUBLISHER=kafka needs KAFKA_BROKERS/);
    const amqp = mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'production', CKI_PUBLISHER: 'amqp', RABBITMQ_HOST: 'rabbit.example.com', RABBITMQ_PORT: '443' });
    expect(amqp.publisher.target).toBe('amqp');
    expect(amqp.link).toBeDefined();
    expect(() => mk({ CKI_DEPLOYMENT_ENVIRONMENT: 'production', CKI_PUBLISHER: 'amqp' })).toThrow(/RABBITMQ_HOST is not set/);
  });

  it('the Slack fail notice is only wired when CKI_FAIL_CHANNEL is set', async () => {
    const t = checkoutTree({ n: 5, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] });
    const notices: string[] = [];
    for (const channel of [undefined, 'C0CKIFAIL']) {
      const dw = new FakeDataWarehouse().add(t);
      const rt = buildRuntime(
        { config: testConfig({ ...base, ...(channel ? { CKI_FAIL_CHANNEL: channel } : {}) }), logger: silentLogger, store: new MemoryLedgerStore(), datawarehouse: dw, mergeRequests: new FakeMergeRequests(), notify: async (s) => void notices.push(`${channel}:${s}`) },
        { needConsumer: false, needPublisher: true },
      );
      await rt.processor.process(dataWarehouseMessage(t.checkout, 'ready_to_report'));
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^C0CKIFAIL:CKI post-test result for checkout redhat:5/);
  });

  it('routing keys are space (or comma) separated', () => {
    expect(routingKeysOf('datawarehouse.checkout.ready_to_report  datawarehouse.checkout.build_setups_finished,datawarehouse.checkout.unknown')).toEqual([
      'datawarehouse.checkout.ready_to_report',
      'datawarehouse.checkout.build_setups_finished',
      'datawarehouse.checkout.unknown',
    ]);
  });

  it('RabbitMQ endpoint: TLS on port 443 with RABBITMQ_CAFILE, vhost, credentials, connection name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cki-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const tls = amqpEndpoint(testConfig({ RABBITMQ_HOST: 'rabbit.example.com', RABBITMQ_PORT: '443', RABBITMQ_VIRTUAL_HOST: 'cki', RABBITMQ_USER: 'notifier', RABBITMQ_PASSWORD: 'pw', RABBITMQ_CAFILE: ca }), 'oar-bot cki-notifier 1');
    expect(tls.url).toMatchObject({ protocol: 'amqps', hostname: 'rabbit.example.com', port: 443, vhost: 'cki', username: 'notifier', password: 'pw' });
    expect(tls.socket.ca?.[0]?.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls.socket.clientProperties).toEqual({ connection_name: 'oar-bot cki-notifier 1' });
    expect(amqpEndpoint(testConfig({ RABBITMQ_HOST: 'h' }), 'n').url).toMatchObject({ protocol: 'amqp', port: 5672, vhost: '/' });
    expect(() => amqpEndpoint(testConfig({ RABBITMQ_HOST: 'h', RABBITMQ_CAFILE: join(dir, 'missing.pem') }), 'n')).toThrow(/RABBITMQ_CAFILE .*missing\.pem cannot be read/);
  });
});
