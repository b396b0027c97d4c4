/** In-memory stand-ins for the processor's collaborators (unit tests only). */
import { Registry } from 'prom-client';
import type { DataWarehouseReader, DwBuild, DwCheckout, DwIssueOccurrence, DwTest, DwTreeAnswer } from '../../../src/integrations/datawarehouse.ts';
import { NotificationLedger } from '../../../src/jobs/cki-notifier/ledger.ts';
import type { MergeRequestLookup, MergeRequestState } from '../../../src/jobs/cki-notifier/merge-request.ts';
import { createNotifierMetrics, type NotifierMetrics } from '../../../src/jobs/cki-notifier/metrics.ts';
import { NotificationProcessor, type ProcessorDeps } from '../../../src/jobs/cki-notifier/processor.ts';
import type { PublishMeta, ReadyForTestPublisher } from '../../../src/jobs/cki-notifier/publisher.ts';
import type { ReadyForTestMessage } from '../../../src/jobs/cki-notifier/ready-for-test.ts';
import { silentLogger } from '../../../src/log.ts';
import type { CheckoutTree } from '../../../src/sandbox/datawarehouse/index.ts';
import { MemoryLedgerStore } from './memory-store.ts';

/** A DataWarehouse without the tree endpoint: the processor walks checkout → builds → tests. */
export class FakeDataWarehouse implements DataWarehouseReader {
  checkouts = new Map<string, DwCheckout>();
  builds: DwBuild[] = [];
  tests: DwTest[] = [];
  occurrences: DwIssueOccurrence[] = [];
  calls: string[] = [];
  /** The signal each call was handed, in call order. */
  signals: (AbortSignal | undefined)[] = [];
  failNext: Error | undefined;

  add(...trees: CheckoutTree[]): this {
    for (const t of trees) {
      this.checkouts.set(t.checkout.id, structuredClone(t.checkout));
      this.builds.push(...structuredClone(t.builds));
      this.tests.push(...structuredClone(t.tests));
      this.occurrences.push(...structuredClone(t.issueOccurrences));
    }
    return this;
  }

  protected maybeFail(call: string, signal?: AbortSignal) {
    this.calls.push(call);
    this.signals.push(signal);
    const e = this.failNext;
    if (e) {
      this.failNext = undefined;
      throw e;
    }
  }

  async getCheckout(id: string, signal?: AbortSignal) {
    this.maybeFail(`checkout ${id}`, signal);
    const c = this.checkouts.get(id);
    return c ? structuredClone(c) : undefined;
  }
  async listBuilds(checkoutId: string, signal?: AbortSignal) {
    this.maybeFail(`builds ${checkoutId}`, signal);
    return structuredClone(this.builds.filter((b) => b.checkout_id === checkoutId));
  }
  async listTests(buildId: string, signal?: AbortSignal) {
    this.maybeFail(`tests ${buildId}`, signal);
    return structuredClone(this.tests.filter((t) => t.build_id === buildId));
  }
  async listIssueOccurrences(checkoutId: string, signal?: AbortSignal) {
    this.maybeFail(`occurrences ${checkoutId}`, signal);
    return structuredClone(this.occurrencesOf(checkoutId));
  }
  protected occurrencesOf(checkoutId: string): DwIssueOccurrence[] {
    const builds = new Set(this.builds.filter((b) => b.checkout_id === checkoutId).map((b) => b.id));
    const tests = new Set(this.tests.filter((t) => builds.has(t.build_id)).map((t) => t.id));
    return this.occurrences.filter((o) => (o.build_id && builds.has(o.build_id)) || (o.test_id && tests.has(o.test_id)));
  }
}

/**
 * How TreeFakeDataWarehouse.getCheckoutTree answers, as DataWarehouseClient would: `tree` (a server
 * with /all), `tree-without-occurrences` (an /all answer without `issueoccurrences`),
 * `walk-with-checkout` (auto's first call to a server without /all: the probe read the checkout),
 * `walk` (the endpoint known absent: nothing read, whatever the id).
 */
export type FakeTreeAnswer = 'tree' | 'tree-without-occurrences' | 'walk-with-checkout' | 'walk';

/** A FakeDataWarehouse that also reads a checkout's whole tree in one call (`tree <id>` in `calls`). */
export class TreeFakeDataWarehouse extends FakeDataWarehouse {
  answer: FakeTreeAnswer;

  constructor(answer: FakeTreeAnswer = 'tree') {
    super();
    this.answer = answer;
  }

  async getCheckoutTree(id: string, signal?: AbortSignal): Promise<DwTreeAnswer> {
    this.maybeFail(`tree ${id}`, signal);
    if (this.answer === 'walk') return { kind: 'walk' };
    const checkout = this.checkouts.get(id);
    if (!checkout) return { kind: 'missing' };
    if (this.answer === 'walk-with-checkout') return { kind: 'walk', checkout: structuredClone(checkout) };
    const builds = this.builds.filter((b) => b.checkout_id === id);
    const buildIds = new Set(builds.map((b) => b.id));
    const tests = this.tests.filter((t) => buildIds.has(t.build_id));
    const issueOccurrences = this.answer === 'tree' ? { issueOccurrences: this.occurrencesOf(id) } : {};
    return { kind: 'tree', tree: structuredClone({ checkout, builds, tests, ...issueOccurrences }) };
  }
}

export class FakeMergeRequests implements MergeRequestLookup {
  mrs = new Map<string, MergeRequestState>();
  calls: string[] = [];
  async get(url: string): Promise<MergeRequestState> {
    this.calls.push(url);
    const mr = this.mrs.get(url);
    if (!mr) throw new Error(`GitLab found nothing at ${url}`);
    return { ...mr };
  }
}

export class CapturePublisher implements ReadyForTestPublisher {
  readonly target: 'amqp' | 'log';
  published: { message: ReadyForTestMessage; meta: PublishMeta }[] = [];
  failures = 0;
  constructor(target: 'amqp' | 'log' = 'amqp') {
    this.target = target;
  }
  async publish(message: ReadyForTestMessage, meta: PublishMeta): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker refused');
    }
    this.published.push({ message, meta });
  }
  async close(): Promise<void> {}
}

export interface Harness {
  dw: FakeDataWarehouse;
  mrs: FakeMergeRequests;
  publisher: CapturePublisher;
  store: MemoryLedgerStore;
  metrics: NotifierMetrics;
  registry: Registry;
  processor: NotificationProcessor;
  notices: string[];
}

/** `dw`: the DataWarehouse fake to use (default a walking FakeDataWarehouse). */
export function harness(over: Partial<ProcessorDeps> & { store?: MemoryLedgerStore; target?: 'amqp' | 'log'; dw?: FakeDataWarehouse } = {}): Harness {
  const dw = over.dw ?? new FakeDataWarehouse();
  const mrs = new FakeMergeRequests();
  const publisher = new CapturePublisher(over.target);
  const store = over.store ?? new MemoryLedgerStore();
  const registry = new Registry();
  const metrics = createNotifierMetrics(registry);
  const notices: string[] = [];
  const processor = new NotificationProcessor({
    datawarehouse: dw,
    mergeRequests: mrs,
    ledger: new NotificationLedger(store),
    publisher,
    logger: silentLogger,
    metrics,
    environment: 'production',
    notify: async (t) => void notices.push(t),
    ...over,
  });
  return { dw, mrs, publisher, store, metrics, registry, processor, notices };
}
