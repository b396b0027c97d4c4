/** In-memory stand-ins for the processor's collaborators (unit tests only). */
import { Registry } from 'prom-client';
import type { DataWarehouseReader, DwBuild, DwCheckout, DwIssueOccurrence, DwTest } from '../../../src/integrations/datawarehouse.ts';
import { NotificationLedger } from '../../../src/jobs/cki-notifier/ledger.ts';
import type { MergeRequestLookup, MergeRequestState } from '../../../src/jobs/cki-notifier/merge-request.ts';
import { createNotifierMetrics, type NotifierMetrics } from '../../../src/jobs/cki-notifier/metrics.ts';
import { NotificationProcessor, type ProcessorDeps } from '../../../src/jobs/cki-notifier/processor.ts';
import type { PublishMeta, ReadyForTestPublisher } from '../../../src/jobs/cki-notifier/publisher.ts';
import type { ReadyForTestMessage } from '../../../src/jobs/cki-notifier/ready-for-test.ts';
import { silentLogger } from '../../../src/log.ts';
import type { CheckoutTree } from '../../../src/sandbox/datawarehouse/index.ts';
import { MemoryLedgerStore } from './memory-store.ts';

export class FakeDataWarehouse implements DataWarehouseReader {
  checkouts = new Map<string, DwCheckout>();
  builds: DwBuild[] = [];
  tests: DwTest[] = [];
  occurrences: DwIssueOccurrence[] = [];
  calls: string[] = [];
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

  private maybeFail(call: string) {
    this.calls.push(call);
    const e = this.failNext;
    if (e) {
      this.failNext = undefined;
      throw e;
    }
  }

  async getCheckout(id: string) {
    this.maybeFail(`checkout ${id}`);
    const c = this.checkouts.get(id);
    return c ? structuredClone(c) : undefined;
  }
  async listBuilds(checkoutId: string) {
    this.maybeFail(`builds ${checkoutId}`);
    return structuredClone(this.builds.filter((b) => b.checkout_id === checkoutId));
  }
  async listTests(buildId: string) {
    this.maybeFail(`tests ${buildId}`);
    return structuredClone(this.tests.filter((t) => t.build_id === buildId));
  }
  async listIssueOccurrences(checkoutId: string) {
    this.maybeFail(`occurrences ${checkoutId}`);
    const builds = new Set(this.builds.filter((b) => b.checkout_id === checkoutId).map((b) => b.id));
    const tests = new Set(this.tests.filter((t) => builds.has(t.build_id)).map((t) => t.id));
    return structuredClone(this.occurrences.filter((o) => (o.build_id && builds.has(o.build_id)) || (o.test_id && tests.has(o.test_id))));
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

export function harness(over: Partial<ProcessorDeps> & { store?: MemoryLedgerStore; target?: 'amqp' | 'log' } = {}): Harness {
  const dw = new FakeDataWarehouse();
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
