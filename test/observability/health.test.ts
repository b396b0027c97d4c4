import { afterEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { buildHealth, isoTimestamp, summarizeJobs, type HealthBody, type HealthProbes, type UnhealthyBody } from '../../src/observability/health.ts';

const configured = testConfig({
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcd',
  SLACK_APP_TOKEN: 'xapp-1-A111-2222-abcd',
  OAR_JWK: 'sixteen-byte-key',
  OAR_CONFIG_FILE: '/etc/oar/configstore.json',
  GITHUB_TOKEN: 'ghp-health-test',
});
const fixedNow = () => new Date('2025-07-01T10:00:00.000Z');

function probes(over: Partial<HealthProbes> = {}): HealthProbes {
  return {
    config: configured,
    version: '1.2.3',
    now: fixedNow,
    slack: () => ({ configured: true, connected: true, state: 'connected', reconnects: 0 }),
    store: { engine: 'sqlite', ping: async () => true },
    ...over,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('buildHealth', () => {
  it('is healthy (200) when the environment is complete, Slack is connected and the store answers', async () => {
    const r = await buildHealth(probes({
      cache: () => ({ cache_size: 2, max_size: 50, ttl_seconds: 7 * 86_400, metrics: { hits: 3, misses: 2, evictions: 0, hit_rate: '60.00%' } }),
      tools: () => ({ total: 28, cli: 16, api: 12 }),
    }));
    expect(r.httpStatus).toBe(200);
    const body = r.body as HealthBody;
    expect(body.status).toBe('healthy');
    expect(body.reasons).toEqual([]);
    expect(body.version).toBe('1.2.3');
    expect(body.timestamp).toBe('2025-07-01T10:00:00.000+00:00');
    expect(body.environment).toMatchObject({ valid: true, missing_required: [], errors: [] });
    expect(body.environment.missing_optional).toContain('JIRA_TOKEN');
    expect(body.environment.features.slack).toBe(true);
    expect(body.store).toEqual({ configured: true, engine: 'sqlite', reachable: true });
    expect(body.cache).toEqual({ enabled: true, size: 2, max_size: 50, hit_rate: '60.00%', ttl_days: 7, hits: 3, misses: 2, evictions: 0 });
    expect(body.tools).toEqual({ total: 28, cli: 16, api: 12 });
    expect(body.checks.store?.ok).toBe(true);
  });

  it('is degraded (503) when a required variable is missing, naming it in reasons and environment', async () => {
    const config = testConfig({ SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcd', SLACK_APP_TOKEN: 'xapp-1-A111-2222-abcd', OAR_CONFIG_FILE: '/etc/oar/configstore.json', GITHUB_TOKEN: 'ghp-1' });
    const r = await buildHealth(probes({ config }));
    expect(r.httpStatus).toBe(503);
    const body = r.body as HealthBody;
    expect(body.status).toBe('degraded');
    expect(body.reasons).toEqual(['missing required variable OAR_JWK']);
    expect(body.environment.valid).toBe(false);
    expect(body.environment.missing_required).toEqual(['OAR_JWK']);
    expect(body.environment.errors).toEqual([expect.stringMatching(/^OAR_JWK: .*ConfigStore/)]);
  });

  it('is degraded when a production bot has no stated StateBox backend (no GITHUB_TOKEN, no OAR_STATEBOX_DIR)', async () => {
    const { GITHUB_TOKEN: _token, ...rest } = configured;
    const r = await buildHealth(probes({ config: { ...rest, GITHUB_TOKEN: undefined } }));
    expect(r.httpStatus).toBe(503);
    const body = r.body as HealthBody;
    expect(body.reasons).toEqual([expect.stringMatching(/^StateBox is misconfigured: /)]);
    expect(body.environment.statebox).toEqual({ backend: 'misconfigured', where: './data/statebox' });
    const local = await buildHealth(probes({ config: { ...rest, GITHUB_TOKEN: undefined, OAR_STATEBOX_DIR: '/srv/statebox' } }));
    expect(local.httpStatus).toBe(200);
    expect((local.body as HealthBody).environment.statebox).toEqual({ backend: 'local', where: '/srv/statebox' });
  });

  it('is degraded when Slack is configured but the connection was lost', async () => {
    const r = await buildHealth(probes({ slack: () => ({ configured: true, connected: false, state: 'reconnecting', reconnects: 3 }) }));
    expect(r.httpStatus).toBe(503);
    const body = r.body as HealthBody;
    expect(body.reasons).toEqual(['Slack is configured but not connected (reconnecting)']);
    expect(body.slack).toMatchObject({ connected: false, reconnects: 3 });
  });

  it('does not degrade for a disconnected Slack that is not configured (headless)', async () => {
    const r = await buildHealth(probes({ slack: () => ({ configured: false, connected: false }) }));
    expect(r.httpStatus).toBe(200);
  });

  it('treats configured Slack tokens without a Slack probe as not connected', async () => {
    const r = await buildHealth(probes({ slack: undefined }));
    expect(r.httpStatus).toBe(503);
    expect((r.body as HealthBody).reasons).toEqual(['Slack is configured but not connected']);
  });

  it('is degraded when the store does not answer its ping or answers false', async () => {
    const rejected = await buildHealth(probes({ store: { engine: 'postgres', ping: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); } } }));
    expect(rejected.httpStatus).toBe(503);
    expect((rejected.body as HealthBody).reasons).toEqual(['store unreachable: ping failed: connect ECONNREFUSED 127.0.0.1:5432']);
    expect((rejected.body as HealthBody).store.reachable).toBe(false);

    const no = await buildHealth(probes({ store: { ping: async () => false } }));
    expect((no.body as HealthBody).reasons).toEqual(['store unreachable: ping answered false']);
  });

  it('answers 500 unhealthy when a probe throws synchronously (the check itself is broken)', async () => {
    const r = await buildHealth(probes({ cki: () => { throw new TypeError("Cannot read properties of undefined (reading 'state')"); } }));
    expect(r.httpStatus).toBe(500);
    const body = r.body as UnhealthyBody;
    expect(body).toEqual({ status: 'unhealthy', server: 'oar-bot', version: '1.2.3', error: "Cannot read properties of undefined (reading 'state')", timestamp: '2025-07-01T10:00:00.000+00:00' });
  });

  it('times out a hanging probe: degraded, not hung', async () => {
    vi.useFakeTimers();
    let settled = false;
    const pending = buildHealth(probes({ store: { ping: () => new Promise<boolean>(() => {}) }, timeoutMs: 1_500 })).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const r = await pending;
    expect(r.httpStatus).toBe(503);
    const body = r.body as HealthBody;
    expect(body.reasons).toEqual(['store unreachable: ping timed out (no answer within 1500 ms)']);
    expect(body.checks.store).toMatchObject({ ok: false, timed_out: true });
    expect(body.checks.slack?.ok).toBe(true);
  });

  it('reports a hanging informational probe as a warning and stays healthy', async () => {
    vi.useFakeTimers();
    const pending = buildHealth(probes({ kerberos: () => new Promise(() => {}) }));
    await vi.advanceTimersByTimeAsync(2_000);
    const r = await pending;
    expect(r.httpStatus).toBe(200);
    const body = r.body as HealthBody;
    expect(body.kerberos).toMatchObject({ required: true, valid: false, status: 'timeout' });
    expect(body.warnings).toEqual(['Kerberos check timed out (no answer within 2000 ms)']);
  });

  it('reports an invalid Kerberos ticket as a warning only (the original took the service Down for it)', async () => {
    const r = await buildHealth(probes({ kerberos: async () => ({ valid: false, status: 'expired', detail: 'the ticket expired', principal: 'oar@IPA.REDHAT.COM', expiresAt: '2025-07-01T08:00:00.000Z' }) }));
    expect(r.httpStatus).toBe(200);
    const body = r.body as HealthBody;
    expect(body.kerberos).toEqual({ required: true, valid: false, status: 'expired', detail: 'the ticket expired', principal: 'oar@IPA.REDHAT.COM', expires_at: '2025-07-01T08:00:00.000Z' });
    expect(body.warnings).toEqual(['Kerberos credentials not usable (expired): Errata Tool calls will fail']);

    const tokenAuth = await buildHealth(probes({ config: testConfig({ ...envOf(configured), ERRATA_AUTH: 'token' }), kerberos: async () => ({ valid: false, status: 'no_ticket' }) }));
    expect((tokenAuth.body as HealthBody).kerberos?.required).toBe(false);
    expect((tokenAuth.body as HealthBody).warnings).toEqual([]);
  });

  it('summarizes job runs per job with failure streaks, and CKI state', async () => {
    const runs = [
      { job: 'jira-notificator', startedAt: new Date('2025-07-01T08:00:00Z'), endedAt: new Date('2025-07-01T08:01:00Z'), outcome: 'failed' as const, error: 'Jira did not answer: 503' },
      { job: 'jira-notificator', startedAt: new Date('2025-07-01T04:00:00Z'), endedAt: new Date('2025-07-01T04:01:00Z'), outcome: 'failed' as const },
      { job: 'jira-notificator', startedAt: new Date('2025-07-01T00:00:00Z'), endedAt: new Date('2025-07-01T00:01:00Z'), outcome: 'ok' as const },
      { job: 'watchers', startedAt: new Date('2025-07-01T09:58:00Z'), owner: 'oar-a' },
      { job: 'watchers', startedAt: new Date('2025-07-01T09:56:00Z'), endedAt: new Date('2025-07-01T09:56:01Z'), outcome: 'ok' as const, owner: 'oar-a' },
    ];
    const r = await buildHealth(probes({
      jobs: async () => runs,
      cki: () => ({ running: true, connected: false, queue: 'cki.queue.webhooks.ready-for-test', counts: { deadLettered: 4 } }),
    }));
    expect(r.httpStatus).toBe(200);
    const body = r.body as HealthBody;
    expect(body.jobs).toEqual([
      { job: 'jira-notificator', running: false, last_run: { started_at: '2025-07-01T08:00:00.000Z', ended_at: '2025-07-01T08:01:00.000Z', outcome: 'failed', error: 'Jira did not answer: 503' }, consecutive_failures: 2 },
      { job: 'watchers', running: true, last_run: { started_at: '2025-07-01T09:56:00.000Z', ended_at: '2025-07-01T09:56:01.000Z', outcome: 'ok', owner: 'oar-a' }, consecutive_failures: 0 },
    ]);
    expect(body.cki).toMatchObject({ running: true, connected: false, counts: { deadLettered: 4 } });
    expect(body.warnings).toEqual([
      'job jira-notificator failed its last 2 run(s): Jira did not answer: 503',
      'CKI notifier is not connected to RabbitMQ',
    ]);
  });

  it('is degraded while starting and while shutting down', async () => {
    const stopping = await buildHealth(probes({ lifecycle: () => 'stopping' }));
    expect(stopping.httpStatus).toBe(503);
    expect((stopping.body as HealthBody).reasons).toEqual(['shutting down']);
    const starting = await buildHealth(probes({ lifecycle: () => 'starting' }));
    expect((starting.body as HealthBody).reasons).toEqual(['starting']);
    const running = await buildHealth(probes({ lifecycle: () => 'running' }));
    expect(running.httpStatus).toBe(200);
  });

  it('formats timestamps like the original', () => {
    expect(isoTimestamp(new Date('2025-01-02T03:04:05.678Z'))).toBe('2025-01-02T03:04:05.678+00:00');
    expect(summarizeJobs([])).toEqual([]);
  });
});

function envOf(c: typeof configured): Record<string, string> {
  return { SLACK_BOT_TOKEN: c.SLACK_BOT_TOKEN!, SLACK_APP_TOKEN: c.SLACK_APP_TOKEN!, OAR_JWK: c.OAR_JWK!, OAR_CONFIG_FILE: c.OAR_CONFIG_FILE! };
}
