/**
 * The notifier against the REAL RabbitMQ on 127.0.0.1:5672 and the simulated DataWarehouse over
 * HTTP: DataWarehouse-style messages are published to a webhook exchange, ready-for-test messages
 * are read from a queue bound to the ready-for-test exchange. Exchange and queue names are unique
 * per run. The broker restart is a real one (`rabbitmqctl stop_app` / `start_app`); all broker
 * tests live in this one file so the restart cannot hit another test file of this area.
 * The ledger is the real operational store (migrated SQLite from test/helpers/store.ts).
 */
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type VarName } from '../../../src/config/env.ts';
import { runCkiNotifierCli } from '../../../src/jobs/cki-notifier/cli.ts';
import type { SettledEvent } from '../../../src/jobs/cki-notifier/consumer.ts';
import type { Outcome } from '../../../src/jobs/cki-notifier/processor.ts';
import { startCkiNotifier, type CkiNotifier, type CkiNotifierDeps } from '../../../src/jobs/cki-notifier/service.ts';
import { DataWarehouseClient, type DataWarehouseReader } from '../../../src/integrations/datawarehouse.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { SimulatedDataWarehouse, checkoutTree, dataWarehouseMessage, routingKeyFor, type CheckoutTree } from '../../../src/sandbox/datawarehouse/index.ts';
import type { Store } from '../../../src/store/types.ts';
import { openTestStore } from '../../helpers/store.ts';
import { MemoryLedgerStore } from './memory-store.ts';
import { bindResults, closeConnectionsNamed, deleteAll, drain, openBroker, publishConfirmed, rabbitmqctl, uniqueNames } from './rabbit.ts';

let sim: SimulatedDataWarehouse;
let broker: { conn: ChannelModel; ch: ConfirmChannel };
const cleanups: (() => Promise<void>)[] = [];
let seq = 10_000;

beforeAll(async () => {
  broker = await openBroker();
  sim = await SimulatedDataWarehouse.start({ token: 'dw-token' });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await broker?.conn.close().catch(() => undefined);
  await sim?.close();
});

interface Run {
  names: ReturnType<typeof uniqueNames>;
  notifier: CkiNotifier;
  events: SettledEvent[];
  store: Store;
  registry: Registry;
  /** Resolves once `predicate(events)` holds. */
  until(predicate: (events: SettledEvent[]) => boolean): Promise<void>;
  publish(tree: CheckoutTree, status: string, misc?: Record<string, unknown>): Promise<void>;
  results(): Promise<GetMessage[]>;
}

const sentOutcomes = (events: SettledEvent[]) =>
  events.flatMap((e) => (e.settlement === 'ack' && (e.result as Outcome).result === 'sent' ? [e.result as Extract<Outcome, { result: 'sent' }>] : []));

async function startRun(
  over: Partial<Record<VarName, string>> = {},
  tuning: CkiNotifierDeps['tuning'] = {},
  clients: Pick<CkiNotifierDeps, 'datawarehouse'> = {},
): Promise<Run> {
  const names = uniqueNames();
  await bindResults(broker.ch, names.readyForTest, names.results);
  const config = testConfig({
    RABBITMQ_HOST: '127.0.0.1',
    RABBITMQ_PORT: '5672',
    RABBITMQ_USER: 'guest',
    RABBITMQ_PASSWORD: 'guest',
    WEBHOOK_RECEIVER_EXCHANGE: names.webhooks,
    RABBITMQ_QUEUE: names.queue,
    RABBITMQ_ROUTING_KEYS: 'datawarehouse.checkout.#',
    DATAWAREHOUSE_URL: sim.url,
    DATAWAREHOUSE_TOKEN: 'dw-token',
    CKI_DEPLOYMENT_ENVIRONMENT: 'production',
    // The AMQP publisher option (production default is Kafka, which cannot run here).
    CKI_PUBLISHER: 'amqp',
    CKI_READY_FOR_TEST_TOPIC: names.readyForTest,
    CKI_MAX_ATTEMPTS: '3',
    CKI_METRICS_ENABLED: 'true',
    ...(process.env.CKI_TEST_LOG ? { CKI_LOGGING_LEVEL: 'DEBUG' } : {}),
    ...over,
  });
  const events: SettledEvent[] = [];
  const waiters: { predicate: (e: SettledEvent[]) => boolean; resolve: () => void }[] = [];
  const store = await openTestStore();
  cleanups.push(() => store.close());
  const registry = new Registry();
  const notifier = await startCkiNotifier(
    {
      config,
      logger: process.env.CKI_TEST_LOG ? createLogger({ level: 'debug', format: 'json' }) : silentLogger,
      store,
      registry,
      ...clients,
      tuning: { retryDelayMs: () => 20, reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 500, dwRetries: 0, connectionName: `cki-notifier-test-${names.id}`, ...tuning },
    },
    {
      onSettled: (e) => {
        events.push(e);
        for (const w of [...waiters]) if (w.predicate(events)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      },
    },
  );
  cleanups.push(async () => {
    await notifier.stop();
    await deleteAll(broker.ch, { queues: [names.queue, `${names.queue}.dead-letter`, names.results], exchanges: [names.webhooks, names.readyForTest] });
  });
  return {
    names,
    notifier,
    events,
    store,
    registry,
    until: (predicate) => (predicate(events) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ predicate, resolve }))),
    publish: (tree, status, misc = {}) => publishConfirmed(broker.ch, names.webhooks, routingKeyFor(status), dataWarehouseMessage(tree.checkout, status, misc)),
    results: () => drain(broker.ch, names.results),
  };
}

const tree = (spec: Omit<Parameters<typeof checkoutTree>[0], 'n'> = {}) => {
  const t = checkoutTree({ n: ++seq, ...spec });
  sim.seedTree(t);
  return t;
};
/** A DataWarehouse reader whose calls wait while the gate is closed. */
function dataWarehouseGate(inner: DataWarehouseReader) {
  let closed: { wait: Promise<void>; open: () => void } | undefined;
  const pass = async () => {
    if (closed) await closed.wait;
  };
  const tree = inner.getCheckoutTree?.bind(inner);
  const reader: DataWarehouseReader = {
    ...(tree ? { getCheckoutTree: async (id: string, signal?: AbortSignal) => (await pass(), tree(id, signal)) } : {}),
    getCheckout: async (id, signal) => (await pass(), inner.getCheckout(id, signal)),
    listBuilds: async (id, signal) => (await pass(), inner.listBuilds(id, signal)),
    listTests: async (id, signal) => (await pass(), inner.listTests(id, signal)),
    listIssueOccurrences: async (id, signal) => (await pass(), inner.listIssueOccurrences(id, signal)),
  };
  return {
    reader,
    close: () => {
      let open!: () => void;
      const wait = new Promise<void>((resolve) => (open = resolve));
      closed ??= { wait, open };
    },
    open: () => {
      closed?.open();
      closed = undefined;
    },
  };
}
const acks = (n: number) => (events: SettledEvent[]) => events.filter((e) => e.settlement === 'ack').length >= n;
const body = (m: GetMessage) => JSON.parse(m.content.toString('utf8')) as { checkout_id: string; cki_finished: boolean; status: string };

describe('CKI notifier against the real RabbitMQ', () => {
  it('routes DataWarehouse messages from the webhook exchange to the ready-for-test exchange', async () => {
    // Two routing keys: the build key only exists to show a non-checkout object being dropped.
    const r = await startRun({ RABBITMQ_ROUTING_KEYS: 'datawarehouse.checkout.# datawarehouse.build.#' });
    const pre = tree({ builds: [{ arch: 'x86_64' }, { arch: 'aarch64', valid: false }] });
    const post = tree({ builds: [{ arch: 'x86_64', tests: [{ path: 'boot' }, { path: 'ltp', status: 'FAIL' }] }] });
    const retriggered = tree({ misc: { retrigger: true } });
    const viaUnknown = tree({ misc: { ready_to_report: true } });
    await r.publish(pre, 'build_setups_finished');
    await r.publish(post, 'ready_to_report');
    await r.publish(retriggered, 'ready_to_report');
    await r.publish(viaUnknown, 'unknown');
    await publishConfirmed(broker.ch, r.names.webhooks, 'datawarehouse.build.ready_to_report', dataWarehouseMessage(pre.checkout, 'ready_to_report', {}, 'build'));
    await r.publish(pre, 'updated');
    await r.until(acks(6));

    const got = await r.results();
    const summary = got.map((m) => [m.fields.routingKey, body(m).checkout_id, m.properties.messageId]).sort();
    expect(summary).toEqual(
      [
        ['pre_test.success', pre.checkout.id, `${pre.checkout.id}|pre_test|success`],
        ['post_test.fail', post.checkout.id, `${post.checkout.id}|post_test|fail`],
        ['post_test.success', viaUnknown.checkout.id, `${viaUnknown.checkout.id}|post_test|success`],
      ].sort(),
    );
    expect(got.every((m) => m.properties.contentType === 'application/json' && m.properties.deliveryMode === 2)).toBe(true);
    const preMsg = got.map(body).find((b) => b.checkout_id === pre.checkout.id) as unknown as { build_info: unknown[]; cki_finished: boolean };
    expect(preMsg.cki_finished).toBe(false);
    expect(preMsg.build_info).toHaveLength(1);

    const skipped = r.events.flatMap((e) => (e.settlement === 'ack' && (e.result as Outcome).result === 'skipped' ? [(e.result as { reason: string }).reason] : [])).sort();
    expect(skipped).toEqual(['not_checkout', 'retrigger', 'unsupported_status']);
    expect(sim.calls().filter((c) => c.path.includes(post.checkout.id)).every((c) => c.auth === 'token')).toBe(true);
    const metrics = await r.registry.metrics();
    expect(metrics).toContain('cki_notifier_messages_sent_total{kind="pre_test",status="success"} 1');
    expect(metrics).toContain('cki_notifier_messages_skipped_total{reason="retrigger"} 1');
    expect(r.notifier.state()).toMatchObject({ running: true, connected: true, consuming: true, publisher: 'amqp', inFlight: 0, counts: { handled: 6, sent: 3, skipped: 3 } });
  });

  it('a redelivered / repeated message publishes its notification once', async () => {
    const r = await startRun();
    const t = tree();
    for (let i = 0; i < 4; i++) await r.publish(t, 'ready_to_report');
    await r.until(acks(4));
    const got = await r.results();
    expect(got).toHaveLength(1);
    expect(r.events.filter((e) => e.settlement === 'ack' && (e.result as Outcome).result === 'skipped')).toHaveLength(3);
    expect(await r.store.listJobStateKeys('cki-notifier')).toEqual([`sent:${t.checkout.id}|post_test|success`]);
  });

  it('dead-letters a poison message after CKI_MAX_ATTEMPTS attempts, and a malformed one at once; the stream goes on', async () => {
    const r = await startRun({ CKI_MAX_ATTEMPTS: '3' });
    const poison = tree();
    const fine = tree();
    // Both ways of reading it fail: once /all has worked (for `fine`), a failed tree is walked.
    const escaped = poison.checkout.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    sim.injectFault({ path: new RegExp(`^/api/1/kcidb/checkouts/${escaped}(/all)?$`), status: 500, times: Infinity });
    await r.publish(poison, 'ready_to_report');
    await publishConfirmed(broker.ch, r.names.webhooks, routingKeyFor('ready_to_report'), '{"object_type": "checkout", "status": ');
    await r.publish(fine, 'ready_to_report');
    // A retry's event is recorded once its copy is confirmed and the original acked; the copy may
    // already be processed (and dead-lettered) by then, so wait for every settlement, not for order.
    await r.until((ev) => ev.filter((e) => e.settlement === 'dead_letter').length >= 2 && acks(1)(ev) && ev.filter((e) => e.settlement === 'retry').length >= 2);

    const dead = await drain(broker.ch, `${r.names.queue}.dead-letter`);
    expect(dead).toHaveLength(2);
    const byReason = Object.fromEntries(dead.map((m) => [m.properties.headers?.['x-cki-dead-letter-reason'], m]));
    expect(byReason.max_attempts?.properties.headers?.['x-cki-attempts']).toBe(3);
    expect(byReason.max_attempts?.properties.headers?.['x-cki-error']).toMatch(/DataWarehouse did not answer loading (the tree of )?checkout .*: 500/);
    expect(byReason.max_attempts?.properties.headers?.['x-cki-routing-key']).toBe(routingKeyFor('ready_to_report'));
    expect(JSON.parse(byReason.max_attempts!.content.toString()).id).toBe(poison.checkout.id);
    expect(byReason.malformed?.properties.headers?.['x-cki-attempts']).toBe(1);
    // Exactly CKI_MAX_ATTEMPTS attempts reached DataWarehouse for the poison checkout.
    expect(sim.calls().filter((c) => c.path === `/api/1/kcidb/checkouts/${poison.checkout.id}/all`)).toHaveLength(3);
    expect(r.events.filter((e) => e.settlement === 'retry').map((e) => e.attempt).sort()).toEqual([1, 2]);
    expect((await r.results()).map((m) => body(m).checkout_id)).toEqual([fine.checkout.id]);
    expect(await r.registry.metrics()).toContain('cki_notifier_dead_lettered_total{reason="max_attempts"} 1');
    sim.clearFaults();
  });

  it('a transient DataWarehouse failure is retried and then succeeds (republished with the attempt header)', async () => {
    const r = await startRun();
    const t = tree();
    sim.injectFault({ path: `/api/1/kcidb/checkouts/${t.checkout.id}/all`, status: 503, times: 1 });
    await r.publish(t, 'ready_to_report');
    // The retry's event may be recorded after its copy was already processed: wait for both.
    await r.until((ev) => acks(1)(ev) && ev.some((e) => e.settlement === 'retry'));
    expect(r.events.map((e) => e.settlement).sort()).toEqual(['ack', 'retry']);
    expect((await r.results()).map((m) => body(m).checkout_id)).toEqual([t.checkout.id]);
  });

  it('walking (CKI_DATAWAREHOUSE_TREE=walk), a transient failure of a list read is retried and then succeeds', async () => {
    const r = await startRun({ CKI_DATAWAREHOUSE_TREE: 'walk' });
    const t = tree();
    sim.injectFault({ path: `/api/1/kcidb/checkouts/${t.checkout.id}/builds`, status: 503, times: 1 });
    await r.publish(t, 'ready_to_report');
    await r.until((ev) => acks(1)(ev) && ev.some((e) => e.settlement === 'retry'));
    expect(r.events.map((e) => e.settlement).sort()).toEqual(['ack', 'retry']);
    expect((await r.results()).map((m) => body(m).checkout_id)).toEqual([t.checkout.id]);
    const mine = sim.calls().filter((c) => c.path.includes(t.checkout.id));
    expect(mine.some((c) => c.path.endsWith('/all'))).toBe(false);
    expect(mine.filter((c) => c.path.endsWith('/builds')).map((c) => c.status)).toEqual([503, 200]);
  });

  it('survives a connection closed by the broker (rabbitmqctl close_connection) without losing messages', async () => {
    const r = await startRun();
    const first = Array.from({ length: 5 }, () => tree());
    for (const t of first) await r.publish(t, 'build_setups_finished');
    await r.until(acks(5));
    expect(await closeConnectionsNamed(`cki-notifier-test-${r.names.id}`)).toBe(1);
    const second = Array.from({ length: 5 }, () => tree());
    for (const t of second) await r.publish(t, 'build_setups_finished');
    await r.until((ev) => sentOutcomes(ev).length >= 10);
    const ids = (await r.results()).map((m) => body(m).checkout_id).sort();
    expect(ids).toEqual([...first, ...second].map((t) => t.checkout.id).sort());
    expect(r.notifier.state().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('prefetch 32, many checkouts at once (ledger group commit): each checkout in order, every notification once, also across a dropped connection', async () => {
    // Walking: the ordering check below needs the post-test to take more DataWarehouse round trips
    // than the pre-test (the tree would make them one each). The broker-restart test below reads
    // the tree through the same redelivery.
    const dw = new DataWarehouseClient({ baseUrl: sim.url, token: 'dw-token', retries: 0, tree: 'walk' });
    cleanups.push(async () => dw.close());
    const gate = dataWarehouseGate(dw);
    const r = await startRun({ CKI_PREFETCH: '32' }, {}, { datawarehouse: gate.reader });
    const keysOf = (ts: CheckoutTree[]) => ts.flatMap((t) => [`${t.checkout.id}|pre_test|success`, `${t.checkout.id}|post_test|success`]);
    // Per checkout: post-test, pre-test, and the post-test again (a repeat the ledger absorbs), so
    // events of one checkout sit in the prefetch window together. The post-test needs twice the
    // DataWarehouse reads of the pre-test: only per-checkout ordering publishes it first.
    const first = Array.from({ length: 16 }, () => tree());
    for (const t of first) for (const status of ['ready_to_report', 'build_setups_finished', 'ready_to_report']) await r.publish(t, status);
    await r.until(acks(48));
    const got = (await r.results()).map((m) => m.properties.messageId as string);
    expect([...got].sort()).toEqual(keysOf(first).sort());
    for (const t of first) expect(got.indexOf(`${t.checkout.id}|post_test|success`)).toBeLessThan(got.indexOf(`${t.checkout.id}|pre_test|success`));
    // One sent record per notification.
    expect((await r.store.listJobStateKeys('cki-notifier')).sort()).toEqual(keysOf(first).map((k) => `sent:${k}`).sort());

    // The same stream again, with the notifier's connection closed by the broker mid-stream: the
    // deliveries in flight (held at their next DataWarehouse read meanwhile) are redelivered and
    // must neither be lost nor published twice.
    const second = Array.from({ length: 16 }, () => tree());
    for (const t of second) for (const status of ['build_setups_finished', 'ready_to_report', 'ready_to_report']) await r.publish(t, status);
    await r.until(acks(48 + 10));
    gate.close();
    expect(await closeConnectionsNamed(`cki-notifier-test-${r.names.id}`)).toBe(1);
    gate.open();
    const expected = new Set(keysOf(second));
    await r.until(() => {
      const settled = new Set(r.events.flatMap((e) => (e.settlement === 'ack' ? [(e.result as Outcome & { checkoutId?: string }).checkoutId] : [])));
      return second.every((t) => settled.has(t.checkout.id)) && acks(48 + 48)(r.events);
    });
    await r.until(() => r.notifier.state().inFlight === 0);
    const again = (await r.results()).map((m) => m.properties.messageId as string);
    expect(new Set(again)).toEqual(expected);
    // A copy can only come from a publish whose confirmation the closed connection swallowed (counted).
    const uncertain = Number(/cki_notifier_publish_outcome_unknown_total (\d+)/.exec(await r.registry.metrics())?.[1] ?? NaN);
    expect(again.length - expected.size).toBeLessThanOrEqual(uncertain);
    expect(r.events.some((e) => e.settlement === 'abandoned')).toBe(true);
    expect(r.notifier.state().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a broker restart mid-stream (rabbitmqctl stop_app / start_app) loses nothing; redelivery duplicates nothing', { timeout: 90_000 }, async () => {
    const prefetch = 4;
    // DataWarehouse behind a gate: closed before the restart, it holds every message at its next
    // DataWarehouse read, so what gets done around the restart is bounded by the prefetch window,
    // not by how fast this machine is (a 50 ms delay used to decide it, and a fast notifier got
    // through most of the stream while rabbitmqctl was stopping the broker).
    // The production default: post-test messages read the checkout's tree in one request.
    const dw = new DataWarehouseClient({ baseUrl: sim.url, token: 'dw-token', retries: 0 });
    cleanups.push(async () => dw.close());
    const gate = dataWarehouseGate(dw);
    const r = await startRun({ CKI_PREFETCH: String(prefetch) }, {}, { datawarehouse: gate.reader });
    const trees = Array.from({ length: 100 }, (_, i) => tree(i % 2 ? {} : { builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] }));
    const publish = ([i, t]: [number, CheckoutTree]) => r.publish(t, i % 3 ? 'ready_to_report' : 'build_setups_finished');
    const entries = [...trees.entries()];
    for (const e of entries.slice(0, 5)) await publish(e);
    await r.until((ev) => sentOutcomes(ev).length >= 5);
    gate.close();
    const sentAtClose = sentOutcomes(r.events).length;
    // The rest of the stream is queued while the gate holds the deliveries in flight.
    for (const e of entries.slice(5)) await publish(e);
    let sentWhileStopped: number;
    try {
      await rabbitmqctl('stop_app');
      sentWhileStopped = sentOutcomes(r.events).length;
    } finally {
      await rabbitmqctl('start_app');
    }
    // Only deliveries already past their DataWarehouse reads (at most the prefetch window) could
    // finish after the gate closed: most of the stream is still queued on the broker.
    expect(sentWhileStopped).toBeLessThanOrEqual(sentAtClose + prefetch);
    expect(sentWhileStopped).toBeLessThan(60);
    gate.open();
    // The harness connection died with the broker; reopen it.
    broker = await openBroker();
    // Every checkout settled: sent, or skipped as a duplicate when its first delivery published
    // after the reconnection (held at the gate) and was then left to the broker to redeliver.
    await r.until((ev) => new Set(ev.flatMap((e) => (e.settlement === 'ack' ? [(e.result as Outcome & { checkoutId?: string }).checkoutId] : []))).size >= 100);
    await r.until(() => r.notifier.state().inFlight === 0);
    const got = await r.results();
    const ids = got.map((m) => m.properties.messageId as string);
    // Nothing lost: every notification arrived.
    expect(new Set(ids).size).toBe(100);
    // Nothing duplicated by redelivery: a copy can only come from a publish whose confirmation the
    // restart swallowed (counted), and it carries the same message id.
    const uncertain = Number(/cki_notifier_publish_outcome_unknown_total (\d+)/.exec(await r.registry.metrics())?.[1] ?? NaN);
    if (process.env.CKI_TEST_LOG) console.error(`restart: ${ids.length} messages for 100 notifications, ${uncertain} publish(es) with unknown outcome`);
    expect(ids.length - 100).toBeLessThanOrEqual(uncertain);
    expect(r.notifier.state()).toMatchObject({ connected: true, consuming: true });
    expect(r.notifier.state().reconnects).toBeGreaterThanOrEqual(1);
    const queue = await broker.ch.checkQueue(r.names.queue);
    expect(queue.messageCount).toBe(0);
    // The post-test messages were read as trees (one request each), through the restart too.
    const mine = new Set(trees.map((t) => `/api/1/kcidb/checkouts/${t.checkout.id}/all`));
    expect(sim.calls().filter((c) => mine.has(c.path) && c.status === 200).length).toBeGreaterThanOrEqual(trees.filter((_, i) => i % 3).length);
  });

  it('serves its own /metrics on CKI_METRICS_PORT in standalone mode', async () => {
    const names = uniqueNames();
    const config = testConfig({
      RABBITMQ_HOST: '127.0.0.1',
      WEBHOOK_RECEIVER_EXCHANGE: names.webhooks,
      RABBITMQ_QUEUE: names.queue,
      DATAWAREHOUSE_URL: sim.url,
      DATAWAREHOUSE_TOKEN: 'dw-token',
      CKI_METRICS_ENABLED: 'true',
      CKI_METRICS_PORT: '0',
    });
    const n = await startCkiNotifier({ config, logger: silentLogger, store: new MemoryLedgerStore() }, { serveMetrics: true });
    cleanups.push(async () => {
      await n.stop();
      await deleteAll(broker.ch, { queues: [names.queue, `${names.queue}.dead-letter`], exchanges: [names.webhooks] });
    });
    const port = n.state().metricsPort;
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE cki_notifier_messages_received_total counter');
    // Not production: the publisher logs.
    expect(n.state().publisher).toBe('log');
  });

  it('manual trigger (oarctl cki-notifier --status --checkout-id) publishes through the AMQP publisher', async () => {
    const names = uniqueNames();
    await bindResults(broker.ch, names.readyForTest, names.results);
    cleanups.push(() => deleteAll(broker.ch, { queues: [names.results], exchanges: [names.readyForTest] }));
    const t = tree({ misc: { ready_to_report: true } });
    const config = testConfig({
      RABBITMQ_HOST: '127.0.0.1',
      DATAWAREHOUSE_URL: sim.url,
      DATAWAREHOUSE_TOKEN: 'dw-token',
      CKI_DEPLOYMENT_ENVIRONMENT: 'production',
      CKI_PUBLISHER: 'amqp',
      CKI_READY_FOR_TEST_TOPIC: names.readyForTest,
    });
    const out: string[] = [];
    const store = await openTestStore();
    cleanups.push(() => store.close());
    const deps = { config, logger: silentLogger, store, stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(s) };
    expect(await runCkiNotifierCli(['--status', 'unknown', '--checkout-id', t.checkout.id], deps)).toBe(0);
    expect(out.join('')).toContain(`published: post_test success for checkout ${t.checkout.id}`);
    expect(await runCkiNotifierCli(['--status', 'ready_to_report', '--checkout-id', t.checkout.id], deps)).toBe(0);
    expect(out.join('')).toContain('skipped (duplicate)');
    const got = await drain(broker.ch, names.results);
    expect(got.map((m) => [m.fields.routingKey, body(m).checkout_id])).toEqual([['post_test.success', t.checkout.id]]);
  });

  it('refuses to start, with a clear error, when the broker cannot be reached', async () => {
    const config = testConfig({ RABBITMQ_HOST: '127.0.0.1', RABBITMQ_PORT: '1', DATAWAREHOUSE_URL: sim.url, DATAWAREHOUSE_TOKEN: 'x' });
    await expect(
      startCkiNotifier({ config, logger: silentLogger, store: new MemoryLedgerStore(), tuning: { initialConnectRetries: 1, reconnectInitialDelayMs: 10 } }),
    ).rejects.toThrow(/cannot connect to RabbitMQ at amqp:\/\/127\.0\.0\.1:1\//);
  });
});
