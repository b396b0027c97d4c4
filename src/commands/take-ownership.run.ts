/** What `takeOwnership` does (declared in ./take-ownership.ts; the registry imports this module on its first run). */
import type { ShipmentMergeRequest } from '../integrations/gitlab/index.ts';
import type { JiraClient, JiraIssue, JiraUser } from '../integrations/jira.ts';
import { CommandError } from './errors.ts';
import { implement, type OutcomeLink, type Plan } from './types.ts';
import { errorMessage, type LineLog } from './approval/log.ts';
import type { Services } from './services.ts';
import { abnormalAdvisoriesText, errataOwnershipText, konfluxOwnershipText, sendNotices, type Linked, type Notice } from './approval/notices.ts';
import { openShipment, type OpenedShipment } from './approval/shipment.ts';
import { assignQeSubtasks, findQeSubtasks, resolveJiraUser, type SubtaskChange } from './approval/subtasks.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../limit.ts';
import { takeOwnership } from './take-ownership.ts';

export const QE_LEAD_NOTE_PREFIX = 'QE Release Lead is @';

export default implement(takeOwnership, {
  /** What --dry-run shows: reads only (Errata people, the QE subtasks), writes nothing. */
  async plan(ctx, { email }): Promise<Plan> {
    const cs = await ctx.configStore();
    const errata = await ctx.services.get('errata');
    const changes: Plan['changes'] = [];
    const notes: string[] = [];
    // State and QE owner of every advisory, read side by side (the plan used to read owners one by one).
    const ads = await errata.getReleaseAdvisoryOwners(cs.advisories(), ctx.signal);
    for (const ad of ads) {
      const owner = ad.qeEmail;
      if (owner === email) notes.push(`advisory ${ad.id} (${ad.impetus}) is already owned by ${email}`);
      else changes.push({ target: `advisory ${ad.id} (${ad.impetus}) QE owner`, from: owner ?? 'none', to: email });
      if (ad.state === 'NEW_FILES') notes.push(`advisory ${ad.id} is in NEW_FILES: a StateBox blocker would be recorded for push-to-cdn-staging`);
    }
    const ticket = cs.jiraTicket();
    if (ticket) {
      for (const s of await findQeSubtasks(await ctx.services.get('jira'), ticket)) {
        const assignee = s.assignee?.emailAddress;
        if (assignee === email) notes.push(`Jira ${s.key} is already assigned to ${email}`);
        else changes.push({ target: `Jira ${s.key} (${s.summary})`, from: assignee ?? 'unassigned', to: `assigned to ${email}` });
      }
    } else notes.push(`${cs.release} has no ART Jira ticket: no QE subtask to assign`);
    if (cs.flow() === 'konflux') changes.push({ target: 'shipment MR', to: `note "${QE_LEAD_NOTE_PREFIX}<GitLab user of ${email}>" unless it is there already` });
    changes.push({ target: 'Slack', to: 'ownership notice in the QE release channel' });
    return { summary: `Make ${email} the QE owner of ${cs.release}`, changes, notes };
  },
  async run(ctx, { email }) {
    const cs = await ctx.configStore();
    const release = cs.release;
    const flow = cs.flow();
    const log = ctx.log;
    const blockers: string[] = [];
    const localPart = email.split('@')[0]!;
    // The ownership notice is always sent: read Slack's user groups (its mention) alongside the work.
    ctx.notifier.prefetchMentions();
    try {
      // 1. Konflux: the shipment MR and the GitLab user first, so an unknown user changes nothing (edge case 9).
      let shipment: OpenedShipment | undefined;
      let gitlabUser: string | undefined;
      if (flow === 'konflux') {
        ctx.progress('Reading the shipment MR');
        const gitlab = await ctx.services.get('gitlab');
        shipment = await openShipment(gitlab, cs.shipmentMr(), log);
        if (shipment.state === 'opened') {
          try {
            gitlabUser = await gitlab.usernameByEmail(email);
          } catch (e) {
            throw new CommandError(`Failed to add QE release lead comments: ${errorMessage(e)}`, { cause: e });
          }
        }
      }

      // Jira reads first too: an e-mail Jira does not know changes nothing either.
      const ticket = cs.jiraTicket();
      let jiraWork: { jira: JiraClient; found: JiraIssue[]; user: JiraUser } | undefined;
      let jiraBrowse: ((key: string) => string) | undefined;
      if (!ticket) log.warn(`${release} has no ART Jira ticket (release_jira): no QE subtask to assign`);
      // The Errata advisories are read side by side with the Jira reads (independent requests).
      const errata = await ctx.services.get('errata');
      // What ownership needs of each advisory: its state and QE owner (not its builds).
      const advisoriesRead = errata.getReleaseAdvisoryOwners(cs.advisories(), ctx.signal);
      advisoriesRead.catch(() => undefined);
      if (ticket) {
        const jira = await ctx.services.get('jira');
        jiraBrowse = (k) => jira.browseUrl(k);
        // The user lookup does not depend on the subtasks: both at once; its answer only matters when there are subtasks.
        const userLookup = resolveJiraUser(jira, email);
        userLookup.catch(() => undefined);
        const found = await findQeSubtasks(jira, ticket, log);
        if (found.length === 0) log.warn(`no QE subtask found in ${ticket}`);
        else jiraWork = { jira, found, user: await userLookup };
      }

      // 2. Errata QE owner of every advisory.
      ctx.progress('Setting the QE owner of the advisories');
      const advisories = await advisoriesRead;
      const abnormal: number[] = [];
      for (const ad of advisories) {
        if (ad.state === 'NEW_FILES') {
          log.warn('advisory state is not QE, it is NEW_FILES');
          abnormal.push(ad.id);
        }
      }
      try {
        await mapLimit(advisories, SERVICE_CONCURRENCY, async (ad) => {
          if ((ad.qeEmail ?? '').toLowerCase() === email.toLowerCase()) {
            log.info(`QA Owner of advisory ${ad.id} is already ${email}`);
            return;
          }
          await errata.changeQeOwner(ad.id, email);
          log.info(`QA Owner of advisory ${ad.id} is updated to ${email}`);
        });
      } catch (e) {
        throw new CommandError(`change advisory owner failed: ${errorMessage(e)}`, { cause: e });
      }

      // 3-5 are independent of each other: the MR note, the StateBox blocker and the subtasks at once.
      // 3. Konflux: announce the QE release lead on the shipment MR, once.
      let noteDone: Promise<'added' | 'present' | 'skipped' | 'failed' | undefined> = Promise.resolve(undefined);
      if (shipment?.state === 'opened' && gitlabUser) {
        noteDone = addLeadNote(shipment.mr, gitlabUser, log, blockers);
      } else if (shipment) {
        log.warn(`Shipment MR ${shipment.iid} is ${shipment.state}: the QE release lead comment is not added`);
        noteDone = Promise.resolve('skipped');
      }

      // 4. StateBox blocker for advisories still in NEW_FILES.
      let blockerDone: Promise<void> = Promise.resolve();
      if (abnormal.length) {
        const text = `Advisories in abnormal state (NEW_FILES instead of QE): ${abnormal.join(', ')}`;
        blockers.push(text);
        blockerDone = recordAbnormalBlocker(ctx, release, text);
      }

      // 5. The ART ticket's QE subtasks (read, and the Jira user resolved, before step 2).
      const subtasks: SubtaskChange[] = [];
      if (jiraWork) ctx.progress(`Assigning the QE subtasks of ${ticket}`);
      const [mrNote] = await Promise.all([
        noteDone,
        blockerDone,
        jiraWork ? assignQeSubtasks(jiraWork.jira, jiraWork.found, jiraWork.user, localPart, log).then((c) => void subtasks.push(...c)) : undefined,
      ]);

      // 6. Slack.
      const adLink = (id: number): Linked => ({ text: String(id), url: errata.advisoryUrl(id) });
      const subLinks = subtasks.map((s) => ({ text: s.key, url: jiraBrowse ? jiraBrowse(s.key) : s.key }));
      const body = { release, email, advisories: advisories.map((a) => adLink(a.id)), subtasks: subLinks, abnormal: abnormal.map(adLink), ...(shipment ? { mrUrl: shipment.url } : {}) };
      const notices: Notice[] = [{ team: 'qe-release', text: ({ lead }) => (flow === 'konflux' ? konfluxOwnershipText({ ...body, lead }) : errataOwnershipText({ ...body, lead })) }];
      if (abnormal.length) notices.push({ team: 'art', text: ({ art }) => abnormalAdvisoriesText(art, release, abnormal.map(adLink)) });
      ctx.progress('Posting the Slack notice');
      blockers.push(...(await sendNotices(ctx.notifier, cs, notices, log)));

      const links: OutcomeLink[] = [
        ...advisories.map((a) => ({ label: `Advisory ${a.id} (${a.impetus})`, url: errata.advisoryUrl(a.id) })),
        ...subLinks.map((s) => ({ label: s.text, url: s.url })),
        ...(shipment ? [{ label: `Shipment MR !${shipment.iid}`, url: shipment.url }] : []),
      ];
      return {
        status: 'pass',
        summary: `${email} is now the QE owner of ${release}: ${advisories.length} advisor${advisories.length === 1 ? 'y' : 'ies'}, ${subtasks.length} QE subtask${subtasks.length === 1 ? '' : 's'}${mrNote === 'added' ? ', announced on the shipment MR' : ''}`,
        sections: [
          { title: 'Advisories', lines: advisories.length ? advisories.map((a) => `${a.id} (${a.impetus}) ${a.state}${abnormal.includes(a.id) ? ' — abnormal: not QE' : ''}`) : ['none'] },
          { title: 'QE subtasks', lines: subtasks.length ? subtasks.map((s) => `${s.key} ${s.summary}${s.assigned ? '' : ' (already assigned)'}${s.started ? ' → In Progress' : ''}`) : ['none'] },
          ...(shipment ? [{ title: 'Shipment MR', lines: [`!${shipment.iid} ${shipment.state}: ${mrNote === 'added' ? `commented "${QE_LEAD_NOTE_PREFIX}${gitlabUser}"` : mrNote === 'present' ? 'the QE release lead comment was already there' : 'no comment added'}`] }] : []),
        ],
        links,
        ...(blockers.length ? { blockers } : {}),
        nextSteps: [{ label: 'Push to CDN staging', command: 'push-to-cdn-staging' }],
        data: { release, flow, owner: email, advisories: advisories.map((a) => ({ id: a.id, impetus: a.impetus, state: a.state })), abnormal, subtasks, mrNote: mrNote ?? null },
      };
    } catch (e) {
      if (e instanceof CommandError && /^(change advisory owner failed|Failed to add QE release lead comments)/.test(e.message)) throw e;
      throw new CommandError(`take ownership of advisory and jira subtasks failed: ${errorMessage(e)}`, { cause: e });
    }
  },
});

/** The note is informational: failing to post it is logged, not fatal (as the original). */
async function addLeadNote(mr: ShipmentMergeRequest, username: string, log: LineLog, blockers: string[]): Promise<'added' | 'present' | 'failed'> {
  const body = `${QE_LEAD_NOTE_PREFIX}${username}`;
  try {
    const r = await mr.addNoteOnce(body);
    log.info(r.created ? `added comment "${body}" to shipment MR ${mr.iid}` : `shipment MR ${mr.iid} already has the comment "${body}"`);
    return r.created ? 'added' : 'present';
  } catch (e) {
    const why = `Failed to add QE release lead comment on MR ${mr.iid}: ${errorMessage(e)}`;
    log.error(why);
    blockers.push(why);
    return 'failed';
  }
}

/** Only when the release's StateBox exists; any failure is logged and ignored (as the original). */
async function recordAbnormalBlocker(ctx: { services: Services; log: LineLog }, release: string, text: string): Promise<void> {
  try {
    if (!ctx.services.has('statebox')) {
      ctx.log.info('StateBox does not exist, skipping blocker issue creation');
      return;
    }
    const statebox = await ctx.services.get('statebox');
    if (!(await statebox.exists(release))) {
      ctx.log.info('StateBox does not exist, skipping blocker issue creation');
      return;
    }
    const r = await statebox.addIssue(release, text, { blocker: true, relatedTasks: ['push-to-cdn-staging'] });
    ctx.log.info(r.created ? `Created StateBox blocker issue: ${text}` : `StateBox blocker issue already recorded: ${text}`);
  } catch (e) {
    ctx.log.error(`Failed to create StateBox blocker issue: ${errorMessage(e)}`);
  }
}
