/**
 * Channel notices of the release commands (spec oar-commands.md 12): who is mentioned, which
 * channel a team posts to, and one posting helper that logs the original's
 * `sent slack message to <#channel>` line into the captured log. Message texts live in
 * messages.ts; this module only does the I/O around them.
 */
import type { ConfigStore } from '../../release/configstore.ts';
import type { SlackNotifier } from '../../integrations/slack-notify.ts';
import { noticeParts } from '../../blocks/notice.ts';
import { userMessageOf } from '../errors.ts';
import type { CommandContext } from '../types.ts';

/** `<url|text>` */
export function slackLink(url: string, text: string): string {
  return `<${url}|${text}>`;
}

/** A user group given by its Slack id (`contacts.slack.art.id`, `approver.doc_id`). */
export function subteamMention(id: string): string {
  return `<!subteam^${id}>`;
}

/** `{art}` of the catalog: the ART group id from the ConfigStore. */
export function artMention(cs: ConfigStore): string {
  const id = cs.slackGroupId('art');
  return id ? subteamMention(id) : '@art';
}

/** `{docs}` of the catalog: the docs approvers' group id. */
export function docsMention(cs: ConfigStore): string {
  const id = cs.slackUserGroup('approver', 'doc_id');
  return id ? subteamMention(id) : '@docs';
}

/**
 * `{lead}`: the y-stream's release-lead group (`contacts.slack.qe-release[<y>]` is a handle,
 * resolved with usergroups.list). A group Slack does not know is named as `@handle` with a
 * warning: a notice is never lost over a mention.
 */
export async function leadMention(ctx: CommandContext, cs: ConfigStore, slack: SlackNotifier): Promise<string> {
  const handle = cs.releaseLeadGroup();
  if (!handle) {
    ctx.log.warn(`no release lead group is configured for ${cs.ystream} (contacts.slack.qe-release.${cs.ystream})`);
    return '@qe-release';
  }
  try {
    return await slack.userGroupMention(handle);
  } catch (e) {
    ctx.log.warn(`cannot get slack group id for ${handle}: ${userMessageOf(e)}`);
    return `@${handle}`;
  }
}

export type NoticeResult = { sent: true; channel: string } | { sent: false; channel?: string; error: string };

/**
 * Post `text` to the team's channel (`qe-release`, `qe-forum`, `art`, `approver`). Failures are
 * returned, never thrown: each command logs them in its own words and decides what a failed
 * notice means (spec 12: "callers decide whether it is fatal").
 */
export async function postNotice(ctx: CommandContext, cs: ConfigStore, team: string, text: string | ((slack: SlackNotifier) => Promise<string>)): Promise<NoticeResult> {
  let channel: string | undefined;
  try {
    channel = cs.slackChannel(team);
    const slack = await ctx.services.get('slack');
    const body = typeof text === 'string' ? text : await text(slack);
    // A long notice is a summary in the channel and the full text in its thread.
    const parts = noticeParts(body);
    const posted = await slack.post({ channel }, { text: parts.summary });
    if (parts.detail) await slack.post({ channel: posted.channel, threadTs: posted.ts }, { text: parts.detail });
    ctx.log.info(`sent slack message to <${channel}>`);
    return { sent: true, channel };
  } catch (e) {
    return { sent: false, ...(channel ? { channel } : {}), error: userMessageOf(e) };
  }
}
