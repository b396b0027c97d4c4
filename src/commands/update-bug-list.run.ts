/** What `updateBugList` does (declared in ./update-bug-list.ts; the registry imports this module on its first run). */
import { lookupManagerEmail } from '../integrations/ldap.ts';
import type { JiraIssue } from '../integrations/jira/model.ts';
import { highSeverityReasons, isCveTracker, isOnQa, isVerifiedOrClosed } from '../integrations/jira/classify.ts';
import type { ReleaseNotifier } from './notifier.ts';
import { CommandError } from './errors.ts';
import { bugsToVerifyMessage, highSeverityBugsMessage, unverifiedCveToManagersMessage, type BugToVerify } from './bugs/messages.ts';
import { collectReleaseBugs, fetchIssues } from './bugs/release-bugs.ts';
import { postNotice } from './bugs/slack.ts';
import { implement, type CommandContext, type Outcome } from './types.ts';
import { updateBugList } from './update-bug-list.ts';

/** The QA contact's e-mail with the original's warnings; `Unknown` when there is none. */
function qaContact(ctx: CommandContext, issue: JiraIssue): string {
  const qa = issue.qaContact;
  if (!qa?.emailAddress) {
    ctx.log.warn(`jira issue ${issue.key} does not have assigned QA contact, please contact responsible team to find it`);
    return 'Unknown';
  }
  if (qa.active === false) ctx.log.warn(`jira issue ${issue.key} has assigned QA contact which is not active, please contact responsible team to assign a replacement`);
  return qa.emailAddress;
}

function bugLine(key: string, issue: JiraIssue | undefined): string {
  return issue ? `${key}  ${issue.status}  ${issue.qaContact?.emailAddress ?? 'Unknown'}` : `${key}  not readable with the Jira token`;
}

/** A QA contact's or manager's mention (the notifier looks each e-mail up once per run); `Unknown` stays as it is. */
function mention(notifier: ReleaseNotifier, email: string): Promise<string> {
  return email === 'Unknown' || email === '' ? Promise.resolve(email) : notifier.userMention(email);
}

export default implement(updateBugList, {
  async run(ctx, o): Promise<Outcome> {
    const cs = await ctx.configStore();
    const bugs = await collectReleaseBugs(ctx, cs);
    ctx.log.info(`found ${bugs.keys.length} jira issues in ${bugs.advisories.length} advisories${bugs.shipment ? ' and the shipment MR' : ''}`);
    const { byKey, missing } = await fetchIssues(ctx, bugs.keys);
    const issues = bugs.keys.map((k) => byKey.get(k)).filter((i): i is JiraIssue => i !== undefined);
    const onQa = issues.filter((i) => isOnQa(i.status));

    let noticeError: string | undefined;
    let notified: string | undefined;
    const notifyWith = async (build: (notifier: ReleaseNotifier) => Promise<string>, what: string) => {
      const r = await postNotice(ctx, cs, 'qe-forum', build);
      if (r.sent) notified = what;
      else {
        noticeError = r.error;
        ctx.log.error(`send slack message failed: ${r.error}`);
      }
    };
    const toVerify = async (notifier: ReleaseNotifier, list: JiraIssue[]): Promise<BugToVerify[]> => {
      const jira = await ctx.services.get('jira');
      return Promise.all(list.map(async (i) => ({ key: i.key, url: jira.browseUrl(i.key), mention: await mention(notifier, qaContact(ctx, i)), cve: isCveTracker(i) })));
    };

    if (o.confirmDroppable) {
      const high = onQa.filter((i) => {
        const reasons = highSeverityReasons(i);
        if (reasons.length) ctx.log.warn(`jira issue ${i.key} is high severity: ${reasons.join(', ')}`);
        return reasons.length > 0;
      });
      if (high.length === 0) ctx.log.info('No high severity issues found.');
      else await notifyWith(async (notifier) => highSeverityBugsMessage(ctx.release, await toVerify(notifier, high)), `${high.length} high-severity ON_QA bugs`);
    } else if (o.notifyManagers) {
      const cves = onQa.filter(isCveTracker);
      if (cves.length === 0) ctx.log.info('No unverified CVE issues found.');
      else {
        const ldap = await ctx.services.get('ldap');
        await notifyWith(async (notifier) => {
          const jira = await ctx.services.get('jira');
          const lines = [];
          for (const i of cves) {
            const qa = qaContact(ctx, i);
            const manager = qa === 'Unknown' ? null : await lookupManagerEmail(ldap, qa, ctx.logger);
            if (!manager) ctx.log.warn(`Manager email was not found for user ${qa}`);
            lines.push({ key: i.key, url: jira.browseUrl(i.key), manager: manager ? await mention(notifier, manager) : '' });
          }
          return unverifiedCveToManagersMessage(ctx.release, lines);
        }, `${cves.length} unverified CVE trackers`);
      }
    } else if (o.notify) {
      if (onQa.length === 0) ctx.log.info('No ON_QA bugs to verify, nothing to notify.');
      else await notifyWith(async (notifier) => bugsToVerifyMessage(ctx.release, await toVerify(notifier, onQa)), `${onQa.length} ON_QA bugs`);
    }

    // The notice is what this command is for: without it the run failed.
    if (noticeError) throw new CommandError(`update bug list failed: the notification could not be sent (${noticeError})`);

    const byStatus = new Map<string, number>();
    for (const i of issues) byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
    const counts = [...byStatus].map(([status, n]) => ({ label: status, value: String(n) }));
    if (missing.length) counts.push({ label: 'Not readable', value: String(missing.length) });
    const sections = [{ fields: counts }, { title: `Bugs (${bugs.keys.length})`, lines: bugs.keys.map((k) => bugLine(k, byKey.get(k))) }];
    const data = {
      bugs: issues.map((i) => ({ key: i.key, status: i.status, qaContact: i.qaContact?.emailAddress ?? null, cve: isCveTracker(i), highSeverity: highSeverityReasons(i).length > 0 })),
      unreadable: missing,
      notified: notified ?? null,
    };
    const unverified = issues.filter((i) => !isVerifiedOrClosed(i.status));
    const open = unverified.length + missing.length;
    if (open === 0) {
      ctx.log.info(`all ${issues.length} bugs are Verified or Closed`);
      return { status: 'pass', summary: `All ${issues.length} bugs of ${ctx.release} are Verified or Closed`, sections, data };
    }
    return {
      status: 'in_progress',
      summary: `${open} of ${bugs.keys.length} bugs of ${ctx.release} are not verified yet (${onQa.length} ON_QA)${notified ? `; notified about ${notified}` : ''}`,
      sections,
      data,
    };
  },
});
