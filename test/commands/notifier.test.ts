/**
 * The one team-notice module: one fallback rule for the lead's mention, the summary in the
 * channel with the detail in its thread, and a notice never lost over a mention.
 */
import { describe, expect, it } from 'vitest';
import { ART_FALLBACK, DOCS_FALLBACK, LEAD_FALLBACK, ReleaseNotifier, releaseNoticeTargets, type NoticeConfig, type NoticeSlack } from '../../src/commands/notifier.ts';
import { renderTeamNotice } from '../../src/blocks/notice.ts';
import type { PostedMessage, SlackMessage, SlackTarget } from '../../src/integrations/slack-notify.ts';
import { sendNotices, type Notice } from '../../src/commands/approval/notices.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';

function config(lead?: string, art: string | null = 'art-team', docs: string | null = 'openshift-docs'): NoticeConfig {
  return {
    ystream: '4.19',
    slackChannel: (team: string) => {
      if (team === 'nowhere') throw new Error('there is no slack channel configured for team nowhere');
      return `#${team}`;
    },
    releaseLeadGroup: () => lead,
    slackGroupId: () => art ?? undefined,
    slackUserGroup: () => docs ?? undefined,
  };
}

class FakeSlack implements NoticeSlack {
  posts: { target: SlackTarget; message: SlackMessage; ts: string }[] = [];
  groups = new Map([['openshift-qe-release-4-19', '<!subteam^S419>'], ['art-team', '<!subteam^S_ART>'], ['openshift-docs', '<!subteam^S_DOCS>']]);
  refuse = new Set<number>();
  private calls = 0;
  async post(target: SlackTarget, message: SlackMessage): Promise<PostedMessage> {
    const n = ++this.calls;
    if (this.refuse.has(n)) throw new Error('channel_not_found');
    const ts = `1.${n}`;
    this.posts.push({ target, message, ts });
    return { channel: target.channel, ts, parts: [ts] };
  }
  lookups: string[] = [];
  async userGroupMention(handle: string): Promise<string> {
    this.lookups.push(handle);
    const m = this.groups.get(handle);
    if (!m) throw new Error(`cannot find slack group id by name ${handle}`);
    return m;
  }
}

const make = (slack: FakeSlack, warnings: string[] = []) => new ReleaseNotifier({ slack: async () => slack, render: renderTeamNotice, warn: (m) => warnings.push(m) });

describe('ReleaseNotifier', () => {
  it('mentions the lead group, names an unknown group as @handle, and falls back to @qe-release', async () => {
    const slack = new FakeSlack();
    const warnings: string[] = [];
    const n = make(slack, warnings);
    expect(await n.leadMention(config('openshift-qe-release-4-19'))).toBe('<!subteam^S419>');
    expect(await n.leadMention(config('nobody-knows'))).toBe('@nobody-knows');
    expect(await n.leadMention(config(undefined))).toBe(LEAD_FALLBACK);
    expect(LEAD_FALLBACK).toBe('@qe-release');
    // `contacts.slack.art.id` is a handle (spec 5 and 9.7): resolved like the lead's group, one rule for every ART notice.
    expect(await n.artMention(config())).toBe('<!subteam^S_ART>');
    expect(await n.artMention(config(undefined, 'art-old'))).toBe('@art-old');
    expect(await n.artMention(config(undefined, null))).toBe(ART_FALLBACK);
    expect(ART_FALLBACK).toBe('@art');
    // `approver.doc_id` is a handle too (spec 5, "docs-team user-group handle").
    expect(await n.docsMention(config())).toBe('<!subteam^S_DOCS>');
    expect(await n.docsMention(config(undefined, 'art-team', null))).toBe(DOCS_FALLBACK);
    expect(DOCS_FALLBACK).toBe('@docs');
    expect(warnings).toHaveLength(3);
  });

  it('resolves each group once per instance: two notices look the lead up once', async () => {
    const slack = new FakeSlack();
    const warnings: string[] = [];
    const n = make(slack, warnings);
    const cs = config('openshift-qe-release-4-19');
    const notice = async (m: ReleaseNotifier) => ({ text: `Hello ${await m.leadMention(cs)}, ${await m.artMention(cs)}` });
    const [a, b] = await Promise.all([n.notifyTeam(cs, 'qe-release', notice), n.notifyTeam(cs, 'art', notice)]);
    expect([a.sent, b.sent]).toEqual([true, true]);
    expect(slack.posts.map((p) => p.message.text)).toEqual(['Hello <!subteam^S419>, <!subteam^S_ART>', 'Hello <!subteam^S419>, <!subteam^S_ART>']);
    expect(slack.lookups.sort()).toEqual(['art-team', 'openshift-qe-release-4-19']);
    // An unknown group is looked up, and warned about, once too.
    expect(await n.groupMention('gone', '@x')).toBe('@gone');
    expect(await n.groupMention('gone', '@x')).toBe('@gone');
    expect(slack.lookups.filter((h) => h === 'gone')).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/^cannot resolve Slack user group gone: .*cannot find slack group id by name gone$/)]);
    // A new instance (the next run) looks again.
    expect(await make(slack).leadMention(cs)).toBe('<!subteam^S419>');
    expect(slack.lookups.filter((h) => h === 'openshift-qe-release-4-19')).toHaveLength(2);
  });

  it('userMention: each e-mail looked up once per instance (concurrent calls share it); without user lookups, the e-mail', async () => {
    const slack = new FakeSlack();
    const asked: string[] = [];
    const withUsers = Object.assign(slack, { mentionForEmail: async (email: string) => (asked.push(email), email === 'qa@example.com' ? '<@U_QA>' : email) });
    let down = true;
    const n = new ReleaseNotifier({ slack: async () => (down ? Promise.reject(new Error('SLACK_BOT_TOKEN is missing')) : withUsers) });
    // Slack unavailable: rejects (the notice fails as its post would), and is not remembered.
    await expect(n.userMention('qa@example.com')).rejects.toThrow(/SLACK_BOT_TOKEN/);
    down = false;
    expect(await Promise.all([n.userMention('qa@example.com'), n.userMention('qa@example.com'), n.userMention('nobody@example.com')])).toEqual(['<@U_QA>', '<@U_QA>', 'nobody@example.com']);
    expect(await n.userMention('qa@example.com')).toBe('<@U_QA>');
    expect(asked.sort()).toEqual(['nobody@example.com', 'qa@example.com']);
    expect(await new ReleaseNotifier({ slack: async () => new FakeSlack() }).userMention('qa@example.com')).toBe('qa@example.com');
  });

  it('sendNotices: two notices without a lead group warn once into the run log', async () => {
    const slack = new FakeSlack();
    const log = { lines: [] as string[], info: (m: string) => void log.lines.push(`INFO ${m}`), warn: (m: string) => void log.lines.push(`WARN ${m}`), error: (m: string) => void log.lines.push(`ERROR ${m}`) };
    const n = new ReleaseNotifier({ slack: async () => slack, render: renderTeamNotice, warn: (m) => log.warn(m) });
    const notices: Notice[] = [
      { team: 'qe-release', text: ({ lead }) => `Hello ${lead}, take a look` },
      { team: 'art', text: ({ art, lead }) => `Hello ${art}, ${lead} asks` },
    ];
    expect(await sendNotices(n, config(undefined) as unknown as ConfigStore, notices, log)).toEqual([]);
    expect(slack.posts.map((p) => p.message.text)).toEqual([`Hello ${LEAD_FALLBACK}, take a look`, `Hello <!subteam^S_ART>, ${LEAD_FALLBACK} asks`]);
    expect(log.lines.filter((l) => l.startsWith('WARN'))).toEqual(['WARN no release lead group is configured for 4.19 (contacts.slack.qe-release.4.19)']);
    expect(slack.lookups).toEqual(['art-team']);
  });

  it('a long notice: a short summary in the channel, the whole text in its thread', async () => {
    const slack = new FakeSlack();
    const text = `Hello @qe, please verify\n${Array.from({ length: 300 }, (_, i) => `<https://j/browse/OCPBUGS-${i}|OCPBUGS-${i}>`).join('\n')}\n`;
    const r = await make(slack).notifyTeam(config(), 'qe-forum', { text });
    expect(r.sent).toBe(true);
    expect(slack.posts).toHaveLength(2);
    const [summary, detail] = slack.posts;
    expect(summary!.target).toEqual({ channel: '#qe-forum' });
    expect(summary!.message.text.length).toBeLessThan(1500);
    expect(summary!.message.text).toContain('…and 295 more (300 in all)');
    expect(summary!.message.blocks?.[0]).toMatchObject({ type: 'section' });
    expect(detail!.target).toEqual({ channel: '#qe-forum', threadTs: summary!.ts });
    expect(detail!.message.text).toBe(text);
  });

  it('a short notice is one message; rich details go in the thread under an explicit summary', async () => {
    const slack = new FakeSlack();
    const n = make(slack);
    await n.post('#c', { text: 'Hello, one line' });
    expect(slack.posts.map((p) => p.message.text)).toEqual(['Hello, one line']);
    const posted = await n.post('#c', { text: 'a\nb', summary: '2 things', details: [{ text: 'a' }, { text: 'b' }] });
    expect(slack.posts.slice(1).map((p) => [p.message.text, p.target.threadTs])).toEqual([
      ['2 things', undefined],
      ['a', posted.ts],
      ['b', posted.ts],
    ]);
    expect(JSON.stringify(slack.posts[1]!.message.blocks)).toContain('The full detail is in the thread.');
  });

  it('a refused thread message is reported, the rest still go out; a refused summary or channel is a result, never a throw', async () => {
    const slack = new FakeSlack();
    slack.refuse.add(2);
    const n = make(slack);
    const posted = await n.post('#c', { text: 'x', summary: 'two', details: [{ text: 'one' }, { text: 'two' }] });
    expect(posted.threadFailures).toEqual([{ index: 0, error: expect.stringContaining('channel_not_found') }]);
    expect(slack.posts.map((p) => p.message.text)).toEqual(['two', 'two']);
    const nowhere = await n.notifyTeam(config(), 'nowhere', { text: 'x' });
    expect(nowhere).toMatchObject({ sent: false, error: expect.stringContaining('no slack channel') });
    const down = new ReleaseNotifier({ slack: async () => Promise.reject(new Error('SLACK_BOT_TOKEN is missing')) });
    expect(await down.unavailable()).toBe('SLACK_BOT_TOKEN is missing');
    expect(await down.notifyTeam(config(), 'qe-release', { text: 'x' })).toMatchObject({ sent: false, channel: '#qe-release' });
  });
});

describe('releaseNoticeTargets (outside a command run: the async approval, the release detector)', () => {
  it('every fallback it takes is warned: no lead group, an unknown group, no qe-release channel', async () => {
    const slack = new FakeSlack();
    const warnings: { message: string; err: unknown }[] = [];
    const stores: Record<string, NoticeConfig> = {
      '4.19.1': config('openshift-qe-release-4-19'),
      '4.19.2': config(undefined),
      '4.19.3': config('nobody-knows'),
      '4.19.4': { ...config('openshift-qe-release-4-19'), slackChannel: () => { throw new Error('there is no slack channel configured for team qe-release'); } },
    };
    const targets = releaseNoticeTargets({
      opsChannel: 'C-OPS',
      configStores: { get: async (r) => stores[r]! },
      slack: async () => slack,
      warn: (message, err) => warnings.push({ message, err }),
    });
    expect(await targets.leadMention('4.19.1')).toBe('<!subteam^S419>');
    expect(await targets.releaseChannel('4.19.1')).toBe('#qe-release');
    expect(warnings).toEqual([]);

    expect(await targets.leadMention('4.19.2')).toBe(LEAD_FALLBACK);
    expect(await targets.leadMention('4.19.3')).toBe('@nobody-knows');
    expect(await targets.releaseChannel('4.19.4')).toBe('C-OPS');
    expect(warnings.map((w) => w.message)).toEqual([
      'no release lead group is configured for 4.19 (contacts.slack.qe-release.4.19)',
      expect.stringMatching(/^cannot resolve Slack user group nobody-knows: .*cannot find slack group id by name nobody-knows/),
      expect.stringMatching(/^the qe-release channel of 4\.19\.4 is not readable \(.*no slack channel configured for team qe-release\): using the ops channel C-OPS$/),
    ]);
    expect(warnings[2]!.err).toBeInstanceOf(Error);
  });
});
