/** What `createTestReport` does (declared in ./create-test-report.ts; the registry imports this module on its first run). */
import type { StateBoxDocument } from '../release/statebox/service.ts';
import { userMessageOf } from './errors.ts';
import { newStateBoxMessage } from './bugs/messages.ts';
import { leadMention, postNotice } from './bugs/slack.ts';
import { implement, type CommandContext, type Outcome } from './types.ts';
import { createTestReport, TASK } from './create-test-report.ts';

/** Nothing but this command's own task (any status but Pass) and no issues. */
function createdByThisRun(doc: StateBoxDocument): boolean {
  const { tasks, issues } = doc.state;
  return issues.length === 0 && tasks.length === 1 && tasks[0]!.name === TASK && tasks[0]!.status !== 'Pass';
}

function legacyReportNote(ctx: CommandContext, templates: Record<string, string> | undefined, ystream: string): string | undefined {
  const template = templates?.[ystream];
  if (!template) return undefined;
  // Sheets are not read any more (spec 13, 6.1 "if a legacy report is configured, report it").
  const note = `A legacy Google Sheets report template is configured for ${ystream} (${template}); oar-bot tracks releases in StateBox only`;
  ctx.log.info(note);
  return note;
}

export default implement(createTestReport, {
  async run(ctx): Promise<Outcome> {
    const statebox = await ctx.services.get('statebox');
    const release = ctx.release;
    const location = statebox.location(release);
    const links = /^https?:\/\//.test(location) ? [{ label: 'StateBox', url: location }] : [];
    const nextSteps = [{ label: 'Release status', command: 'release-status' }];

    let existing: StateBoxDocument | null;
    try {
      existing = await statebox.get(release);
    } catch (e) {
      // The original logged this and went on to create (spec 6.1 step 2).
      ctx.log.warn(`Failed to check StateBox existence: ${userMessageOf(e)}`);
      existing = null;
    }
    const ownTask = existing?.state.tasks.find((t) => t.name === TASK);
    if (existing && ownTask?.status === 'Pass') {
      ctx.log.info(`StateBox already exists for ${release} at ${location}`);
      return { status: 'info', summary: `StateBox already exists for ${release}; nothing changed`, links, nextSteps, recordTask: false, data: { created: false, location } };
    }
    if (existing && !createdByThisRun(existing)) {
      ctx.log.info(`StateBox already exists for ${release} at ${location}`);
      return { status: 'pass', summary: `StateBox already exists for ${release} (created by an earlier command); recorded the task, nobody notified`, links, nextSteps, data: { created: false, location } };
    }

    const cs = await ctx.configStore();
    const notes: string[] = [];
    const legacy = legacyReportNote(ctx, cs.local.report_templates, cs.ystream);
    if (legacy) notes.push(legacy);
    if (!existing) {
      ctx.log.info(`Initializing StateBox for new release ${release}`);
      const md = cs.metadata();
      try {
        await statebox.create({
          release: md.release,
          advisories: md.advisories,
          jira_ticket: md.jira_ticket,
          candidate_builds: md.candidate_builds,
          shipment_mr: md.shipment_mr || null,
          release_date: md.release_date || null,
        });
      } catch (e) {
        ctx.log.error('Failed to create StateBox');
        throw e;
      }
    } else {
      ctx.log.info(`Initializing StateBox for new release ${release}`);
    }
    ctx.log.info(`StateBox initialized successfully for ${release} at ${location}`);

    const notice = await postNotice(ctx, cs, 'qe-release', async () => newStateBoxMessage(await leadMention(ctx, cs), release, location));
    if (notice.sent) ctx.log.info(`Sent notification for StateBox creation: ${location}`);
    else {
      ctx.log.warn(`Failed to send notification for StateBox creation: ${notice.error}`);
      notes.push(`The QE release channel was not notified: ${notice.error}`);
    }
    return {
      status: 'pass',
      summary: `StateBox created for ${release}${notice.sent ? ` and announced in ${notice.channel}` : ''}${links.length ? '' : ` (local file ${location}, not on GitHub)`}`,
      sections: notes.length ? [{ title: 'Notes', lines: notes }] : [],
      links,
      nextSteps,
      data: { created: true, location, notified: notice.sent },
    };
  },
});
