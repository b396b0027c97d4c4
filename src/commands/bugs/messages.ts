/**
 * The notification texts of spec oar-commands.md section 12, exactly as the original wrote them
 * (humans search for these strings, and they double as an audit trail). Pure: the mentions and
 * links are resolved by the caller.
 */
import { slackLink } from './slack.ts';

export interface LinkedBug {
  key: string;
  url: string;
}

/** #2 create-test-report. */
export function newStateBoxMessage(lead: string, release: string, location: string): string {
  return `Hello ${lead}, new ${stateboxWhere(location)} is created for ${release} release tracking`;
}

/**
 * Where a StateBox lives, for people: a link to it on GitHub (the original's wording), or, for a
 * local directory backend, its path and that only the bot's machine has it.
 */
export function stateboxWhere(location: string): string {
  return /^https?:\/\//.test(location) ? slackLink(location, 'StateBox') : `StateBox (local file \`${location}\` on the bot's machine, not on GitHub)`;
}

/** #6 check-cve-tracker-bug (same wording for advisory- and shipment-side bugs). */
export function cveTrackersMessage(art: string, bugs: readonly LinkedBug[], note?: string): string {
  let text = `Hello ${art}, Found new CVE tracker bugs not attached on advisories, could you take a look, thanks\n`;
  for (const b of bugs) text += `${slackLink(b.url, b.key)} `;
  return `${text}\n${note ? `_${note}_\n` : ''}`;
}

export interface BugToVerify extends LinkedBug {
  /** `<@U123>`, or the e-mail / `Unknown` as plain text when Slack cannot say. */
  mention: string;
  cve: boolean;
}

const ON_QA_HEADER = "Please pay attention to following ON_QA bugs, let's verify them ASAP, thanks for your cooperation";
const HIGH_SEVERITY_HEADER =
  'The following bugs should be verified in this release. Please confirm whether they can be dropped or if you will verify them soon. Note that CVE issues still require verification. Thank you for your cooperation';
const MANAGERS_HEADER =
  'The following issues must be verified in this release. As the managers of the assigned QA contacts who have not yet verified these Jiras, could you please prioritize their verification or reassign them to other available QA contacts?';

function bugLines(release: string, header: string, bugs: readonly BugToVerify[]): string {
  let text = `[${release}] ${header}\n`;
  for (const b of bugs) text += `${slackLink(b.url, b.key)} ${b.mention}${b.cve ? ' This is a CVE bug and must be verified.' : ''}\n`;
  return text;
}

/** #5 update-bug-list (default): ON_QA bugs with their QA contacts. */
export function bugsToVerifyMessage(release: string, bugs: readonly BugToVerify[]): string {
  return bugLines(release, ON_QA_HEADER, bugs);
}

/** #16 update-bug-list `--confirm-droppable`: the #5 format with the high-severity text. */
export function highSeverityBugsMessage(release: string, bugs: readonly BugToVerify[]): string {
  return bugLines(release, HIGH_SEVERITY_HEADER, bugs);
}

/** #16 update-bug-list `--notify-managers`: unverified CVE issues with the QA contacts' managers. */
export function unverifiedCveToManagersMessage(release: string, bugs: readonly (LinkedBug & { manager: string })[]): string {
  let text = `[${release}] ${MANAGERS_HEADER}\n`;
  for (const b of bugs) text += `${slackLink(b.url, b.key)} ${b.manager}\n`;
  return text;
}

/** #8 drop-bugs: what was dropped. */
export function droppedBugsMessage(release: string, lead: string, docs: string, bugs: readonly LinkedBug[]): string {
  let text = `[${release}] Hello ${lead} ${docs}, following bugs are dropped from advisories and shipment data\n`;
  for (const b of bugs) text += `${slackLink(b.url, b.key)}\n`;
  return text;
}

/** The high-severity part of #9: bugs kept for a human to decide. */
export function highSeverityKeptMessage(release: string, lead: string, bugs: readonly LinkedBug[]): string {
  let text = `[${release}] Hello ${lead}, following bugs are Critical/Blocker/Customer Case/CVE Tracker, if any of them can be dropped, do it manually. CVE can not be dropped. Thanks\n`;
  for (const b of bugs) text += `${slackLink(b.url, b.key)}\n`;
  return text;
}

/** #9: #8, a blank line, then the high-severity part. */
export function droppedAndHighSeverityMessage(dropped: string, highSeverity: string): string {
  return `${dropped}\n${highSeverity}`;
}

/** Python-style list of ids (`[123, 456]`), as the original rendered them. */
export function pyIntList(ids: readonly number[]): string {
  return `[${ids.join(', ')}]`;
}

/** #10 drop-bugs: doc and/or ProdSec approval requests; null when both lists are empty. */
export function approvalRequestMessage(release: string, docs: string, prodsec: string, docIds: readonly number[], prodsecIds: readonly number[]): string | null {
  const parts: string[] = [];
  if (docIds.length) parts.push(`[${release}] Hello ${docs}, Could you approve doc for advisories:${pyIntList(docIds)}, thanks!`);
  if (prodsecIds.length) parts.push(`[${release}] Hello ${prodsec}, Could you approve Prodsec for advisories:${pyIntList(prodsecIds)}, thanks!`);
  return parts.length ? parts.join('\n') : null;
}

/** #13 check-greenwave-cvp-tests. */
export function cvpFailuresMessage(release: string, lead: string, jiraUrl: string): string {
  return `[${release}] Hello ${lead}, there are Greenwave CVP failures in advisories. Please contact CVP team. Use the following jira for reference: ${jiraUrl}.`;
}
