/**
 * The one team-notice module: one fallback rule for the lead's mention, the summary in the
 * channel with the detail in its thread, and a notice never lost over a mention.
 */
import { describe, expect, it } from 'vitest';
import { ART_FALLBACK, DOCS_FALLBACK, LEAD_FALLBACK, ReleaseNotifier, type NoticeConfig, type NoticeSlack } from '../../src/commands/notifier.ts';
import { renderTeamNotice } from '../../src/blocks/notice.ts';
import type { PostedMessage, SlackMessage, SlackTarget } from '../../src/integrations/slack-notify.ts';

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
  async userGroupMention(handle: string): Promise<string> {
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
