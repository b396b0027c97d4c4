/** What `checkGreenwaveCvpTests` does (declared in ./check-greenwave-cvp-tests.ts; the registry imports this module on its first run). */
import { isCvpPassing, cvpIssueDescription, cvpIssueJql, cvpIssueSummary, isSameCvpReport, CVP_PROJECT, type FailedCvpTest } from './bugs/cvp.ts';
import { cvpFailuresMessage } from './bugs/messages.ts';
import { releaseAdvisories } from './bugs/release-bugs.ts';
import { leadMention, postNotice } from './bugs/slack.ts';
import { implement, type Outcome, type OutcomeSection } from './types.ts';
import { checkGreenwaveCvpTests, TASK } from './check-greenwave-cvp-tests.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../limit.ts';

export default implement(checkGreenwaveCvpTests, {
  async run(ctx): Promise<Outcome> {
    const cs = await ctx.configStore();
    const advisories = await releaseAdvisories(ctx, cs);
    const errata = advisories.length ? await ctx.services.get('errata') : undefined;
    const failed: FailedCvpTest[] = [];
    const lines: string[] = [];
    // One read per advisory, side by side (bounded); the lines are written in the advisories' order.
    const testsOf = await mapLimit(advisories, SERVICE_CONCURRENCY, (a) => errata!.listGreenwaveCvpTests(a.id));
    for (const [i, a] of advisories.entries()) {
      const tests = testsOf[i]!;
      if (tests.length === 0) {
        ctx.log.info(`advisory ${a.id} does not have Greenwave CVP tests`);
        lines.push(`advisory ${a.id} (${a.impetus}): no Greenwave CVP tests`);
        continue;
      }
      let allPassed = true;
      for (const t of tests) {
        ctx.log.info(`Greenwave CVP test ${t.id} status is ${t.status}`);
        if (!isCvpPassing(t.status)) {
          ctx.log.error(`Greenwave CVP test ${t.id} status is not ['PASSED', 'WAIVED']`);
          failed.push({ id: t.id, nvr: t.nvr, advisoryId: t.errataId ?? a.id });
          allPassed = false;
        }
      }
      ctx.log.info(`Greenwave CVP tests in advisory ${a.id} are ${allPassed ? 'all' : 'not all'} passed`);
      const bad = tests.filter((t) => !isCvpPassing(t.status));
      lines.push(`advisory ${a.id} (${a.impetus}): ${tests.length - bad.length} of ${tests.length} passed${bad.length ? `; failing: ${bad.map((t) => `${t.nvr ?? t.id} (${t.status})`).join(', ')}` : ''}`);
    }
    const sections: OutcomeSection[] = [{ title: 'Advisories', lines: lines.length ? lines : ['the release has no advisories to check'] }];
    if (failed.length === 0) return { status: 'pass', summary: `All Greenwave CVP tests of ${ctx.release} passed`, sections, data: { failed: [] } };

    ctx.log.error('NOT all Greenwave CVP tests are passed');
    const jira = await ctx.services.get('jira');
    const hits = await jira.search(cvpIssueJql(ctx.release), { fields: ['summary', 'status'], signal: ctx.signal, operation: 'looking for an earlier CVP report' });
    const earlier = hits.find((i) => isSameCvpReport(ctx.release, i.summary));
    let key: string;
    let created = false;
    const notes: string[] = [];
    if (earlier) {
      key = earlier.key;
      ctx.log.info(`Greenwave CVP failures of ${ctx.release} are already reported in ${key}`);
      notes.push(`Already reported in ${key}; no new issue, no new notice.`);
    } else {
      const issue = await jira.createIssue({
        project: CVP_PROJECT,
        issueType: 'Bug',
        summary: cvpIssueSummary(ctx.release),
        description: cvpIssueDescription(ctx.release, failed, (id) => errata!.advisoryUrl(id)),
        fields: { priority: { name: 'Blocker' } },
      });
      key = issue.key;
      created = true;
      ctx.log.info(`created jira issue ${key} for the Greenwave CVP failures`);
      const notice = await postNotice(ctx, cs, 'qe-release', async () => cvpFailuresMessage(ctx.release, await leadMention(ctx, cs), jira.browseUrl(key)));
      if (!notice.sent) {
        ctx.log.error(`share greenwave cvp failures failed: ${notice.error}`);
        notes.push(`The QE release channel was not notified: ${notice.error}`);
      }
    }
    const statebox = await ctx.services.get('statebox');
    await statebox.addIssue(ctx.release, `Greenwave CVP test failures reported in ${key}`, { blocker: false, relatedTasks: [TASK] });
    if (notes.length) sections.push({ title: 'Notes', lines: notes });
    return {
      status: 'fail',
      summary: `${failed.length} Greenwave CVP test${failed.length === 1 ? '' : 's'} of ${ctx.release} did not pass; ${created ? 'reported' : 'already reported'} in ${key}`,
      sections,
      links: [{ label: key, url: jira.browseUrl(key) }],
      data: { failed, jiraIssue: key, created },
    };
  },
});
