/**
 * The DataWarehouse client's own keep-alive transport (an undici Pool), against a real local HTTP server:
 * sockets are reused, the per-call timeout and the caller's AbortSignal still end a call.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCallSignal } from '../../src/integrations/call-signal.ts';
import { DataWarehouseClient } from '../../src/integrations/datawarehouse.ts';
import { IntegrationError } from '../../src/integrations/http.ts';

let server: Server;
let base: string;
let connections = 0;
/** Requests the server holds without answering, resolved by the test. */
const held: { path: string; res: ServerResponse }[] = [];
const heldWaiters: (() => void)[] = [];
const closed: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.includes('hang')) {
      held.push({ path, res });
      res.on('close', () => closed.push(path));
      for (const w of heldWaiters.splice(0)) w();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'redhat:1', origin: 'redhat', auth: req.headers.authorization }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const nextHeld = () => new Promise<void>((r) => (held.length ? r() : heldWaiters.push(r)));

describe('DataWarehouse keep-alive transport', () => {
  it('reuses kept-alive sockets for sequential calls and sends the token', async () => {
    const dw = new DataWarehouseClient({ baseUrl: base, token: 't0ken' });
    const before = connections;
    for (let i = 0; i < 10; i++) expect(await dw.getCheckout('redhat:1')).toMatchObject({ id: 'redhat:1', auth: 'Token t0ken' });
    // undici's Pool sees the first connection still busy in the tick its answer ends, so a call
    // made right away may open a second one; after that both are reused (10 calls, not 10 sockets).
    expect(connections - before).toBeLessThanOrEqual(2);
    dw.close();
  });

  it('ends a call that gets no answer after timeoutMs, closing its socket', async () => {
    const dw = new DataWarehouseClient({ baseUrl: base, token: 't', timeoutMs: 50, retries: 0 });
    const err = await dw.getCheckout('hang-timeout').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).message).toMatch(/DataWarehouse did not answer loading checkout hang-timeout \(timed out after 50 ms\)/);
    await expect.poll(() => closed).toContain('/api/1/kcidb/checkouts/hang-timeout');
    dw.close();
  });

  it('ends a call at once when the caller aborts, explicitly or through the running command', async () => {
    const dw = new DataWarehouseClient({ baseUrl: base, token: 't', retries: 3 });
    held.length = 0;
    const explicit = new AbortController();
    const call = dw.listBuilds('hang-explicit', explicit.signal).catch((e: unknown) => e);
    await nextHeld();
    explicit.abort();
    const err = await call;
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).message).toContain('cancelled');
    expect((err as IntegrationError).retryable).toBe(false);

    held.length = 0;
    const ambient = new AbortController();
    const call2 = withCallSignal(ambient.signal, () => dw.listTests('hang-ambient')).catch((e: unknown) => e);
    await nextHeld();
    ambient.abort();
    expect(((await call2) as IntegrationError).message).toContain('cancelled');
    await expect.poll(() => closed.join(' ')).toMatch(/hang-explicit.*hang-ambient/);
    dw.close();
  });

  it('asks a pagination link to another origin of the configured host: the token never leaves it (DRF builds absolute next links from the host it sees)', async () => {
    let otherRequests = 0;
    const asked: string[] = [];
    const other = createServer((_req, res) => {
      otherRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ next: null, results: [{ id: 'b2', checkout_id: 'redhat:1', origin: 'redhat' }] }));
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const first = createServer((req, res) => {
      asked.push(`${req.url} ${req.headers.authorization}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('offset=1')) res.end(JSON.stringify({ next: null, results: [{ id: 'b2', checkout_id: 'redhat:1', origin: 'redhat' }] }));
      else res.end(JSON.stringify({ next: `${otherBase}/api/1/kcidb/checkouts/redhat%3A1/builds?limit=1&offset=1`, results: [{ id: 'b1', checkout_id: 'redhat:1', origin: 'redhat' }] }));
    });
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
    const dw = new DataWarehouseClient({ baseUrl: `http://127.0.0.1:${(first.address() as AddressInfo).port}`, token: 'pg' });
    try {
      const builds = await dw.listBuilds('redhat:1');
      expect(builds.map((b) => b.id)).toEqual(['b1', 'b2']);
      expect(otherRequests).toBe(0);
      expect(asked[1]).toBe('/api/1/kcidb/checkouts/redhat%3A1/builds?limit=1&offset=1 Token pg');
    } finally {
      dw.close();
      for (const s of [first, other]) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    }
  });

  it('refuses at once when the signal is already aborted', async () => {
    const dw = new DataWarehouseClient({ baseUrl: base, token: 't' });
    const before = connections;
    await expect(dw.getCheckout('redhat:1', AbortSignal.abort())).rejects.toThrow(/cancelled/);
    expect(connections).toBe(before);
    dw.close();
  });
});
