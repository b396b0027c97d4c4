/**
 * Optional subsystems never kill a serving bot (issue 17): RabbitMQ refusing at startup (a closed
 * local port) degrades /health for the CKI notifier and is retried with backoff while the bot
 * serves; when the port starts answering (a proxy to the real broker) it recovers; a later loss
 * of the broker is reported with its time and recovered from too. The process never exits.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.ts';
import { SimulatedDataWarehouse } from '../../src/sandbox/datawarehouse/index.ts';
import { startSimulatedSlack } from '../../src/sandbox/slack/index.ts';
import type { SubsystemStatus } from '../../src/observability/subsystems.ts';
import { uniqueNames } from '../jobs/cki-notifier/rabbit.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

/** A TCP proxy on `port` to the real broker; `cut()` drops it and every connection through it. */
async function startBrokerProxy(port: number): Promise<{ cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(5672, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    async cut() {
      const closed = once(server, 'close');
      server.close();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

interface Health {
  status: string;
  reasons?: string[];
  lifecycle: string;
  warnings: string[];
  subsystems?: Record<string, SubsystemStatus>;
  cki?: { connected: boolean; running: boolean };
}

describe('optional subsystems', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('RabbitMQ refusing at startup degrades /health and is retried; the bot serves, recovers, and survives a later outage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-subsystems-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const dw = await SimulatedDataWarehouse.start({ token: 'dw-token' });
    cleanups.push(() => dw.close());
    const port = await freePort();
    const names = uniqueNames();
    const exit = vi.fn();
    const app: RunningApp = await startApp({
      env: {
        OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false',
        RABBITMQ_HOST: '127.0.0.1', RABBITMQ_PORT: String(port), RABBITMQ_USER: 'guest', RABBITMQ_PASSWORD: 'guest',
        WEBHOOK_RECEIVER_EXCHANGE: names.webhooks, RABBITMQ_QUEUE: names.queue, RABBITMQ_ROUTING_KEYS: 'datawarehouse.checkout.#',
        DATAWAREHOUSE_URL: dw.url, DATAWAREHOUSE_TOKEN: 'dw-token',
      },
      exit,
      subsystemRetry: { minDelayMs: 20, maxDelayMs: 100 },
    });
    cleanups.push(() => app.shutdown('test'));
    const health = async (): Promise<Health> => (await (await fetch(`${app.http.url}/health`)).json()) as Health;

    // Startup finished although the broker refused; the failure is on /health and retried.
    const down = await vi.waitFor(async () => {
      const h = await health();
      expect(h.subsystems?.['cki-notifier']).toMatchObject({ status: 'degraded', failing: 'rabbitmq' });
      expect(h.subsystems!['cki-notifier']!.attempts).toBeGreaterThanOrEqual(3);
      return h;
    }, { timeout: 15_000, interval: 20 });
    const cki = down.subsystems!['cki-notifier']!;
    expect(cki.last_error).toMatch(/ECONNREFUSED/);
    expect(Date.parse(cki.since)).not.toBeNaN();
    expect(cki.next_retry_at !== undefined || cki.attempt_in_progress === true).toBe(true);
    expect(down.lifecycle).toBe('running');
    expect(down.warnings.join('\n')).toMatch(/cki-notifier degraded since .* \(rabbitmq\): .*ECONNREFUSED/);
    // Still serving: probes and MCP answer.
    expect((await fetch(`${app.http.url}/livez`)).status).toBe(200);
    expect((await fetch(`${app.http.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).not.toBe(500);

    // The port starts answering: the next retry connects.
    let proxy = await startBrokerProxy(port);
    cleanups.push(() => proxy.cut());
    await vi.waitFor(async () => {
      const h = await health();
      expect(h.subsystems?.['cki-notifier']?.status).toBe('ok');
      expect(h.cki).toMatchObject({ running: true, connected: true });
    }, { timeout: 15_000, interval: 20 });

    // Later the broker goes away: reported with the time it was lost, then recovered.
    await proxy.cut();
    const lost = await vi.waitFor(async () => {
      const h = await health();
      expect(h.subsystems?.['cki-notifier']).toMatchObject({ status: 'degraded', failing: 'rabbitmq' });
      return h.subsystems!['cki-notifier']!;
    }, { timeout: 15_000, interval: 20 });
    expect(Date.parse(lost.since)).not.toBeNaN();
    proxy = await startBrokerProxy(port);
    await vi.waitFor(async () => {
      const h = await health();
      expect(h.subsystems?.['cki-notifier']?.status).toBe('ok');
    }, { timeout: 30_000, interval: 50 });

    expect(exit).not.toHaveBeenCalled();
  }, 90_000);

  it('/health answers during startup (503 starting), never 500 from a half-built process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-startup-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const slack = await startSimulatedSlack();
    cleanups.push(() => slack.stop());
    // The Socket Mode connection opens slowly: startup is still running while /health is asked.
    slack.injectFault({ kind: 'latency', method: 'apps.connections.open', ms: 3_000 });
    const port = await freePort();
    const starting = startApp({
      env: {
        OAR_HTTP_PORT: String(port), OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false',
        SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
        RABBITMQ_HOST: '127.0.0.1', RABBITMQ_PORT: String(await freePort()), DATAWAREHOUSE_URL: 'http://127.0.0.1:1', DATAWAREHOUSE_TOKEN: 'x',
      },
      subsystemRetry: { minDelayMs: 1_000 },
    });
    cleanups.push(async () => (await starting).shutdown('test'));
    const during = await vi.waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: res.status, body: (await res.json()) as Health & { error?: string } };
    }, { timeout: 10_000, interval: 20 });
    expect(during.body.error).toBeUndefined();
    expect(during.status).toBe(503);
    expect(during.body.lifecycle).toBe('starting');
    await starting;
  }, 30_000);
  it('LDAP failing on a call degrades /health (which one, since when, the last error) and the bot keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-subsystems-ldap-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const closed = await freePort();
    const app = await startApp({
      env: { OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false', LDAP_URL: `ldap://127.0.0.1:${closed}`, LDAP_TIMEOUT_MS: '2000' },
      exit: vi.fn(),
    });
    cleanups.push(() => app.shutdown('test'));
    const health = async () => {
      const res = await fetch(`${app.http.url}/health`);
      return { code: res.status, body: (await res.json()) as Health };
    };
    const before = await health();
    expect(before.body.subsystems?.ldap).toBeUndefined(); // never called yet
    const ldap = await app.engine.services().get('ldap');
    await expect(ldap.findPersonByEmail('someone@redhat.com')).rejects.toThrow(/LDAP/);
    const degraded = await health();
    // A warning, never a new reason for 503: Slack, MCP and the jobs still serve.
    expect(degraded.code).toBe(before.code);
    expect(degraded.body.reasons ?? []).toEqual(before.body.reasons ?? []);
    expect(degraded.body.subsystems?.ldap).toMatchObject({ status: 'degraded', failing: 'ldap', failed_calls: 1 });
    expect(degraded.body.subsystems!.ldap!.last_error).toMatch(/^looking up someone@redhat.com: (error|timeout)$/);
    expect(degraded.body.warnings).toContainEqual(expect.stringMatching(/^ldap degraded since .*: looking up someone@redhat.com: (error|timeout); 1 failed call\(s\) in a row/));
    expect((await fetch(`${app.http.url}/livez`)).status).toBe(200);
  });
});
