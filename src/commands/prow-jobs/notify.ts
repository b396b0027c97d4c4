/**
 * The Slack notices of image-consistency-check and stage-testing (spec 12 #7, #11, #12). The
 * texts are the original's; the message builders are pure, the sender never fails the command:
 * the external job has already started (or the result is already recorded), so a Slack problem
 * is a warning in the log and a blocker line in the outcome, not a reason to report Fail.
 */
import type { ConfigStore } from '../../release/configstore.ts';
import type { UnhealthyAdvisory } from '../../release/image-health.ts';
import type { CommandContext } from '../types.ts';

/** #12 */
export function prowJobTriggeredText(release: string, lead: string, jobName: string, url: string): string {
  return `[${release}] Hello ${lead}, triggered Prow job [${jobName}], url is ${url}`;
}

/** #11: a build URL, or the informational string of the queue (blocked, timeout). */
export function jenkinsTriggeredText(release: string, lead: string, jobShortName: string, result: { buildUrl?: string; message: string }): string {
  return result.buildUrl
    ? `[${release}] Hello ${lead}, triggered jenkins build for job [${jobShortName}], url is ${result.buildUrl}`
    : `[${release}] Hello ${lead}, ${result.message}`;
}

/** #7 */
export function unhealthyAdvisoriesText(lead: string, advisories: readonly UnhealthyAdvisory[], errataUrl: string): string {
  const base = errataUrl.replace(/\/+$/, '');
  const lines = [`Hello ${lead}, Found unhealthy advisories, please check if this is a known issue before ping artist in channel #forum-ocp-release, thanks`];
  for (const ad of advisories) {
    lines.push(`Advisory <${base}/advisory/${ad.errata_id}|${ad.errata_id}> has grade ${ad.ad_grade} with unhealthy builds:`);
    for (const b of ad.unhealthy_builds) lines.push(`${b.nvr} build for architecture ${b.arch} has grade ${b.grade}`);
  }
  return `${lines.join('\n')}\n`;
}

export const DEFAULT_ERRATA_URL = 'https://errata.devel.redhat.com';

/**
 * Post to the release's QE channel (`contacts.slack.qe-release.channel`) through the release's
 * ReleaseNotifier, with `{lead}` = the y-stream's release-lead group mention. Returns a warning
 * sentence when nothing was posted: the external job has already started.
 */
export async function notifyQeRelease(ctx: CommandContext, cs: ConfigStore, text: (lead: string) => string): Promise<string | undefined> {
  const r = await ctx.notifier.notifyTeam(cs, 'qe-release', async (n) => ({ text: text(await n.leadMention(cs)) }));
  if (!r.sent) {
    const message = r.channel ? `Slack notification to ${r.channel} failed: ${r.error}` : `Slack notification not sent: ${r.error}`;
    ctx.log.warn(message);
    return message;
  }
  ctx.log.info(`sent slack message to ${r.channel}`);
  return undefined;
}
