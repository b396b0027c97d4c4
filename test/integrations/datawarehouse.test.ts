import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataWarehouseClient } from '../../src/integrations/datawarehouse.ts';
import { IntegrationError } from '../../src/integrations/http.ts';

const BASE = 'https://datawarehouse.example.com';
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/datawarehouse/${name}`, import.meta.url), 'utf8'));
const client = () => new DataWarehouseClient({ baseUrl: BASE, token: 's3cr3t-dw-token', pageSize: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2 });

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('DataWarehouseClient', () => {
  it('loads a checkout by KCIDB id with DRF token auth and an encoded id', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: 'Token s3cr3t-dw-token' } })
      .get('/api/1/kcidb/checkouts/redhat%3A1824518562')
      .reply(200, fixture('checkout.json') as nock.Body);
    const c = await client().getCheckout('redhat:1824518562');
    expect(c?.id).toBe('redhat:1824518562');
    expect(c?.misc?.ready_to_report).toBe(true);
    expect(c?.misc?.related_merge_request?.url).toContain('/merge_requests/6521');
    expect(c?.misc?.pipeline?.id).toBe(1824518562);
    scope.done();
  });

  it('answers undefined for a checkout DataWarehouse does not know (404)', async () => {
    nock(BASE).get('/api/1/kcidb/checkouts/redhat%3A404').reply(404, { detail: 'Not found.' });
    await expect(client().getCheckout('redhat:404')).resolves.toBeUndefined();
  });

  it('follows `next` across pages of builds', async () => {
    const scope = nock(BASE)
      .get('/api/1/kcidb/checkouts/redhat%3A1824518562/builds')
      .query({ limit: '2', offset: '0' })
      .reply(200, fixture('builds-page1.json') as nock.Body)
      .get('/api/1/kcidb/checkouts/redhat%3A1824518562/builds')
      .query({ limit: '2', offset: '2' })
      .reply(200, fixture('builds-page2.json') as nock.Body);
    const builds = await client().listBuilds('redhat:1824518562');
    expect(builds.map((b) => b.id)).toEqual([
      'redhat:1824518562-x86_64-kernel',
      'redhat:1824518562-x86_64-kernel-debug',
      'redhat:1824518562-aarch64-kernel',
    ]);
    expect(builds[2]?.valid).toBe(false);
    scope.done();
  });

  it('lists tests of a build and issue occurrences of a checkout', async () => {
    nock(BASE)
      .get('/api/1/kcidb/builds/redhat%3A1824518562-x86_64-kernel/tests')
      .query(true)
      .reply(200, fixture('tests.json') as nock.Body)
      .get('/api/1/kcidb/checkouts/redhat%3A1824518562/issueoccurrences')
      .query(true)
      .reply(200, fixture('issueoccurrences.json') as nock.Body);
    const c = client();
    const tests = await c.listTests('redhat:1824518562-x86_64-kernel');
    expect(tests.map((t) => [t.path, t.status, t.waived])).toEqual([
      ['boot', 'PASS', false],
      ['networking.tcp', 'FAIL', false],
      ['storage.nvme', 'ERROR', true],
    ]);
    const occ = await c.listIssueOccurrences('redhat:1824518562');
    expect(occ[0]?.test_id).toBe('redhat:1824518562-x86_64-kernel-t2');
    expect(occ[0]?.is_regression).toBe(false);
  });

  it('retries a 503 and then succeeds', async () => {
    nock(BASE)
      .get('/api/1/kcidb/checkouts/redhat%3A1')
      .reply(503, 'busy')
      .get('/api/1/kcidb/checkouts/redhat%3A1')
      .reply(200, { id: 'redhat:1', origin: 'redhat', misc: {} });
    await expect(client().getCheckout('redhat:1')).resolves.toMatchObject({ id: 'redhat:1' });
  });

  it('fails with an IntegrationError naming DataWarehouse and the operation on 401', async () => {
    nock(BASE).get('/api/1/kcidb/checkouts/redhat%3A1').reply(401, { detail: 'Invalid token.' });
    const err = await client().getCheckout('redhat:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).system).toBe('DataWarehouse');
    expect((err as IntegrationError).status).toBe(401);
    expect((err as IntegrationError).message).toContain('loading checkout redhat:1');
    expect((err as IntegrationError).message).not.toContain('s3cr3t');
  });

  it('rejects an answer that is not a checkout', async () => {
    nock(BASE).get('/api/1/kcidb/checkouts/redhat%3A1').reply(200, { results: [] });
    await expect(client().getCheckout('redhat:1')).rejects.toThrow(/unexpected answer/);
  });

  it('refuses a pagination that never ends', async () => {
    const loop = { count: 9, next: `${BASE}/api/1/kcidb/builds/b/tests?limit=2&offset=0`, previous: null, results: [] };
    nock(BASE).get('/api/1/kcidb/builds/b/tests').query(true).times(2).reply(200, loop);
    await expect(client().listTests('b')).rejects.toThrow(/pagination did not end/);
  });
});
