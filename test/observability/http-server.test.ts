import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { buildHealth } from '../../src/observability/health.ts';
import { HttpListenError, startHttpServer, type HttpServer, type MountHandler } from '../../src/observability/http-server.ts';
import { createMetrics, createMetricsRegistry } from '../../src/observability/metrics.ts';
import type { HealthReport } from '../../src/observability/health.ts';

const open: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(opts: { health?: () => Promise<HealthReport>; mounts?: Record<string, MountHandler> } = {}) {
  const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
  const config = testConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', OAR_JWK: 'sixteen-byte-key', OAR_CONFIG_FILE: '/x', OAR_STATEBOX_DIR: '/tmp/oar-statebox-unused' });
  let slackConnected = true;
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    metrics,
    health: opts.health ?? (() => buildHealth({ config, version: '0.1.0', slack: () => ({ configured: true, connected: slackConnected }) })),
    mounts: opts.mounts,
  });
  open.push(server);
  return { server, metrics, disconnectSlack: () => { slackConnected = false; } };
}

describe('HTTP server', () => {
  it('answers /livez with 200 without asking any probe', async () => {
    let asked = 0;
    const { server } = await start({ health: async () => { asked++; throw new Error('health function broke'); } });
    const res = await fetch(`${server.url}/livez`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    expect(asked).toBe(0);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A health function that throws still yields the unhealthy body.
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(500);
    expect(await health.json()).toMatchObject({ status: 'unhealthy', error: 'health function broke' });
    expect(asked).toBe(1);
  });

  it('serves /health with the status code of the report', async () => {
    const { server, disconnectSlack } = await start();
    const ok = await fetch(`${server.url}/health`);
    expect(ok.status).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('oar_health_ok 1');
    expect(ok.headers.get('content-type')).toMatch(/application\/json/);
    expect(await ok.json()).toMatchObject({ status: 'healthy', version: '0.1.0' });
    disconnectSlack();
    const degraded = await fetch(`${server.url}/health`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toMatchObject({ status: 'degraded', reasons: ['Slack is configured but not connected'] });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('oar_health_ok 0');
  });

  it('serves /metrics in the Prometheus text format after a command was recorded', async () => {
    const { server, metrics } = await start();
    metrics.runObserver({ command: 'change-advisory-status', safety: 'critical', result: 'done', status: 'pass', durationMs: 4200 });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE oar_commands_total counter');
    expect(text).toContain('oar_commands_total{command="change-advisory-status",safety="critical",result="done",status="pass"} 1');
    expect(text).toContain('oar_command_duration_seconds_sum{command="change-advisory-status"} 4.2');
  });

  it('routes a mounted prefix and its sub-paths to the handler, and 404s the rest', async () => {
    const seen: string[] = [];
    const mcp: MountHandler = async (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/mcp/unknown')) return false;
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0"}');
      return true;
    };
    const { server } = await start();
    server.mount('/mcp', mcp);
    const post = await fetch(`${server.url}/mcp`, { method: 'POST', body: '{"jsonrpc":"2.0","method":"initialize","id":1}' });
    expect(post.status).toBe(202);
    expect(await post.json()).toEqual({ jsonrpc: '2.0' });
    expect((await fetch(`${server.url}/mcp/session?x=1`)).status).toBe(202);
    const declined = await fetch(`${server.url}/mcp/unknown`);
    expect(declined.status).toBe(404);
    const other = await fetch(`${server.url}/mcpx`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ routes: ['/livez', '/readyz', '/health', '/metrics', '/mcp'] });
    expect(seen).toEqual(['POST /mcp', 'GET /mcp/session?x=1', 'GET /mcp/unknown']);
    expect(() => server.mount('mcp', mcp)).toThrow(/already mounted on \/mcp/);
    expect(() => server.mount('/health', mcp)).toThrow(/cannot mount/);
  });

  it('answers 500 when a mounted handler throws, and 405 for other methods on built-in routes', async () => {
    const { server } = await start({ mounts: { '/boom': async () => { throw new Error('handler bug'); } } });
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    const post = await fetch(`${server.url}/health`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 unhealthy from /health when the check breaks', async () => {
    const config = testConfig();
    const { server } = await start({ health: () => buildHealth({ config, version: '0.1.0', cache: () => { throw new Error('cache not wired'); } }) });
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ status: 'unhealthy', error: 'cache not wired' });
  });

  it('fails to start with a fatal HttpListenError when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const err = await startHttpServer({ host: '127.0.0.1', port, registry: createMetricsRegistry({ defaultMetrics: false }), health: async () => { throw new Error('unused'); } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpListenError);
      expect((err as HttpListenError).fatal).toBe(true);
      expect((err as HttpListenError).message).toMatch(/port is in use.*EADDRINUSE/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('stops listening on close()', async () => {
    const { server } = await start();
    await server.close();
    open.length = 0;
    await expect(fetch(`${server.url}/livez`)).rejects.toThrow();
  });
});
