/**
 * Jira notificator over 1,000 ON_QA issues in the simulated Jira with 50 ms latency per request:
 * 40 issues due for the QA contact, 10 due for the team lead, 950 with nothing due yet.
 * Targets: at most 15 search requests plus the comments actually due (50), under 10 s, and
 * at most 2 requests per escalation (issue 22: the comment and one edit-issue `add` on
 * "Need Info From", no read of the list).
 * Median of 3 runs, each on a freshly seeded Jira (a run changes what is due).
 */
import { JiraClient } from '../src/integrations/jira.ts';
import { silentLogger } from '../src/log.ts';
import { startJiraSandbox } from '../src/sandbox/jira/index.ts';
import { qaContactText, runJiraNotificator } from '../src/jobs/jira-notificator/index.ts';
import { emit, median, note } from './lib.ts';

const BENCH = 'notificator';
const ISSUES = 1000;
const DUE_QA = 40;
const DUE_TEAM_LEAD = 10;
const LATENCY_MS = 50;
const RUNS = 3;
const HOUR = 3_600_000;

const search: number[] = [];
const comments: number[] = [];
const wall: number[] = [];
const perEscalation: number[] = [];

for (let run = 1; run <= RUNS; run++) {
  const sandbox = await startJiraSandbox({ latencyMs: 0 });
  try {
    const now = Date.now();
    const qa = sandbox.state.addUser({ accountId: 'acc-qa', displayName: 'QA Contact', emailAddress: 'qa@redhat.com' });
    const common = { status: 'ON_QA', targetVersions: ['4.19.z'], qaContact: qa, assignee: qa, reporter: qa };
    sandbox.state.seedBugs(DUE_QA, { ...common, statusChangedAt: new Date(now - 80 * HOUR) });
    sandbox.state.seedBugs(DUE_TEAM_LEAD, {
      ...common,
      start: DUE_QA + 1,
      statusChangedAt: new Date(now - 200 * HOUR),
      comments: [{ body: qaContactText({ accountId: 'acc-qa' }), created: new Date(now - 100 * HOUR) }],
    });
    sandbox.state.seedBugs(ISSUES - DUE_QA - DUE_TEAM_LEAD, { ...common, start: DUE_QA + DUE_TEAM_LEAD + 1, statusChangedAt: new Date(now - HOUR) });
    sandbox.latencyMs = LATENCY_MS;
    const jira = new JiraClient({ baseUrl: sandbox.url, deployment: 'cloud' });
    const started = performance.now();
    const report = await runJiraNotificator({ jira, targetVersions: ['4.18.z', '4.19.z', '4.20.z'], logger: silentLogger, now: () => new Date() }, { dryRun: false });
    const ms = performance.now() - started;
    const searches = sandbox.callsTo('/rest/api/2/search/jql', 'POST').length;
    const posted = sandbox.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/comment')).length;
    if (report.issues !== ISSUES || report.errors.length || report.actions.length !== DUE_QA + DUE_TEAM_LEAD) {
      throw new Error(`run ${run}: expected ${ISSUES} issues and ${DUE_QA + DUE_TEAM_LEAD} notifications, got ${report.issues} and ${report.actions.length} (${report.errors.length} errors)`);
    }
    // Everything but the searches is spent on the escalations.
    perEscalation.push((sandbox.calls.length - searches) / report.actions.length);
    search.push(searches);
    comments.push(posted);
    wall.push(ms);
    note(`run ${run}: ${searches} search requests, ${posted} comments, ${sandbox.calls.length} requests in all, ${ms.toFixed(0)} ms`);
  } finally {
    await sandbox.close();
  }
}

emit(BENCH, 'search_requests', median(search), 'count');
emit(BENCH, 'comment_requests', median(comments), 'count');
emit(BENCH, 'requests_per_escalation', median(perEscalation), 'requests (target <= 2)');
emit(BENCH, 'wall_ms', median(wall), 'ms (target < 10000)');
const ok = median(search) <= 15 && median(comments) === DUE_QA + DUE_TEAM_LEAD && median(wall) < 10_000 && median(perEscalation) <= 2;
note(`targets (<= 15 search requests, ${DUE_QA + DUE_TEAM_LEAD} comments = the due ones, < 10 s, <= 2 requests per escalation): ${ok ? 'met' : 'NOT met'}`);
if (!ok) process.exitCode = 1;
