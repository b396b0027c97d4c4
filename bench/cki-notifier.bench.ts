/**
 * CKI notifier throughput: 1,000 DataWarehouse messages through the REAL RabbitMQ on
 * 127.0.0.1:5672 (guest/guest), the simulated DataWarehouse over HTTP, ready-for-test messages
 * published to a real exchange and read back from a bound queue.
 *
 * Figures (median of 3 runs for msgs_per_s; worst run for lost and duplicated):
 * - msgs_per_s: messages / (first publish -> last settled delivery);
 * - lost: notifications expected but not found on the ready-for-test queue;
 * - duplicated: ready-for-test messages beyond one per notification;
 * - cpu_ms_per_msg: CPU time of this process per message (median), a figure that does not depend
 *   on how busy the machine is, unlike msgs_per_s.
 *
 * Half the messages are build_setups_finished, half ready_to_report (all passing). A pre-test
 * message reads the checkout and its builds (2 requests); a post-test one the checkout's tree in
 * one request (CKI_DATAWAREHOUSE_TREE=auto, the default) or, walking (CKI_BENCH_DW_TREE=walk), the
 * checkout, builds and a test listing per build (4 with the default 2 builds; issue occurrences are
 * read only when something failed). dw_requests_per_msg and dw_kb_per_msg count what the simulated
 * DataWarehouse served. CKI_BENCH_BUILDS / CKI_BENCH_TESTS give the checkouts more builds and
 * tests per build (default 2 builds with 2 and 1 tests); the simulator's latency is per request,
 * whatever the size of the answer.
 * The simulated DataWarehouse runs in its own process (as the real one is another service), so
 * its HTTP serving does not compete with the notifier for the same event loop.
 * The ledger is the real operational store (SQLite, test/helpers/store.ts).
 * A warm-up run of 200 messages precedes the 3 measured runs.
 *
 * Baseline (issue 22), in rounds alternating with the notifier's: a bare amqplib loop on the same
 * broker that consumes the same messages (same prefetch) and publishes one message per
 * delivery through a confirm channel, acking on the confirm: the protocol's own cost. Figures
 * baseline_msgs_per_s, baseline_cpu_ms_per_msg, baseline_lost, baseline_duplicated and the
 * ratios msgs_per_s_ratio (notifier / baseline) and cpu_ratio.
 * Run: npx node bench/cki-notifier.bench.ts
 * CKI_BENCH_PROFILE=/tmp/cki writes a CPU profile (200 us sampling) of each measured notifier run
 * alone, /tmp/cki-run1.cpuprofile ..., without the floor, the warm-up or the baseline rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type ConfirmChannel } from 'amqplib';
import { testConfig } from '../src/config/env.ts';
import type { Store } from '../src/store/types.ts';
import { startCkiNotifier } from '../src/jobs/cki-notifier/service.ts';
import { silentLogger } from '../src/log.ts';
import { checkoutTree, dataWarehouseMessage, routingKeyFor, type CheckoutSpec } from '../src/sandbox/datawarehouse/index.ts';
import { emit, median, note } from './lib.ts';
import { DataWarehouseClient } from '../src/integrations/datawarehouse.ts';
import { NotificationLedger } from '../src/jobs/cki-notifier/ledger.ts';
import { MemoryLedgerStore } from '../test/jobs/cki-notifier/memory-store.ts';
import { openTestStore } from '../test/helpers/store.ts';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

const MESSAGES = 1000;
const RUNS = 3;
/** The notifier's default (CKI_PREFETCH) unless CKI_BENCH_PREFETCH says otherwise. */
const PREFETCH = process.env.CKI_BENCH_PREFETCH ?? String(testConfig().CKI_PREFETCH);
/** CKI_BENCH_DW_TREE=walk|tree|auto (CKI_DATAWAREHOUSE_TREE, default auto): walk compares with reading checkout, builds and tests one by one. */
const DW_TREE = process.env.CKI_BENCH_DW_TREE ?? 'auto';
/**
 * The checkouts' shape: CKI_BENCH_BUILDS builds of CKI_BENCH_TESTS tests each (default 2 builds,
 * 2 and 1 tests). A real kernel checkout has more of both; a larger shape shows how the tree's one
 * big answer compares with the walk's many small ones.
 */
const SHAPE_BUILDS = process.env.CKI_BENCH_BUILDS ? Number(process.env.CKI_BENCH_BUILDS) : undefined;
const SHAPE_TESTS = process.env.CKI_BENCH_TESTS ? Number(process.env.CKI_BENCH_TESTS) : undefined;
const ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];
function shape(n: number): CheckoutSpec {
  if (SHAPE_BUILDS === undefined && SHAPE_TESTS === undefined) {
    return { n, builds: [{ arch: 'x86_64', tests: [{ path: 'boot' }, { path: 'ltp' }] }, { arch: 'aarch64', tests: [{ path: 'boot' }] }] };
  }
  const builds = Array.from({ length: SHAPE_BUILDS ?? 2 }, (_, b) => ({
    arch: ARCHES[b % ARCHES.length]!,
    ...(b >= ARCHES.length ? { debug: true } : {}),
    tests: Array.from({ length: SHAPE_TESTS ?? 2 }, (_, t) => ({ path: `suite/test-${t}` })),
  }));
  return { n, builds };
}
const SETTLE_TIMEOUT_MS = 120_000;
/** Latency the simulated DataWarehouse adds to every call (issue 22: DataWarehouse at 5 ms). */
const DW_LATENCY_MS = Number(process.env.CKI_BENCH_DW_LATENCY_MS ?? 5);
/** CKI_BENCH_PROFILE=<prefix>: a CPU profile of each measured notifier run only (not the baseline, floor or warm-up), written to <prefix>-<run>.cpuprofile. */
const PROFILE = process.env.CKI_BENCH_PROFILE;

/** Profiles `fn` with the in-process inspector when CKI_BENCH_PROFILE is set. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${PROFILE}-${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

type LedgerStore = Pick<Store, 'getJobState' | 'setJobStates' | 'claimUnlessJobStates'>;

/** The real operational store (a migrated SQLite file); CKI_BENCH_STORE=memory compares with the in-memory test store. */
async function openStore(): Promise<{ store: LedgerStore; kind: string; close: () => Promise<void> }> {
  if (process.env.CKI_BENCH_STORE === 'memory') return { store: new MemoryLedgerStore(), kind: 'in-memory ledger store', close: async () => {} };
  const store = await openTestStore();
  return { store, kind: `operational store (${store.engine})`, close: () => store.close() };
}

async function publishAll(ch: ConfirmChannel, exchange: string, bodies: { key: string; body: Buffer }[]): Promise<void> {
  for (const { key, body } of bodies) {
    if (!ch.publish(exchange, key, body, { persistent: true, contentType: 'application/json' })) await new Promise((r) => ch.once('drain', r));
  }
  await ch.waitForConfirms();
}

/** Publishes the stream and waits for every message to settle: seconds elapsed and this process's CPU per message. */
async function timedPublish(ch: ConfirmChannel, exchange: string, bodies: { key: string; body: Buffer }[], done: Promise<void>): Promise<{ timedOut: boolean; elapsed: number; cpuMsPerMsg: number }> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await publishAll(ch, exchange, bodies);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), SETTLE_TIMEOUT_MS)))]);
  clearTimeout(timer);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { timedOut, elapsed, cpuMsPerMsg: (cpu.user + cpu.system) / 1000 / bodies.length };
}

async function drain(ch: ConfirmChannel, queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) return ids;
    ids.push(String(m.properties.messageId));
  }
}

/** The simulated DataWarehouse in a child process, seeded over IPC with the same specs the bench uses. */
interface RemoteDw {
  url: string;
  seed(specs: CheckoutSpec[]): Promise<void>;
  /** Requests and answer bytes served since the last call (and forget them), and the simulator's CPU time so far (us). */
  takeCalls(): Promise<{ calls: number; trees: number; bytes: number; cpuUs: number }>;
  close(): Promise<void>;
}

async function startRemoteDataWarehouse(): Promise<RemoteDw> {
  const sandbox = fileURLToPath(new URL('../src/sandbox/datawarehouse/index.ts', import.meta.url));
  const code = `
    const { SimulatedDataWarehouse, checkoutTree } = await import(${JSON.stringify(sandbox)});
    const sim = await SimulatedDataWarehouse.start({ token: 'bench-token', latencyMs: ${DW_LATENCY_MS} });
    process.on('message', async (m) => {
      if (m.seed) { for (const spec of m.seed) sim.seedTree(checkoutTree(spec)); process.send({ seeded: m.id }); }
      if (m.calls) { const all = sim.calls(); const n = all.length; const trees = all.filter((c) => c.path.endsWith('/all')).length; const bytes = sim.servedBytes(); sim.clearCalls(); const u = process.cpuUsage(); process.send({ calls: n, trees, bytes, cpuUs: u.user + u.system, id: m.id }); }
      if (m.close) { await sim.close(); process.disconnect(); }
    });
    process.send({ url: sim.url });`;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`simulated DataWarehouse exited (${c})`)));
    child.once('message', (m) => resolve((m as { url: string }).url));
  });
  let seq = 0;
  const ask = <T>(msg: Record<string, unknown>, pick: (m: Record<string, unknown>, id: number) => T | undefined) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      const on = (m: unknown) => {
        const got = pick(m as Record<string, unknown>, id);
        if (got === undefined) return;
        child.off('message', on);
        resolve(got);
      };
      child.on('message', on);
      child.send({ ...msg, id });
    });
  return {
    url,
    takeCalls: () => ask({ calls: true }, (m, id) => (m.id === id && typeof m.calls === 'number' ? { calls: m.calls, trees: Number(m.trees), bytes: Number(m.bytes), cpuUs: Number(m.cpuUs) } : undefined)),
    seed: async (specs) => {
      await ask({ seed: specs }, (m, id) => (m.seeded === id ? true : undefined));
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send({ close: true });
      }),
  };
}

async function oneRun(run: number, sim: RemoteDw, messages = MESSAGES): Promise<{ rate: number; cpuMsPerMsg: number; lost: number; duplicated: number; dwPerMsg: number; dwKbPerMsg: number; treesPerMsg: number }> {
  const id = randomUUID().slice(0, 8);
  const names = { webhooks: `bench.cki.webhooks.${id}`, queue: `bench.cki.queue.${id}`, rft: `bench.cki.ready-for-test.${id}`, results: `bench.cki.results.${id}` };
  const conn = await connect({ protocol: 'amqp', hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' });
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(names.rft, 'topic', { durable: true });
  await ch.assertQueue(names.results, { durable: true });
  await ch.bindQueue(names.results, names.rft, '#');

  const expected = new Set<string>();
  const bodies: { key: string; body: Buffer }[] = [];
  const specs: CheckoutSpec[] = [];
  for (let i = 0; i < messages; i++) {
    const n = (run + 1) * 1_000_000 + i;
    const post = i % 2 === 1;
    const spec = shape(n);
    specs.push(spec);
    const tree = checkoutTree(spec);
    const status = post ? 'ready_to_report' : 'build_setups_finished';
    expected.add(`${tree.checkout.id}|${post ? 'post_test' : 'pre_test'}|success`);
    bodies.push({ key: routingKeyFor(status), body: Buffer.from(JSON.stringify(dataWarehouseMessage(tree.checkout, status))) });
  }

  await sim.seed(specs);
  const simBefore = await sim.takeCalls();
  const { store, kind, close } = await openStore();
  let settled = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const notifier = await startCkiNotifier(
    {
      config: testConfig({
        RABBITMQ_HOST: '127.0.0.1',
        WEBHOOK_RECEIVER_EXCHANGE: names.webhooks,
        RABBITMQ_QUEUE: names.queue,
        DATAWAREHOUSE_URL: sim.url,
        DATAWAREHOUSE_TOKEN: 'bench-token',
        CKI_DEPLOYMENT_ENVIRONMENT: 'production',
        // The AMQP publisher (the production default is Kafka, which cannot run here).
        CKI_PUBLISHER: 'amqp',
        CKI_READY_FOR_TEST_TOPIC: names.rft,
        CKI_PREFETCH: PREFETCH,
        CKI_DATAWAREHOUSE_TREE: DW_TREE,
      }),
      logger: silentLogger,
      store,
    },
    {
      onSettled: (e) => {
        if (e.settlement === 'ack' && ++settled === messages) resolveDone();
      },
    },
  );
  if (run < 0) note(`# ledger: ${kind}; prefetch ${PREFETCH}; DataWarehouse latency ${DW_LATENCY_MS} ms, CKI_DATAWAREHOUSE_TREE=${DW_TREE}; warm-up run of ${messages} messages not counted`);

  const publish = () => timedPublish(ch, names.webhooks, bodies, done);
  const { timedOut, elapsed, cpuMsPerMsg } = run < 0 ? await publish() : await profiled(`run${run + 1}`, publish);
  await notifier.stop();
  const simAfter = await sim.takeCalls();
  const dwPerMsg = simAfter.calls / messages;
  const dwKbPerMsg = simAfter.bytes / 1024 / messages;
  const treesPerMsg = simAfter.trees / messages;
  const simMsPerMsg = (simAfter.cpuUs - simBefore.cpuUs) / 1000 / messages;

  const ids = await drain(ch, names.results);
  const unique = new Set(ids);
  const lost = [...expected].filter((k) => !unique.has(k)).length;
  const duplicated = ids.length - unique.size;
  for (const q of [names.queue, `${names.queue}.dead-letter`, names.results]) await ch.deleteQueue(q);
  for (const e of [names.webhooks, names.rft]) await ch.deleteExchange(e);
  await conn.close();
  await close();
  note(`${run < 0 ? 'warm-up' : `run ${run + 1}`}: ${messages} messages in ${elapsed.toFixed(2)} s (${(messages / elapsed).toFixed(0)} msg/s, ${cpuMsPerMsg.toFixed(2)} ms CPU/msg), settled ${settled}${timedOut ? ' (TIMED OUT)' : ''}, ready-for-test ${ids.length}, lost ${lost}, duplicated ${duplicated}, ${dwPerMsg.toFixed(2)} DataWarehouse requests and ${dwKbPerMsg.toFixed(1)} KB/msg (simulator CPU ${simMsPerMsg.toFixed(2)} ms/msg)`);
  return { rate: messages / elapsed, cpuMsPerMsg, lost, duplicated, dwPerMsg, dwKbPerMsg, treesPerMsg };
}

/** The bare consume-and-publish loop: what RabbitMQ and amqplib cost, with no notifier around them. */
async function baselineRun(run: number, messages = MESSAGES): Promise<{ rate: number; cpuMsPerMsg: number; lost: number; duplicated: number }> {
  const id = randomUUID().slice(0, 8);
  const names = { webhooks: `bench.bare.webhooks.${id}`, queue: `bench.bare.queue.${id}`, rft: `bench.bare.ready-for-test.${id}`, results: `bench.bare.results.${id}` };
  const conn = await connect({ protocol: 'amqp', hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' });
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(names.webhooks, 'topic', { durable: true });
  await ch.assertQueue(names.queue, { durable: true });
  await ch.bindQueue(names.queue, names.webhooks, '#');
  await ch.assertExchange(names.rft, 'topic', { durable: true });
  await ch.assertQueue(names.results, { durable: true });
  await ch.bindQueue(names.results, names.rft, '#');
  const bodies = Array.from({ length: messages }, (_, i) => {
    const tree = checkoutTree({ n: (run + 1) * 1_000_000 + i, builds: [{ arch: 'x86_64', tests: [{ path: 'boot' }] }] });
    return { key: routingKeyFor(i % 2 ? 'ready_to_report' : 'build_setups_finished'), body: Buffer.from(JSON.stringify(dataWarehouseMessage(tree.checkout, 'ready_to_report'))) };
  });

  const consumerConn = await connect({ protocol: 'amqp', hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' });
  const consumer = await consumerConn.createConfirmChannel();
  await consumer.prefetch(Number(PREFETCH));
  let settled = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.consume(names.queue, (m) => {
    if (!m) return;
    const checkout = (JSON.parse(m.content.toString('utf8')) as { object?: { id?: string } }).object?.id ?? 'unknown';
    consumer.publish(names.rft, 'ready_for_test', Buffer.from(JSON.stringify({ checkout, stage: 'post_test' })), { persistent: true, messageId: checkout, contentType: 'application/json' }, (err) => {
      if (err) return consumer.nack(m, false, true);
      consumer.ack(m);
      if (++settled === messages) resolveDone();
    });
  });

  const { timedOut, elapsed, cpuMsPerMsg } = await timedPublish(ch, names.webhooks, bodies, done);
  await consumerConn.close();
  const ids = await drain(ch, names.results);
  const unique = new Set(ids);
  const lost = messages - unique.size;
  const duplicated = ids.length - unique.size;
  for (const q of [names.queue, names.results]) await ch.deleteQueue(q);
  for (const e of [names.webhooks, names.rft]) await ch.deleteExchange(e);
  await conn.close();
  note(`baseline ${run < 0 ? 'warm-up' : `run ${run + 1}`}: ${messages} messages in ${elapsed.toFixed(2)} s (${(messages / elapsed).toFixed(0)} msg/s, ${cpuMsPerMsg.toFixed(2)} ms CPU/msg)${timedOut ? ' (TIMED OUT)' : ''}, lost ${lost}, duplicated ${duplicated}`);
  return { rate: messages / elapsed, cpuMsPerMsg, lost, duplicated };
}

/**
 * The floor of this design on this machine, measured now: client CPU of one keep-alive
 * DataWarehouse GET (the real client, against the same simulated DataWarehouse, 32 at a time) and
 * of the ledger's store calls for one notification (claim, record; 32 at a time). With the bare amqplib loop's
 * CPU per message, what no notifier built this way can go below here.
 */
async function floors(sim: RemoteDw): Promise<{ getUs: number; treeUs: number; ledgerUs: number }> {
  // The messages' own shape: the floor's answers are as large as theirs.
  const spec = shape(9_999_999);
  await sim.seed([spec]);
  const id = checkoutTree(spec).checkout.id;
  const dw = new DataWarehouseClient({ baseUrl: sim.url, token: 'bench-token' });
  const calls = 2000;
  const getRound = async (read: () => Promise<unknown>) => {
    let left = calls;
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (left-- > 0) await read();
    }));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / calls;
  };
  // A small GET (the checkout; the walk's list pages are alike) and the tree of the same checkout.
  const small = () => dw.getCheckout(id);
  const tree = () => dw.getCheckoutTree(id);
  await getRound(small);
  await getRound(tree);
  const getUs = median([await getRound(small), await getRound(small), await getRound(small)]);
  const treeUs = median([await getRound(tree), await getRound(tree), await getRound(tree)]);
  dw.close();
  const { store, close } = await openStore();
  const ledger = new NotificationLedger(store);
  const ledgerRound = async (round: number) => {
    let next = 0;
    const cpu = process.cpuUsage();
    // 32 at a time, as the notifier's deliveries are (the ledger commits one turn's calls together).
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < calls) {
        const key = `floor:${round}:${next++}|pre_test|success`;
        await ledger.claimUnlessSent(key);
        await ledger.recordSent(key, { at: new Date().toISOString(), route: 'pre_test', environment: 'production' });
      }
    }));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / calls;
  };
  await ledgerRound(0);
  const ledgerUs = median([await ledgerRound(1), await ledgerRound(2), await ledgerRound(3)]);
  await close();
  return { getUs, treeUs, ledgerUs };
}

const sim = await startRemoteDataWarehouse();
try {
  const floor = await floors(sim);
  // JIT, schema compilation and SQLite page cache warm up on a first, uncounted run.
  await oneRun(-1, sim, 200);
  await baselineRun(-1, 200);
  const results = [];
  const baseline = [];
  for (let run = 0; run < RUNS; run++) {
    // Alternating rounds: the machine's load hits the notifier and the baseline alike.
    baseline.push(await baselineRun(run));
    results.push(await oneRun(run, sim));
  }
  // Requests per message as DataWarehouse served them: half pre-test (checkout, builds: 2), half
  // post-test (the tree: 1; walking, checkout, builds and a test listing per build: 2 + builds).
  const dwPerMsg = median(results.map((r) => r.dwPerMsg));
  const treesPerMsg = median(results.map((r) => r.treesPerMsg));
  const dwKbPerMsg = median(results.map((r) => r.dwKbPerMsg));
  const dwUs = treesPerMsg * floor.treeUs + (dwPerMsg - treesPerMsg) * floor.getUs;
  const floorMs = (dwUs + floor.ledgerUs) / 1000 + median(baseline.map((r) => r.cpuMsPerMsg));
  note(
    `# floor of this design here: DataWarehouse ${dwPerMsg.toFixed(2)} requests per message (${treesPerMsg.toFixed(2)} trees at ${floor.treeUs.toFixed(0)} us CPU each, ` +
      `the rest at ${floor.getUs.toFixed(0)} us), ledger ${floor.ledgerUs.toFixed(0)} us per notification, ` +
      `bare amqplib loop ${median(baseline.map((r) => r.cpuMsPerMsg)).toFixed(2)} ms: ${floorMs.toFixed(2)} ms CPU per message before any notifier logic`,
  );
  // Profiled runs carry the profiler's own cost: their figures are not comparable with the targets.
  const profiled = PROFILE ? ', PROFILED: not comparable' : '';
  if (PROFILE) note('# CKI_BENCH_PROFILE is set: the measured runs were profiled, so msgs_per_s and cpu_ms_per_msg are inflated');
  emit('cki-notifier', 'msgs_per_s', median(results.map((r) => r.rate)), `msg/s (target >= 2000${profiled})`);
  // Load-independent companion figure: CPU of the notifier process (publisher and results reader included) per message.
  emit('cki-notifier', 'cpu_ms_per_msg', median(results.map((r) => r.cpuMsPerMsg)), `ms (target <= 0.4${profiled})`);
  emit('cki-notifier', 'lost', Math.max(...results.map((r) => r.lost)), 'messages');
  emit('cki-notifier', 'dw_requests_per_msg', dwPerMsg, `DataWarehouse requests per message (CKI_DATAWAREHOUSE_TREE=${DW_TREE})`);
  emit('cki-notifier', 'dw_kb_per_msg', dwKbPerMsg, `KB of DataWarehouse answers per message (checkouts of ${SHAPE_BUILDS ?? 2} builds, ${SHAPE_TESTS === undefined ? '3 tests in all' : `${SHAPE_TESTS} tests each`})`);
  emit('cki-notifier', 'duplicated', Math.max(...results.map((r) => r.duplicated)), 'messages');
  emit('cki-notifier', 'baseline_msgs_per_s', median(baseline.map((r) => r.rate)), 'msg/s (bare amqplib)');
  emit('cki-notifier', 'baseline_cpu_ms_per_msg', median(baseline.map((r) => r.cpuMsPerMsg)), 'ms (bare amqplib)');
  emit('cki-notifier', 'baseline_lost', Math.max(...baseline.map((r) => r.lost)), 'messages');
  emit('cki-notifier', 'baseline_duplicated', Math.max(...baseline.map((r) => r.duplicated)), 'messages');
  emit('cki-notifier', 'msgs_per_s_ratio', median(results.map((r) => r.rate)) / median(baseline.map((r) => r.rate)), 'x notifier / bare amqplib');
  emit('cki-notifier', 'cpu_ratio', median(results.map((r) => r.cpuMsPerMsg)) / median(baseline.map((r) => r.cpuMsPerMsg)), 'x notifier / bare amqplib');
} finally {
  await sim.close();
}
