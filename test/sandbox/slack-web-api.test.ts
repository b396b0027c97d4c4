/**
 * The simulator's Web API: tokens, body encodings, messages and threads, views and trigger ids,
 * users and groups, the files upload flow, response URLs, faults, recording and waiting.
 */
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient, type Logger } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareTs } from '../../src/sandbox/slack/ids.ts';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';
import { callForm, callJson, connectRawClient, type RawSocketClient } from './slack-raw-client.ts';

let sim: SimulatedSlack;
let client: WebClient;
/** The failures here are expected; keep WebClient from printing them. */
const quiet: Logger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
  setLevel: () => undefined, getLevel: () => LogLevel.ERROR, setName: () => undefined,
};
const sockets: RawSocketClient[] = [];

beforeEach(async () => {
  sim = await startSimulatedSlack();
  client = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
});

afterEach(async () => {
  vi.useRealTimers();
  for (const s of sockets.splice(0)) s.ws.terminate();
  await sim.stop();
});

/** Expects a WebClient call to fail with a Slack platform error; returns the response body. */
async function platformError(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WebAPIPlatformError);
  const data = (err as WebAPIPlatformError).data as unknown as Record<string, unknown>;
  expect(data.error).toBe(code);
  return data;
}

/** A slash command acked by a bare client, to get a fresh trigger_id and response_url. */
async function commandFromSocket(user = 'U_LEAD'): Promise<{ triggerId: string; responseUrl: string }> {
  const { client: socket } = await connectRawClient(sim);
  sockets.push(socket);
  const p = sim.slashCommand({ user, channel: 'C_QE_RELEASE', text: 'x' });
  const env = await socket.nextEnvelope();
  socket.ack(env.envelope_id!);
  const r = await p;
  return { triggerId: r.triggerId, responseUrl: r.responseUrl };
}

describe('tokens and encodings', () => {
  it('takes the bot token for Web API methods and the app token for apps.connections.open only', async () => {
    expect(await callForm(sim, 'auth.test', {})).toMatchObject({ ok: true, user_id: sim.botUserId, bot_id: sim.botId, team_id: sim.teamId });
    expect(await callForm(sim, 'auth.test', {}, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await callForm(sim, 'chat.postMessage', { channel: 'C_OPS', text: 'x' }, sim.appToken)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await callForm(sim, 'apps.connections.open', {}, sim.botToken)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await callForm(sim, 'apps.connections.open', {}, sim.appToken)).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\?/) });
    const res = await fetch(`${sim.apiUrl}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    // auth.test may carry the token in the body, as @slack/web-api sends it.
    expect(await callForm(sim, 'auth.test', { token: sim.botToken }, '')).toMatchObject({ ok: true });
    expect(await callForm(sim, 'no.such.method', {})).toEqual({ ok: false, error: 'unknown_method' });
    expect(sim.calls().every((c) => !('token' in c.args))).toBe(true);
    expect(sim.calls('auth.test').map((c) => c.token)).toEqual(['bot', 'invalid', 'none', 'bot']);
  });

  it('accepts form-encoded and JSON bodies alike, blocks included', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*4.19.1*' } }];
    const viaForm = await callForm(sim, 'chat.postMessage', { channel: 'C_OPS', text: 'form', blocks });
    const viaJson = await callJson(sim, 'chat.postMessage', { channel: 'C_OPS', text: 'json', blocks });
    expect(viaForm).toMatchObject({ ok: true, channel: 'C_OPS' });
    expect(viaJson).toMatchObject({ ok: true, channel: 'C_OPS' });
    const msgs = sim.messages('C_OPS');
    expect(msgs.map((m) => m.text)).toEqual(['form', 'json']);
    expect(msgs.map((m) => (m.blocks![0]!.text as { text: string }).text)).toEqual(['*4.19.1*', '*4.19.1*']);
    expect(msgs[0]!.blocks![0]!.block_id).toEqual(expect.any(String));
    expect(await callForm(sim, 'chat.postMessage', { channel: 'C_OPS', blocks: '[{oops' })).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
  });
});

describe('messages', () => {
  it('posts to channels by id, #name or name, and to a user as a DM; refuses unknown and private channels', async () => {
    const byName = await client.chat.postMessage({ channel: '#forum-qe', text: 'a' });
    const byBare = await client.chat.postMessage({ channel: 'forum-qe', text: 'b' });
    const dm = await client.chat.postMessage({ channel: 'U_LEAD', text: 'psst' });
    expect([byName.channel, byBare.channel, dm.channel]).toEqual(['C_FORUM_QE', 'C_FORUM_QE', 'DU_LEAD']);
    expect(sim.messages('U_LEAD').map((m) => m.text)).toEqual(['psst']);
    await platformError(client.chat.postMessage({ channel: 'C_NOPE', text: 'x' }), 'channel_not_found');
    await platformError(client.chat.postMessage({ channel: 'G_PRIVATE', text: 'x' }), 'not_in_channel');
    await platformError(client.chat.postMessage({ channel: 'C_OPS', text: ' ' }), 'no_text');
    const missing = await callForm(sim, 'chat.postMessage', { text: 'x' });
    expect(missing).toMatchObject({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: channel'] } });
  });

  it('keeps threads: replies to a reply land in the root thread; unknown thread_ts is refused', async () => {
    const root = await client.chat.postMessage({ channel: 'C_OPS', text: 'root' });
    const r1 = await client.chat.postMessage({ channel: 'C_OPS', text: 'r1', thread_ts: root.ts! });
    await client.chat.postMessage({ channel: 'C_OPS', text: 'r2', thread_ts: r1.ts! });
    await client.chat.postMessage({ channel: 'C_OPS', text: 'r3', thread_ts: root.ts!, reply_broadcast: true });
    expect(sim.messages('C_OPS', root.ts!).map((m) => m.text)).toEqual(['r1', 'r2', 'r3']);
    expect(sim.messages('C_OPS').map((m) => m.text)).toEqual(['root', 'r3']);
    const replies = await client.conversations.replies({ channel: 'C_OPS', ts: root.ts! });
    expect(replies.messages!.map((m) => m.text)).toEqual(['root', 'r1', 'r2', 'r3']);
    await platformError(client.chat.postMessage({ channel: 'C_OPS', text: 'x', thread_ts: '1.000001' }), 'thread_not_found');
  });

  it('updates and deletes only the bot’s own messages; ephemeral messages are not updatable', async () => {
    const posted = await client.chat.postMessage({ channel: 'C_OPS', text: 'v1', blocks: [{ type: 'divider' }] });
    await client.chat.update({ channel: 'C_OPS', ts: posted.ts!, text: 'v2' });
    expect(sim.message(posted.ts!)).toMatchObject({ text: 'v2', edits: 1, blocks: [{ type: 'divider' }] });
    const user = await sim.sendMessage({ user: 'U_LEAD', channel: 'C_OPS', text: 'mine' });
    await platformError(client.chat.update({ channel: 'C_OPS', ts: user.ts, text: 'hijack' }), 'cant_update_message');
    await platformError(client.chat.delete({ channel: 'C_OPS', ts: user.ts }), 'cant_delete_message');
    const eph = await client.chat.postEphemeral({ channel: 'C_OPS', user: 'U_VIEWER', text: 'only you' });
    await platformError(client.chat.update({ channel: 'C_OPS', ts: eph.message_ts!, text: 'x' }), 'message_not_found');
    expect(sim.ephemeralMessages('U_VIEWER').map((m) => m.text)).toEqual(['only you']);
    await platformError(client.chat.postEphemeral({ channel: 'G_PRIVATE', user: 'U_VIEWER', text: 'x' }), 'user_not_in_channel');
    await client.chat.delete({ channel: 'C_OPS', ts: posted.ts! });
    // messages() lists ephemeral messages too, flagged.
    expect(sim.messages('C_OPS').map((m) => [m.text, m.ephemeral])).toEqual([['mine', false], ['only you', true]]);
    expect(sim.messages('C_OPS', undefined, { includeDeleted: true }).map((m) => m.deleted)).toEqual([true, false, false]);
  });

  it('echoes the bot’s posts, edits and deletions as message events, as Slack does', async () => {
    const { client: socket } = await connectRawClient(sim);
    sockets.push(socket);
    const posted = await client.chat.postMessage({ channel: 'C_OPS', text: 'hello' });
    const echo = await socket.nextEnvelope('events_api');
    expect(echo.payload!.event).toMatchObject({ type: 'message', bot_id: sim.botId, user: sim.botUserId, ts: posted.ts, text: 'hello' });
    socket.ack(echo.envelope_id!);
    await client.chat.update({ channel: 'C_OPS', ts: posted.ts!, text: 'hello again' });
    const changed = await socket.nextEnvelope('events_api');
    expect(changed.payload!.event).toMatchObject({ subtype: 'message_changed', message: { text: 'hello again' }, previous_message: { text: 'hello' } });
    expect((changed.payload!.event as Record<string, unknown>).user).toBeUndefined();
    socket.ack(changed.envelope_id!);
  });

  it('hands out unique, strictly increasing ts values and event ids', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.chat.postMessage({ channel: 'C_OPS', text: `m${i}` })));
    const ts = results.map((r) => r.ts!);
    expect(new Set(ts).size).toBe(50);
    const inOrder = sim.messages('C_OPS').map((m) => m.ts);
    expect([...inOrder].sort(compareTs)).toEqual(inOrder);
    const events = sim.events().map((e) => e.eventId);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events).size).toBe(events.length);
  });
});

describe('views and trigger ids', () => {
  const modal = (title = 'Confirm') => ({
    type: 'modal' as const, callback_id: 'cb', title: { type: 'plain_text' as const, text: title },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Sure?' } }],
  });

  it('opens a modal with a fresh trigger_id, once; refuses an unknown one', async () => {
    const { triggerId } = await commandFromSocket();
    const opened = await client.views.open({ trigger_id: triggerId, view: modal() });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'cb', type: 'modal', hash: expect.any(String) });
    expect(sim.views('U_LEAD').map((v) => v.id)).toEqual([opened.view!.id]);
    await platformError(client.views.open({ trigger_id: triggerId, view: modal() }), 'exchanged_trigger_id');
    await platformError(client.views.open({ trigger_id: '1.2.3', view: modal() }), 'invalid_trigger_id');
  });

  it('expires trigger_ids after 3 s', async () => {
    const { triggerId } = await commandFromSocket();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3001);
    await platformError(client.views.open({ trigger_id: triggerId, view: modal() }), 'expired_trigger_id');
    expect(sim.views('U_LEAD')).toEqual([]);
  });

  it('pushes up to 3 views, updates by view_id with hash checks, and publishes the Home tab', async () => {
    const first = await client.views.open({ trigger_id: (await commandFromSocket()).triggerId, view: modal('One') });
    const second = await client.views.push({ trigger_id: (await commandFromSocket()).triggerId, view: modal('Two') });
    await client.views.push({ trigger_id: (await commandFromSocket()).triggerId, view: modal('Three') });
    await platformError(client.views.push({ trigger_id: (await commandFromSocket()).triggerId, view: modal('Four') }), 'push_limit_reached');
    expect(sim.views('U_LEAD').map((v) => v.title?.text)).toEqual(['One', 'Two', 'Three']);
    expect(second.view).toMatchObject({ root_view_id: first.view!.id, previous_view_id: first.view!.id });

    const firstId = first.view!.id!;
    await platformError(client.views.update({ view_id: firstId, hash: 'stale', view: modal('Uno') }), 'hash_conflict');
    const upd = await client.views.update({ view_id: firstId, hash: first.view!.hash!, view: modal('Uno') });
    expect(upd.view!.hash).not.toBe(first.view!.hash);
    expect(sim.view(firstId)?.title?.text).toBe('Uno');
    await platformError(client.views.update({ view_id: 'VNOPE', view: modal() }), 'not_found');

    await client.views.publish({ user_id: 'U_VIEWER', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    const home = sim.homeView('U_VIEWER')!;
    await client.views.publish({ user_id: 'U_VIEWER', hash: home.hash, view: { type: 'home', blocks: [{ type: 'divider' }, { type: 'divider' }] } });
    expect(sim.homeView('U_VIEWER')!.blocks).toHaveLength(2);
    expect(sim.homeView('U_VIEWER')!.id).toBe(home.id);
    await platformError(client.views.publish({ user_id: 'U_NOPE', view: { type: 'home', blocks: [] } }), 'user_not_found');
  });
});

describe('block limits', () => {
  it('answers invalid_blocks with Slack-style response_metadata for a message', async () => {
    const data = await platformError(client.chat.postMessage({ channel: 'C_OPS', text: 'x', blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } },
    ] }), 'invalid_blocks');
    expect(data.response_metadata).toEqual({ messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] });
    expect(data.errors).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
    expect(sim.messages('C_OPS')).toEqual([]);
    expect(sim.calls('chat.postMessage')[0]).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('applies the limits on chat.update, views.open, views.publish and message text length', async () => {
    const posted = await client.chat.postMessage({ channel: 'C_OPS', text: 'x' });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await platformError(client.chat.update({ channel: 'C_OPS', ts: posted.ts!, blocks: tooMany }), 'invalid_blocks');
    expect(sim.message(posted.ts!)!.edits).toBe(0);
    const { triggerId } = await commandFromSocket();
    const data = await platformError(client.views.open({ trigger_id: triggerId, view: {
      type: 'modal', title: { type: 'plain_text', text: 'A title that is far too long' }, blocks: [],
    } }), 'invalid_blocks');
    expect(data.response_metadata).toEqual({ messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] });
    // A refused view does not use up the trigger.
    await client.views.open({ trigger_id: triggerId, view: { type: 'modal', title: { type: 'plain_text', text: 'OK' }, blocks: [] } });
    await platformError(client.views.publish({ user_id: 'U_LEAD', view: { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) } }), 'invalid_blocks');
    await platformError(client.chat.postMessage({ channel: 'C_OPS', text: 'y'.repeat(40_001) }), 'msg_too_long');
    await client.chat.postMessage({ channel: 'C_OPS', text: 'y'.repeat(40_000) });
  });
});

describe('users, groups, conversations', () => {
  it('serves the default users and the release-lead groups, and seeded additions', async () => {
    const lead = await client.users.lookupByEmail({ email: 'Release.Lead@redhat.com' });
    expect(lead.user).toMatchObject({ id: 'U_LEAD', name: 'release.lead', profile: { email: 'release.lead@redhat.com' } });
    await platformError(client.users.lookupByEmail({ email: 'nobody@redhat.com' }), 'users_not_found');
    expect((await client.users.info({ user: sim.botUserId })).user).toMatchObject({ is_bot: true });
    await platformError(client.users.info({ user: 'U_NOPE' }), 'user_not_found');

    sim.addUser({ id: 'U_NEW', name: 'new.lead', real_name: 'New Lead', email: 'new.lead@redhat.com' });
    sim.addGroup({ id: 'S_QE_REL_50', handle: 'openshift-qe-release-5-0', name: 'Release leads 5.0', users: ['U_NEW'] });
    const groups = await client.usergroups.list({ include_users: true });
    const g419 = groups.usergroups!.find((g) => g.handle === 'openshift-qe-release-4-19');
    expect(g419).toMatchObject({ id: 'S_QE_REL_419', users: ['U_LEAD'], user_count: 1 });
    expect(groups.usergroups!.find((g) => g.handle === 'openshift-qe-release-5-0')?.users).toEqual(['U_NEW']);
    expect((await client.usergroups.list({})).usergroups![0]!.users).toBeUndefined();
    expect((await client.usergroups.users.list({ usergroup: 'S_QE' })).users).toEqual(['U_LEAD', 'U_VIEWER']);
    await platformError(client.usergroups.users.list({ usergroup: 'S_NOPE' }), 'no_such_subteam');
    expect(() => sim.addGroup({ id: 'S_BAD', handle: 'x', name: 'x', users: ['U_GHOST'] })).toThrow(/unknown user U_GHOST/);
    expect(() => sim.addUser({ id: 'bad', name: 'x', real_name: 'x', email: 'x@y.z' })).toThrow();
  });

  it('describes channels the bot can see', async () => {
    const info = await client.conversations.info({ channel: 'C_QE_RELEASE' });
    expect(info.channel).toMatchObject({ id: 'C_QE_RELEASE', name: 'team-qe-release', is_channel: true, is_member: true });
    await platformError(client.conversations.info({ channel: 'G_PRIVATE' }), 'channel_not_found');
  });
});

describe('files upload flow', () => {
  it('uploads through getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    const root = await client.chat.postMessage({ channel: 'C_QE_RELEASE', text: 'report' });
    const res = await client.filesUploadV2({
      channel_id: 'C_QE_RELEASE', thread_ts: root.ts!, content: 'line 1\nline 2\n', filename: 'oar.log', title: 'OAR log',
      initial_comment: 'Full log attached',
    });
    expect(res.ok).toBe(true);
    expect(sim.calls().map((c) => c.method).filter((m) => m.startsWith('file'))).toEqual([
      'files.getUploadURLExternal', 'file_upload', 'files.completeUploadExternal',
    ]);
    const [file] = sim.files();
    expect(file).toMatchObject({ name: 'oar.log', title: 'OAR log', declaredLength: 14, completed: true, channel: 'C_QE_RELEASE', threadTs: root.ts });
    expect(file!.bytes!.toString()).toBe('line 1\nline 2\n');
    const [shared] = sim.messages('C_QE_RELEASE', root.ts!);
    expect(shared).toMatchObject({ text: 'Full log attached', source: 'file', files: [{ id: file!.id, name: 'oar.log', size: 14 }] });
  });

  it('refuses to complete a file whose content was never uploaded', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    const data = await platformError(client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: 'C_OPS' }), 'file_not_found');
    expect(data.response_metadata).toEqual({ messages: [`[ERROR] no content was uploaded for file ${url.file_id}`] });
    expect(sim.messages('C_OPS')).toEqual([]);
  });
});

describe('response URLs', () => {
  it('posts ephemeral or in-channel messages, at most 5 times', async () => {
    const { responseUrl } = await commandFromSocket('U_VIEWER');
    const post = (body: unknown) => fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ text: 'just you' })).status).toBe(200);
    expect((await post({ text: 'everyone', response_type: 'in_channel' })).status).toBe(200);
    const bad = await post({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    for (let i = 0; i < 2; i++) expect((await post({ text: `more ${i}` })).status).toBe(200);
    const sixth = await post({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(sim.ephemeralMessages('U_VIEWER').map((m) => m.text)).toEqual(['just you', 'more 0', 'more 1']);
    expect(sim.messages('C_QE_RELEASE').filter((m) => !m.ephemeral).map((m) => m.text)).toEqual(['everyone']);
    expect(sim.calls('response_url').map((c) => c.status)).toEqual([200, 200, 400, 200, 200, 404]);
  });

  it('replaces or deletes the message a button was clicked in', async () => {
    const { client: socket } = await connectRawClient(sim);
    sockets.push(socket);
    const posted = await client.chat.postMessage({ channel: 'C_OPS', text: 'Approve?', blocks: [
      { type: 'actions', elements: [{ type: 'button', action_id: 'yes', text: { type: 'plain_text', text: 'Yes' }, value: 'y' }] },
    ] });
    const echo = await socket.nextEnvelope('events_api');
    socket.ack(echo.envelope_id!);
    const click = sim.clickButton({ user: 'U_LEAD', messageTs: posted.ts!, actionId: 'yes' });
    const env = await socket.nextEnvelope('interactive');
    expect(env.payload).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'yes', value: 'y', type: 'button' }], message: { ts: posted.ts } });
    socket.ack(env.envelope_id!);
    const { responseUrl } = await click;
    const replace = await fetch(responseUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, text: 'Approved' }) });
    expect(replace.status).toBe(200);
    expect(sim.message(posted.ts!)).toMatchObject({ text: 'Approved', edits: 1 });
    expect(sim.message(posted.ts!)!.blocks).toBeUndefined();
    await fetch(responseUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delete_original: true }) });
    expect(sim.message(posted.ts!)!.deleted).toBe(true);
    await expect(sim.clickButton({ user: 'U_LEAD', messageTs: posted.ts!, actionId: 'yes' })).rejects.toThrow(/no message/);
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After for the next N calls of a method', async () => {
    sim.injectFault({ kind: 'rateLimit', method: 'chat.postMessage', retryAfterSec: 7, times: 2 });
    const strict = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logger: quiet });
    const err = await strict.chat.postMessage({ channel: 'C_OPS', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    const raw = await fetch(`${sim.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${sim.botToken}` }, body: new URLSearchParams({ channel: 'C_OPS', text: 'x' }) });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    expect((await client.chat.postMessage({ channel: 'C_OPS', text: 'third time' })).ok).toBe(true);
    expect(sim.calls('chat.postMessage').map((c) => [c.status, c.fault ?? null])).toEqual([[429, 'rateLimit'], [429, 'rateLimit'], [200, null]]);
    expect(await callForm(sim, 'auth.test', {})).toMatchObject({ ok: true });
  });

  it('injects platform errors and HTTP errors, and refuses bad faults', async () => {
    sim.injectFault({ kind: 'error', method: 'users.lookupByEmail', error: 'ratelimited' });
    sim.injectFault({ kind: 'error', method: '*', error: 'internal_error', status: 503 });
    await platformError(client.users.lookupByEmail({ email: 'release.lead@redhat.com' }), 'ratelimited');
    const err = await client.auth.test().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(503);
    expect((await client.auth.test()).ok).toBe(true);
    expect(() => sim.injectFault({ kind: 'rateLimit', method: 'chat.postMessage', times: 0 })).toThrow(/times must be positive/);
  });

  it('refuses apps.connections.open when told to, so reconnect handling can be tested', async () => {
    sim.injectFault({ kind: 'error', method: 'apps.connections.open', error: 'invalid_auth' });
    expect(await callForm(sim, 'apps.connections.open', {}, sim.appToken)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await callForm(sim, 'apps.connections.open', {}, sim.appToken)).toMatchObject({ ok: true });
  });

  it('delays answers with the latency fault (driven by fake timers)', async () => {
    sim.injectFault({ kind: 'latency', method: 'auth.test', ms: 10_000 });
    const arrived = sim.waitForRequest('auth.test');
    const pending = fetch(`${sim.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${sim.botToken}` } });
    await arrived;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const call = sim.waitFor('auth.test', { timeoutMs: 60_000 });
    // The simulator holds the request until the fake clock passes 10 s.
    await vi.advanceTimersByTimeAsync(9_999);
    expect(sim.calls('auth.test')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    expect(((await (await pending).json()) as { ok: boolean }).ok).toBe(true);
    expect((await call).method).toBe('auth.test');
  });
});

describe('waiting for calls', () => {
  it('resolves on the next matching call, or on calls since a mark', async () => {
    await client.chat.postMessage({ channel: 'C_OPS', text: 'before' });
    const mark = sim.mark();
    await client.chat.postMessage({ channel: 'C_OPS', text: 'after mark' });
    expect((await sim.waitFor('chat.postMessage', { since: mark })).args.text).toBe('after mark');
    const next = sim.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'later');
    await client.chat.postMessage({ channel: 'C_OPS', text: 'not this' });
    await client.chat.postMessage({ channel: 'C_OPS', text: 'later' });
    expect((await next).seq).toBe(mark + 3);
    const msg = sim.waitForMessage((m) => m.text === 'posted later');
    await client.chat.postMessage({ channel: 'C_OPS', text: 'posted later' });
    expect((await msg).channel).toBe('C_OPS');
  });

  it('rejects after the timeout (fake timers) and when the simulator stops', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const waiting = sim.waitFor('views.open', { timeoutMs: 1000 });
    vi.advanceTimersByTime(1000);
    await expect(waiting).rejects.toThrow('timed out after 1000 ms waiting for a views.open call');
    vi.useRealTimers();
    const pending = sim.waitFor('views.open');
    await sim.stop();
    await expect(pending).rejects.toThrow(/stopped/);
  });
});
