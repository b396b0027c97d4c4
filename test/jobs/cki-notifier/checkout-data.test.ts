import { describe, expect, it } from 'vitest';
import { loadCheckoutData } from '../../../src/jobs/cki-notifier/checkout-data.ts';
import { checkoutTree } from '../../../src/sandbox/datawarehouse/index.ts';
import { FakeDataWarehouse, TreeFakeDataWarehouse } from './fakes.ts';

const opts = { needsTests: true, testListConcurrency: 4 };
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

/** Two builds (x86_64 with a triaged FAIL, aarch64 with a PASS), and a second checkout beside it. */
function trees(n: number) {
  const t = checkoutTree({ n, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', triaged: true }] }, { arch: 'aarch64', tests: [{ path: 'a' }] }] });
  const other = checkoutTree({ n: n + 1, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
  return { t, other };
}

describe('loadCheckoutData', () => {
  it('a reader with getCheckoutTree: one call, then builds, tests and occurrences come from the tree', async () => {
    const { t, other } = trees(300);
    const dw = new TreeFakeDataWarehouse().add(t, other);
    const data = await loadCheckoutData(dw, t.checkout.id, opts);
    expect(data?.source).toBe('tree');
    expect(data?.checkout.id).toBe(t.checkout.id);
    const builds = await data!.builds();
    expect(ids(builds)).toEqual(ids(t.builds));
    // The tests of the builds asked for, not of the whole tree.
    expect(ids(await data!.tests(builds.slice(1)))).toEqual(ids(t.tests.filter((x) => x.build_id === builds[1]!.id)));
    expect(ids(await data!.tests(builds))).toEqual(ids(t.tests));
    expect((await data!.issueOccurrences()).map((o) => o.test_id)).toEqual([t.tests[1]!.id]);
    expect(dw.calls).toEqual([`tree ${t.checkout.id}`]);
  });

  it('a tree without issue occurrences reads them with listIssueOccurrences, only when asked', async () => {
    const { t, other } = trees(302);
    const dw = new TreeFakeDataWarehouse('tree-without-occurrences').add(t, other);
    const data = await loadCheckoutData(dw, t.checkout.id, opts);
    expect(data?.source).toBe('tree');
    await data!.tests(await data!.builds());
    expect(dw.calls).toEqual([`tree ${t.checkout.id}`]);
    expect((await data!.issueOccurrences()).map((o) => o.test_id)).toEqual([t.tests[1]!.id]);
    expect(dw.calls).toEqual([`tree ${t.checkout.id}`, `occurrences ${t.checkout.id}`]);
  });

  it('walk with the checkout (auto just learned there is no /all): the checkout is not read again', async () => {
    const { t } = trees(304);
    const dw = new TreeFakeDataWarehouse('walk-with-checkout').add(t);
    const data = await loadCheckoutData(dw, t.checkout.id, opts);
    expect(data).toMatchObject({ source: 'walk', checkout: { id: t.checkout.id } });
    // The builds listing starts at once; the checkout is not read again.
    expect(dw.calls).toEqual([`tree ${t.checkout.id}`, `builds ${t.checkout.id}`]);
    const builds = await data!.builds();
    expect(ids(await data!.tests(builds))).toEqual(ids(t.tests));
    await data!.issueOccurrences();
    expect(dw.calls).toEqual([`tree ${t.checkout.id}`, `builds ${t.checkout.id}`, ...t.builds.map((b) => `tests ${b.id}`), `occurrences ${t.checkout.id}`]);
  });

  it('walk without the checkout reads it with its builds side by side; a reader without getCheckoutTree walks from the start', async () => {
    const { t } = trees(306);
    const treeless = new TreeFakeDataWarehouse('walk').add(t);
    const data = await loadCheckoutData(treeless, t.checkout.id, opts);
    expect(data).toMatchObject({ source: 'walk', checkout: { id: t.checkout.id } });
    expect(treeless.calls).toEqual([`tree ${t.checkout.id}`, `checkout ${t.checkout.id}`, `builds ${t.checkout.id}`]);
    // The listing already asked is the one handed over: no second request.
    expect((await data!.builds()).map((b) => b.id)).toEqual(t.builds.map((b) => b.id));
    expect(treeless.calls).toHaveLength(3);
    const walking = new FakeDataWarehouse().add(t);
    expect(await loadCheckoutData(walking, t.checkout.id, opts)).toMatchObject({ source: 'walk', checkout: { id: t.checkout.id } });
    expect(walking.calls).toEqual([`checkout ${t.checkout.id}`, `builds ${t.checkout.id}`]);
  });

  it('walking, a failed builds listing of a checkout that is unknown (or never asked for) is no unhandled rejection', async () => {
    const { t } = trees(307);
    const dw = new FakeDataWarehouse().add(t);
    dw.listBuilds = () => Promise.reject(new Error('DataWarehouse did not answer listing builds: 503'));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(await loadCheckoutData(dw, 'redhat:404307', opts)).toBeUndefined();
      const data = await loadCheckoutData(dw, t.checkout.id, opts);
      // Asked for, the failure reaches the caller.
      await expect(data!.builds()).rejects.toThrow('503');
      // Let a turn pass for Node to report unhandled rejections.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('undefined for a checkout DataWarehouse does not know, whichever way it is read', async () => {
    const tree = new TreeFakeDataWarehouse();
    expect(await loadCheckoutData(tree, 'redhat:404', opts)).toBeUndefined();
    expect(tree.calls).toEqual(['tree redhat:404']);
    const walk = new TreeFakeDataWarehouse('walk');
    expect(await loadCheckoutData(walk, 'redhat:404', opts)).toBeUndefined();
    expect(walk.calls).toEqual(['tree redhat:404', 'checkout redhat:404', 'builds redhat:404']);
  });

  it('without tests to read (pre-test), the tree is not asked for: the walk reads the checkout and, when asked, the builds', async () => {
    const t = checkoutTree({ n: 8101, builds: [{ arch: 'x86_64', tests: [{ path: 'boot' }] }] });
    const dw = new TreeFakeDataWarehouse('tree').add(t);
    const data = await loadCheckoutData(dw, t.checkout.id, { needsTests: false, testListConcurrency: 4 });
    expect(data?.source).toBe('walk');
    expect((await data!.builds()).map((b) => b.id)).toEqual(t.builds.map((b) => b.id));
    expect(dw.calls).toEqual([`checkout ${t.checkout.id}`, `builds ${t.checkout.id}`]);
  });

  it("the caller's signal reaches every read", async () => {
    const { t } = trees(308);
    const signal = new AbortController().signal;
    for (const dw of [new TreeFakeDataWarehouse('tree-without-occurrences').add(t), new TreeFakeDataWarehouse('walk').add(t)]) {
      const data = await loadCheckoutData(dw, t.checkout.id, { ...opts, signal });
      await data!.tests(await data!.builds());
      await data!.issueOccurrences();
      expect(dw.calls.length).toBeGreaterThan(1);
      expect(dw.signals).toEqual(dw.calls.map(() => signal));
    }
  });
});
