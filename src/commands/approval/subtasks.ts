/**
 * The ART ticket's QE subtasks (appendix A.5: exact summaries): assigned and started by
 * take-ownership, closed by the approval. The ticket is read once and its QE subtasks are fetched
 * in one bulk request (getIssuesByKeys), never one request per issue.
 */
import type { JiraClient, JiraIssue, JiraTransition, JiraUser } from '../../integrations/jira.ts';
import { sameUser } from '../../integrations/jira/model.ts';
import { QE_SUBTASKS } from '../../release/tasks.ts';
import { CommandError } from '../errors.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';
import type { LineLog } from './log.ts';

export const QE_SUBTASK_SUMMARIES: readonly string[] = Object.values(QE_SUBTASKS);
const CLOSED = 'Closed';
const IN_PROGRESS = 'In Progress';

/** Subtasks that take-ownership also moves to In Progress. */
export function startsOnOwnership(summary: string): boolean {
  return summary.startsWith('[Wed-Fri]') || summary.startsWith('[Mon-Wed]');
}

/** The QE subtasks of `ticket` with summary, status and assignee (2 Jira requests in all). */
export async function findQeSubtasks(jira: JiraClient, ticket: string, log?: LineLog): Promise<JiraIssue[]> {
  const parent = await jira.getIssue(ticket, { fields: ['summary', 'subtasks'] });
  for (const s of parent.subtasks) log?.info(`found subtask ${s.key} - ${s.summary}`);
  const keys = parent.subtasks.filter((s) => QE_SUBTASK_SUMMARIES.includes(s.summary.trim())).map((s) => s.key);
  if (keys.length === 0) return [];
  const { issues, missing } = await jira.getIssuesByKeys(keys, { fields: ['summary', 'status', 'assignee'], operation: `reading the QE subtasks of ${ticket}` });
  for (const key of missing) log?.warn(`QE subtask ${key} of ${ticket} is not visible to the Jira token, skip`);
  return issues.filter((i) => QE_SUBTASK_SUMMARIES.includes(i.summary.trim()));
}

/**
 * The Jira user of an e-mail. The original searched by the local part and took the first hit,
 * which could pick the wrong person; here the search is by the whole address and only an exact
 * e-mail match, or a single unambiguous result (Cloud hides e-mails of some users), is accepted.
 */
export async function resolveJiraUser(jira: JiraClient, email: string): Promise<JiraUser> {
  const candidates = await jira.searchUsers(email);
  const wanted = email.trim().toLowerCase();
  const exact = candidates.find((u) => (u.emailAddress ?? '').toLowerCase() === wanted);
  if (exact) return exact;
  const hidden = candidates.filter((u) => !u.emailAddress);
  if (candidates.length === 1 && hidden.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new CommandError(`Jira has no user with e-mail ${email}, so the QE subtasks were not assigned`);
  throw new CommandError(`Jira has several users matching ${email} and none with exactly that e-mail, so the QE subtasks were not assigned`);
}

export interface SubtaskChange {
  key: string;
  summary: string;
  assigned: boolean;
  started: boolean;
}

/** take-ownership step 6: assign every QE subtask to `user`, start the two weekly ones. Idempotent. */
export async function assignQeSubtasks(jira: JiraClient, subtasks: readonly JiraIssue[], user: JiraUser, who: string, log: LineLog): Promise<SubtaskChange[]> {
  // One chain per subtask (assign, then start), the subtasks side by side.
  return mapLimit(subtasks, SERVICE_CONCURRENCY, async (s) => {
    const change: SubtaskChange = { key: s.key, summary: s.summary, assigned: false, started: false };
    log.info(`updating jira issue ${s.key} assignee`);
    if (s.assignee && sameUser(s.assignee, user)) {
      log.info(`jira issue ${s.key} assignee is already ${who}`);
    } else {
      await jira.assign(s.key, user);
      change.assigned = true;
      log.info(`jira issue ${s.key} assignee is updated to ${who}`);
    }
    if (startsOnOwnership(s.summary.trim())) {
      log.info(`updating jira issue ${s.key} status ...`);
      if (s.status === IN_PROGRESS) log.info(`jira issue ${s.key} is already ${IN_PROGRESS}`);
      else if (s.status === CLOSED) log.warn(`jira issue ${s.key} is ${CLOSED}, not reopening it`);
      else {
        await jira.transition(s.key, IN_PROGRESS);
        change.started = true;
        log.info(`jira issue ${s.key} is updated to ${IN_PROGRESS}`);
      }
    }
    return change;
  });
}

/** The QE subtasks that are not Closed yet. */
export function openQeSubtasks(subtasks: readonly JiraIssue[]): JiraIssue[] {
  return subtasks.filter((s) => s.status !== CLOSED);
}

/**
 * The reads of closeQeSubtasks made ahead: the QE subtasks and the transitions of the open ones,
 * read side by side with the approval's other steps (they do not depend on them). Nothing is
 * changed; a failed read fails the closing step when it comes, as it would have then.
 */
export interface SubtasksToClose {
  ticket: string;
  found: Promise<{ subtask: JiraIssue; transitions?: Promise<JiraTransition[]> }[]>;
}

export function readSubtasksToClose(jira: JiraClient, ticket: string): SubtasksToClose {
  const found = findQeSubtasks(jira, ticket).then((subtasks) =>
    subtasks.map((subtask) => {
      if (subtask.status === CLOSED) return { subtask };
      const transitions = jira.getTransitions(subtask.key);
      transitions.catch(() => undefined); // awaited by the closing step; not unhandled when that step never comes
      return { subtask, transitions };
    }),
  );
  found.catch(() => undefined);
  return { ticket, found };
}

/**
 * The approval's last step: close every QE subtask that is still open. Returns the keys closed.
 * `ahead`: the reads made ahead by readSubtasksToClose for this ticket (then only the moves are left).
 */
export async function closeQeSubtasks(jira: JiraClient, ticket: string | null, log: LineLog, ahead?: SubtasksToClose): Promise<string[]> {
  if (!ticket) {
    log.warn('the release has no ART Jira ticket (release_jira), no QE subtask to close');
    return [];
  }
  const read = ahead?.ticket === ticket ? ahead : readSubtasksToClose(jira, ticket);
  const found = await read.found;
  const closed = await mapLimit(found, SERVICE_CONCURRENCY, async ({ subtask: s, transitions }) => {
    if (s.status === CLOSED) {
      log.info(`jira issue ${s.key} is already ${CLOSED}`);
      return null;
    }
    await jira.transition(s.key, CLOSED, transitions ? await transitions : undefined);
    log.info(`jira issue ${s.key} status is updated to ${CLOSED}`);
    return s.key;
  });
  return closed.filter((k): k is string => k !== null);
}
