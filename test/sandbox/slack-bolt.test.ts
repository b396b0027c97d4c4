/**
 * A real @slack/bolt 5 App in Socket Mode against the simulated Slack: proves the simulator
 * speaks the protocol Bolt expects (hello, envelopes, acks, disconnects, Web API, response_url).
 */
import { App, LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';

/** Bolt logger that keeps errors and warnings so a test can assert there were none. */
function collectingLogger(): Logger & { problems: string[] } {
  const problems: string[] = [];
  return {
    problems,
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => void problems.push(`warn: ${m.map(String).join(' ')}`),
    error: (...m: unknown[]) => void problems.push(`error: ${m.map(String).join(' ')}`),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

let sim: SimulatedSlack;
let app: App | undefined;
let logger: ReturnType<typeof collectingLogger>;

/** The way the product builds its app: socketMode + clientOptions.slackApiUrl. */
async function startApp(register: (app: App) => void): Promise<App> {
  const a = new App({
    token: sim.botToken,
    appToken: sim.appToken,
    socketMode: true,
    logger,
    clientOptions: { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } },
  });
  register(a);
  await a.start();
  app = a;
  return a;
}

beforeEach(async () => {
  sim = await startSimulatedSlack();
  logger = collectingLogger();
  app = undefined;
});

afterEach(async () => {
  await app?.stop();
  await sim.stop();
});

describe('Bolt 5 app in Socket Mode against the simulated Slack', () => {
  afterEach(() => {
    expect(logger.problems).toEqual([]);
  });

  it('connects with the app token, verifies the bot token with auth.test, and gets hello', async () => {
    await startApp(() => undefined);
    const open = sim.calls('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe('app');
    expect(open[0]!.ok).toBe(true);
    const auth = sim.calls('auth.test');
    expect(auth.map((c) => c.token)).toEqual(['bot']);
    expect(sim.openConnections()).toHaveLength(1);
    expect(logger.problems).toEqual([]);
  });

  it('acks a slash command and answers with chat.postMessage', async () => {
    await startApp((a) => a.command('/oar', async ({ command, ack, client }) => {
      await ack();
      await client.chat.postMessage({ channel: command.channel_id, text: `running ${command.text} for <@${command.user_id}>` });
    }));
    const posted = sim.waitFor('chat.postMessage');
    const r = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 take-ownership -e me@redhat.com' });
    expect(r.outcome).toBe('acked');
    expect(r.ack).toEqual({});
    expect(r.ackLatencyMs).toBeGreaterThanOrEqual(0);
    const call = await posted;
    expect(call.ok).toBe(true);
    expect(call.token).toBe('bot');
    expect(sim.messages('#team-qe-release').map((m) => m.text)).toEqual(['running 4.19.1 take-ownership -e me@redhat.com for <@U_LEAD>']);
    expect(sim.missedAcks()).toEqual([]);
  });

  it('shows an ack payload as an ephemeral message and takes respond() on the response_url', async () => {
    await startApp((a) => a.command('/oar', async ({ ack, respond }) => {
      await ack({ text: 'Working on it…' });
      await respond({ text: 'Done: 4.19.1 status', response_type: 'in_channel' });
    }));
    const responded = sim.waitFor('response_url');
    const r = await sim.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 status' });
    expect(r.ack).toEqual({ text: 'Working on it…' });
    expect(r.ackMessage).toMatchObject({ ephemeral: true, visibleTo: 'U_VIEWER', text: 'Working on it…', source: 'ack' });
    expect((await responded).ok).toBe(true);
    const pub = sim.messages('C_QE_RELEASE').filter((m) => !m.ephemeral);
    expect(pub.map((m) => [m.text, m.source])).toEqual([['Done: 4.19.1 status', 'response_url']]);
  });

  it('delivers a channel message and an app_mention; the app replies in the thread', async () => {
    const seen: string[] = [];
    await startApp((a) => {
      a.message(/^oar /, async ({ message, say }) => {
        seen.push('message');
        if (message.subtype === undefined) await say({ text: 'oar command accepted', thread_ts: message.thread_ts ?? message.ts });
      });
      a.event('app_mention', async ({ event, say }) => {
        seen.push('app_mention');
        await say({ text: `Hi <@${event.user}>`, thread_ts: event.ts });
      });
    });
    const reply = sim.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'oar command accepted');
    const sent = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 create-test-report' });
    expect(sent.events.map((e) => [e.type, e.delivery.outcome])).toEqual([['message', 'acked']]);
    await reply;
    expect(sim.messages('C_QE_RELEASE', sent.ts).map((m) => m.text)).toEqual(['oar command accepted']);

    const mentionReply = sim.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'Hi <@U_VIEWER>');
    const mention = await sim.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: `<@${sim.botUserId}> hello` });
    expect(mention.events.map((e) => e.type)).toEqual(['message', 'app_mention']);
    expect(new Set(mention.events.map((e) => e.eventId)).size).toBe(2);
    await mentionReply;
    expect(sim.messages('C_QE_RELEASE', mention.ts).map((m) => m.text)).toEqual(['Hi <@U_VIEWER>']);
    expect(seen).toEqual(['message', 'app_mention']);
  });

  it('passes retry_attempt and retry_reason of a redelivered event to Bolt', async () => {
    const retries: { num: number | undefined; reason: string | undefined }[] = [];
    let secondRun!: () => void;
    const ranTwice = new Promise<void>((resolve) => (secondRun = resolve));
    await startApp((a) => a.message(async ({ context, message }) => {
      if (message.subtype === undefined && 'user' in message && message.user === 'U_LEAD') {
        retries.push({ num: context.retryNum, reason: context.retryReason });
        if (retries.length === 2) secondRun();
      }
    }));
    const sent = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'status please' });
    const first = sent.events[0]!;
    const again = await sim.redeliver(first.eventId);
    expect(again.acked).toBe(true);
    expect(again.retryAttempt).toBe(1);
    const bodies = sim.envelopes('events_api').filter((e) => e.payload.event_id === first.eventId);
    expect(bodies.map((e) => [e.retryAttempt, e.retryReason])).toEqual([[0, ''], [1, 'timeout']]);
    await ranTwice;
    expect(retries).toEqual([{ num: 0, reason: '' }, { num: 1, reason: 'timeout' }]);
  });

  it('routes a button click (block_actions) and lets the app update the message', async () => {
    await startApp((a) => {
      a.command('/oar', async ({ ack, command, client }) => {
        await ack();
        await client.chat.postMessage({
          channel: command.channel_id,
          text: 'Approve 4.19.1?',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: '*Approve 4.19.1?*' } },
            { type: 'actions', block_id: 'approval', elements: [
              { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: '4.19.1', style: 'primary' },
              { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' }, value: '4.19.1', style: 'danger' },
            ] },
          ],
        });
      });
      a.action('approve', async ({ ack, body, action, client }) => {
        await ack();
        if (body.type !== 'block_actions' || action.type !== 'button' || !body.channel || !body.message) throw new Error('unexpected payload');
        await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: `Approved ${action.value} by <@${body.user.id}>`, blocks: [] });
      });
    });
    const posted = sim.waitFor('chat.postMessage');
    await sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 approve' });
    const ts = String(((await posted).response as { ts: string }).ts);
    const updated = sim.waitFor('chat.update');
    const click = await sim.clickButton({ user: 'U_LEAD', messageTs: ts, actionId: 'approve' });
    expect(click.acked).toBe(true);
    expect((await updated).ok).toBe(true);
    const msg = sim.message(ts)!;
    expect(msg.text).toBe('Approved 4.19.1 by <@U_LEAD>');
    expect(msg.edits).toBe(1);
    const envelope = sim.envelopes('interactive')[0]!;
    expect(envelope.payload).toMatchObject({ type: 'block_actions', container: { type: 'message', message_ts: ts, channel_id: 'C_QE_RELEASE' } });
  });

  it('opens a modal from a click, rejects a bad submission with errors, closes on a good one', async () => {
    const submitted: string[] = [];
    await startApp((a) => {
      a.action('open_confirm', async ({ ack, body, client }) => {
        await ack();
        if (body.type !== 'block_actions') throw new Error('unexpected payload');
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal', callback_id: 'confirm_release', private_metadata: '4.19.1',
            title: { type: 'plain_text', text: 'Confirm' }, submit: { type: 'plain_text', text: 'Run' },
            blocks: [{ type: 'input', block_id: 'release', label: { type: 'plain_text', text: 'Type the release to confirm' },
              element: { type: 'plain_text_input', action_id: 'typed' } }],
          },
        });
      });
      a.view('confirm_release', async ({ ack, view, body, client }) => {
        const typed = view.state.values.release?.typed?.value;
        if (typed !== view.private_metadata) {
          await ack({ response_action: 'errors', errors: { release: `Type ${view.private_metadata} to confirm` } });
          return;
        }
        await ack();
        submitted.push(typed);
        await client.chat.postMessage({ channel: 'C_QE_RELEASE', text: `<@${body.user.id}> confirmed ${typed}` });
      });
    });
    await sim.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'hi' });
    const post = await (async () => {
      const p = sim.waitFor('chat.postMessage');
      await app!.client.chat.postMessage({ channel: 'C_QE_RELEASE', text: 'Critical operation', blocks: [
        { type: 'actions', elements: [{ type: 'button', action_id: 'open_confirm', text: { type: 'plain_text', text: 'Run…' } }] },
      ] });
      return p;
    })();
    const ts = String((post.response as { ts: string }).ts);
    const opened = sim.waitFor('views.open');
    await sim.clickButton({ user: 'U_LEAD', messageTs: ts, actionId: 'open_confirm' });
    expect((await opened).ok).toBe(true);
    const [modal] = sim.views('U_LEAD');
    expect(modal).toMatchObject({ callback_id: 'confirm_release', open: true });

    await expect(sim.submitView({ user: 'U_LEAD', values: {} })).rejects.toThrow(/required/);
    const bad = await sim.submitView({ user: 'U_LEAD', values: { typed: '4.19.2' } });
    expect(bad.responseAction).toBe('errors');
    expect(bad.errors).toEqual({ release: 'Type 4.19.1 to confirm' });
    expect(bad.viewOpen).toBe(true);

    const confirmed = sim.waitFor('chat.postMessage');
    const good = await sim.submitView({ user: 'U_LEAD', values: { typed: '4.19.1' } });
    expect(good.acked).toBe(true);
    expect(good.viewOpen).toBe(false);
    expect(sim.views('U_LEAD')).toEqual([]);
    expect((await confirmed).args.text).toBe('<@U_LEAD> confirmed 4.19.1');
    expect(submitted).toEqual(['4.19.1']);
  });

  it('sends view_closed for a notify_on_close modal', async () => {
    let closedId!: (id: string) => void;
    const closed = new Promise<string>((resolve) => (closedId = resolve));
    await startApp((a) => {
      a.command('/oar', async ({ ack }) => ack());
      a.view({ callback_id: 'watch', type: 'view_closed' }, async ({ ack, view }) => {
        await ack();
        closedId(view.id);
      });
    });
    const r = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'watch 4.19.1' });
    const open = await app!.client.views.open({ trigger_id: r.triggerId, view: {
      type: 'modal', callback_id: 'watch', notify_on_close: true, title: { type: 'plain_text', text: 'Watch' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Watching…' } }],
    } });
    const res = await sim.closeView({ user: 'U_LEAD' });
    expect(res.sent).toBe(true);
    expect(res.delivery?.acked).toBe(true);
    expect(await closed).toBe(open.view!.id);
    expect(sim.views('U_LEAD')).toEqual([]);
  });

  it('publishes the App Home when app_home_opened arrives', async () => {
    await startApp((a) => a.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Active releases' } },
        { type: 'section', text: { type: 'mrkdwn', text: '4.19.1 — In Progress' } },
      ] } });
    }));
    const published = sim.waitFor('views.publish');
    const opened = await sim.openHome({ user: 'U_LEAD' });
    expect(opened.delivery.acked).toBe(true);
    expect((await published).ok).toBe(true);
    const home = sim.homeView('U_LEAD')!;
    expect(home.blocks.map((b) => b.type)).toEqual(['header', 'section']);
  });
});

describe('Bolt reconnects', () => {
  /** A receiver with a short clientPingTimeout: Bolt waits clientPingTimeout × failures before reconnecting. */
  async function startFastReconnectApp(): Promise<App> {
    const receiver = new SocketModeReceiver({
      appToken: sim.appToken,
      logger,
      clientPingTimeout: 1000,
      installerOptions: { clientOptions: { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } } },
    });
    const a = new App({ token: sim.botToken, receiver, logger, clientOptions: { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } } });
    a.command('/oar', async ({ ack }) => {
      await ack({ text: 'pong' });
    });
    await a.start();
    app = a;
    return a;
  }

  it.each([
    ['a disconnect message (refresh_requested)', () => sim.disconnect('refresh_requested')],
    ['a disconnect message (warning)', () => sim.disconnect('warning')],
    ['a server-side close', () => sim.closeSocket(1001)],
    ['a dropped socket', () => sim.dropSocket()],
  ])('after %s, and the next command still works', async (name, fault) => {
    await startFastReconnectApp();
    expect((await sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS', text: 'ping' })).acked).toBe(true);
    const [first] = sim.openConnections();
    expect(fault()).toEqual([first!.id]);
    const next = await sim.waitForConnection({ after: first!.id });
    expect(next.id).toBeGreaterThan(first!.id);
    expect(sim.calls('apps.connections.open')).toHaveLength(2);
    const r = await sim.slashCommand({ user: 'U_LEAD', channel: 'C_OPS', text: 'ping' });
    expect(r.acked).toBe(true);
    expect(r.ack).toEqual({ text: 'pong' });
    expect(sim.connections().find((c) => c.id === first!.id)?.open).toBe(false);
    // Only a dropped socket is an error for the client; the other ways are orderly.
    const expected = name === 'a dropped socket' ? [expect.stringMatching(/WebSocket error/), expect.stringMatching(/WebSocket error/)] : [];
    expect(logger.problems).toEqual(expected);
  });
});
