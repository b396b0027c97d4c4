/**
 * The pure rules of the notificator, ported from the original's pinned tests
 * (tests/test_jira_notificator.py; agents.md 3.4-3.6, 15 #5-#7).
 */
import { describe, expect, it } from 'vitest';
import type { JiraComment, JiraHistory, JiraUser } from '../../../src/integrations/jira.ts';
import {
  assigneeText,
  decide,
  hasNotification,
  instantOf,
  isMoreThan24WeekdayHours,
  latestNotificationDates,
  latestOnQaTransition,
  managerText,
  notificationTitle,
  notificationType,
  parseJiraInstant,
  qaContactText,
  reporterText,
  teamLeadText,
  NOTIFICATION_PREFIX,
  PENDING_LABEL,
} from '../../../src/jobs/jira-notificator/index.ts';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('test_is_more_than_24_weekday_hours', () => {
  const tuesday = instantOf(at('2025-07-15T10:00:00Z'));
  const friday = instantOf(at('2025-07-18T10:00:00Z'));

  it('Tuesday 10:00: +23 h false, +24 h false, +24 h 1 min true, +25 h true', () => {
    expect(isMoreThan24WeekdayHours(tuesday, new Date(tuesday.ms + 23 * HOUR))).toBe(false);
    expect(isMoreThan24WeekdayHours(tuesday, new Date(tuesday.ms + 24 * HOUR))).toBe(false);
    expect(isMoreThan24WeekdayHours(tuesday, new Date(tuesday.ms + 24 * HOUR + 60_000))).toBe(true);
    expect(isMoreThan24WeekdayHours(tuesday, new Date(tuesday.ms + 25 * HOUR))).toBe(true);
  });

  it('Friday 10:00: Monday 09:00 false, Monday 10:00 false (exactly 72 h, 24 ticks), Monday 10:01 true', () => {
    expect(isMoreThan24WeekdayHours(friday, at('2025-07-21T09:00:00Z'))).toBe(false);
    expect(isMoreThan24WeekdayHours(friday, at('2025-07-21T10:00:00Z'))).toBe(false);
    expect(isMoreThan24WeekdayHours(friday, at('2025-07-21T10:01:00Z'))).toBe(true);
  });

  it('now - 23 h is false and now - 73 h is true; a future start is false', () => {
    const now = new Date();
    expect(isMoreThan24WeekdayHours(instantOf(new Date(now.getTime() - 23 * HOUR)), now)).toBe(false);
    expect(isMoreThan24WeekdayHours(instantOf(new Date(now.getTime() - 73 * HOUR)), now)).toBe(true);
    expect(isMoreThan24WeekdayHours(instantOf(new Date(now.getTime() + HOUR)), now)).toBe(false);
    expect(isMoreThan24WeekdayHours(instantOf(now), now)).toBe(false);
  });

  it('weekends do not count: Friday 20:00 → Monday 12:00 (64 h) is 4 + 12 = 16 weekday ticks', () => {
    expect(isMoreThan24WeekdayHours(instantOf(at('2025-07-18T20:00:00Z')), at('2025-07-21T12:00:00Z'))).toBe(false);
    // ...and 21 + 4 = 25 ticks by Monday 21:00 (still under the 72 h shortcut).
    expect(isMoreThan24WeekdayHours(instantOf(at('2025-07-18T20:00:00Z')), at('2025-07-21T21:00:00Z'))).toBe(true);
  });

  it("weekdays are judged in the timestamp's own offset", () => {
    // Saturday 01:00 at +0300 is Friday 22:00 UTC: its first ticks are Saturday in its own offset.
    const plus3 = parseJiraInstant('2025-07-19T01:00:00.000+0300');
    expect(plus3).toEqual({ ms: Date.parse('2025-07-18T22:00:00Z'), offsetMinutes: 180 });
    const utc = parseJiraInstant('2025-07-18T22:00:00.000+0000');
    // Same instant. UTC sees Fri 22:00, 23:00 as weekday ticks; +0300 sees them as Saturday, but
    // its Monday starts at 21:00 UTC on Sunday.
    const now = at('2025-07-21T21:30:00Z'); // 71.5 h later: no shortcut
    // UTC: 2 (Fri) + 22 (Mon 00..21) = 24 → false. +0300: Mon 00..23 local + Tue 00 local = 25 → true.
    expect(isMoreThan24WeekdayHours(utc, now)).toBe(false);
    expect(isMoreThan24WeekdayHours(plus3, now)).toBe(true);
    // An hour earlier both are at or under 24: 23 and 24 ticks.
    expect(isMoreThan24WeekdayHours(utc, at('2025-07-21T20:30:00Z'))).toBe(false);
    expect(isMoreThan24WeekdayHours(plus3, at('2025-07-21T20:30:00Z'))).toBe(false);
  });

  it('parses Jira timestamps with and without a colon in the offset, and refuses timestamps without a zone', () => {
    expect(parseJiraInstant('2025-07-15T14:10:20.862+0000').ms).toBe(Date.parse('2025-07-15T14:10:20.862Z'));
    expect(parseJiraInstant('2025-07-15T14:10:20.862-05:30')).toEqual({ ms: Date.parse('2025-07-15T19:40:20.862Z'), offsetMinutes: -330 });
    expect(parseJiraInstant('2025-07-15T14:10:20Z').offsetMinutes).toBe(0);
    expect(() => parseJiraInstant('2025-07-15T14:10:20')).toThrow(/time zone/);
    expect(() => parseJiraInstant('yesterday')).toThrow(RangeError);
  });
});

const qa: JiraUser = { accountId: 'qa-1', displayName: 'Quinn QA', emailAddress: 'qa@redhat.com' };
const mgr: JiraUser = { accountId: 'mgr-1', displayName: 'Morgan Manager' };
const asg: JiraUser = { accountId: 'dev-1', displayName: 'Dana Dev' };
const rep: JiraUser = { accountId: 'rep-1', displayName: 'Riley Reporter' };

describe('test_create_notification_title and texts', () => {
  it('titles carry the hours 24, 48, 72, 24, 24 and end with a newline', () => {
    expect(notificationTitle('QA_CONTACT')).toBe('Errata Reliability Team Notification - QA Contact Action Request\nThis issue has been in the ON_QA state for over 24 hours.\n');
    expect(notificationTitle('TEAM_LEAD')).toBe('Errata Reliability Team Notification - Team Lead Action Request\nThis issue has been in the ON_QA state for over 48 hours.\n');
    expect(notificationTitle('MANAGER')).toBe('Errata Reliability Team Notification - Manager Action Request\nThis issue has been in the ON_QA state for over 72 hours.\n');
    expect(notificationTitle('ASSIGNEE')).toContain('Assignee Action Request\nThis issue has been in the ON_QA state for over 24 hours.\n');
    expect(notificationTitle('REPORTER')).toContain('Reporter Action Request\nThis issue has been in the ON_QA state for over 24 hours.\n');
  });

  it('test_create_*_notification_text: exact bodies with [~accountId:…] mentions', () => {
    expect(qaContactText(qa)).toBe(`${notificationTitle('QA_CONTACT')}[~accountId:qa-1] Please verify the Issue as soon as possible.`);
    expect(teamLeadText(qa)).toBe(`${notificationTitle('TEAM_LEAD')}[~accountId:qa-1] Please verify the Issue as soon as possible or arrange a reassignment with your team lead.`);
    expect(managerText(mgr)).toBe(`${notificationTitle('MANAGER')}[~accountId:mgr-1] Please prioritize the Issue verification or consider reassigning it to another available QA Contact.`);
    expect(assigneeText([asg, mgr], 'QA contact')).toBe(`${notificationTitle('ASSIGNEE')}[~accountId:dev-1] [~accountId:mgr-1] The QA contact is missing. Could you please help us identify someone who could verify the issue?`);
    expect(assigneeText([asg], 'Manager')).toBe(`${notificationTitle('ASSIGNEE')}[~accountId:dev-1] There has been no response from the QA contact and the Manager is not listed in Jira. Could you please help us identify someone who could verify the issue?`);
    expect(assigneeText([asg], 'Team Lead')).toContain('and the Team Lead is not listed in Jira.');
    // The code's Cloud syntax, not the tests' old `[~name]` (agents.md 3.11).
    expect(reporterText(rep)).toBe(`${notificationTitle('REPORTER')}[~accountId:rep-1] This issue has no QA contact or assignee. Could you please assign someone who can verify the issue?`);
  });
});

describe('test_get_notification_type', () => {
  it('returns the first type (enum order) whose label occurs in the body', () => {
    expect(notificationType(qaContactText(qa))).toBe('QA_CONTACT');
    expect(notificationType(teamLeadText(qa))).toBe('TEAM_LEAD');
    expect(notificationType(managerText(mgr))).toBe('MANAGER');
    expect(notificationType(assigneeText([asg], 'QA contact'))).toBe('ASSIGNEE');
    expect(notificationType(reporterText(rep))).toBe('REPORTER');
    expect(notificationType('Manager Action Request and QA Contact Action Request')).toBe('QA_CONTACT');
  });
  it('"QA Contact Manager Team Lead" and "" have no type', () => {
    expect(notificationType('QA Contact Manager Team Lead')).toBeNull();
    expect(notificationType('')).toBeNull();
  });
});

let cid = 0;
function comment(body: string, created: string): JiraComment {
  return { id: String(++cid), body, created };
}
function onQa(created: string, to = 'ON_QA'): JiraHistory {
  return { id: String(++cid), created, items: [{ field: 'status', fromString: 'MODIFIED', toString: to }] };
}

describe('test_get_latest_notification_dates_after_on_qa_transition', () => {
  const comments = [
    comment(qaContactText(qa), '2025-07-17T10:00:00.000+0000'),
    comment(assigneeText([asg], 'QA contact'), '2025-07-17T11:00:00.000+0000'),
    comment(teamLeadText(qa), '2025-07-17T11:10:00.000+0000'),
    comment(managerText(mgr), '2025-07-17T11:11:00.000+0000'),
    comment(`${NOTIFICATION_PREFIX} - something else`, '2025-07-17T11:11:30.000+0000'),
    comment('An unrelated comment mentioning QA Contact Action Request', '2025-07-17T11:11:40.000+0000'),
  ];
  const keys = (cut: string) => [...latestNotificationDates(comments, parseJiraInstant(cut)).keys()].filter((k) => k !== null).sort();

  it('cut-off 09:00Z: all four types are present', () => {
    expect(keys('2025-07-17T09:00:00.000+0000')).toEqual(['ASSIGNEE', 'MANAGER', 'QA_CONTACT', 'TEAM_LEAD']);
  });
  it('cut-off 11:09Z: only TEAM_LEAD and MANAGER remain', () => {
    expect(keys('2025-07-17T11:09:00.000+0000')).toEqual(['MANAGER', 'TEAM_LEAD']);
  });
  it('cut-off 11:12Z: the map is empty', () => {
    expect(latestNotificationDates(comments, parseJiraInstant('2025-07-17T11:12:00.000+0000')).size).toBe(0);
  });
  it('a comment at exactly the transition counts; the latest per type wins; unknown prefixed comments go under null', () => {
    const cs = [comment(qaContactText(qa), '2025-07-17T10:00:00.000+0000'), comment(qaContactText(qa), '2025-07-18T10:00:00.000+0000')];
    const map = latestNotificationDates([...cs, comment(`${NOTIFICATION_PREFIX} hello`, '2025-07-18T10:00:00.000+0000')], parseJiraInstant('2025-07-17T10:00:00.000+0000'));
    expect(new Date(map.get('QA_CONTACT')!.ms).toISOString()).toBe('2025-07-18T10:00:00.000Z');
    expect(map.has(null)).toBe(true);
  });
  it('the latest ON_QA transition is the maximum over the changelog', () => {
    const t = latestOnQaTransition([onQa('2025-07-01T10:00:00.000+0000'), onQa('2025-07-10T10:00:00.000+0000', 'Verified'), onQa('2025-07-05T10:00:00.000+0000')]);
    expect(new Date(t!.ms).toISOString()).toBe('2025-07-05T10:00:00.000Z');
    expect(latestOnQaTransition([onQa('2025-07-10T10:00:00.000+0000', 'POST')])).toBeNull();
  });
});

describe('test_has_assignee_notification / test_has_reporter_notification', () => {
  it('any date, any cycle; matched by the title prefix', () => {
    const old = [comment(assigneeText([asg], 'QA contact'), '2024-01-01T00:00:00.000+0000')];
    expect(hasNotification(old, 'ASSIGNEE')).toBe(true);
    expect(hasNotification(old, 'REPORTER')).toBe(false);
    expect(hasNotification([comment(`quoted: ${reporterText(rep)}`, '2024-01-01T00:00:00.000+0000')], 'REPORTER')).toBe(false);
    expect(hasNotification([comment(reporterText(rep), '2024-01-01T00:00:00.000+0000')], 'REPORTER')).toBe(true);
  });
});

describe('the escalation ladder (decide)', () => {
  const T = '2025-07-14T10:00:00.000+0000'; // Monday
  const base = { key: 'OCPBUGS-1', labels: [] as string[], changelog: [onQa(T)] };

  it('no transition → no-transition', () => {
    expect(decide({ ...base, changelog: [], comments: [] }, at('2025-07-20T00:00:00Z')).kind).toBe('no-transition');
  });
  it('no QA notification: waits under 24 weekday hours, notifies the QA contact after', () => {
    expect(decide({ ...base, comments: [] }, at('2025-07-15T09:00:00Z'))).toMatchObject({ action: { kind: 'wait' }, removeLabel: false });
    expect(decide({ ...base, comments: [] }, at('2025-07-15T10:30:00Z'))).toMatchObject({ action: { kind: 'notify', step: 'QA_CONTACT' } });
  });
  it('a new ON_QA cycle removes the pending label even while waiting', () => {
    const d = decide({ ...base, labels: [PENDING_LABEL], comments: [comment(qaContactText(qa), '2025-07-01T10:00:00.000+0000')] }, at('2025-07-14T12:00:00Z'));
    expect(d).toMatchObject({ removeLabel: true, action: { kind: 'wait' } });
  });
  it('climbs QA → team lead → manager → label, each after 24 weekday hours of the previous step', () => {
    const qaC = comment(qaContactText(qa), '2025-07-15T11:00:00.000+0000');
    const tlC = comment(teamLeadText(qa), '2025-07-16T12:00:00.000+0000');
    const mgC = comment(managerText(mgr), '2025-07-17T13:00:00.000+0000');
    expect(decide({ ...base, comments: [qaC] }, at('2025-07-16T10:00:00Z'))).toMatchObject({ action: { kind: 'wait' } });
    expect(decide({ ...base, comments: [qaC] }, at('2025-07-16T11:30:00Z'))).toMatchObject({ action: { kind: 'notify', step: 'TEAM_LEAD' } });
    expect(decide({ ...base, comments: [qaC, tlC] }, at('2025-07-17T12:30:00Z'))).toMatchObject({ action: { kind: 'notify', step: 'MANAGER' } });
    expect(decide({ ...base, comments: [qaC, tlC, mgC] }, at('2025-07-18T12:00:00Z'))).toMatchObject({ action: { kind: 'wait' } });
    expect(decide({ ...base, comments: [qaC, tlC, mgC] }, at('2025-07-18T13:30:00Z'))).toMatchObject({ action: { kind: 'add-label' } });
    expect(decide({ ...base, labels: [PENDING_LABEL], comments: [qaC, tlC, mgC] }, at('2025-07-18T13:30:00Z'))).toMatchObject({ action: { kind: 'label-present' }, removeLabel: false });
  });
  it('assignee and reporter notifications are not ladder steps', () => {
    const d = decide({ ...base, comments: [comment(assigneeText([asg], 'QA contact'), '2025-07-15T11:00:00.000+0000')] }, at('2025-07-20T00:00:00Z'));
    expect(d).toMatchObject({ action: { kind: 'notify', step: 'QA_CONTACT' } });
  });
  it('notifications before the latest transition are ignored (a new cycle restarts the ladder)', () => {
    const old = [comment(qaContactText(qa), '2025-07-01T11:00:00.000+0000'), comment(teamLeadText(qa), '2025-07-02T11:00:00.000+0000')];
    expect(decide({ ...base, comments: old }, at('2025-07-15T10:30:00Z'))).toMatchObject({ action: { kind: 'notify', step: 'QA_CONTACT' } });
  });
});
