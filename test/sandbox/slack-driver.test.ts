/**
 * The driver API: what users do (clicks, modal submissions and closes, messages, edits, the
 * App Home), how acks of interactive payloads are applied, seeding, and the bench helper.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { slashCommandAckBurst, startSimulatedSlack, type SimulatedSlack, type SimulatedSlackOptions } from '../../src/sandbox/slack/index.ts';
import { callJson, openConnectionUrl } from './slack-raw-client.ts';

type Frame = { type: string; envelope_id?: string; payload?: Record<string, unknown> };
type Responder = (frame: Frame) => Record<string, unknown> | undefined;

let sim: SimulatedSlack;
let socket: WebSocket | undefined;
/** Frames the auto-acking app received. */
let received: Frame[];
/** What the auto-acking app answers; change per test. */
let respond: Responder;

/** A stand-in app that acks every envelope at once with whatever `respond` returns. */
async function start(opts: SimulatedSlackOptions = {}): Promise<void> {
  sim = await startSimulatedSlack(opts);
  received = [];
  respond = () => undefined;
  const ws = new WebSocket(await openConnectionUrl(sim));
  socket = ws;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'hello') resolve();
      if (!frame.envelope_id) return;
      received.push(frame);
      const payload = respond(frame);
      ws.send(JSON.stringify(payload ? { envelope_id: frame.envelope_id, payload } : { envelope_id: frame.envelope_id }));
    });
  });
}

afterEach(async () => {
  socket?.terminate();
  await sim.stop();
});

const textInput = (blockId: string, actionId: string, optional = false) => ({
  type: 'input', block_id: blockId, optional, label: { type: 'plain_text', text: blockId }, element: { type: 'plain_text_input', action_id: actionId },
});
const option = (v: string) => ({ text: { type: 'plain_text', text: v.toUpperCase() }, value: v });

async function openModal(view: Record<string, unknown>, user = 'U_LEAD'): Promise<string> {
  const r = await sim.slashCommand({ user, channel: 'C_QE_RELEASE' });
  const res = await callJson(sim, 'views.open', { trigger_id: r.triggerId, view: { type: 'modal', title: { type: 'plain_text', text: 'Modal' }, ...view } });
  if (!res.ok) throw new Error(`views.open: ${String(res.error)} ${JSON.stringify(res.response_metadata)}`);
  return String((res.view as { id: string }).id);
}

describe('modal submissions', () => {
  it('maps simple values to state.values per element type, with initial values and optional inputs', async () => {
    await start();
    const viewId = await openModal({
      callback_id: 'take', submit: { type: 'plain_text', text: 'Go' },
      blocks: [
        { type: 'input', block_id: 'release', label: { type: 'plain_text', text: 'Release' }, element: { type: 'static_select', action_id: 'pick', options: [option('4.19.1'), option('4.19.2')] } },
        { type: 'input', block_id: 'who', label: { type: 'plain_text', text: 'Owner' }, element: { type: 'users_select', action_id: 'owner', initial_user: 'U_LEAD' } },
        { type: 'input', block_id: 'arches', label: { type: 'plain_text', text: 'Arches' }, element: { type: 'checkboxes', action_id: 'arch', options: [option('amd64'), option('arm64')] } },
        textInput('note', 'note_text', true),
      ],
    });
    const r = await sim.submitView({ user: 'U_LEAD', values: { pick: '4.19.2', arch: ['arm64'] } });
    expect(r.acked).toBe(true);
    const view = received.at(-1)!.payload!.view as { id: string; callback_id: string; state: { values: unknown } };
    expect(view.id).toBe(viewId);
    expect(view.state.values).toEqual({
      release: { pick: { type: 'static_select', selected_option: option('4.19.2') } },
      who: { owner: { type: 'users_select', selected_user: 'U_LEAD' } },
      arches: { arch: { type: 'checkboxes', selected_options: [option('arm64')] } },
      note: { note_text: { type: 'plain_text_input', value: null } },
    });
    expect(sim.view(viewId)).toMatchObject({ open: false, closedReason: 'submitted' });
  });

  it('refuses values a user could not enter', async () => {
    await start();
    await openModal({ submit: { type: 'plain_text', text: 'Go' }, blocks: [
      { type: 'input', block_id: 'release', label: { type: 'plain_text', text: 'Release' }, element: { type: 'static_select', action_id: 'pick', options: [option('4.19.1')] } },
    ] });
    await expect(sim.submitView({ user: 'U_LEAD', values: { pick: '9.9.9' } })).rejects.toThrow(/"9.9.9" is not one of the options \(4.19.1\)/);
    await expect(sim.submitView({ user: 'U_LEAD', values: { pick: '4.19.1', typo: 'x' } })).rejects.toThrow(/no input with action_id or block_id typo/);
    await expect(sim.submitView({ user: 'U_VIEWER', values: {} })).rejects.toThrow(/U_VIEWER has no open modal/);
    expect(received.filter((f) => f.payload?.type === 'view_submission')).toEqual([]);
  });

  it('applies response_action update, push, clear and errors from the ack', async () => {
    await start();
    const page = (title: string) => ({ type: 'modal', title: { type: 'plain_text', text: title }, submit: { type: 'plain_text', text: 'Next' }, blocks: [textInput('b', 'a')] });
    const root = await openModal(page('Step 1'));

    respond = (f) => (f.payload?.type === 'view_submission' ? { response_action: 'update', view: page('Step 2') } : undefined);
    const updated = await sim.submitView({ user: 'U_LEAD', values: { a: 'x' } });
    expect(updated).toMatchObject({ responseAction: 'update', viewOpen: true });
    expect(sim.views('U_LEAD').map((v) => v.title?.text)).toEqual(['Step 2']);

    respond = (f) => (f.payload?.type === 'view_submission' ? { response_action: 'push', view: page('Step 3') } : undefined);
    await sim.submitView({ user: 'U_LEAD', values: { a: 'x' } });
    expect(sim.views('U_LEAD').map((v) => v.title?.text)).toEqual(['Step 2', 'Step 3']);

    respond = (f) => (f.payload?.type === 'view_submission' ? { response_action: 'errors', errors: { b: 'Nope', ghost: 'x' } } : undefined);
    const errs = await sim.submitView({ user: 'U_LEAD', values: { a: 'x' } });
    expect(errs).toMatchObject({ responseAction: 'errors', errors: { b: 'Nope', ghost: 'x' }, viewOpen: true, ackError: 'errors for unknown input block(s): ghost' });

    respond = (f) => (f.payload?.type === 'view_submission' ? { response_action: 'update', view: { ...page('x'), title: { type: 'plain_text', text: 'y'.repeat(30) } } } : undefined);
    const bad = await sim.submitView({ user: 'U_LEAD', values: { a: 'x' } });
    expect(bad.ackError).toMatch(/^invalid_blocks: must be less than 25 characters/);

    respond = (f) => (f.payload?.type === 'view_submission' ? { response_action: 'clear' } : undefined);
    await sim.submitView({ user: 'U_LEAD', values: { a: 'x' } });
    expect(sim.views('U_LEAD')).toEqual([]);
    expect(sim.view(root)).toMatchObject({ open: false, closedReason: 'cleared' });
  });

  it('closes a modal without telling the app unless notify_on_close is set', async () => {
    await start();
    const quiet = await openModal({ blocks: [] });
    expect(await sim.closeView({ user: 'U_LEAD' })).toEqual({ viewId: quiet, sent: false });
    const loud = await openModal({ notify_on_close: true, blocks: [] });
    const r = await sim.closeView({ user: 'U_LEAD', viewId: loud });
    expect(r.sent).toBe(true);
    expect(received.at(-1)!.payload).toMatchObject({ type: 'view_closed', is_cleared: false, view: { id: loud } });
  });
});

describe('clicks', () => {
  it('picks the button by value when rows share an action_id, and sends select choices', async () => {
    await start();
    const rows = ['4.19.1', '4.19.2'].map((r) => ({
      type: 'section', text: { type: 'mrkdwn', text: r },
      accessory: { type: 'button', action_id: 'details', text: { type: 'plain_text', text: 'Details' }, value: r },
    }));
    const select = { type: 'actions', elements: [{ type: 'static_select', action_id: 'status', options: [option('pass'), option('fail')] }] };
    const posted = await callJson(sim, 'chat.postMessage', { channel: 'C_OPS', text: 'releases', blocks: [...rows, select] });
    const ts = String(posted.ts);
    await sim.clickButton({ user: 'U_VIEWER', messageTs: ts, actionId: 'details', value: '4.19.2' });
    expect((received.at(-1)!.payload!.actions as unknown[])[0]).toMatchObject({ action_id: 'details', value: '4.19.2', block_id: expect.any(String) });
    await sim.clickButton({ user: 'U_VIEWER', messageTs: ts, actionId: 'status', value: 'fail' });
    expect((received.at(-1)!.payload!.actions as unknown[])[0]).toMatchObject({ type: 'static_select', selected_option: option('fail') });
    await expect(sim.clickButton({ user: 'U_VIEWER', messageTs: ts, actionId: 'details', value: '5.0.0' })).rejects.toThrow(/no element with action_id details and value 5.0.0/);
    await expect(sim.clickButton({ user: 'U_VIEWER', messageTs: ts, actionId: 'status', value: 'maybe' })).rejects.toThrow(/choose one of pass, fail/);
  });

  it('clicks inside a modal with a view container and no response_url', async () => {
    await start();
    const viewId = await openModal({ blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'refresh', text: { type: 'plain_text', text: 'Refresh' } }] }] });
    const r = await sim.clickButton({ user: 'U_LEAD', viewId, actionId: 'refresh' });
    expect(r.responseUrl).toBeUndefined();
    const payload = received.at(-1)!.payload!;
    expect(payload).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: viewId }, view: { id: viewId } });
    expect(payload.response_url).toBeUndefined();
    expect(payload.trigger_id).toBe(r.triggerId);
  });

  it('hides ephemeral messages from other users', async () => {
    await start();
    const eph = await callJson(sim, 'chat.postEphemeral', { channel: 'C_OPS', user: 'U_LEAD', text: 'x', blocks: [
      { type: 'actions', elements: [{ type: 'button', action_id: 'ok', text: { type: 'plain_text', text: 'OK' } }] },
    ] });
    const ts = String(eph.message_ts);
    await expect(sim.clickButton({ user: 'U_VIEWER', messageTs: ts, actionId: 'ok' })).rejects.toThrow(/not visible to U_VIEWER/);
    await sim.clickButton({ user: 'U_LEAD', messageTs: ts, actionId: 'ok' });
    expect(received.at(-1)!.payload).toMatchObject({ container: { is_ephemeral: true, message_ts: ts } });
    expect(received.at(-1)!.payload!.message).toBeUndefined();
  });
});

describe('messages and events', () => {
  it('sends message events only where the bot is a member, and app_mention only when subscribed', async () => {
    await start({ subscribedEvents: ['message'], channels: [{ id: 'C_NOBOT', name: 'no-bot', members: ['U_LEAD'] }] });
    const outside = await sim.sendMessage({ user: 'U_LEAD', channel: 'no-bot', text: `<@${sim.botUserId}> hi` });
    expect(outside.events).toEqual([]);
    const inside = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_OPS', text: `<@${sim.botUserId}> hi` });
    expect(inside.events.map((e) => e.type)).toEqual(['message']);
    await expect(sim.sendMessage({ user: 'U_VIEWER', channel: 'no-bot', text: 'x' })).rejects.toThrow(/not a member/);
    await expect(sim.sendMessage({ user: 'U_LEAD', channel: 'C_OPS', text: 'x', threadTs: '1.1' })).rejects.toThrow(/no message 1.1/);
  });

  it('builds message and app_mention events with thread fields, and message_changed for edits', async () => {
    await start();
    const root = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'root' });
    const reply = await sim.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: `<@${sim.botUserId}> oar -r 4.19.1 status`, threadTs: root.ts });
    const [message, mention] = received.slice(-2).map((f) => (f.payload as { event: Record<string, unknown> }).event);
    expect(message).toMatchObject({ type: 'message', channel_type: 'channel', user: 'U_VIEWER', ts: reply.ts, thread_ts: root.ts, parent_user_id: 'U_LEAD' });
    expect(mention).toMatchObject({ type: 'app_mention', user: 'U_VIEWER', ts: reply.ts, thread_ts: root.ts });
    expect(mention!.client_msg_id).toBe(message!.client_msg_id);
    const edit = await sim.editMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', ts: reply.ts, text: 'edited' });
    expect(edit?.delivery.acked).toBe(true);
    const changed = (received.at(-1)!.payload as { event: Record<string, unknown> }).event;
    expect(changed).toMatchObject({ type: 'message', subtype: 'message_changed', message: { text: 'edited', user: 'U_VIEWER' } });
    expect(changed.user).toBeUndefined();
    await expect(sim.editMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', ts: reply.ts, text: 'x' })).rejects.toThrow(/has no message/);
  });

  it('does not echo the bot’s own posts when echoBotMessages is off', async () => {
    await start({ echoBotMessages: false });
    await callJson(sim, 'chat.postMessage', { channel: 'C_OPS', text: 'quiet' });
    expect(sim.envelopes()).toEqual([]);
  });

  it('sends app_home_opened with the published Home view and the DM channel', async () => {
    await start();
    await callJson(sim, 'views.publish', { user_id: 'U_VIEWER', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    const r = await sim.openHome({ user: 'U_VIEWER' });
    expect(r.delivery.acked).toBe(true);
    expect(received.at(-1)!.payload!.event).toMatchObject({ type: 'app_home_opened', user: 'U_VIEWER', channel: 'DU_VIEWER', tab: 'home', view: { type: 'home' } });
  });

  it('posts the ack of a slash command as a message, and reports an ack Slack would refuse', async () => {
    await start();
    respond = () => ({ response_type: 'in_channel', text: 'Started' });
    const r = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS', text: 'status' });
    expect(r.ackMessage).toMatchObject({ text: 'Started', ephemeral: false, source: 'ack' });
    respond = () => ({ blocks: [{ type: 'bogus' }] });
    const bad = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS', text: 'status' });
    expect(bad).toMatchObject({ acked: true, ackError: 'invalid_blocks' });
    expect(bad.ackMessage).toBeUndefined();
  });
});

describe('seeding', () => {
  it('starts from the given data only with replaceDefaults, and checks seeds', async () => {
    await start({
      replaceDefaults: true,
      users: [{ id: 'U_ONLY', name: 'only', real_name: 'Only One', email: 'only@redhat.com' }],
      channels: [{ id: 'C_ONE', name: 'one' }],
      groups: [{ id: 'S_ONE', handle: 'the-one', name: 'The One', users: ['U_ONLY'] }],
    });
    expect(sim.users().map((u) => u.id).sort()).toEqual(['U_ONLY', sim.botUserId].sort());
    expect(sim.channels().map((c) => c.id)).toEqual(['C_ONE']);
    expect(sim.groups().map((g) => g.handle)).toEqual(['the-one']);
    expect(sim.channelId('#one')).toBe('C_ONE');
    expect(() => sim.addChannel({ id: 'C_TWO', name: 'one' })).toThrow(/already used by C_ONE/);
    await expect(startSimulatedSlack({ botToken: 'xoxp-user-token' })).rejects.toThrow(/xoxb-/);
  });
});

describe('bench helper', () => {
  it('sends N slash commands at once and collects every ack latency', async () => {
    await start();
    const burst = await slashCommandAckBurst(sim, { count: 25, text: (i) => `4.19.${i} status` });
    expect(burst.acked).toBe(25);
    expect(burst.missed + burst.noConnection).toBe(0);
    expect(burst.latenciesMs).toHaveLength(25);
    expect(burst.latenciesMs.every((ms) => ms >= 0)).toBe(true);
    expect(new Set(received.map((f) => f.payload!.text))).toHaveLength(25);
    await expect(slashCommandAckBurst(sim, { count: 0 })).rejects.toThrow(/positive integer/);
  });
});
