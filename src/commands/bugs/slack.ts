/**
 * Channel notices of the bug commands (spec oar-commands.md 12), in the words those commands
 * already use: `postNotice` and the mentions are the release's ReleaseNotifier (commands/notifier.ts,
 * the one team-notice module), plus the original's `sent slack message to <#channel>` line in the
 * captured log. Message texts live in messages.ts.
 */
import type { ConfigStore } from '../../release/configstore.ts';
import type { NoticeResult, ReleaseNotifier } from '../notifier.ts';
import type { CommandContext } from '../types.ts';

export type { NoticeResult } from '../notifier.ts';

/** `<url|text>` */
export function slackLink(url: string, text: string): string {
  return `<${url}|${text}>`;
}

/** `{art}` of the catalog: the ART group's handle from the ConfigStore, resolved through Slack (the notifier's one rule). */
export function artMention(ctx: Pick<CommandContext, 'notifier'>, cs: ConfigStore): Promise<string> {
  return ctx.notifier.artMention(cs);
}

/** `{docs}` of the catalog: the docs approvers' group id. */
export function docsMention(ctx: Pick<CommandContext, 'notifier'>, cs: ConfigStore): Promise<string> {
  return ctx.notifier.docsMention(cs);
}

/** `{lead}`: the y-stream's release-lead group (the notifier's one fallback rule). */
export function leadMention(ctx: Pick<CommandContext, 'notifier'>, cs: ConfigStore): Promise<string> {
  return ctx.notifier.leadMention(cs);
}

/**
 * Post `text` to the team's channel (`qe-release`, `qe-forum`, `art`, `approver`): a long text
 * becomes a summary in the channel with the full text in its thread. A builder writes its
 * mentions through the run's notifier (groups, people by e-mail: each looked up once per run). Failures are returned,
 * never thrown: each command logs them in its own words.
 */
export async function postNotice(ctx: CommandContext, cs: ConfigStore, team: string, text: string | ((notifier: ReleaseNotifier) => Promise<string>)): Promise<NoticeResult> {
  const r = await ctx.notifier.notifyTeam(cs, team, async (notifier) => {
    if (typeof text === 'string') return { text };
    // Slack first, as before: an unavailable Slack fails the notice before its mentions warn about it.
    await ctx.services.get('slack');
    return { text: await text(notifier) };
  });
  if (r.sent) ctx.log.info(`sent slack message to <${r.channel}>`);
  return r;
}
