/**
 * DataWarehouseClient.getCheckoutTree against the simulated DataWarehouse over real HTTP: the one
 * request of `/checkouts/<id>/all`, and how `auto` learns that a server has no such endpoint.
 * Answers the simulator cannot give (another shape, foreign objects) come from a fetch that
 * stands in front of it for `/all` only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataWarehouseClient, type DataWarehouseClientOptions, type DwTreeAnswer } from '../../src/integrations/datawarehouse.ts';
import { IntegrationError, type FetchLike } from '../../src/integrations/http.ts';
import { SimulatedDataWarehouse, checkoutTree, type CheckoutTree } from '../../src/sandbox/datawarehouse/index.ts';

const TOKEN = 'dw-token';
let sim: SimulatedDataWarehouse;
/** A DataWarehouse without the tree endpoint (answers 404 to /all, as Django does for an unknown route). */
let bare: SimulatedDataWarehouse;

beforeAll(async () => {
  [sim, bare] = await Promise.all([SimulatedDataWarehouse.start({ token: TOKEN, maxPageSize: 2 }), SimulatedDataWarehouse.start({ token: TOKEN, maxPageSize: 2, treeEndpoint: false })]);
});
afterAll(async () => {
  await Promise.all([sim.close(), bare.close()]);
});
beforeEach(() => {
  for (const s of [sim, bare]) {
    s.clearCalls();
    s.clearFaults();
  }
});

const clients: DataWarehouseClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

/** A client on `server` that records what onNoTree was told. */
function client(server: SimulatedDataWarehouse, opts: Partial<DataWarehouseClientOptions> = {}) {
  const noTree: string[] = [];
  const refused: string[] = [];
  const dw = new DataWarehouseClient({
    baseUrl: server.url,
    token: TOKEN,
    minRetryDelayMs: 1,
    maxRetryDelayMs: 2,
    onNoTree: (r) => void noTree.push(r),
    onTreeRefused: (r) => void refused.push(r),
    ...opts,
  });
  clients.push(dw);
  return { dw, noTree, refused };
}

let seq = 9000;
/** A fresh checkout (2 builds, 5 tests, a triaged FAIL and a triaged build) seeded into both simulators. */
function seeded(): CheckoutTree {
  const t = checkoutTree({
    n: ++seq,
    builds: [
      { arch: 'x86_64', tests: [{ path: 'boot' }, { path: 'ltp', status: 'FAIL', triaged: true }, { path: 'kselftest' }] },
      { arch: 'aarch64', valid: false, triaged: true, tests: [{ path: 'boot' }, { path: 'ltp' }] },
    ],
  });
  sim.seedTree(t);
  bare.seedTree(t);
  return t;
}

const ALL = (id: string) => `/api/1/kcidb/checkouts/${id}/all`;
const CHECKOUT = (id: string) => `/api/1/kcidb/checkouts/${id}`;
const calls = (s: SimulatedDataWarehouse) => s.calls().map((c) => `${c.status} ${c.path}`);
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id).sort();
const urlOf = (input: Parameters<FetchLike>[0]) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
const jsonAnswer = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/**
 * A fetch that sends everything to the simulator but answers `/all` itself with `answer(path)`;
 * `asked` lists the `/all` paths it answered.
 */
function answeringAll(answer: (path: string) => Promise<unknown> | unknown) {
  const asked: string[] = [];
  const fetchAll: FetchLike = async (input, init) => {
    const url = new URL(urlOf(input));
    if (!url.pathname.endsWith('/all')) return fetch(input, init);
    asked.push(decodeURIComponent(url.pathname));
    return jsonAnswer(await answer(url.pathname));
  };
  return { fetch: fetchAll, asked };
}

/** The simulator's own /all answer for `id`. */
async function simTree(id: string): Promise<{ checkouts: unknown[]; builds: unknown[]; tests: unknown[]; issueoccurrences: unknown[] }> {
  const res = await fetch(`${sim.url}${ALL(encodeURIComponent(id))}`, { headers: { authorization: `Token ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

function treeOf(answer: DwTreeAnswer) {
  if (answer.kind !== 'tree') throw new Error(`expected a tree, got ${JSON.stringify(answer)}`);
  return answer.tree;
}

describe('getCheckoutTree: a DataWarehouse with /checkouts/<id>/all', () => {
  it('one request brings the checkout, its builds, their tests and the issue occurrences', async () => {
    const t = seeded();
    const { dw, noTree } = client(sim);
    const tree = treeOf(await dw.getCheckoutTree(t.checkout.id));
    expect(tree.checkout).toMatchObject({ id: t.checkout.id, origin: 'redhat', misc: { iid: t.checkout.misc?.iid } });
    expect(ids(tree.builds)).toEqual(ids(t.builds));
    // 5 tests: two pages each of listTests at maxPageSize 2, one answer here.
    expect(ids(tree.tests)).toEqual(ids(t.tests));
    expect(tree.tests).toHaveLength(5);
    expect(tree.issueOccurrences?.map((o) => o.issue.id).sort()).toEqual(t.issueOccurrences.map((o) => o.issue.id).sort());
    expect(tree.issueOccurrences).toHaveLength(2);
    expect(sim.calls()).toMatchObject([{ path: ALL(t.checkout.id), status: 200, auth: 'token' }]);
    expect(noTree).toEqual([]);
  });

  it('finds the checkout by its iid', async () => {
    const t = seeded();
    const { dw } = client(sim);
    const tree = treeOf(await dw.getCheckoutTree(String(t.checkout.misc?.iid)));
    expect(tree.checkout.id).toBe(t.checkout.id);
    expect(ids(tree.builds)).toEqual(ids(t.builds));
    expect(ids(tree.tests)).toEqual(ids(t.tests));
    expect(calls(sim)).toEqual([`200 ${ALL(String(t.checkout.misc?.iid))}`]);
  });

  it('auto: an unknown checkout is missing, costs a probe, and the next call still asks /all', async () => {
    const t = seeded();
    const { dw, noTree } = client(sim);
    expect(await dw.getCheckoutTree('redhat:404404')).toEqual({ kind: 'missing' });
    expect(calls(sim)).toEqual([`404 ${ALL('redhat:404404')}`, `404 ${CHECKOUT('redhat:404404')}`]);
    expect(noTree).toEqual([]);
    sim.clearCalls();
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    expect(calls(sim)).toEqual([`200 ${ALL(t.checkout.id)}`]);
  });

  it('auto: once /all has answered a tree, a 404 is still checked: an unknown checkout is missing, one that exists is walked alone', async () => {
    const t = seeded();
    const other = seeded();
    const { dw, noTree, refused } = client(sim);
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    sim.clearCalls();
    expect(await dw.getCheckoutTree('redhat:404405')).toEqual({ kind: 'missing' });
    expect(calls(sim)).toEqual([`404 ${ALL('redhat:404405')}`, `404 ${CHECKOUT('redhat:404405')}`]);
    // /all 404s for a checkout the checkout endpoint knows (a lagging replica, say): that one is walked, not lost.
    sim.clearCalls();
    sim.injectFault({ path: ALL(other.checkout.id), status: 404 });
    expect(await dw.getCheckoutTree(other.checkout.id)).toMatchObject({ kind: 'walk', checkout: { id: other.checkout.id } });
    expect(calls(sim)).toEqual([`404 ${ALL(other.checkout.id)}`, `200 ${CHECKOUT(other.checkout.id)}`]);
    expect(refused).toEqual([expect.stringMatching(new RegExp(`answered 404 to /all of checkout ${other.checkout.id}, which exists: walking this checkout`))]);
    expect(noTree).toEqual([]);
    // The endpoint is still trusted: the next checkout asks /all again.
    sim.clearCalls();
    expect((await dw.getCheckoutTree(other.checkout.id)).kind).toBe('tree');
    expect(calls(sim)).toEqual([`200 ${ALL(other.checkout.id)}`]);
  });

  it('tree mode: an unknown checkout is missing; before /all ever answered, the checkout endpoint confirms it', async () => {
    const { dw, noTree } = client(sim, { tree: 'tree' });
    expect(await dw.getCheckoutTree('redhat:404406')).toEqual({ kind: 'missing' });
    expect(calls(sim)).toEqual([`404 ${ALL('redhat:404406')}`, `404 ${CHECKOUT('redhat:404406')}`]);
    const t = seeded();
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    sim.clearCalls();
    expect(await dw.getCheckoutTree('redhat:404408')).toEqual({ kind: 'missing' });
    expect(calls(sim)).toEqual([`404 ${ALL('redhat:404408')}`, `404 ${CHECKOUT('redhat:404408')}`]);
    expect(noTree).toEqual([]);
  });

  it('a 500 is an error, not an absent endpoint: no probe, and the next call asks /all again', async () => {
    const t = seeded();
    const { dw, noTree } = client(sim, { retries: 0 });
    sim.injectFault({ path: ALL(t.checkout.id), status: 500 });
    const err = await dw.getCheckoutTree(t.checkout.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ status: 500, message: expect.stringContaining(`loading the tree of checkout ${t.checkout.id}`) });
    expect(calls(sim)).toEqual([`500 ${ALL(t.checkout.id)}`]);
    expect(noTree).toEqual([]);
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
  });

  it('a 503 is retried on /all and then answers the tree', async () => {
    const t = seeded();
    const { dw } = client(sim);
    sim.injectFault({ path: ALL(t.checkout.id), status: 503, retryAfterSeconds: 0, times: 2 });
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    expect(calls(sim)).toEqual([`503 ${ALL(t.checkout.id)}`, `503 ${ALL(t.checkout.id)}`, `200 ${ALL(t.checkout.id)}`]);
  });

  it('tree mode: a 405 before /all ever answered names the missing endpoint; after it answered, that checkout is walked', async () => {
    const t = seeded();
    const { dw, noTree, refused } = client(sim, { tree: 'tree', retries: 0 });
    sim.injectFault({ path: ALL(t.checkout.id), status: 405 });
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', status: 405, message: expect.stringContaining('has no usable tree endpoint') });
    expect(calls(sim)).toEqual([`405 ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    sim.clearCalls();
    sim.injectFault({ path: ALL(t.checkout.id), status: 405 });
    expect(await dw.getCheckoutTree(t.checkout.id)).toMatchObject({ kind: 'walk', checkout: { id: t.checkout.id } });
    expect(calls(sim)).toEqual([`405 ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    expect(refused).toHaveLength(1);
    expect(noTree).toEqual([]);
  });

  it('walk mode never asks /all, nor anything else', async () => {
    const t = seeded();
    const { dw, noTree } = client(sim, { tree: 'walk' });
    expect(await dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(await dw.getCheckoutTree('redhat:404407')).toEqual({ kind: 'walk' });
    expect(sim.calls()).toEqual([]);
    expect(noTree).toEqual([]);
  });
});

describe('getCheckoutTree: a DataWarehouse without /all (treeEndpoint: false)', () => {
  it('auto: 404 then the checkout exists -> walk from that checkout, told once; later calls ask nothing', async () => {
    const t = seeded();
    const other = seeded();
    const { dw, noTree } = client(bare);
    const first = await dw.getCheckoutTree(t.checkout.id);
    expect(first).toMatchObject({ kind: 'walk', checkout: { id: t.checkout.id, misc: { iid: t.checkout.misc?.iid } } });
    expect(calls(bare)).toEqual([`404 ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    expect(noTree).toHaveLength(1);
    expect(noTree[0]).toMatch(new RegExp(`404 to /all of checkout ${t.checkout.id}, which exists`));
    bare.clearCalls();
    // Absent for good: no /all, and no probe (the walk reads the checkout itself).
    expect(await dw.getCheckoutTree(other.checkout.id)).toEqual({ kind: 'walk' });
    expect(await dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(bare.calls()).toEqual([]);
    expect(noTree).toHaveLength(1);
  });

  it('auto: an unknown checkout is missing and leaves the endpoint unknown (the next call asks /all)', async () => {
    const t = seeded();
    const { dw, noTree } = client(bare);
    expect(await dw.getCheckoutTree('redhat:404408')).toEqual({ kind: 'missing' });
    expect(calls(bare)).toEqual([`404 ${ALL('redhat:404408')}`, `404 ${CHECKOUT('redhat:404408')}`]);
    expect(noTree).toEqual([]);
    bare.clearCalls();
    expect(await dw.getCheckoutTree(t.checkout.id)).toMatchObject({ kind: 'walk', checkout: { id: t.checkout.id } });
    expect(calls(bare)).toEqual([`404 ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    expect(noTree).toHaveLength(1);
  });

  it('auto: two first calls at once both probe, and onNoTree is told once', async () => {
    const a = seeded();
    const b = seeded();
    const { dw, noTree } = client(bare);
    const answers = await Promise.all([dw.getCheckoutTree(a.checkout.id), dw.getCheckoutTree(b.checkout.id)]);
    expect(answers).toMatchObject([
      { kind: 'walk', checkout: { id: a.checkout.id } },
      { kind: 'walk', checkout: { id: b.checkout.id } },
    ]);
    expect(noTree).toHaveLength(1);
  });

  it.each([400, 405])('auto: a %i on /all for a checkout that exists also means no endpoint', async (status) => {
    const t = seeded();
    const { dw, noTree } = client(sim);
    sim.injectFault({ path: ALL(t.checkout.id), status });
    expect(await dw.getCheckoutTree(t.checkout.id)).toMatchObject({ kind: 'walk', checkout: { id: t.checkout.id } });
    expect(calls(sim)).toEqual([`${status} ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    expect(noTree).toEqual([expect.stringContaining(`answered ${status} to /all`)]);
  });

  it('tree mode on a server without /all is an error naming the setting, not a checkout skipped as unknown', async () => {
    const t = seeded();
    const { dw, noTree } = client(bare, { tree: 'tree' });
    const err = await dw.getCheckoutTree(t.checkout.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ status: 404, message: expect.stringMatching(/has no usable tree endpoint .*CKI_DATAWAREHOUSE_TREE=tree needs it; auto or walk/) });
    expect(calls(bare)).toEqual([`404 ${ALL(t.checkout.id)}`, `200 ${CHECKOUT(t.checkout.id)}`]);
    // Forced: every call asks again (and fails again), nothing is learned.
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toBeInstanceOf(IntegrationError);
    expect(noTree).toEqual([]);
  });
});

describe('getCheckoutTree: answers of another shape', () => {
  /** What a list view answers: a DRF page. */
  const page = { count: 1, next: null, previous: null, results: [{ id: 'redhat:1-x86_64-kernel', checkout_id: 'redhat:1', origin: 'redhat' }] };

  it('auto: a paginated body -> walk (checkout not read yet), told once, later calls ask nothing', async () => {
    const t = seeded();
    const f = answeringAll(() => page);
    const { dw, noTree } = client(sim, { fetch: f.fetch });
    expect(await dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(f.asked).toEqual([ALL(t.checkout.id)]);
    expect(noTree).toEqual([expect.stringMatching(new RegExp(`/all of checkout ${t.checkout.id}: unexpected answer: .*checkouts`))]);
    expect(await dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(f.asked).toHaveLength(1);
    expect(sim.calls()).toEqual([]);
    expect(noTree).toHaveLength(1);
  });

  it('auto: a 200 that is not JSON (a proxy page) -> walk, told once; tree mode: IntegrationError', async () => {
    const t = seeded();
    const html: FetchLike = async (input, init) =>
      new URL(urlOf(input)).pathname.endsWith('/all') ? new Response('<html>Welcome</html>', { status: 200, headers: { 'content-type': 'text/html' } }) : fetch(input, init);
    const auto = client(sim, { fetch: html });
    expect(await auto.dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(auto.noTree).toEqual([expect.stringContaining(`/all of checkout ${t.checkout.id}: the answer was not JSON`)]);
    const forced = client(sim, { fetch: html, tree: 'tree' });
    await expect(forced.dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', status: 200, message: expect.stringContaining('the answer was not JSON') });
  });

  it('a 501 is a server error like any 5xx (retried, then thrown), not a missing endpoint', async () => {
    const t = seeded();
    const { dw, noTree } = client(sim, { retries: 1 });
    sim.injectFault({ path: ALL(t.checkout.id), status: 501, times: 2 });
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', status: 501 });
    expect(calls(sim)).toEqual([`501 ${ALL(t.checkout.id)}`, `501 ${ALL(t.checkout.id)}`]);
    expect(noTree).toEqual([]);
  });

  it('once /all has answered, one unusable answer walks that checkout only and keeps the endpoint', async () => {
    const good = seeded();
    const bad = seeded();
    // The simulator's own answer, but for `bad` a test lacks its required id.
    const f = answeringAll(async (path) => {
      const id = decodeURIComponent(path.split('/')[5]!);
      const tree = await simTree(id);
      if (id === bad.checkout.id) (tree.tests[0] as Record<string, unknown>).id = 42;
      return tree;
    });
    const { dw, noTree, refused } = client(sim, { fetch: f.fetch });
    expect((await dw.getCheckoutTree(good.checkout.id)).kind).toBe('tree');
    expect(await dw.getCheckoutTree(bad.checkout.id)).toEqual({ kind: 'walk' });
    expect(refused).toEqual([expect.stringMatching(new RegExp(`/all of checkout ${bad.checkout.id}: unexpected answer: tests.0.id.*walking this checkout`))]);
    expect(noTree).toEqual([]);
    expect((await dw.getCheckoutTree(good.checkout.id)).kind).toBe('tree');
    expect(f.asked).toEqual([ALL(good.checkout.id), ALL(bad.checkout.id), ALL(good.checkout.id)]);
  });

  it('a good answer still in flight when the endpoint is found absent does not bring it back', async () => {
    const slow = seeded();
    const absent = seeded();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let askedSlow!: () => void;
    const slowAsked = new Promise<void>((r) => (askedSlow = r));
    const f = answeringAll(async (path) => {
      const id = decodeURIComponent(path.split('/')[5]!);
      askedSlow();
      await gate;
      return simTree(id);
    });
    // 404 for `absent` (a server without /all would answer so); `slow` is held until released.
    const fetch404: FetchLike = async (input, init) => {
      const url = new URL(urlOf(input));
      if (url.pathname.endsWith('/all') && decodeURIComponent(url.pathname).includes(absent.checkout.id)) {
        return new Response(JSON.stringify({ detail: 'Not found.' }), { status: 404, headers: { 'content-type': 'application/json' } });
      }
      return f.fetch(input, init);
    };
    const { dw, noTree } = client(sim, { fetch: fetch404 });
    const pending = dw.getCheckoutTree(slow.checkout.id);
    await slowAsked;
    expect(await dw.getCheckoutTree(absent.checkout.id)).toMatchObject({ kind: 'walk', checkout: { id: absent.checkout.id } });
    expect(noTree).toHaveLength(1);
    release();
    expect((await pending).kind).toBe('tree');
    // Found absent for good: the next call asks nothing of /all.
    expect(await dw.getCheckoutTree(slow.checkout.id)).toEqual({ kind: 'walk' });
    expect(f.asked).toEqual([ALL(slow.checkout.id)]);
  });

  it('tree mode: a paginated body is an IntegrationError, and the next call asks /all again', async () => {
    const t = seeded();
    const f = answeringAll(() => page);
    const { dw, noTree } = client(sim, { fetch: f.fetch, tree: 'tree' });
    const err = await dw.getCheckoutTree(t.checkout.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ system: 'DataWarehouse', status: 200, message: expect.stringMatching(/no usable tree endpoint \(\/all of checkout .*: unexpected answer/) });
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toBeInstanceOf(IntegrationError);
    expect(f.asked).toHaveLength(2);
    expect(noTree).toEqual([]);
  });

  it('auto: a tree that does not hold the checkout -> walk, told once; tree mode: IntegrationError', async () => {
    const t = seeded();
    const other = seeded();
    const f = answeringAll(() => simTree(other.checkout.id));
    const auto = client(sim, { fetch: f.fetch });
    expect(await auto.dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(auto.noTree).toEqual([expect.stringContaining(`the answer does not hold checkout ${t.checkout.id}`)]);
    const forced = client(sim, { fetch: f.fetch, tree: 'tree' });
    await expect(forced.dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', message: expect.stringContaining(`does not hold checkout ${t.checkout.id}`) });
    expect(forced.noTree).toEqual([]);
  });

  it('builds of another checkout and tests of other builds in the answer are left out', async () => {
    const t = seeded();
    const other = seeded();
    const f = answeringAll(async () => {
      const [mine, theirs] = await Promise.all([simTree(t.checkout.id), simTree(other.checkout.id)]);
      // Interleaved, and a test naming a build nobody listed.
      return {
        version: { major: 4, minor: 3 },
        checkouts: [...theirs.checkouts, ...mine.checkouts],
        builds: [...theirs.builds, ...mine.builds],
        tests: [...theirs.tests, ...mine.tests, { id: 'redhat:orphan-t0', build_id: 'redhat:orphan-kernel', origin: 'redhat', path: 'boot', status: 'FAIL' }],
        issueoccurrences: mine.issueoccurrences,
      };
    });
    const { dw, noTree } = client(sim, { fetch: f.fetch });
    const tree = treeOf(await dw.getCheckoutTree(t.checkout.id));
    expect(tree.checkout.id).toBe(t.checkout.id);
    expect(ids(tree.builds)).toEqual(ids(t.builds));
    expect(ids(tree.tests)).toEqual(ids(t.tests));
    expect(noTree).toEqual([]);
  });

  it('KCIDB leaves empty lists out: an answer without builds or tests (and null occurrences) is a tree with none', async () => {
    const t = seeded();
    const f = answeringAll(async (path) => {
      const tree = await simTree(decodeURIComponent(path.split('/')[5]!));
      return { version: { major: 4, minor: 3 }, checkouts: tree.checkouts, issueoccurrences: null };
    });
    const { dw, noTree, refused } = client(sim, { fetch: f.fetch, tree: 'tree' });
    const got = treeOf(await dw.getCheckoutTree(t.checkout.id));
    expect(got.checkout.id).toBe(t.checkout.id);
    expect(got.builds).toEqual([]);
    expect(got.tests).toEqual([]);
    expect(got).not.toHaveProperty('issueOccurrences');
    expect([...noTree, ...refused]).toEqual([]);
  });

  it('once /all works, a tree that fails past its retries (5xx, timeout) is walked; a 429 or an unknown endpoint still fails', async () => {
    const t = seeded();
    const { dw, noTree, refused } = client(sim, { retries: 1 });
    // Unknown endpoint: a 503 says nothing about it, so it fails as any DataWarehouse failure.
    sim.injectFault({ path: ALL(t.checkout.id), status: 503, retryAfterSeconds: 0, times: 2 });
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', status: 503 });
    expect((await dw.getCheckoutTree(t.checkout.id)).kind).toBe('tree');
    sim.clearCalls();
    sim.injectFault({ path: ALL(t.checkout.id), status: 503, retryAfterSeconds: 0, times: 2 });
    expect(await dw.getCheckoutTree(t.checkout.id)).toEqual({ kind: 'walk' });
    expect(calls(sim)).toEqual([`503 ${ALL(t.checkout.id)}`, `503 ${ALL(t.checkout.id)}`]);
    expect(refused).toEqual([expect.stringMatching(new RegExp(`/all of checkout ${t.checkout.id} failed .*503.*: walking this checkout`))]);
    expect(noTree).toEqual([]);
    // Rate limited: walking would only ask more of a server that asked for less.
    sim.injectFault({ path: ALL(t.checkout.id), status: 429, retryAfterSeconds: 0, times: 2 });
    await expect(dw.getCheckoutTree(t.checkout.id)).rejects.toMatchObject({ name: 'IntegrationError', status: 429 });
    expect(refused).toHaveLength(1);
  });

  it('an answer without issueoccurrences is a tree whose occurrences are left to listIssueOccurrences', async () => {
    const t = seeded();
    const f = answeringAll(async () => {
      const { issueoccurrences: _dropped, ...rest } = await simTree(t.checkout.id);
      return rest;
    });
    const { dw, noTree } = client(sim, { fetch: f.fetch, tree: 'tree' });
    const tree = treeOf(await dw.getCheckoutTree(t.checkout.id));
    expect(tree).not.toHaveProperty('issueOccurrences');
    expect(ids(tree.tests)).toEqual(ids(t.tests));
    expect(noTree).toEqual([]);
  });
});
