/**
 * The simulator's Socket Mode side with a bare client: hello, envelopes, ack deadline,
 * event redelivery, late and delayed acks, disconnects, connection limits.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulatedSlack, type SimulatedSlack, type SimulatedSlackOptions } from '../../src/sandbox/slack/index.ts';
import { RawSocketClient, connectRawClient, openConnectionUrl } from './slack-raw-client.ts';

let sim: SimulatedSlack;
const clients: RawSocketClient[] = [];

async function setup(opts: SimulatedSlackOptions = {}): Promise<RawSocketClient> {
  sim = await startSimulatedSlack(opts);
  const { client } = await connectRawClient(sim);
  clients.push(client);
  return client;
}

afterEach(async () => {
  vi.useRealTimers();
  for (const c of clients.splice(0)) c.ws.terminate();
  await sim?.stop();
});

describe('connection', () => {
  it('greets with hello carrying num_connections, debug_info and the app id', async () => {
    sim = await startSimulatedSlack();
    const a = await connectRawClient(sim);
    const b = await connectRawClient(sim);
    clients.push(a.client, b.client);
    expect(a.hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: sim.appId } });
    expect(a.hello.debug_info).toMatchObject({ host: expect.any(String), approximate_connection_time: expect.any(Number) });
    expect(b.hello.num_connections).toBe(2);
  });

  it('hands out ws:// URLs of the same server with single-use tickets', async () => {
    sim = await startSimulatedSlack();
    const url = await openConnectionUrl(sim);
    expect(url.startsWith(`${sim.baseUrl.replace('http', 'ws')}/link?ticket=`)).toBe(true);
    const first = new WebSocket(url);
    await new Promise((resolve, reject) => { first.once('open', resolve); first.once('error', reject); });
    first.terminate();
    const second = new WebSocket(url);
    const refused = await new Promise<string>((resolve) => second.once('error', (err) => resolve(err.message)));
    expect(refused).toMatch(/401/);
  });

  it('tells the newest connection beyond the limit too_many_websockets and closes it', async () => {
    const first = await setup({ maxConnections: 1 });
    const { client: second } = await connectRawClient(sim);
    clients.push(second);
    const frame = await second.next((f) => f.type === 'disconnect');
    expect(frame.reason).toBe('too_many_websockets');
    expect(await second.closed).toBe(1008);
    expect(sim.openConnections().map((c) => c.id)).toEqual([1]);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('sends disconnect messages with the reason, closes and drops sockets', async () => {
    const client = await setup();
    expect(sim.disconnect('link_disabled')).toEqual([1]);
    const frame = await client.next((f) => f.type === 'disconnect');
    expect(frame).toMatchObject({ type: 'disconnect', reason: 'link_disabled', debug_info: { host: expect.any(String) } });

    expect(sim.closeSocket(4000)).toEqual([1]);
    expect(await client.closed).toBe(4000);
    expect(await sim.waitForConnectionClosed(1)).toMatchObject({ open: false, closeCode: 4000, endedBy: 'server_close' });

    const { client: other } = await connectRawClient(sim);
    clients.push(other);
    sim.dropSocket();
    expect(await other.closed).toBe(1006);
    expect(await sim.waitForConnectionClosed(2)).toMatchObject({ open: false, endedBy: 'dropped' });
    expect(() => sim.disconnect('warning', 99)).toThrow(/no open socket connection with id 99/);
  });
});

describe('stop', () => {
  it('closes open sockets with a close frame (1001) and resolves pending envelopes as stopped', async () => {
    const client = await setup();
    const pending = sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS' });
    await client.nextEnvelope();
    await sim.stop();
    expect(await client.closed).toBe(1001);
    expect((await pending).outcome).toBe('stopped');
    await expect(sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS' })).rejects.toThrow(/stopped/);
  });
});

describe('envelopes and acks', () => {
  it('delivers a slash command envelope with a payload Bolt understands, and records the ack', async () => {
    const client = await setup();
    const pending = sim.slashCommand({ user: 'U_LEAD', channel: '#team-qe-release', text: '4.19.1 status' });
    const env = await client.nextEnvelope('slash_commands');
    expect(env).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    expect(env.retry_attempt).toBeUndefined();
    expect(env.payload).toMatchObject({
      command: '/oar', text: '4.19.1 status', user_id: 'U_LEAD', user_name: 'release.lead', channel_id: 'C_QE_RELEASE',
      channel_name: 'team-qe-release', team_id: sim.teamId, api_app_id: sim.appId, is_enterprise_install: 'false',
      response_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/response\//),
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
    });
    client.ack(env.envelope_id!, { text: 'ok' });
    const r = await pending;
    expect(r).toMatchObject({ outcome: 'acked', acked: true, ack: { text: 'ok' }, envelopeId: env.envelope_id });
    expect(sim.envelopes('slash_commands')[0]).toMatchObject({ status: 'acked', ackPayload: { text: 'ok' } });
  });

  it('records a command not acked within 3 s as missed, and an ack after that as late', async () => {
    const client = await setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'slow' });
    const env = await client.nextEnvelope('slash_commands');
    await vi.advanceTimersByTimeAsync(2999);
    expect(sim.envelopes()[0]!.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const r = await pending;
    expect(r).toMatchObject({ outcome: 'missed', acked: false, ack: undefined, ackLatencyMs: undefined });
    expect(sim.missedAcks().map((e) => e.envelopeId)).toEqual([env.envelope_id]);

    const late = sim.waitForEnvelope((e) => e.lateAckAt !== undefined);
    client.ack(env.envelope_id!);
    expect((await late).status).toBe('missed');
    const second = sim.waitForAppFrame();
    client.ack(env.envelope_id!);
    await second;
    expect(sim.protocolIssues().map((p) => p.problem)).toEqual([`second ack for envelope ${env.envelope_id}`]);
  });

  it('redelivers an unacked event 3 times with retry_attempt and retry_reason timeout, then stops', async () => {
    const client = await setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 create-test-report' });
    await client.nextEnvelope('events_api');
    await vi.advanceTimersByTimeAsync(3000);
    const sent = await pending;
    expect(sent.events[0]!.delivery.outcome).toBe('missed');
    // Slack's schedule: retry 1 at once, retry 2 after 1 min, retry 3 after 5 min; each has its own 3 s deadline.
    // (A 0 ms timer set while the fake clock ticks is due 1 ms later.)
    await vi.advanceTimersByTimeAsync(1);
    const second = await client.nextEnvelope('events_api');
    await vi.advanceTimersByTimeAsync(3000);
    expect(sim.envelopes('events_api')[1]!.status).toBe('missed');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sim.envelopes('events_api')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    const third = await client.nextEnvelope('events_api');
    await vi.advanceTimersByTimeAsync(3000 + 300_000);
    const fourth = await client.nextEnvelope('events_api');
    await vi.advanceTimersByTimeAsync(3000);
    await vi.advanceTimersByTimeAsync(3_600_000);
    const all = sim.envelopes('events_api');
    expect(all.map((e) => [e.retryAttempt, e.retryReason, e.status])).toEqual([
      [0, '', 'missed'], [1, 'timeout', 'missed'], [2, 'timeout', 'missed'], [3, 'timeout', 'missed'],
    ]);
    expect([second, third, fourth].map((f) => [f.retry_attempt, f.retry_reason])).toEqual([[1, 'timeout'], [2, 'timeout'], [3, 'timeout']]);
    expect(new Set(all.map((e) => e.payload.event_id))).toEqual(new Set([sent.events[0]!.eventId]));
    expect(new Set(all.map((e) => e.envelopeId)).size).toBe(4);
    expect(sim.events()[0]).toMatchObject({ acked: false });
  });

  it('stops redelivering once a retry is acked in time (small ack timeout, real timers, driven by events)', async () => {
    const client = await setup({ ackTimeoutMs: 40, eventRetryDelaysMs: [0] });
    const sent = sim.sendMessage({ user: 'U_VIEWER', channel: 'C_FORUM_QE', text: 'hello' });
    await client.nextEnvelope('events_api');
    expect((await sent).events[0]!.delivery.outcome).toBe('missed');
    const retry = await client.nextEnvelope('events_api');
    expect(retry.retry_attempt).toBe(1);
    const acked = sim.waitForEnvelope((e) => e.envelopeId === retry.envelope_id && e.status === 'acked');
    client.ack(retry.envelope_id!);
    await acked;
    expect(sim.events()[0]).toMatchObject({ acked: true });
    expect(sim.events()[0]!.deliveries.map((d) => d.outcome)).toEqual(['missed', 'acked']);
  });

  it('redelivers events sent while no socket was open once one is', async () => {
    sim = await startSimulatedSlack({ eventRetryDelaysMs: [0, 60_000] });
    const url = await openConnectionUrl(sim);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sent = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'anyone there?' });
    expect(sent.events[0]!.delivery.outcome).toBe('no_connection');
    await vi.advanceTimersByTimeAsync(0);
    expect(sim.envelopes('events_api').map((e) => e.status)).toEqual(['undeliverable', 'undeliverable']);
    const client = new RawSocketClient(new WebSocket(url));
    clients.push(client);
    await client.next((f) => f.type === 'hello');
    await vi.advanceTimersByTimeAsync(60_000);
    const env = await client.nextEnvelope('events_api');
    expect(env).toMatchObject({ retry_attempt: 2, retry_reason: 'timeout', payload: { event_id: sent.events[0]!.eventId } });
  });

  it('answers commands with no_connection while no socket is open', async () => {
    sim = await startSimulatedSlack();
    const r = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE' });
    expect(r.outcome).toBe('no_connection');
    expect(sim.envelopes()[0]!.status).toBe('undeliverable');
  });

  it('makes an in-time ack late with the ackDelay fault', async () => {
    const client = await setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sim.injectFault({ kind: 'ackDelay', ms: 3500 });
    const pending = sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE' });
    const env = await client.nextEnvelope();
    const received = sim.waitForAppFrame();
    client.ack(env.envelope_id!);
    await received;
    await vi.advanceTimersByTimeAsync(3000);
    expect((await pending).outcome).toBe('missed');
    expect(sim.envelopes()[0]!.lateAckAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(500);
    expect(sim.envelopes()[0]!.lateAckAt).toBeDefined();
  });

  it('records frames that are not acks as protocol issues and keeps the connection', async () => {
    const client = await setup();
    const two = sim.waitForAppFrame((f) => f.raw.includes('no-such-envelope'));
    client.ws.send('not json');
    client.ws.send(JSON.stringify({ envelope_id: 'no-such-envelope' }));
    await two;
    expect(sim.protocolIssues().map((p) => p.problem)).toEqual([expect.stringMatching(/not an ack/), 'ack for unknown envelope no-such-envelope']);
    expect(sim.openConnections()).toHaveLength(1);
  });

  it('writes envelopes to the newest connection not told to disconnect', async () => {
    const a = await setup();
    const { client: b } = await connectRawClient(sim);
    clients.push(b);
    sim.disconnect('warning', 2);
    const p = sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS' });
    const env = await a.nextEnvelope();
    a.ack(env.envelope_id!);
    expect((await p).acked).toBe(true);
    expect(sim.envelopes()[0]!.connectionId).toBe(1);
  });
});
