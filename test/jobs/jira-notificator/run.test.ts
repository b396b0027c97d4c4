/**
 * The notificator end to end against the simulated Jira (real HTTP) and the simulated LDAP
 * directory: notify actions, recipients, Need Info From and their order, fallbacks, labels,
 * idempotency across runs, dry run, --from-date, --search-batch-size, per-issue errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/env.ts';
import { JiraClient, onQaJql, ONQA_TARGET_VERSIONS } from '../../../src/integrations/jira.ts';
import { createLogger, silentLogger, type Logger } from '../../../src/log.ts';
import { JIRA_FIELDS } from '../../../src/release/tasks.ts';
import { startJiraSandbox, type JiraSandbox, type IssueSeed, type SandboxUser } from '../../../src/sandbox/jira/index.ts';
import { SimulatedLdapDirectory } from '../../../src/sandbox/ldap.ts';
import {
  assigneeText,
  jiraNotificatorJob,
  managerText,
  qaContactText,
  reporterText,
  runJiraNotificator,
  teamLeadText,
  PENDING_LABEL,
  RUN_ERROR_MESSAGE,
  type NotificatorDeps,
  type PullRequestLabels,
} from '../../../src/jobs/jira-notificator/index.ts';
import { jobActor } from '../../../src/jobs/types.ts';
import { envNotifier, SlackRecorder } from '../helpers.ts';

const HOUR = 3_600_000;
const MONDAY_10 = '2025-07-14T10:00:00.000Z';

describe('jira notificator against the simulated Jira', () => {
  let sandbox: JiraSandbox;
  let clock: Date;
  let jira: JiraClient;
  let ldap: SimulatedLdapDirectory;
  let u: Record<'qa' | 'boss' | 'dev' | 'devboss' | 'rep' | 'lonely' | 'hidden', SandboxUser>;

  beforeEach(async () => {
    clock = new Date('2025-07-15T11:00:00.000Z'); // Tuesday, 25 weekday hours after MONDAY_10
    sandbox = await startJiraSandbox({ now: () => clock.getTime() });
    const s = sandbox.state;
    u = {
      qa: s.addUser({ accountId: 'acc-qa', displayName: 'Quinn QA', emailAddress: 'qa@redhat.com' }),
      boss: s.addUser({ accountId: 'acc-boss', displayName: 'Bo Boss', emailAddress: 'boss@redhat.com' }),
      dev: s.addUser({ accountId: 'acc-dev', displayName: 'Dana Dev', emailAddress: 'dev@redhat.com' }),
      devboss: s.addUser({ accountId: 'acc-devboss', displayName: 'Dee Devboss', emailAddress: 'devboss@redhat.com' }),
      rep: s.addUser({ accountId: 'acc-rep', displayName: 'Riley Reporter', emailAddress: 'rep@redhat.com' }),
      lonely: s.addUser({ accountId: 'acc-lonely', displayName: 'Lonely QA', emailAddress: 'lonely@redhat.com' }),
      hidden: s.addUser({ accountId: 'acc-hidden', displayName: 'Private QA', emailAddress: 'hidden@redhat.com', hideEmail: true }),
    };
    ldap = new SimulatedLdapDirectory([
      { uid: 'qa', email: 'qa@redhat.com', manager: 'boss' },
      { uid: 'boss', email: 'boss@redhat.com' },
      { uid: 'dev', email: 'dev@redhat.com', manager: 'devboss' },
      { uid: 'devboss', email: 'devboss@redhat.com' },
      { uid: 'lonely', email: 'lonely@redhat.com' },
      { uid: 'hidden', email: 'hidden@redhat.com', manager: 'boss' },
    ]);
    jira = new JiraClient({ baseUrl: sandbox.url, deployment: 'cloud' });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  function seed(key: string, extra: Partial<IssueSeed> = {}) {
    return sandbox.state.seedIssue({ key, status: 'ON_QA', issueType: 'Bug', targetVersions: ['4.19.z'], qaContact: u.qa, assignee: u.dev, reporter: u.rep, statusChangedAt: MONDAY_10, ...extra });
  }
  function deps(extra: Partial<NotificatorDeps> = {}): NotificatorDeps {
    return { jira, ldap, targetVersions: ['4.19.z', '4.20.z'], logger: silentLogger, now: () => clock, ...extra };
  }
  const run = (opts: { dryRun?: boolean; fromDate?: string; searchBatchSize?: number } = {}, extra: Partial<NotificatorDeps> = {}) => runJiraNotificator(deps(extra), { dryRun: false, ...opts });
  const comments = (key: string) => sandbox.state.get(key).comments.map((c) => c.body);
  const needInfo = (key: string) => ((sandbox.state.get(key).fields[JIRA_FIELDS.needInfoFrom] as { accountId: string }[] | null) ?? []).map((x) => x.accountId);
  const writes = () => sandbox.calls.filter((c) => c.method !== 'GET' && !c.path.includes('/search'));
  const labels = (key: string) => sandbox.state.get(key).fields.labels as string[];

  it('test_get_on_qa_filter: the default query string and the --from-date suffix', () => {
    expect(onQaJql({ versions: ONQA_TARGET_VERSIONS })).toBe(
      "project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (4.12.z, 4.13.z, 4.14.z, 4.15.z, 4.16.z, 4.17.z, 4.18.z, 4.19.z, 4.20.z, 4.21.z, 4.22.z)",
    );
    expect(onQaJql({ versions: ['4.19.z'], fromDate: '2025-07-01' })).toBe("project = OCPBUGS AND issuetype in (Bug, Vulnerability) AND status = ON_QA AND 'Target Version' in (4.19.z) AND status changed to ON_QA after 2025-07-01");
  });

  it('test_notify_qa_contact: comment, then Need Info From; nothing before 24 weekday hours', async () => {
    seed('OCPBUGS-1');
    seed('OCPBUGS-2', { statusChangedAt: '2025-07-15T00:00:00.000Z' });
    const r = await run();
    expect(r.issues).toBe(2);
    expect(r.actions).toEqual([{ key: 'OCPBUGS-1', url: `${sandbox.url}/browse/OCPBUGS-1`, kind: 'QA_CONTACT', recipients: ['Quinn QA'], text: qaContactText({ accountId: 'acc-qa' }), dryRun: false }]);
    expect(comments('OCPBUGS-1')).toEqual([`Errata Reliability Team Notification - QA Contact Action Request\nThis issue has been in the ON_QA state for over 24 hours.\n[~accountId:acc-qa] Please verify the Issue as soon as possible.`]);
    expect(needInfo('OCPBUGS-1')).toEqual(['acc-qa']);
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual(['POST /rest/api/2/issue/OCPBUGS-1/comment', 'PUT /rest/api/2/issue/OCPBUGS-1']);
    expect(comments('OCPBUGS-2')).toEqual([]);
    expect(r.waiting).toBe(1);
  });

  it('an escalation is two requests: the comment and one `add` on Need Info From (no read of the list, a concurrent addition survives)', async () => {
    seed('OCPBUGS-1', { needInfoFrom: [u.boss] });
    await run();
    const perIssue = sandbox.calls.filter((c) => c.path.startsWith('/rest/api/2/issue/OCPBUGS-1'));
    expect(perIssue.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /rest/api/2/issue/OCPBUGS-1/comment', 'PUT /rest/api/2/issue/OCPBUGS-1']);
    expect(perIssue[1]!.body).toEqual({ update: { [JIRA_FIELDS.needInfoFrom]: [{ add: { accountId: 'acc-qa' } }] } });
    expect(needInfo('OCPBUGS-1')).toEqual(['acc-boss', 'acc-qa']);
  });

  it('a comment refused with 429 is posted once after Retry-After; the escalation completes', async () => {
    seed('OCPBUGS-1');
    sandbox.fault({ method: 'POST', path: '/rest/api/2/issue/OCPBUGS-1/comment', status: 429, retryAfter: 0 });
    const r = await run();
    expect(r.errors).toEqual([]);
    expect(r.actions.map((a) => a.kind)).toEqual(['QA_CONTACT']);
    expect(writes().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /rest/api/2/issue/OCPBUGS-1/comment 429',
      'POST /rest/api/2/issue/OCPBUGS-1/comment 201',
      'PUT /rest/api/2/issue/OCPBUGS-1 204',
    ]);
    expect(comments('OCPBUGS-1')).toHaveLength(1);
  });

  it('idempotency across runs: the ladder climbs one step per 24 weekday hours, then labels', async () => {
    seed('OCPBUGS-1');
    await run();
    await run();
    expect(comments('OCPBUGS-1')).toHaveLength(1);

    clock = new Date(clock.getTime() + 24 * HOUR + 60_000); // Wednesday 11:01
    let r = await run();
    expect(r.actions.map((a) => a.kind)).toEqual(['TEAM_LEAD']);
    expect(comments('OCPBUGS-1')[1]).toBe(teamLeadText({ accountId: 'acc-qa' }));
    await run();
    expect(comments('OCPBUGS-1')).toHaveLength(2);

    clock = new Date(clock.getTime() + 24 * HOUR + 60_000); // Thursday: manager from LDAP, then Jira by e-mail
    r = await run();
    expect(r.actions).toMatchObject([{ kind: 'MANAGER', recipients: ['Bo Boss'] }]);
    expect(comments('OCPBUGS-1')[2]).toBe(managerText({ accountId: 'acc-boss' }));
    expect(needInfo('OCPBUGS-1')).toEqual(['acc-qa', 'acc-boss']);
    expect(ldap.lookups.map((l) => `${l.op}:${l.arg}`)).toEqual(['findPersonByEmail:qa@redhat.com', 'findPersonByUid:boss']);

    clock = new Date(clock.getTime() + 24 * HOUR + 60_000); // Friday: the label
    r = await run();
    expect(r.actions).toMatchObject([{ kind: 'label-added' }]);
    expect(labels('OCPBUGS-1')).toEqual([PENDING_LABEL]);
    const before = sandbox.calls.length;
    clock = new Date(clock.getTime() + 72 * HOUR);
    r = await run();
    expect(r.actions).toEqual([]);
    expect(writes().filter((c) => sandbox.calls.indexOf(c) >= before)).toEqual([]);
    expect(comments('OCPBUGS-1')).toHaveLength(3);
  });

  it('a new ON_QA cycle removes the label and restarts the ladder', async () => {
    const issue = seed('OCPBUGS-7', {
      labels: [PENDING_LABEL],
      statusChangedAt: '2025-07-15T09:00:00.000Z',
      histories: [{ created: '2025-06-01T10:00:00.000Z', items: [{ field: 'status', fromString: 'MODIFIED', toString: 'ON_QA' }] }],
      comments: [
        { body: qaContactText({ accountId: 'acc-qa' }), created: '2025-06-02T11:00:00.000Z' },
        { body: teamLeadText({ accountId: 'acc-qa' }), created: '2025-06-03T12:00:00.000Z' },
        { body: managerText({ accountId: 'acc-boss' }), created: '2025-06-04T13:00:00.000Z' },
      ],
    });
    const r = await run();
    expect(r.actions.map((a) => a.kind)).toEqual(['label-removed']);
    expect(labels(issue.key)).toEqual([]);
    expect(comments(issue.key)).toHaveLength(3);
    clock = new Date('2025-07-16T10:00:00.000Z');
    expect((await run()).actions.map((a) => a.kind)).toEqual(['QA_CONTACT']);
  });

  it('test_notify_assignees: no QA contact → assignee and the assignee\'s manager, Need Info before the comment, once per issue', async () => {
    seed('OCPBUGS-3', { qaContact: null });
    const r = await run();
    expect(r.actions).toMatchObject([{ kind: 'ASSIGNEE', recipients: ['Dana Dev', 'Dee Devboss'] }]);
    expect(comments('OCPBUGS-3')).toEqual([assigneeText([{ accountId: 'acc-dev' }, { accountId: 'acc-devboss' }], 'QA contact')]);
    expect(needInfo('OCPBUGS-3')).toEqual(['acc-dev', 'acc-devboss']);
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual(['PUT /rest/api/2/issue/OCPBUGS-3', 'POST /rest/api/2/issue/OCPBUGS-3/comment']);
    clock = new Date(clock.getTime() + 5 * 24 * HOUR);
    const again = await run();
    expect(again.actions).toEqual([]);
    expect(again.alreadyNotified).toBe(1);
    expect(comments('OCPBUGS-3')).toHaveLength(1);
  });

  it('test_notify_reporter: no QA contact and no assignee → reporter, once', async () => {
    seed('OCPBUGS-4', { qaContact: null, assignee: null });
    const r = await run();
    expect(r.actions).toMatchObject([{ kind: 'REPORTER', recipients: ['Riley Reporter'] }]);
    expect(comments('OCPBUGS-4')).toEqual([reporterText({ accountId: 'acc-rep' })]);
    expect(needInfo('OCPBUGS-4')).toEqual(['acc-rep']);
    clock = new Date(clock.getTime() + 5 * 24 * HOUR);
    expect((await run()).actions).toEqual([]);
  });

  it('manager not found (no LDAP manager, or a hidden e-mail) → assignee with the Manager wording', async () => {
    seed('OCPBUGS-5', {
      qaContact: u.lonely,
      comments: [
        { body: qaContactText({ accountId: 'acc-lonely' }), created: '2025-07-08T10:00:00.000Z' },
        { body: teamLeadText({ accountId: 'acc-lonely' }), created: '2025-07-09T10:00:00.000Z' },
      ],
      statusChangedAt: '2025-07-07T10:00:00.000Z',
    });
    seed('OCPBUGS-6', {
      qaContact: u.hidden,
      assignee: null,
      comments: [
        { body: qaContactText({ accountId: 'acc-hidden' }), created: '2025-07-08T10:00:00.000Z' },
        { body: teamLeadText({ accountId: 'acc-hidden' }), created: '2025-07-09T10:00:00.000Z' },
      ],
      statusChangedAt: '2025-07-07T10:00:00.000Z',
    });
    const r = await run();
    expect(r.actions).toMatchObject([
      { key: 'OCPBUGS-5', kind: 'ASSIGNEE', recipients: ['Dana Dev', 'Dee Devboss'] },
      { key: 'OCPBUGS-6', kind: 'REPORTER' },
    ]);
    expect(comments('OCPBUGS-5')[2]).toContain('There has been no response from the QA contact and the Manager is not listed in Jira.');
    // The hidden e-mail is never looked up in LDAP.
    expect(ldap.lookups.some((l) => l.arg === 'hidden@redhat.com')).toBe(false);
  });

  it('an LDAP failure means "no manager" (assignee fallback), not a failed issue', async () => {
    seed('OCPBUGS-8', { comments: [{ body: qaContactText({ accountId: 'acc-qa' }), created: '2025-07-08T10:00:00.000Z' }, { body: teamLeadText({ accountId: 'acc-qa' }), created: '2025-07-09T10:00:00.000Z' }], statusChangedAt: '2025-07-07T10:00:00.000Z' });
    ldap.failNext('connect ECONNREFUSED', 10);
    const r = await run();
    expect(r.errors).toEqual([]);
    expect(r.actions).toMatchObject([{ kind: 'ASSIGNEE', recipients: ['Dana Dev'] }]);
  });

  it('--dry-run writes NOTHING (not even labels) and reports what it would do', async () => {
    seed('OCPBUGS-1');
    seed('OCPBUGS-9', { labels: [PENDING_LABEL], statusChangedAt: '2025-07-15T09:00:00.000Z' });
    seed('OCPBUGS-10', { qaContact: null });
    const r = await run({ dryRun: true });
    expect(writes()).toEqual([]);
    expect(labels('OCPBUGS-9')).toEqual([PENDING_LABEL]);
    expect(r.actions.map((a) => `${a.key}:${a.kind}:${a.dryRun}`)).toEqual(['OCPBUGS-1:QA_CONTACT:true', 'OCPBUGS-9:label-removed:true', 'OCPBUGS-10:ASSIGNEE:true']);
    expect(r.actions[0]!.text).toBe(qaContactText({ accountId: 'acc-qa' }));
    // A dry run changes nothing, so the next dry run says the same.
    expect((await run({ dryRun: true })).actions).toHaveLength(3);
  });

  it('skips pre-merge verified issues (all openshift PRs verified, none verified-later), checking only issues with something due', async () => {
    seed('OCPBUGS-11', { remoteLinks: [{ url: 'https://github.com/openshift/origin/pull/123' }, { url: 'https://github.com/openshift/installer/pull/9/files' }] });
    seed('OCPBUGS-12', { remoteLinks: [{ url: 'https://github.com/openshift/origin/pull/124' }] });
    seed('OCPBUGS-13', { remoteLinks: [{ url: 'https://github.com/someone/origin/pull/1' }] });
    seed('OCPBUGS-14', { statusChangedAt: '2025-07-15T10:00:00.000Z', remoteLinks: [{ url: 'https://github.com/openshift/origin/pull/125' }] });
    const asked: string[][] = [];
    const prLabels: PullRequestLabels = {
      async labels(prs) {
        asked.push(prs.map((p) => `${p.repo}#${p.number}`));
        return new Map(prs.map((p) => [`${p.repo}#${p.number}`, p.number === 124 ? ['verified', 'verified-later'] : ['verified', 'lgtm']]));
      },
    };
    const r = await run({}, { prLabels });
    expect(r.premergeVerified).toEqual(['OCPBUGS-11']);
    expect(r.actions.map((a) => a.key)).toEqual(['OCPBUGS-12', 'OCPBUGS-13']);
    expect(asked).toEqual([['origin#123', 'installer#9'], ['origin#124']]);
    // Not due yet: no remote-link request at all.
    expect(sandbox.calls.filter((c) => c.path.endsWith('/remotelink')).map((c) => c.path)).toEqual(['/rest/api/2/issue/OCPBUGS-11/remotelink', '/rest/api/2/issue/OCPBUGS-12/remotelink', '/rest/api/2/issue/OCPBUGS-13/remotelink']);
    expect(comments('OCPBUGS-11')).toEqual([]);
  });

  it('--from-date only takes issues that moved to ON_QA after the date', async () => {
    seed('OCPBUGS-1');
    seed('OCPBUGS-2', { statusChangedAt: '2025-07-01T10:00:00.000Z' });
    const r = await run({ fromDate: '2025-07-10' });
    expect(r.jql.endsWith(' AND status changed to ON_QA after 2025-07-10')).toBe(true);
    expect(r.issues).toBe(1);
    expect(r.actions.map((a) => a.key)).toEqual(['OCPBUGS-1']);
  });

  it('pages with --search-batch-size; changelog and comments come with the search (no per-issue reads)', async () => {
    sandbox.state.seedBugs(120, { status: 'ON_QA', targetVersions: ['4.19.z'], qaContact: u.qa, statusChangedAt: '2025-07-15T10:30:00.000Z' });
    const r = await run({ searchBatchSize: 25 });
    expect(r.issues).toBe(120);
    expect(r.waiting).toBe(120);
    expect(sandbox.callsTo('/rest/api/2/search/jql', 'POST')).toHaveLength(5);
    expect(sandbox.calls).toHaveLength(5);
    const body = sandbox.calls[0]!.body as { expand: string; fields: string[]; maxResults: number };
    expect(body).toMatchObject({ expand: 'changelog', maxResults: 25 });
    expect(body.fields).toEqual(expect.arrayContaining(['labels', 'comment', 'assignee', 'reporter', 'customfield_10470', 'customfield_10482']));
    sandbox.resetCalls();
    await run();
    expect(sandbox.calls).toHaveLength(2);
  });

  it('an error on one issue is logged, the others still run, and the notification is not reused', async () => {
    seed('OCPBUGS-1');
    seed('OCPBUGS-2');
    seed('OCPBUGS-3', { statusChangedAt: undefined });
    seed('OCPBUGS-4');
    sandbox.fault({ method: 'POST', path: '/rest/api/2/issue/OCPBUGS-2/comment', status: 500 });
    const r = await run({}, { concurrency: 1 });
    expect(r.errors.map((e) => e.key)).toEqual(['OCPBUGS-2']);
    expect(r.noTransition).toEqual(['OCPBUGS-3']);
    expect(r.actions.map((a) => a.key)).toEqual(['OCPBUGS-1', 'OCPBUGS-4']);
    expect(comments('OCPBUGS-4')).toHaveLength(1);
  });

  describe('as a job', () => {
    const channel = 'C-NOTIFY';
    function job(extra: { configured?: string; discovered?: string[]; slack?: SlackRecorder; logger?: Logger } = {}) {
      const slack = extra.slack ?? new SlackRecorder();
      const def = jiraNotificatorJob({
        config: testConfig({ OAR_NOTIFICATOR_CHANNEL: channel, ...(extra.configured ? { OAR_SUPPORTED_YSTREAMS: extra.configured } : {}) }),
        clients: async () => ({ jira, ldap }),
        ...(extra.discovered ? { discovery: async () => ({ supportedYStreams: async () => extra.discovered! }) } : {}),
        slack: async () => slack,
        notifier: envNotifier(slack),
      });
      const ctx = (dryRun = false, params: Record<string, unknown> = {}) => ({ dryRun, trigger: 'manual' as const, params, signal: new AbortController().signal, logger: extra.logger ?? silentLogger, actor: jobActor('t'), now: () => clock });
      return { def, slack, ctx };
    }

    it('takes the versions from release discovery (no list in code) and posts a summary with links', async () => {
      seed('OCPBUGS-1', { targetVersions: ['5.0.z'] });
      seed('OCPBUGS-2', { qaContact: null, targetVersions: ['4.21.z'] });
      const { def, slack, ctx } = job({ discovered: ['4.21', '5.0', '4.9'] });
      const report = await def.run(ctx());
      const data = report.data as { jql: string };
      expect(data.jql).toContain("'Target Version' in (4.9.z, 4.21.z, 5.0.z)");
      expect(report.counts).toMatchObject({ issues: 2, qaContact: 1, assignee: 1, errors: 0 });
      expect(report.error).toBeUndefined();
      const posts = slack.in(channel);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.text).toBe('Jira ON_QA escalation: 2 notifications sent for 2 ON_QA issues');
      const blockText = JSON.stringify(posts[0]!.blocks);
      expect(blockText).toContain(`<${sandbox.url}/browse/OCPBUGS-1|OCPBUGS-1> (Quinn QA)`);
      expect(blockText).toContain('Assignee (no QA contact or manager)* · 1');
    });

    it('falls back to OAR_SUPPORTED_YSTREAMS, posts nothing in a dry run, and fails the run after per-issue errors', async () => {
      seed('OCPBUGS-1');
      seed('OCPBUGS-2');
      const { def, slack, ctx } = job({ configured: '4.19' });
      const dry = await def.run(ctx(true));
      expect((dry.data as { jql: string }).jql).toContain("'Target Version' in (4.19.z)");
      expect(dry.lines).toContain('OCPBUGS-1: would notify QA_CONTACT → Quinn QA');
      expect(slack.posts).toEqual([]);
      sandbox.fault({ method: 'POST', path: '/rest/api/2/issue/OCPBUGS-2/comment', status: 500 });
      const live = await def.run(ctx(false, { searchBatchSize: 1 }));
      expect(live.error).toBe(RUN_ERROR_MESSAGE);
      expect(live.counts).toMatchObject({ qaContact: 1, errors: 1 });
      expect(slack.in(channel)).toHaveLength(1);
      expect(JSON.stringify(slack.in(channel)[0]!.blocks)).toContain('Errors* · 1');
      expect(sandbox.callsTo('/rest/api/2/search/jql', 'POST').length).toBeGreaterThanOrEqual(2);
    });

    it('a thread message Slack refused is logged once, as a warning into the run\'s log, and reported in the run lines', async () => {
      // More issues than the channel message lists inline: the lists go to the summary's thread.
      for (let i = 1; i <= 11; i++) seed(`OCPBUGS-${i}`);
      const lines: string[] = [];
      const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
      const slack = new SlackRecorder();
      const post = slack.post.bind(slack);
      slack.post = async (target, message) => {
        if (target.threadTs) throw new Error('Slack refused posting a message to C1: msg_too_long');
        return post(target, message);
      };
      const { def, ctx } = job({ configured: '4.19', slack, logger });
      const report = await def.run(ctx());
      expect(slack.in(channel)).toHaveLength(1);
      // Warnings and errors: the notifier's one line, no second line from the job for the same failure.
      const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 40).map((l) => l.msg);
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^a thread message of the notice in ${channel} was not sent: .*msg_too_long$`))]);
      expect(report.lines).toContainEqual(expect.stringMatching(new RegExp(`^1 thread message\\(s\\) of the notificator summary in ${channel} were not sent: .*msg_too_long$`)));
    });

    it('refuses bad manual parameters and a missing y-stream source', async () => {
      const { def, ctx } = job({ configured: '4.19' });
      await expect(def.run(ctx(false, { fromDate: '07/01/2025' }))).rejects.toThrow(/YYYY-MM-DD/);
      const none = job();
      await expect(none.def.run(none.ctx())).rejects.toThrow(/Set OAR_SUPPORTED_YSTREAMS/);
    });
  });
});
