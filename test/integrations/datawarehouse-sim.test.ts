import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataWarehouseClient } from '../../src/integrations/datawarehouse.ts';
import { SimulatedDataWarehouse, checkoutTree } from '../../src/sandbox/datawarehouse/index.ts';

let sim: SimulatedDataWarehouse;
beforeAll(async () => {
  sim = await SimulatedDataWarehouse.start({ token: 'dw-token', maxPageSize: 2 });
});
afterAll(async () => {
  await sim.close();
});

describe('DataWarehouseClient against the simulated DataWarehouse over HTTP', () => {
  it('walks paginated builds and tests and finds occurrences of the whole tree', async () => {
    const tree = checkoutTree({
      n: 501,
      builds: [
        { arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', triaged: true }, { path: 'c' }, { path: 'd' }, { path: 'e' }] },
        { arch: 'aarch64' },
        { arch: 'ppc64le' },
        { arch: 's390x', triaged: true, valid: false },
      ],
    });
    sim.seedTree(tree);
    sim.clearCalls();
    const dw = new DataWarehouseClient({ baseUrl: sim.url, token: 'dw-token', pageSize: 100 });
    const builds = await dw.listBuilds('redhat:501');
    expect(builds).toHaveLength(4);
    const tests = await dw.listTests(builds[0]!.id);
    expect(tests.map((t) => t.path)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const occ = await dw.listIssueOccurrences('redhat:501');
    expect(occ).toHaveLength(2);
    // maxPageSize 2: 4 builds = 2 pages, 5 tests = 3 pages, 2 occurrences = 1 page.
    const paths = sim.calls().map((c) => c.path);
    expect(paths.filter((p) => p.endsWith('/builds'))).toHaveLength(2);
    expect(paths.filter((p) => p.endsWith('/tests'))).toHaveLength(3);
    expect(sim.calls().every((c) => c.auth === 'token' && c.status === 200)).toBe(true);
  });

  it('finds a checkout by iid, rejects a wrong token, injects faults', async () => {
    sim.seedTree(checkoutTree({ n: 502 }));
    const dw = new DataWarehouseClient({ baseUrl: sim.url, token: 'dw-token', minRetryDelayMs: 1, maxRetryDelayMs: 2 });
    await expect(dw.getCheckout('502')).resolves.toMatchObject({ id: 'redhat:502' });
    const wrong = new DataWarehouseClient({ baseUrl: sim.url, token: 'nope', retries: 0 });
    await expect(wrong.getCheckout('redhat:502')).rejects.toMatchObject({ status: 401 });
    sim.clearCalls();
    sim.injectFault({ path: '/api/1/kcidb/checkouts/redhat:502', status: 503, retryAfterSeconds: 0, times: 2 });
    await expect(dw.getCheckout('redhat:502')).resolves.toMatchObject({ id: 'redhat:502' });
    expect(sim.calls().map((c) => c.status)).toEqual([503, 503, 200]);
    expect(sim.calls()[0]?.fault).toBe('injected 503');
  });

  it('/checkouts/:id/all answers the whole tree of one checkout in one KCIDB-style body, by id or iid', async () => {
    const mine = checkoutTree({ n: 503, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', triaged: true }, { path: 'c' }] }, { arch: 'aarch64', triaged: true }] });
    const theirs = checkoutTree({ n: 504, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    sim.seedTree(mine, theirs);
    sim.addIssueOccurrence({ issue: { id: 50301 }, is_regression: false, checkout_id: 'redhat:503' });
    sim.clearCalls();
    const get = (id: string, token = 'dw-token') => fetch(`${sim.url}/api/1/kcidb/checkouts/${encodeURIComponent(id)}/all`, { headers: { authorization: `Token ${token}` } });
    const res = await get('redhat:503');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, { id?: string; issue?: { id: number } }[]>;
    expect(Object.keys(body).sort()).toEqual(['builds', 'checkouts', 'issueoccurrences', 'tests', 'version']);
    expect(body.version).toEqual({ major: 4, minor: 3 });
    expect(body.checkouts).toEqual([mine.checkout]);
    // Not paginated (maxPageSize is 2 here), and only this checkout's objects.
    expect(body.builds).toEqual(mine.builds);
    expect(body.tests).toEqual(mine.tests);
    expect(body.issueoccurrences!.map((o) => o.issue!.id).sort()).toEqual([...mine.issueOccurrences.map((o) => o.issue.id), 50301].sort());
    const byIid = await get('503');
    expect(byIid.status).toBe(200);
    expect(await byIid.json()).toEqual(body);
    expect((await get('redhat:50399')).status).toBe(404);
    expect((await get('redhat:503', 'nope')).status).toBe(401);
    expect(sim.calls().map((c) => [c.path, c.status])).toEqual([
      ['/api/1/kcidb/checkouts/redhat:503/all', 200],
      ['/api/1/kcidb/checkouts/503/all', 200],
      ['/api/1/kcidb/checkouts/redhat:50399/all', 404],
      ['/api/1/kcidb/checkouts/redhat:503/all', 401],
    ]);
  });

  it('treeEndpoint: false answers 404 to /all, like a DataWarehouse without it, and serves the rest', async () => {
    const bare = await SimulatedDataWarehouse.start({ token: 'dw-token', treeEndpoint: false });
    try {
      bare.seedTree(checkoutTree({ n: 505 }));
      const get = (path: string) => fetch(`${bare.url}/api/1/kcidb/checkouts/${encodeURIComponent('redhat:505')}${path}`, { headers: { authorization: 'Token dw-token' } });
      const all = await get('/all');
      expect(all.status).toBe(404);
      expect(await all.json()).toEqual({ detail: 'Not found.' });
      expect((await get('')).status).toBe(200);
      expect((await get('/builds')).status).toBe(200);
      expect(bare.calls().map((c) => c.status)).toEqual([404, 200, 200]);
    } finally {
      await bare.close();
    }
  });

  it('serves merge requests the way GitLab does', async () => {
    sim.setMergeRequest('redhat/centos-stream/src/kernel/centos-stream-9', 7, { state: 'opened', draft: true, headPipelineId: 99 });
    const res = await fetch(`${sim.url}/api/v4/projects/${encodeURIComponent('redhat/centos-stream/src/kernel/centos-stream-9')}/merge_requests/7`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'opened', draft: true, head_pipeline: { id: 99 } });
  });
});
