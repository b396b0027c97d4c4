/**
 * Where the processor reads one checkout's data from: the tree DataWarehouse hands over in one
 * request (`/checkouts/$id/all`), or the walk: the checkout and its builds side by side, then the
 * tests of each build only when a rule needs them (a pre-test message never lists tests). The tree is asked for only when the tests may be needed: it carries
 * every test of the checkout (planned ones too, hundreds on a real kernel checkout), which a
 * pre-test message would download and parse for nothing, where its walk is two small reads.
 * The processor asks the same questions either way.
 */
import type { DataWarehouseReader, DwBuild, DwCheckout, DwIssueOccurrence, DwTest, DwTreeAnswer } from '../../integrations/datawarehouse.ts';
import { mapLimit } from '../../limit.ts';

export interface CheckoutData {
  checkout: DwCheckout;
  /** `tree` when one request brought everything, `walk` when each list is its own request. */
  source: 'tree' | 'walk';
  builds(): Promise<DwBuild[]>;
  /** The tests of these builds. */
  tests(builds: readonly DwBuild[]): Promise<DwTest[]>;
  /** The checkout tree's issue occurrences. */
  issueOccurrences(): Promise<DwIssueOccurrence[]>;
}

export interface LoadOptions {
  signal?: AbortSignal | undefined;
  /** Whether the decisions may read the tests (post-test); without them the walk is cheaper. */
  needsTests: boolean;
  /** Test listings in flight at once when walking (one per build). */
  testListConcurrency: number;
}

/** undefined when DataWarehouse does not know the checkout. */
export async function loadCheckoutData(dw: DataWarehouseReader, id: string, opts: LoadOptions): Promise<CheckoutData | undefined> {
  const { signal } = opts;
  const answer: DwTreeAnswer = opts.needsTests && dw.getCheckoutTree ? await dw.getCheckoutTree(id, signal) : { kind: 'walk' };
  if (answer.kind === 'missing') return undefined;
  if (answer.kind === 'tree') {
    const { tree } = answer;
    return {
      checkout: tree.checkout,
      source: 'tree',
      builds: async () => tree.builds,
      tests: async (builds) => {
        const wanted = new Set(builds.map((b) => b.id));
        return tree.tests.filter((t) => wanted.has(t.build_id));
      },
      issueOccurrences: () => (tree.issueOccurrences ? Promise.resolve(tree.issueOccurrences) : dw.listIssueOccurrences(tree.checkout.id, signal)),
    };
  }
  // The builds listing needs only the id: it is asked alongside the checkout, so a walk waits for
  // one round trip less. The message was already screened for retriggered and foreign checkouts,
  // so the listing is wasted only for a checkout DataWarehouse reports dropped (invalid, or a
  // stale message) or unknown, and for manual triggers, which carry no object to screen.
  const checkoutRead = answer.checkout ? Promise.resolve(answer.checkout) : dw.getCheckout(id, signal);
  const buildsRead = dw.listBuilds(id, signal);
  buildsRead.catch(() => undefined); // not asked for when the checkout is dropped or unknown
  const checkout = await checkoutRead;
  if (!checkout) return undefined;
  return {
    checkout,
    source: 'walk',
    builds: () => buildsRead,
    tests: async (builds) => (await mapLimit(builds, opts.testListConcurrency, (b) => dw.listTests(b.id, signal))).flat(),
    issueOccurrences: () => dw.listIssueOccurrences(checkout.id, signal),
  };
}
