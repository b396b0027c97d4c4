/**
 * Slack notices of take-ownership (oar-commands 12, #3, #4, #15): the plain-text bodies are
 * kept exactly as the original's (people search for them), and the sending helper that resolves
 * the user-group mentions and never lets a Slack failure undo the work that was done.
 */
import type { ConfigStore } from '../../release/configstore.ts';
import type { ReleaseNotifier } from '../notifier.ts';
import type { LineLog } from './log.ts';

export interface Linked {
  text: string;
  url: string;
}

const link = (l: Linked) => `<${l.url}|${l.text}>`;
/** The original's list format: each link followed by a space, on one line. */
const links = (ls: readonly Linked[]) => ls.map((l) => `${link(l)} `).join('');

export interface OwnershipNotice {
  release: string;
  lead: string;
  email: string;
  advisories: Linked[];
  subtasks: Linked[];
  abnormal: Linked[];
  /** Konflux flow only. */
  mrUrl?: string;
}

/** #3 (Errata flow). */
export function errataOwnershipText(n: OwnershipNotice): string {
  const lines = [
    `Hello ${n.lead}, owner of [${n.release}] advisories and jira subtasks are changed to ${n.email}`,
    'Updated advisories:',
    links(n.advisories),
    'Updated jira subtasks:',
    links(n.subtasks),
  ];
  if (n.abnormal.length) lines.push('Found some abnormal advisories that state is not QE', links(n.abnormal));
  return lines.join('\n');
}

/** #15 (Konflux flow). */
export function konfluxOwnershipText(n: OwnershipNotice): string {
  const lines = [`[${n.release}] Hello ${n.lead}, owner of advisories and jira subtasks are changed to ${n.email}`];
  if (n.mrUrl) lines.push(`Shipment merge request: ${link({ url: n.mrUrl, text: 'mr' })}`);
  lines.push('Updated advisories:', links(n.advisories));
  if (n.subtasks.length) lines.push('Updated jira subtasks:', links(n.subtasks));
  if (n.abnormal.length) lines.push('Found some abnormal advisories that state is not QE', links(n.abnormal));
  return lines.join('\n');
}

/** #4 (both flows, to ART, when advisories are still in NEW_FILES). */
export function abnormalAdvisoriesText(art: string, release: string, abnormal: readonly Linked[]): string {
  return `Hello ${art}, Can you help to check following [${release}] advisories, issue: state is NEW_FILES, thanks\n${links(abnormal)}\n`;
}

export interface Notice {
  /** ConfigStore contact team (`qe-release`, `art`). */
  team: string;
  text: (mentions: { lead: string; art: string }) => string;
}

/**
 * Post notices to their teams' channels through the release's ReleaseNotifier (summary in the
 * channel, the full lists in its thread). Returns the failures (each also logged at WARNING): the
 * changes were made, so a Slack outage is reported, not turned into a failed command.
 */
export async function sendNotices(notifier: ReleaseNotifier, cs: ConfigStore, notices: readonly Notice[], log: LineLog): Promise<string[]> {
  if (notices.length === 0) return [];
  const down = await notifier.unavailable();
  if (down) {
    const why = `Slack notices were not sent: ${down}`;
    log.warn(why);
    return [why];
  }
  const failures: string[] = [];
  for (const n of notices) {
    const r = await notifier.notifyTeam(cs, n.team, async (m) => ({ text: n.text({ lead: await m.leadMention(cs), art: await m.artMention(cs) }) }));
    if (r.sent) log.info(`sent slack message to <${r.channel}>`);
    else {
      const why = `the ${n.team} Slack notice was not sent: ${r.error}`;
      log.warn(why);
      failures.push(why);
    }
  }
  return failures;
}
