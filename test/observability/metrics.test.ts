import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/integrations/http.ts';
import { createNotifierMetrics } from '../../src/jobs/cki-notifier/metrics.ts';
import { createMetrics, createMetricsRegistry } from '../../src/observability/metrics.ts';
import { trackSlackConnection } from '../../src/observability/slack-connection.ts';
import { memoryRunner, takeOwnershipLike } from '../helpers/commands.ts';

describe('metrics', () => {
  it('records a command run through the runner observer, with its duration', async () => {
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const runner = memoryRunner({
      authorizer: { roleFor: async (a) => (a.id === 'U_LEAD' ? 'critical' : 'read') },
      observer: metrics.runObserver,
    });
    const done = await runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'qe@redhat.com' }, actor: { id: 'U_LEAD', name: 'lead', via: 'slack' } });
    expect(done.kind).toBe('done');
    const denied = await runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'qe@redhat.com' }, actor: { id: 'U_VIEW', name: 'viewer', via: 'slack' } });
    expect(denied.kind).toBe('denied');

    const text = await metrics.registry.metrics();
    expect(text).toContain('oar_commands_total{command="take-ownership",safety="write",result="done",status="pass"} 1');
    expect(text).toContain('oar_commands_total{command="take-ownership",safety="write",result="denied",status="none"} 1');
    expect(text).toContain('oar_command_duration_seconds_count{command="take-ownership"} 1');
  });

  it('exposes every named series with its labels', async () => {
    const metrics = createMetrics(createMetricsRegistry());
    metrics.commandFinished({ command: 'release-status', safety: 'read', result: 'done', status: 'info', durationMs: 1500 });
    metrics.slackAck('slash_commands', 120);
    metrics.slackReconnect();
    metrics.jobFinished('jira-notificator', 'failed');
    metrics.jobFinished('jira-notificator', 'failed');
    metrics.jobFinished('watchers', 'ok');
    metrics.integrationCall({ system: 'Jira', status: 503, durationMs: 80 });
    metrics.unhandledError('unhandled_rejection');
    const text = await metrics.registry.metrics();
    for (const line of [
      'oar_commands_total{command="release-status",safety="read",result="done",status="info"} 1',
      'oar_command_duration_seconds_bucket{le="2.5",command="release-status"} 1',
      'oar_slack_acks_total{type="slash_commands"} 1',
      'oar_slack_ack_latency_seconds_bucket{le="0.25"} 1',
      'oar_slack_reconnects_total 1',
      'oar_job_runs_total{job="jira-notificator",outcome="failed"} 2',
      'oar_job_runs_total{job="watchers",outcome="ok"} 1',
      'oar_job_consecutive_failures{job="jira-notificator"} 2',
      'oar_integration_calls_total{system="Jira",status="503"} 1',
      'oar_unhandled_errors_total{kind="unhandled_rejection"} 1',
    ]) expect(text).toContain(line);
    // default process metrics
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);

    metrics.jobFinished('jira-notificator', 'ok');
    expect(await metrics.registry.metrics()).toContain('oar_job_consecutive_failures{job="jira-notificator"} 0');
  });

  it('counts HttpClient calls through the call observer, including timeouts and network errors', async () => {
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const answers = [new Response('{}', { status: 200 }), new Response('nope', { status: 500 })];
    const client = new HttpClient({
      system: 'GitHub',
      baseUrl: 'https://api.github.example',
      retries: 0,
      observer: metrics.callObserver,
      fetch: async () => {
        const next = answers.shift();
        if (!next) throw new TypeError('fetch failed');
        return next;
      },
    });
    await client.request('reading the StateBox', { path: '/repos/o/r' });
    await expect(client.request('reading the StateBox', { path: '/repos/o/r' })).rejects.toThrow(/500/);
    await expect(client.request('reading the StateBox', { path: '/repos/o/r' })).rejects.toThrow();
    const text = await metrics.registry.metrics();
    expect(text).toContain('oar_integration_calls_total{system="GitHub",status="200"} 1');
    expect(text).toContain('oar_integration_calls_total{system="GitHub",status="500"} 1');
    expect(text).toContain('oar_integration_calls_total{system="GitHub",status="error"} 1');
    expect(text).toContain('oar_integration_call_duration_seconds_count{system="GitHub"} 3');
  });

  it('shares one registry with the CKI notifier metrics, and a second createMetrics reuses the series', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const a = createMetrics(registry);
    const cki = createNotifierMetrics(registry);
    const b = createMetrics(registry);
    a.slackReconnect();
    b.slackReconnect();
    cki.deadLettered.inc({ reason: 'max-attempts' });
    const text = await registry.metrics();
    expect(text).toContain('oar_slack_reconnects_total 2');
    expect(text).toContain('cki_notifier_dead_lettered_total{reason="max-attempts"} 1');
  });

  it('follows Socket Mode connection events into the health state and the metrics', async () => {
    const metrics = createMetrics(createMetricsRegistry({ defaultMetrics: false }));
    const client = new EventEmitter();
    let t = Date.parse('2025-07-01T10:00:00Z');
    const tracker = trackSlackConnection(client, { metrics, now: () => new Date(t) });
    expect(tracker.state()).toMatchObject({ configured: true, connected: false, state: 'not_started' });
    client.emit('connecting');
    client.emit('authenticated', {});
    client.emit('connected');
    expect(tracker.state()).toMatchObject({ connected: true, state: 'connected', reconnects: 0 });
    expect(await metrics.registry.metrics()).toContain('oar_slack_connected 1');
    t += 60_000;
    client.emit('disconnected');
    client.emit('reconnecting');
    expect(tracker.state()).toEqual({ configured: true, connected: false, state: 'reconnecting', since: '2025-07-01T10:01:00.000Z', reconnects: 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('oar_slack_connected 0');
    expect(text).toContain('oar_slack_reconnects_total 1');
    tracker.stop();
    client.emit('connected');
    expect(tracker.state().connected).toBe(false);
  });
});
