/**
 * The playground's JSON API over the real app in playground mode (simulated Slack and services,
 * the real engine and Bolt front end), without a browser. A stand-in critical command (it moves
 * the release's advisories to REL_PREP) exercises the confirmation modal independently of the
 * product's own commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../src/commands/types.ts';
import { startPlayground, startPlaygroundServer, LEAD, VIEWER, type Playground } from '../../../src/sandbox/playground/index.ts';
import { ApiError, slackifyCommandText, slackifyMessageText, type PlaygroundApi } from '../../../src/sandbox/playground/web/api.ts';

const standIn = defineCommand({
  name: 'playground-approve',
  group: 'oar',
  summary: 'Stand-in critical command: move the advisories to REL_PREP',
  examples: ['/oar 4.19.1 playground-approve'],
  safety: 'critical',
  task: 'change-advisory-status',
  scope: 'zstream',
  options: z.object({}),
  async plan(ctx) {
    const md = (await ctx.configStore()).metadata();
    return { summary: `Move ${Object.keys(md.advisories).length} advisories to REL_PREP`, changes: Object.entries(md.advisories).map(([k, id]) => ({ target: `advisory ${id} (${k})`, from: 'QE', to: 'REL_PREP' })) };
  },
  async run(ctx) {
    const errata = await ctx.services.get('errata');
    const md = (await ctx.configStore()).metadata();
    for (const id of Object.values(md.advisories)) await errata.changeState(id, 'REL_PREP');
    return { status: 'pass', summary: 'advisories moved to REL_PREP' };
  },
});

let pg: Playground;
let api: PlaygroundApi;
const channel = 'C_QE_RELEASE';

beforeAll(async () => {
  pg = await startPlayground({ port: 0, runJob: null, extraCommands: [standIn], baseEnv: { LOG_LEVEL: 'silent', NODE_ENV: 'test' } });
  api = pg.server.api;
});
afterAll(() => pg?.stop());

const slack = () => pg.world.slack;

describe('workspace and snapshot', () => {
  it('describes the personas, channels, examples, and no jobs until a runner is wired', () => {
    const ws = api.workspace();
    expect(ws.personas.map((p) => p.id)).toEqual([LEAD.id, VIEWER.id]);
    expect(ws.personas[0]!.role).toContain('openshift-qe-release-4-19');
    expect(ws.channels.map((c) => c.name)).toEqual(expect.arrayContaining(['team-qe-release', 'forum-ocp-art', 'forum-qe', 'oar-ops']));
    expect(ws.defaultChannel).toBe(channel);
    expect(ws.examples).toContain('/oar 4.19.1 release-info');
    expect(ws.jobs).toBe(false);
  });

  it('refuses an unknown user or channel', async () => {
    await expect(api.snapshot({ user: 'U_NOBODY', channel })).rejects.toMatchObject({ status: 404 });
    await expect(api.snapshot({ user: 'nobody', channel })).rejects.toMatchObject({ status: 400 });
    await expect(api.snapshot({ user: LEAD.id, channel: '#no-such-channel' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('commands', () => {
  it('a read-only slash command runs in the real app; its Block Kit result is private to the caller', async () => {
    const mark = slack().mark();
    const r = await api.send({ user: LEAD.id, channel, text: '/oar 4.19.1 release-info' });
    expect(r).toMatchObject({ kind: 'slash', acked: true, outcome: 'acked' });
    await slack().waitFor((c) => c.method === 'response_url' && String(c.args.text).startsWith('release-info 4.19.1'), { since: mark });
    const snap = await api.snapshot({ user: LEAD.id, channel });
    const msg = snap.messages.find((m) => m.text.startsWith('release-info 4.19.1'))!;
    expect(msg.isBot).toBe(true);
    expect(msg.ephemeral).toBe(true);
    expect(JSON.stringify(msg.blocks)).toContain('Share in channel');
    expect(JSON.stringify(msg.blocks)).toContain('ART-13172');
  });

  it('a typed `oar -r` message and an @oar-bot mention both run; the bot answers in the thread', async () => {
    let mark = slack().mark();
    const typed = await api.send({ user: VIEWER.id, channel, text: 'oar -r 4.19.10 release-info' });
    expect(typed).toMatchObject({ kind: 'message', acked: true });
    await slack().waitFor((c) => c.method === 'chat.update' && String(c.args.text).startsWith('release-info 4.19.10'), { since: mark });
    const snap = await api.snapshot({ user: VIEWER.id, channel, thread: typed.ts });
    expect(snap.messages.find((m) => m.ts === typed.ts)?.replyCount).toBe(1);
    expect(snap.thread?.root.text).toBe('oar -r 4.19.10 release-info');
    expect(snap.thread?.replies[0]?.text).toMatch(/^release-info 4\.19\.10/);

    mark = slack().mark();
    const mention = await api.send({ user: VIEWER.id, channel, text: '@oar-bot oar -r 4.19.1 release-info' });
    expect(slack().message(mention.ts!)?.text).toBe(`<@${slack().botUserId}> oar -r 4.19.1 release-info`);
    await slack().waitFor((c) => c.method === 'chat.update' && String(c.args.text).startsWith('release-info 4.19.1'), { since: mark });
  });

  it('a denial is an ephemeral reply only the acting user sees', async () => {
    const mark = slack().mark();
    await api.send({ user: VIEWER.id, channel, text: '/oar 4.19.1 playground-approve' });
    const reply = await slack().waitFor('response_url', { since: mark });
    expect(JSON.stringify(reply.args)).toMatch(/critical/);
    const viewer = await api.snapshot({ user: VIEWER.id, channel });
    const denial = viewer.messages.filter((m) => m.ephemeral && /playground-approve/.test(m.text));
    expect(denial).toHaveLength(1);
    const lead = await api.snapshot({ user: LEAD.id, channel });
    expect(lead.messages.some((m) => m.ts === denial[0]!.ts)).toBe(false);
    expect(viewer.modal).toBeNull();
  });

  it('a critical command opens the confirmation modal; a wrong release is refused, the right one runs it and the services panel shows the change', async () => {
    let mark = slack().mark();
    await api.send({ user: LEAD.id, channel, text: '/oar 4.19.1 playground-approve' });
    await slack().waitFor('views.update', { since: mark });
    let snap = await api.snapshot({ user: LEAD.id, channel });
    expect(snap.modal).toMatchObject({ type: 'modal', callbackId: 'oar_confirm', title: 'Confirm operation', submit: 'Run' });
    expect(JSON.stringify(snap.modal!.blocks)).toContain('advisory 151166 (rpm)');

    const wrong = await api.submit({ user: LEAD.id, values: { value: '4.19.2' } });
    expect(wrong).toMatchObject({ viewOpen: true, errors: { oar_confirm_release: 'Type 4.19.1 exactly to confirm.' } });
    snap = await api.snapshot({ user: LEAD.id, channel });
    expect(snap.modal?.errors).toEqual({ oar_confirm_release: 'Type 4.19.1 exactly to confirm.' });
    expect(pg.world.world.errata.advisory(151166).state).toBe('QE');

    mark = slack().mark();
    const right = await api.submit({ user: LEAD.id, viewId: snap.modal!.id, values: { value: '4.19.1' } });
    expect(right).toMatchObject({ acked: true, viewOpen: false });
    await slack().waitFor((c) => c.method === 'chat.update' && String(c.args.text).startsWith('[Pass] playground-approve'), { since: mark, timeoutMs: 10_000 });
    expect(pg.world.world.errata.advisory(151166).state).toBe('REL_PREP');

    snap = await api.snapshot({ user: LEAD.id, channel });
    expect(snap.modal).toBeNull();
    const texts = snap.activity.map((a) => `${a.system} ${a.text}`);
    expect(texts).toContain('Errata advisory 151166 state changed: QE → REL_PREP');
    const statebox = snap.activity.find((a) => a.system === 'GitHub' && a.subject === '_releases/4.19/statebox/4.19.1.yaml');
    expect(statebox?.kind).toBe('statebox');
    expect(api.githubFile({ branch: 'z-stream', path: statebox!.subject })).toMatch(/name: change-advisory-status\n\s+status: Pass/);
    // Seeding is not activity: the 4.19.10 history written before start is not listed.
    expect(snap.activity.some((a) => a.subject.endsWith('4.19.10.yaml'))).toBe(false);
  });

  it('a critical command typed as a message offers a button; clicking it opens the modal, closing it cancels', async () => {
    let mark = slack().mark();
    const sent = await api.send({ user: LEAD.id, channel, text: 'oar -r 4.19.10 playground-approve' });
    const offer = await slack().waitFor((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args.blocks ?? '').includes('oar_confirm_open'), { since: mark });
    const snap = await api.snapshot({ user: LEAD.id, channel, thread: sent.ts });
    const button = snap.thread!.replies.find((m) => JSON.stringify(m.blocks).includes('oar_confirm_open'))!;
    expect(button.ts).toBe((offer.response as { ts: string }).ts);
    const value = ((button.blocks[1] as { elements: { value: string }[] }).elements[0]!).value;

    mark = slack().mark();
    await expect(api.click({ user: VIEWER.id, actionId: 'oar_confirm_open', value, messageTs: button.ts, channel })).resolves.toMatchObject({ acked: true });
    await slack().waitFor('chat.postEphemeral', { since: mark });
    expect((await api.snapshot({ user: VIEWER.id, channel, thread: sent.ts })).thread!.replies.some((m) => m.ephemeral && /Only <@U_LEAD>/.test(m.text))).toBe(true);

    mark = slack().mark();
    await api.click({ user: LEAD.id, actionId: 'oar_confirm_open', value, messageTs: button.ts, channel });
    await slack().waitFor('views.update', { since: mark });
    const modal = (await api.snapshot({ user: LEAD.id, channel })).modal!;
    expect(JSON.stringify(modal.blocks)).toContain('advisory 153979 (rpm)');
    await expect(api.close({ user: LEAD.id, viewId: modal.id })).resolves.toEqual({ sent: true });
    expect((await api.snapshot({ user: LEAD.id, channel })).modal).toBeNull();
    expect(pg.world.world.errata.advisory(153979).state).toBe('QE');
  });

  it('the App Home shows the releases with their StateBox tasks', async () => {
    const mark = slack().mark();
    await expect(api.openHome({ user: LEAD.id })).resolves.toMatchObject({ acked: true });
    await slack().waitFor('views.publish', { since: mark });
    const snap = await api.snapshot({ user: LEAD.id, channel });
    const home = JSON.stringify(snap.home?.blocks);
    expect(snap.home?.type).toBe('home');
    expect(home).toContain('*4.19.10*  :no_entry: 1 blocker\\nKonflux flow');
    expect(home).toContain(':x: Image Consistency Check');
    // The full checklist, not only the started steps.
    expect(home).toContain(':white_circle: Stage Testing');
    expect(home).toContain('Image consistency check failed for 4.19.10');
    expect(home).toContain('oar_home_refresh');
  });

  it('the DM with the bot is per user', async () => {
    const lead = await api.snapshot({ user: LEAD.id, channel: 'dm' });
    expect(lead.channel).toEqual({ id: `D${LEAD.id}`, name: 'oar-bot', isDm: true });
    const other = await api.snapshot({ user: VIEWER.id, channel: `D${LEAD.id}` });
    expect(other.channel.id).toBe(`D${VIEWER.id}`);
  });

  it('refuses bad requests with a clear message and sends nothing', async () => {
    const before = slack().envelopes().length;
    await expect(api.send({ user: LEAD.id, channel, text: '   ' })).rejects.toThrow(/type a command/);
    await expect(api.send({ user: LEAD.id, channel, text: 'x', extra: 1 })).rejects.toBeInstanceOf(ApiError);
    await expect(api.click({ user: LEAD.id, actionId: 'x' })).rejects.toThrow(/either messageTs or viewId/);
    await expect(api.click({ user: LEAD.id, actionId: 'nope', messageTs: '1.000001', channel })).rejects.toMatchObject({ status: 400 });
    await expect(api.submit({ user: LEAD.id, values: {} })).rejects.toThrow(/no open modal/);
    expect(slack().envelopes().length).toBe(before);
  });
});

describe('scheduled jobs', () => {
  it('offers "run now" only once a runner is wired, and runs the named job through it', async () => {
    expect((await api.snapshot({ user: LEAD.id, channel })).jobs).toBeNull();
    const ran: string[] = [];
    pg.setJobRunner(async (name) => {
      ran.push(name);
      return { job: name, outcome: 'ok', report: { summary: 'notified 1' } };
    }, () => ['jira-notificator', 'result-checker']);
    expect(api.workspace().jobs).toBe(true);
    expect((await api.snapshot({ user: LEAD.id, channel })).jobs).toEqual(['jira-notificator', 'result-checker']);
    await expect(api.runJob({ name: 'jira-notificator' })).resolves.toEqual({ job: 'jira-notificator', result: { job: 'jira-notificator', outcome: 'ok', report: { summary: 'notified 1' } } });
    await expect(api.runJob({ name: 'no-such-job' })).rejects.toMatchObject({ status: 404 });
    await expect(api.runJob({ name: 'Bad Name' })).rejects.toMatchObject({ status: 400 });
    expect(ran).toEqual(['jira-notificator']);
    pg.setJobRunner(undefined);
    await expect(api.runJob({ name: 'jira-notificator' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('HTTP', () => {
  it('serves the page, its scripts and the API; nothing else', async () => {
    const page = await fetch(pg.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>oar-bot playground</title>');
    for (const f of ['app.js', 'render-blocks.js']) {
      const r = await fetch(new URL(f, pg.url));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/javascript');
    }
    expect((await fetch(new URL('style.css', pg.url))).headers.get('content-type')).toContain('text/css');
    expect((await fetch(new URL('server.ts', pg.url))).status).toBe(404);
    expect((await fetch(`${pg.url}..%2Fpackage.json`)).status).toBe(404);
    const snap = await fetch(new URL(`api/snapshot?user=${LEAD.id}&channel=${channel}`, pg.url));
    expect(((await snap.json()) as { channel: { name: string } }).channel.name).toBe('team-qe-release');
    const bad = await fetch(new URL('api/send', pg.url), { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'the body is not valid JSON' });
    const file = await fetch(new URL('api/github/file?branch=z-stream&path=_releases/4.19/statebox/4.19.10.yaml', pg.url));
    expect(await file.text()).toContain('release: 4.19.10');
    expect((await fetch(new URL('api/github/file?branch=z-stream&path=_releases/../x', pg.url))).status).toBe(400);
    expect((await fetch(new URL('api/nope', pg.url))).status).toBe(404);
  });
});

describe('text as Slack sends it', () => {
  it('messages: entities escaped, @handles and e-mail addresses linked', () => {
    const handles = new Map([['oar-bot', 'U_OARBOT'], ['release.lead', 'U_LEAD']]);
    expect(slackifyMessageText('@oar-bot oar -r 4.19.1 take-ownership -e release.lead@redhat.com', handles)).toBe(
      '<@U_OARBOT> oar -r 4.19.1 take-ownership -e <mailto:release.lead@redhat.com|release.lead@redhat.com>',
    );
    expect(slackifyMessageText('a < b & @someone', handles)).toBe('a &lt; b &amp; @someone');
  });

  it('slash commands: entities escaped, nothing linked', () => {
    expect(slackifyCommandText('4.19.1 take-ownership -e a@b.example <x>')).toBe('4.19.1 take-ownership -e a@b.example &lt;x&gt;');
  });
});

describe('the page server', () => {
  it('says which variable to change when its port is taken', async () => {
    const taken = Number(new URL(pg.url).port);
    await expect(startPlaygroundServer({ slack: slack(), port: taken })).rejects.toThrow(`cannot listen on 127.0.0.1:${taken}: the port is in use. Set OAR_PLAYGROUND_PORT`);
  });
});
