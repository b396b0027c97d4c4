/**
 * What people see in Slack, end to end (the real app over a real WebSocket to the simulated
 * Slack): help for a release lead, a failure with its buttons, a long bug-list notice as a
 * summary with the list in its thread, a command typed in the bot's DM; and, with a local
 * StateBox and no GitHub token, release-status of a real StateBox file with blockers and the
 * App Home.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, dump } from 'js-yaml';
import { z } from 'zod';
import { CommandError } from '../../src/commands/errors.ts';
import { defineCommand } from '../../src/commands/types.ts';
import { fixturePath } from '../../src/sandbox/fixtures.ts';
import { startE2E, textOf, type E2E } from './harness.ts';

const failing = defineCommand({
  name: 'test-errata-down',
  group: 'oar',
  summary: 'A write that fails because Errata is unreachable',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({}),
  async run() {
    throw new CommandError('Errata Tool did not answer within 30 s');
  },
});

describe('Slack messages end to end', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { OAR_WRITE_USERS: 'U_VIEWER' }, extraCommands: [failing], slack: { channels: [{ id: 'C_FORUM_OCP_QE', name: 'forum-ocp-qe' }] } });
    e.world.seedRelease('4.19.1', { bugsPerAdvisory: 40 });
  }, 60_000);
  afterAll(() => e.stop());

  it('help for a release lead: Block Kit, workflow commands in step order, critical commands of the streams they lead, Slack syntax', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'help' });
    const msg = await e.slack.waitForMessage((m) => m.ephemeral && m.visibleTo === 'U_LEAD' && textOf(m).includes('oar-bot commands'), { existing: true, timeoutMs: 20_000 });
    const text = textOf(msg);
    expect(text).not.toContain('```');
    expect(text).toContain('You lead *4.20, 4.19, 4.18*');
    expect(text).toContain('your role there is *critical*');
    // Critical commands are runnable for the lead: no lock next to them.
    expect(text).toMatch(/\*push-to-cdn-staging\* · :red_circle: critical\\n/);
    expect(text).toMatch(/\*take-ownership\* · [^\n]*\\n/);
    const order = ['take-ownership', 'image-consistency-check', 'check-cve-tracker-bug', 'push-to-cdn-staging', 'stage-testing', 'image-signed-check', 'change-advisory-status'].map((c) => text.indexOf(`*${c}*`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('`/oar 4.19.1 take-ownership -e someone@redhat.com`');
    expect(text).not.toMatch(/`oar -r /);
    expect(text).not.toContain('[mixed]');
    expect(text).toContain('Share in channel');
  });

  it('help for someone with the write role shows critical commands with the role they need', async () => {
    await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'help' });
    const msg = await e.slack.waitForMessage((m) => m.ephemeral && m.visibleTo === 'U_VIEWER' && textOf(m).includes('oar-bot commands'), { existing: true });
    expect(textOf(msg)).toMatch(/\*push-to-cdn-staging\* · :red_circle: critical {2}:lock: _needs critical_/);
    expect(textOf(msg)).toContain('Your role: *write*');
  });

  it('a failure carries Retry, Help for this command; Retry runs it again, Help answers privately', async () => {
    await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 test-errata-down' });
    const failed = await e.slack.waitForMessage((m) => !m.ephemeral && textOf(m).includes('did not answer within 30 s') && textOf(m).includes('oar_retry'), { existing: true });
    expect(textOf(failed)).toContain('oar_help');
    const runsBefore = e.slack.messages('C_QE_RELEASE').filter((m) => textOf(m).includes('did not answer within 30 s')).length;
    await e.slack.clickButton({ user: 'U_VIEWER', actionId: 'oar_retry', messageTs: failed.ts, channel: 'C_QE_RELEASE' });
    await e.slack.waitFor(() => e.slack.messages('C_QE_RELEASE', failed.ts).some((m) => m.ts !== failed.ts && textOf(m).includes('did not answer within 30 s')) || e.slack.messages('C_QE_RELEASE').filter((m) => textOf(m).includes('did not answer within 30 s')).length > runsBefore);
    await e.slack.clickButton({ user: 'U_VIEWER', actionId: 'oar_help', messageTs: failed.ts, channel: 'C_QE_RELEASE' });
    const help = await e.slack.waitForMessage((m) => m.ephemeral && m.visibleTo === 'U_VIEWER' && textOf(m).includes('/oar help test-errata-down'), { existing: true });
    expect(textOf(help)).toContain('A write that fails');
  });

  it('a long bug-list notice is a short summary in the team channel with the full list in its thread', async () => {
    await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 update-bug-list' });
    const summary = await e.slack.waitForMessage((m) => m.channel === 'C_FORUM_OCP_QE' && !m.threadTs && m.text.includes('Please pay attention to following ON_QA bugs'), { existing: true, timeoutMs: 20_000 });
    expect(summary.text.length).toBeLessThan(1500);
    expect(summary.text).toMatch(/…and \d+ more \(\d+ in all\): the full list is in the thread/);
    await e.slack.waitForMessage((m) => m.channel === 'C_FORUM_OCP_QE' && m.threadTs === summary.ts && m.ts !== summary.ts, { existing: true });
    const all = e.slack.messages('C_FORUM_OCP_QE', summary.ts).filter((m) => m.ts !== summary.ts).map((m) => m.text).join('\n');
    const listed = all.match(/OCPBUGS-\d+/g) ?? [];
    expect(new Set(listed).size).toBeGreaterThan(20);
  });

  it('a command typed in the bot\'s DM runs and answers there (message.im is subscribed)', async () => {
    const sent = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'DU_VIEWER', text: 'oar -r 4.19.1 release-info' });
    expect(sent.events.map((x) => x.type)).toContain('message');
    const reply = await e.slack.waitForMessage((m) => m.channel === 'DU_VIEWER' && m.user === e.slack.botUserId && textOf(m).includes('Errata flow'), { existing: true, timeoutMs: 20_000 });
    expect(textOf(reply)).toContain('151166');
  });
});

describe('Slack with a local StateBox (no GitHub token)', () => {
  let e: E2E;
  const dir = mkdtempSync(join(tmpdir(), 'oar-sb-'));
  beforeAll(async () => {
    // A real StateBox file of the fixtures, with its missed-CVE blocker still open.
    const doc = load(readFileSync(fixturePath('zstream', '4.16', 'statebox', '4.16.62.yaml'), 'utf8')) as { issues: { issue: string; resolved: boolean; resolution: string | null; blocker: boolean }[] };
    const cve = doc.issues.find((i) => i.issue.startsWith('Found 3 missed CVE tracker bugs'))!;
    Object.assign(cve, { resolved: false, resolution: null });
    const file = join(dir, '_releases', '4.16', 'statebox', '4.16.62.yaml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, dump(doc));
    e = await startE2E({ env: { GITHUB_TOKEN: '', OAR_STATEBOX_DIR: dir, OAR_SUPPORTED_YSTREAMS: '4.16' } });
  }, 60_000);
  afterAll(() => e.stop());

  it('release-status of a real StateBox file: header, rich-text checklist with date tokens, each blocker once and in full', async () => {
    await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.16.62' });
    const msg = await e.slack.waitForMessage((m) => m.ephemeral && m.visibleTo === 'U_VIEWER' && textOf(m).includes('release-status'), { existing: true, timeoutMs: 20_000 });
    const text = textOf(msg);
    const blocks = msg.blocks as { type: string }[];
    expect(blocks[0]?.type).toBe('header');
    expect(blocks.some((b) => b.type === 'rich_text')).toBe(true);
    expect(text).not.toContain('```');
    expect(text).toContain('<!date^');
    expect(text.replace(/"value":"[^"]*"/g, '')).not.toMatch(/"text":"analyze-candidate-build/);
    expect(text).toContain('Analyze Candidate Build');
    expect(text).not.toContain('|MAY-');
    expect(text).toContain('Take Ownership');
    for (const key of ['OCPBUGS-84779', 'OCPBUGS-85287']) expect(text).toContain(`|${key}>`);
    // Shown once; the Resolve button carries the exact text in its value (resolve-issue --issue).
    expect(text.replace(/"value":"(?:[^"\\]|\\.)*"/g, '').split('Found 3 missed CVE tracker bugs').length - 1).toBe(1);
    expect(blocks.some((b) => JSON.stringify(b).includes('"action_id":"oar_resolve'))).toBe(true);
  });

  it('App Home lists releases from the local StateBox and OAR_SUPPORTED_YSTREAMS: the full checklist, blockers, next step, Refresh', async () => {
    const mark = e.slack.mark();
    await e.slack.openHome({ user: 'U_VIEWER' });
    await e.slack.waitFor((c) => c.method === 'views.publish', { since: mark });
    const view = JSON.stringify(e.slack.homeView('U_VIEWER'));
    expect(view).not.toContain('Could not load releases');
    expect(view).toContain('4.16.62');
    expect(view).toContain('oar_home_refresh');
    expect(view).toContain('Found 3 missed CVE tracker bugs');
    for (const step of ['Take Ownership', 'Image Consistency Check', 'Stage Testing', 'Change Advisory Status']) expect(view).toContain(step);
    expect(view).toContain('local StateBox');
  });
});
