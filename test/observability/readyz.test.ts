/**
 * /readyz is the readiness probe of the HTTP endpoints: it follows the lifecycle and the store, and
 * not Slack, so a Slack outage degrades /health but leaves /mcp and /metrics in the Service.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { buildHealth, buildReadiness, type Lifecycle } from '../../src/observability/health.ts';
import { startHttpServer, type HttpServer } from '../../src/observability/http-server.ts';
import { createMetrics, createMetricsRegistry } from '../../src/observability/metrics.ts';

const open: HttpServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('/readyz', () => {
  it('stays 200 while Slack is down (and /health says 503); follows the lifecycle and the store', async () => {
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const config = testConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', OAR_JWK: 'sixteen-byte-key', OAR_CONFIG_FILE: '/x' });
    let lifecycle: Lifecycle = 'starting';
    let storeUp = true;
    const store = { ping: async () => storeUp };
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      health: () => buildHealth({ config, version: '0.1.0', slack: () => ({ configured: true, connected: false }), store, lifecycle: () => lifecycle }),
      ready: () => buildReadiness({ store, lifecycle: () => lifecycle }),
    });
    open.push(server);
    const readyz = async () => {
      const r = await fetch(`${server.url}/readyz`);
      return { status: r.status, body: (await r.json()) as { ready: boolean; reasons: string[] } };
    };

    expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, reasons: ['starting'] } });
    lifecycle = 'running';
    expect(await readyz()).toMatchObject({ status: 200, body: { ready: true, reasons: [] } });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { reasons: string[] }).reasons.join(' ')).toContain('Slack is configured but not connected');

    storeUp = false;
    expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, reasons: ['store unreachable: ping answered false'] } });
    storeUp = true;
    lifecycle = 'stopping';
    expect(await readyz()).toMatchObject({ status: 503, body: { reasons: ['shutting down'] } });
  });

  it('a store that does not answer makes the pod unready after the probe timeout', async () => {
    vi.useFakeTimers();
    const pending = buildReadiness({ store: { ping: () => new Promise<boolean>(() => undefined) }, lifecycle: () => 'running', timeoutMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    const r = await pending;
    expect(r.ready).toBe(false);
    expect(r.reasons[0]).toMatch(/^store unreachable: ping timed out/);
    expect(r.checks.store).toMatchObject({ ok: false, timed_out: true });
  });

  it('without a readiness function the server answers ready while it serves', async () => {
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, health: async () => ({ httpStatus: 200, body: {} as never }) });
    open.push(server);
    const r = await fetch(`${server.url}/readyz`);
    expect(r.status).toBe(200);
  });
});
