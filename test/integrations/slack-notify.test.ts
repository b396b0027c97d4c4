/**
 * Slack notifier on WebClient: exact Web API request shapes (nock, fixtures in
 * test/fixtures/slack/), splitting, files, mentions, retries and error mapping.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import { SlackNotifier, slackErrorCode, slackNotifierFromConfig, stripPlusTag, type SlackNotifierOptions } from '../../src/integrations/slack-notify.ts';
import { strictNock } from '../helpers/nock.ts';

const API = 'https://slack.test';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as nock.Body;
const TOKEN = 'xoxb-test-token';

type Form = Record<string, string>;
/** WebClient posts application/x-www-form-urlencoded; nock hands the body as a string or parsed. */
function form(body: unknown): Form {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  return body as Form;
}

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  return { logger, lines };
}

function notifier(extra: Partial<SlackNotifierOptions> = {}) {
  return new SlackNotifier({ token: TOKEN, apiUrl: `${API}/api/`, minRetryDelayMs: 1, maxRetryDelayMs: 2, ...extra });
}

/** Record the forms posted to one method. */
function expectMethod(method: string, reply: nock.Body, times = 1, status = 200, headers: Record<string, string> = {}) {
  const forms: Form[] = [];
  nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
    .post(`/api/${method}`, (body: unknown) => {
      forms.push(form(body));
      return true;
    })
    .times(times)
    .reply(status, reply, headers);
  return forms;
}

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

strictNock();

describe('posting', () => {
  it('posts text (and blocks) with the bot token and logs like the original', async () => {
    const { logger, lines } = capture();
    const forms = expectMethod('chat.postMessage', fixture('chat.postMessage.json'), 2);
    const n = notifier({ logger });
    const posted = await n.post({ channel: '#forum-qe' }, { text: 'Release approval completed for 4.19.1.' });
    expect(posted).toEqual({ channel: 'C05HQFVGKQT', ts: '1752571234.123456', parts: ['1752571234.123456'] });
    expect(forms[0]).toEqual({ channel: '#forum-qe', text: 'Release approval completed for 4.19.1.' });
    expect(lines.join('')).toContain('sent slack message to <#forum-qe>');

    await n.post({ channel: 'C05HQFVGKQT', threadTs: '1752570000.000100' }, { text: 'fallback', blocks: [section('*bold*')] });
    expect(forms[1]).toEqual({ channel: 'C05HQFVGKQT', text: 'fallback', thread_ts: '1752570000.000100', blocks: JSON.stringify([section('*bold*')]) });
  });

  it('splits 130 blocks into 3 messages in order, later parts with a continued fallback', async () => {
    const forms = expectMethod('chat.postMessage', fixture('chat.postMessage.json'), 3);
    const blocks = Array.from({ length: 130 }, (_, i) => section(`OCPBUGS-${i} is ON_QA`));
    const posted = await notifier().reply('#forum-qe', '1752570000.000100', { text: 'ON_QA bugs\nmore', blocks });
    expect(posted.parts).toHaveLength(3);
    expect(forms.map((f) => (JSON.parse(f.blocks!) as unknown[]).length)).toEqual([50, 50, 30]);
    expect(forms.map((f) => f.text)).toEqual(['ON_QA bugs\nmore', 'ON_QA bugs (continued 2/3)', 'ON_QA bugs (continued 3/3)']);
    expect(forms.map((f) => f.thread_ts)).toEqual(['1752570000.000100', '1752570000.000100', '1752570000.000100']);
    // Later parts go to the channel id Slack answered.
    expect(forms.map((f) => f.channel)).toEqual(['#forum-qe', 'C05HQFVGKQT', 'C05HQFVGKQT']);
    expect((JSON.parse(forms[2]!.blocks!) as { text: { text: string } }[])[29]!.text.text).toBe('OCPBUGS-129 is ON_QA');
  });

  it('beyond maxMessages posts the first part and attaches everything as a file in its thread', async () => {
    const posts = expectMethod('chat.postMessage', fixture('chat.postMessage.json'));
    const urls = expectMethod('files.getUploadURLExternal', fixture('files.getUploadURLExternal.json'));
    let uploaded = '';
    nock('https://files.slack.com')
      .post('/upload/v1/CwABAAAAXAoAAZ8mU6aRwdPQAQAA', (body: unknown) => {
        uploaded = typeof body === 'string' ? body : JSON.stringify(body);
        return true;
      })
      .reply(200, 'OK - 12345');
    const completes = expectMethod('files.completeUploadExternal', fixture('files.completeUploadExternal.json'));
    const blocks = Array.from({ length: 130 }, (_, i) => section(`row ${i}`));
    const posted = await notifier({ maxMessages: 2 }).post({ channel: '#forum-qe' }, { text: 'big report', blocks });
    expect(posted).toEqual({ channel: 'C05HQFVGKQT', ts: '1752571234.123456', parts: ['1752571234.123456'], fileId: 'F07UPLOAD01' });
    expect(posts).toHaveLength(1);
    expect(urls[0]).toMatchObject({ filename: 'message.txt' });
    const content = `big report\n\n${blocks.map((b) => b.text.text).join('\n')}`;
    expect(Number(urls[0]!.length)).toBe(Buffer.byteLength(content));
    // WebClient sends the bytes as a multipart part.
    expect(uploaded).toContain(content);
    expect(completes[0]).toMatchObject({ channel_id: 'C05HQFVGKQT', thread_ts: '1752571234.123456' });
    expect(JSON.parse(completes[0]!.files!)).toEqual([{ id: 'F07UPLOAD01', title: 'Full message' }]);
  });

  it('updates a message; what does not fit goes into its thread', async () => {
    const updates = expectMethod('chat.update', fixture('chat.update.json'));
    const posts = expectMethod('chat.postMessage', fixture('chat.postMessage.json'));
    const blocks = Array.from({ length: 60 }, (_, i) => section(`row ${i}`));
    const posted = await notifier().update('C05HQFVGKQT', '1752571234.123456', { text: 'status', blocks });
    expect(updates[0]).toMatchObject({ channel: 'C05HQFVGKQT', ts: '1752571234.123456', text: 'status' });
    expect((JSON.parse(updates[0]!.blocks!) as unknown[]).length).toBe(50);
    expect(posts[0]).toMatchObject({ channel: 'C05HQFVGKQT', thread_ts: '1752571234.123456', text: 'status (continued 2/2)' });
    expect(posted.parts).toHaveLength(2);
  });

  it('posts ephemeral messages', async () => {
    const forms = expectMethod('chat.postEphemeral', fixture('chat.postEphemeral.json'));
    const ts = await notifier().postEphemeral('C05HQFVGKQT', 'U01JDOE123', { text: 'only you' }, { threadTs: '1752570000.000100' });
    expect(ts).toEqual(['1752571300.000200']);
    expect(forms[0]).toEqual({ channel: 'C05HQFVGKQT', user: 'U01JDOE123', text: 'only you', thread_ts: '1752570000.000100' });
  });

  it('command output: split(4000, 2500), fenced, in the thread; too many chunks become a file', async () => {
    const forms = expectMethod('chat.postMessage', fixture('chat.postMessage.json'), 2);
    await notifier().postOutput({ channel: 'C05HQFVGKQT', threadTs: '1752570000.000100' }, 'o'.repeat(4001));
    expect(forms.map((f) => f.text!.length)).toEqual([2506, 1507]);
    expect(forms.every((f) => f.text!.startsWith('```') && f.text!.endsWith('```') && f.thread_ts === '1752570000.000100')).toBe(true);

    const head = expectMethod('chat.postMessage', fixture('chat.postMessage.json'));
    expectMethod('files.getUploadURLExternal', fixture('files.getUploadURLExternal.json'));
    nock('https://files.slack.com').post('/upload/v1/CwABAAAAXAoAAZ8mU6aRwdPQAQAA').reply(200, 'OK');
    const completes = expectMethod('files.completeUploadExternal', fixture('files.completeUploadExternal.json'));
    const posted = await notifier().postOutput({ channel: 'C05HQFVGKQT', threadTs: '1752570000.000100' }, 'p'.repeat(20_000), { filename: 'take-ownership.log' });
    expect(head[0]!.text).toBe('Output is 20000 characters; attached as a file.');
    expect(completes[0]).toMatchObject({ channel_id: 'C05HQFVGKQT', thread_ts: '1752570000.000100' });
    expect(posted.fileId).toBe('F07UPLOAD01');
  });
});

describe('mentions', () => {
  it('resolves user-group handles from one cached usergroups.list', async () => {
    const calls = expectMethod('usergroups.list', fixture('usergroups.list.json'));
    const n = notifier();
    expect(await n.userGroupMention('openshift-qe-release-lead-4-19')).toBe('<!subteam^S05QF1MEX8A>');
    expect(await n.resolveUserGroup('@ert-team')).toEqual({ id: 'S06ERTTEAM1', handle: 'ert-team', mention: '<!subteam^S06ERTTEAM1>' });
    expect(calls).toHaveLength(1);
  });

  it('concurrent lookups share one usergroups.list; a handle missing from a fresh list does not reload it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const calls = expectMethod('usergroups.list', fixture('usergroups.list.json'));
      const n = notifier();
      const [lead, ert] = await Promise.all([n.userGroupMention('openshift-qe-release-lead-4-19'), n.userGroupMention('ert-team')]);
      expect([lead, ert]).toEqual(['<!subteam^S05QF1MEX8A>', '<!subteam^S06ERTTEAM1>']);
      const missing = (await n.resolveUserGroup('art-team').catch((e: unknown) => e)) as IntegrationError;
      expect(missing.userMessage).toBe('cannot find slack group id by name art-team');
      expect(calls).toHaveLength(1);
      // Later, a handle the list lacks reloads it: the group may have been created since.
      vi.setSystemTime(Date.now() + 31_000);
      const again = expectMethod('usergroups.list', fixture('usergroups.list.json'));
      await n.resolveUserGroup('art-team').catch(() => undefined);
      expect(again).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a preload reads usergroups.list once for the lookups that follow or overlap it; a failed one leaves the lookup its own read and message', async () => {
    const calls = expectMethod('usergroups.list', fixture('usergroups.list.json'));
    const n = notifier();
    const preload = n.preloadUserGroups();
    // A lookup made while the preload is in flight waits for it instead of reading the list again.
    const [lead] = await Promise.all([n.userGroupMention('openshift-qe-release-lead-4-19'), preload]);
    expect(lead).toBe('<!subteam^S05QF1MEX8A>');
    await n.preloadUserGroups(); // fresh: nothing read
    expect(await n.userGroupMention('ert-team')).toBe('<!subteam^S06ERTTEAM1>');
    expect(calls).toHaveLength(1);

    expectMethod('usergroups.list', { ok: false, error: 'missing_scope', needed: 'usergroups:read' }, 2);
    const failing = notifier();
    const pre = failing.preloadUserGroups().catch((e: unknown) => e);
    const err = (await failing.resolveUserGroup('ert-team').catch((e: unknown) => e)) as IntegrationError;
    expect(((await pre) as IntegrationError).userMessage).toBe('Slack refused reading the user groups: missing_scope');
    expect(err.userMessage).toBe('Slack refused query group id by name ert-team: missing_scope');
  });

  it('an unknown handle: the original message; an API error names the lookup', async () => {
    expectMethod('usergroups.list', fixture('usergroups.list.json'));
    const err = (await notifier().resolveUserGroup('no-such-team').catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('cannot find slack group id by name no-such-team');

    expectMethod('usergroups.list', { ok: false, error: 'missing_scope', needed: 'usergroups:read' });
    const api = (await notifier().resolveUserGroup('ert-team').catch((e: unknown) => e)) as IntegrationError;
    expect(api.userMessage).toBe('Slack refused query group id by name ert-team: missing_scope');
    expect(slackErrorCode(api)).toBe('missing_scope');
  });

  it('mentions a user by e-mail without the +tag, cached', async () => {
    const calls = expectMethod('users.lookupByEmail', fixture('users.lookupByEmail.json'));
    const n = notifier();
    expect(await n.mentionForEmail('jdoe+jira@redhat.com')).toBe('<@U01JDOE123>');
    expect(await n.mentionForEmail('jdoe@redhat.com')).toBe('<@U01JDOE123>');
    expect(calls).toEqual([{ email: 'jdoe@redhat.com' }]);
    expect(stripPlusTag(' a+b+c@x.com ')).toBe('a@x.com');
  });

  it('falls back to the plain e-mail with a warning when Slack has no such user', async () => {
    expectMethod('users.lookupByEmail', fixture('users.lookupByEmail-users_not_found.json'));
    const { logger, lines } = capture();
    expect(await notifier({ logger }).mentionForEmail('ghost@redhat.com')).toBe('ghost@redhat.com');
    expect(lines.join('')).toContain('cannot get slack user id for ghost@redhat.com: users_not_found');
  });
});

describe('errors and retries', () => {
  it('platform errors are not retried and read like sentences', async () => {
    expectMethod('chat.postMessage', fixture('chat.postMessage-channel_not_found.json'));
    const err = (await notifier().post({ channel: '#nope' }, { text: 'x' }).catch((e: unknown) => e)) as IntegrationError;
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.userMessage).toBe('Slack refused posting a message to #nope: channel_not_found');

    expectMethod('chat.postMessage', fixture('chat.postMessage-invalid_auth.json'));
    const auth = (await notifier().post({ channel: '#forum-qe' }, { text: 'x' }).catch((e: unknown) => e)) as IntegrationError;
    expect(auth.status).toBe(401);
    expect(auth.userMessage).toBe('Slack rejected the bot token while posting a message to #forum-qe (invalid_auth): check SLACK_BOT_TOKEN');
  });

  it('a 500 on chat.postMessage is not retried (it may have posted); lookups are', async () => {
    expectMethod('chat.postMessage', 'Internal Server Error', 1, 500);
    const err = (await notifier().post({ channel: '#forum-qe' }, { text: 'x' }).catch((e: unknown) => e)) as IntegrationError;
    expect(err.status).toBe(500);
    expect(err.userMessage).toBe('Slack did not answer posting a message to #forum-qe: 500');

    const failing = expectMethod('users.lookupByEmail', 'Bad Gateway', 2, 502);
    const ok = expectMethod('users.lookupByEmail', fixture('users.lookupByEmail.json'));
    expect(await notifier().lookupUserIdByEmail('jdoe@redhat.com')).toBe('U01JDOE123');
    expect(failing.length + ok.length).toBe(3);
  });

  it('429 is retried after Retry-After for any method; a long Retry-After fails at once', async () => {
    const limited = expectMethod('chat.postMessage', fixture('ratelimited.json'), 1, 429, { 'Retry-After': '0' });
    const ok = expectMethod('chat.postMessage', fixture('chat.postMessage.json'));
    expect((await notifier().post({ channel: '#forum-qe' }, { text: 'x' })).ts).toBe('1752571234.123456');
    expect([limited.length, ok.length]).toEqual([1, 1]);

    expectMethod('chat.postMessage', fixture('ratelimited.json'), 1, 429, { 'Retry-After': '120' });
    const err = (await notifier().post({ channel: '#forum-qe' }, { text: 'x' }).catch((e: unknown) => e)) as IntegrationError;
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(120_000);
    expect(err.userMessage).toBe('Slack is rate limiting us while posting a message to #forum-qe (429): try again in a minute');
  });

  it('times out through the injected fetch (no network)', async () => {
    let attempts = 0;
    const hanging = ((_url: string, init?: { signal?: AbortSignal }) => {
      attempts++;
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    }) as unknown as SlackNotifierOptions['fetch'];
    const err = (await notifier({ fetch: hanging, timeoutMs: 20, retries: 1 }).lookupUserIdByEmail('jdoe@redhat.com').catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('Slack did not answer looking up the Slack user of jdoe@redhat.com (timed out)');
    expect(attempts).toBe(2);
  });
});

describe('configuration', () => {
  it('uses SLACK_API_URL (with or without the trailing slash) and the bot token', async () => {
    nock(API, { reqheaders: { authorization: 'Bearer xoxb-from-env' } }).post('/api/chat.postMessage').reply(200, fixture('chat.postMessage.json'));
    const n = slackNotifierFromConfig(testConfig({ SLACK_BOT_TOKEN: 'xoxb-from-env', SLACK_API_URL: `${API}/api` }));
    expect((await n.post({ channel: '#forum-qe' }, { text: 'x' })).channel).toBe('C05HQFVGKQT');
  });

  it('says the token is missing', () => {
    expect(() => slackNotifierFromConfig(testConfig({}))).toThrow(/SLACK_BOT_TOKEN is missing/);
  });
});
