/**
 * The playground against its simulated Slack (no browser): team notices respect the channel (the
 * rejected-build checker's first run is one summary with each build in its thread), and the App
 * Home follows what the lead does: take-ownership makes the lead the owner shown on the Home tab,
 * and a blocker added with add-issue shows there at once, as release-status shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, LEAD, type Playground } from '../../src/sandbox/playground/index.ts';
import { textOf } from './harness.ts';

let pg: Playground;

beforeAll(async () => {
  // The checker runs when the test says so, not on the playground's 2-minute schedule.
  pg = await startPlayground({ port: 0, baseEnv: { LOG_LEVEL: 'silent', NODE_ENV: 'test' }, env: { OAR_CRON_RESULT_CHECKER: '0 0 1 1 *' }, runJob: null });
}, 60_000);
afterAll(() => pg?.stop());

async function slash(text: string, done: (t: string) => boolean): Promise<string> {
  const slack = pg.world.slack;
  await slack.slashCommand({ user: LEAD.id, channel: 'C_QE_RELEASE', text });
  return textOf(await slack.waitForMessage((m) => done(textOf(m)), { existing: true, timeoutMs: 30_000 }));
}

async function home(): Promise<string> {
  const slack = pg.world.slack;
  const mark = slack.mark();
  await slack.openHome({ user: LEAD.id });
  await slack.waitFor((c) => c.method === 'views.publish', { since: mark, timeoutMs: 20_000 });
  return JSON.stringify(slack.homeView(LEAD.id));
}

/** The Home blocks of one release: from its title section to the next divider. */
function releasePart(view: string, release: string): string {
  const start = view.indexOf(`*${release}*`);
  expect(start, `${release} on the Home tab`).toBeGreaterThan(0);
  const end = view.indexOf('"type":"divider"', start);
  return view.slice(start, end < 0 ? undefined : end);
}

describe('team notices in the playground', () => {
  it("the rejected-build checker's first run is one summary in #team-qe-release, each build in its thread", async () => {
    const slack = pg.world.slack;
    const before = slack.messages('C_QE_RELEASE').length;
    const run = await pg.app.scheduler.runNow('result-checker');
    expect(run.report?.counts).toMatchObject({ notified: 5 });
    const posted = slack.messages('C_QE_RELEASE').slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toMatch(/^:x: \*5 rejected builds detected\*/);
    expect(posted[0]!.text.length).toBeLessThan(1500);
    const thread = slack.messages('C_QE_RELEASE', posted[0]!.ts).filter((m) => m.ts !== posted[0]!.ts);
    expect(thread).toHaveLength(5);
    for (const m of thread) expect(m.text).toMatch(/^Rejected build detected in test result file: <[^|]+\|ocp-test-result-[^>]+>\. Please check!$/);
  }, 60_000);
});

describe('the playground App Home follows what the lead does', () => {
  it('take-ownership: the new owner is shown (as a mention), not "no owner yet"', async () => {
    expect(releasePart(await home(), '4.19.1')).toContain('no owner yet');
    await slash(`4.19.1 take-ownership -e ${LEAD.email}`, (t) => /take-ownership/.test(t) && /Pass|:white_check_mark:/.test(t) && t.includes('4.19.1'));
    const part = releasePart(await home(), '4.19.1');
    expect(part).not.toContain('no owner yet');
    expect(part).toContain(`owner <@${LEAD.id}>`);
    // The take-ownership notice greets the y-stream's lead group (one mention rule for every notice).
    const notice = pg.world.slack.messages('C_QE_RELEASE').find((m) => m.text.includes('owner of [4.19.1] advisories and jira subtasks are changed to'));
    expect(notice?.text).toMatch(/^Hello <!subteam\^[A-Z0-9_]+>, owner of \[4\.19\.1\]/);
  }, 60_000);

  it('add-issue: the blocker shows on the Home tab as it does in release-status', async () => {
    const issue = 'Advisory 151165 is stuck in NEW_FILES (home e2e)';
    await slash(`4.19.1 add-issue --issue "${issue}" --related-tasks push-to-cdn-staging`, (t) => t.includes('Added blocking issue'));
    const status = await slash('4.19.1', (t) => t.includes('Open blockers') && t.includes('(home e2e)'));
    expect(status).toContain(issue);
    const part = releasePart(await home(), '4.19.1');
    expect(part).toContain(issue);
    expect(part).toMatch(/:no_entry: \d+ blockers?/);
  }, 60_000);
});
