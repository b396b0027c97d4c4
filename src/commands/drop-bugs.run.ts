/** What `dropBugs` does (declared in ./drop-bugs.ts; the registry imports this module on its first run). */
import { fixedJiraIssues, parseShipmentYaml } from '../integrations/gitlab/shipment-yaml.ts';
import { dropBugsFromShipment } from '../integrations/gitlab/drop-bugs.ts';
import type { Erratum } from '../integrations/errata/index.ts';
import type { MergeRequestInfo, ShipmentMergeRequest } from '../integrations/gitlab/index.ts';
import type { ConfigStore } from '../release/configstore.ts';
import { CommandError, userMessageOf } from './errors.ts';
import { approvalsToRequest, type ApprovalState } from './bugs/approvals.ts';
import { describeSource, planDrops, toPlan, type DropPlan, type DropSource } from './bugs/drop-plan.ts';
import { approvalRequestMessage, droppedAndHighSeverityMessage, droppedBugsMessage, highSeverityKeptMessage, pyIntList } from './bugs/messages.ts';
import { fetchIssues, releaseAdvisories, sortedUnique, type AdvisoryBugs } from './bugs/release-bugs.ts';
import { docsMention, leadMention, postNotice } from './bugs/slack.ts';
import { implement, type CommandContext, type Outcome, type OutcomeSection } from './types.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../limit.ts';
import { dropBugs } from './drop-bugs.ts';

interface ShipmentTarget {
  mr: ShipmentMergeRequest;
  /** The open `<release> drop bugs` MR, whose branch already has earlier drops. */
  dropMr: MergeRequestInfo | undefined;
  keys: string[];
}

interface Survey {
  cs: ConfigStore;
  advisories: AdvisoryBugs[];
  shipment: ShipmentTarget | undefined;
  plan: DropPlan;
  notes: string[];
}

function approvalState(e: Erratum): ApprovalState {
  return { id: e.id, type: e.type, docComplete: e.docComplete, textReady: e.textReady, securityApproved: e.securityApproved };
}

/**
 * The shipment side as it is now: the keys in the shipment files at the open drop-bugs MR's
 * branch when there is one (earlier drops are already there), else at the shipment MR's branch.
 */
async function shipmentTarget(ctx: CommandContext, cs: ConfigStore, notes: string[]): Promise<ShipmentTarget | undefined> {
  const url = cs.shipmentMr();
  if (!url) return undefined;
  const gitlab = await ctx.services.get('gitlab');
  const mr = await gitlab.openShipmentMergeRequest(url, { requireOpen: false });
  if (!mr.isOpen) {
    notes.push(`The shipment MR !${mr.iid} is ${mr.state}: its bugs cannot be changed any more, only the advisories are considered.`);
    return undefined;
  }
  const dropMr = await gitlab.findOpenMergeRequestByTitle(mr.projectPath, `${cs.release} drop bugs`);
  if (!dropMr && !ctx.config.OAR_SHIPMENT_FORK) notes.push('OAR_SHIPMENT_FORK is not set: bugs cannot be dropped from the shipment (a drop-bugs MR is opened from that fork).');
  if (!dropMr) {
    const { keys, failures } = await mr.jiraIssues();
    for (const f of failures) notes.push(`Shipment file ${f.path} could not be read (${f.error}); its bugs are not considered.`);
    return { mr, dropMr, keys };
  }
  notes.push(`An open drop-bugs MR exists: ${dropMr.webUrl}; the shipment is read from its branch ${dropMr.sourceBranch}.`);
  const keys = new Set<string>();
  for (const path of await mr.changedFiles()) {
    try {
      for (const k of fixedJiraIssues(parseShipmentYaml(await mr.readFile(path, dropMr.sourceBranch, dropMr.sourceProjectId), path))) keys.add(k);
    } catch (e) {
      notes.push(`Shipment file ${path} could not be read (${userMessageOf(e)}); its bugs are not considered.`);
    }
  }
  return { mr, dropMr, keys: sortedUnique(keys) };
}

async function survey(ctx: CommandContext): Promise<Survey> {
  const cs = await ctx.configStore();
  const notes: string[] = [];
  const advisories = await releaseAdvisories(ctx, cs);
  const shipment = await shipmentTarget(ctx, cs, notes);
  // releaseAdvisories built the Errata client when there are advisories.
  const errata = advisories.length ? await ctx.services.get('errata') : undefined;
  const sources: { source: DropSource; keys: string[] }[] = advisories.map((a) => ({ source: { kind: 'advisory', id: a.id, impetus: a.impetus, url: errata?.advisoryUrl(a.id) ?? '' }, keys: a.keys }));
  if (shipment) sources.push({ source: { kind: 'shipment', url: shipment.mr.url, iid: shipment.mr.iid }, keys: shipment.keys });
  const { byKey, missing } = await fetchIssues(ctx, sortedUnique(sources.flatMap((s) => s.keys)));
  if (missing.length) notes.push(`Not readable with the Jira token (kept): ${missing.join(', ')}`);
  return { cs, advisories, shipment, plan: planDrops(sources, byKey), notes };
}

async function prodsecMention(ctx: CommandContext, cs: ConfigStore): Promise<string> {
  const raw = cs.prodsecId() ?? '';
  const emails = raw.split(',').map((s) => s.trim()).filter(Boolean);
  // As the original: several e-mails become user mentions, a single one is used as plain text.
  if (emails.length <= 1) return emails[0] ?? '@prodsec';
  return (await Promise.all(emails.map((e) => ctx.notifier.userMention(e)))).join(' ');
}

export default implement(dropBugs, {
  async plan(ctx) {
    const s = await survey(ctx);
    return toPlan(ctx.release, s.plan, s.notes);
  },
  async run(ctx): Promise<Outcome> {
    const s = await survey(ctx);
    const { cs, plan } = s;
    const notes = [...s.notes];
    const shipmentDrops = plan.sources.find((p) => p.source.kind === 'shipment')?.drop.length ?? 0;
    // Refuse before changing anything rather than drop from the advisories only.
    if (shipmentDrops && !s.shipment?.dropMr && !ctx.config.OAR_SHIPMENT_FORK) {
      throw new CommandError('OAR_SHIPMENT_FORK is not set: cannot open a drop-bugs merge request for the shipment (set it to the GitLab path of the shipment-data fork); nothing was dropped');
    }
    // Something to drop means a notice (lead and docs mentions): read Slack's user groups alongside the drops.
    if (plan.sources.some((sp) => sp.drop.length > 0)) ctx.notifier.prefetchMentions();
    const errata = s.advisories.length ? await ctx.services.get('errata') : undefined;
    const before = new Map(s.advisories.map((a) => [a.id, approvalState(a.erratum)]));
    const dropped: string[] = [];
    const changedAdvisories: number[] = [];
    /** Each changed advisory as its update answered (null: the answer did not say, read it again). */
    const updated = new Map<number, Erratum | null>();

    // Each advisory is changed on its own: side by side (bounded), results in the plan's order.
    const advisorySources = plan.sources.flatMap((sp) => (sp.source.kind === 'advisory' ? [{ id: sp.source.id, drop: sp.drop }] : []));
    const removedPer = await mapLimit(advisorySources, SERVICE_CONCURRENCY, async ({ id, drop }) => {
      const advisory = s.advisories.find((a) => a.id === id)!;
      if (drop.length === 0) {
        ctx.log.info(`there is no bug in advisory ${id} that can be dropped`);
        return [];
      }
      for (const d of drop) ctx.log.info(`jira issue ${d.key} is ${d.status}, it will be dropped from advisory ${id}`);
      const { removed, updated: after } = await errata!.dropJiraIssues(id, drop.map((d) => d.key), advisory.erratum);
      if (removed.length) ctx.log.info(`not verified and non cve track bugs are dropped from advisory ${id}`);
      updated.set(id, after);
      return removed;
    });
    advisorySources.forEach(({ id }, i) => {
      if (removedPer[i]!.length === 0) return;
      changedAdvisories.push(id);
      dropped.push(...removedPer[i]!);
    });

    let shipmentMr: string | undefined;
    const shipmentPlan = plan.sources.find((p) => p.source.kind === 'shipment');
    if (s.shipment && shipmentPlan) {
      const wait = ctx.config.OAR_DROP_BUGS_MERGE_WAIT_MS;
      const r = await dropBugsFromShipment(s.shipment.mr, {
        release: ctx.release,
        keys: shipmentPlan.drop.map((d) => d.key),
        fork: ctx.config.OAR_SHIPMENT_FORK,
        autoMerge: wait > 0 ? { pollMs: ctx.config.OAR_DROP_BUGS_MERGE_POLL_MS, timeoutMs: wait } : false,
      });
      for (const m of r.messages) ctx.log.info(m);
      if (r.autoMerge === 'timed-out') notes.push(`The drop-bugs MR did not become mergeable in time; set auto-merge on ${r.mergeRequest?.webUrl} by hand.`);
      shipmentMr = r.mergeRequest?.webUrl;
      dropped.push(...r.dropped);
    }
    const droppedKeys = sortedUnique(dropped);

    // Approvals the change took away (spec 7.2, defect 14).
    let requested = { doc: [] as number[], prodsec: [] as number[] };
    if (errata && changedAdvisories.length) {
      // The approvals after the change (it is what took them away): as each update answered, else read again.
      const states = await mapLimit(changedAdvisories, SERVICE_CONCURRENCY, async (id) => approvalState(updated.get(id) ?? (await errata.getErratum(id, ctx.signal))));
      const after = new Map<number, ApprovalState>(changedAdvisories.map((id, i) => [id, states[i]!]));
      requested = approvalsToRequest(changedAdvisories.map((id) => before.get(id)!), after);
      await mapLimit(requested.doc, SERVICE_CONCURRENCY, (id) => errata.requestDocApproval(id));
      await mapLimit(requested.prodsec, SERVICE_CONCURRENCY, (id) => errata.requestProdsecApproval(id));
      ctx.log.info(`request doc and prodsec advisories are: ${pyIntList(requested.doc)} and ${pyIntList(requested.prodsec)}`);
    }

    const jira = droppedKeys.length || plan.highSeverityKept.length ? await ctx.services.get('jira') : undefined;
    const link = (key: string) => ({ key, url: jira!.browseUrl(key) });
    if (droppedKeys.length) {
      const notice = await postNotice(ctx, cs, 'qe-release', async () => {
        const lead = await leadMention(ctx, cs);
        const text = droppedBugsMessage(ctx.release, lead, await docsMention(ctx, cs), droppedKeys.map(link));
        return plan.highSeverityKept.length ? droppedAndHighSeverityMessage(text, highSeverityKeptMessage(ctx.release, lead, plan.highSeverityKept.map(link))) : text;
      });
      if (!notice.sent) {
        ctx.log.error(`share dropped bugs failed: ${notice.error}`);
        notes.push(`The QE release channel was not notified: ${notice.error}`);
      }
    }
    const approvalText = requested.doc.length || requested.prodsec.length ? approvalRequestMessage(ctx.release, await docsMention(ctx, cs), await prodsecMention(ctx, cs), requested.doc, requested.prodsec) : null;
    if (approvalText) {
      const notice = await postNotice(ctx, cs, 'approver', approvalText);
      if (!notice.sent) {
        ctx.log.error(`share doc and prodsec approval result failed: ${notice.error}`);
        notes.push(`The approvers were not notified: ${notice.error}`);
      }
    }

    const sections: OutcomeSection[] = plan.sources.map((sp) => ({
      title: describeSource(sp.source),
      lines: [...sp.drop.map((d) => `${d.key}: dropped (${d.reason})`), ...sp.keep.map((d) => `${d.key}: kept, ${d.reason}`)],
    }));
    if (requested.doc.length || requested.prodsec.length) sections.push({ title: 'Approvals requested again', lines: [`doc: ${pyIntList(requested.doc)}`, `ProdSec: ${pyIntList(requested.prodsec)}`] });
    if (notes.length) sections.push({ title: 'Notes', lines: notes });
    return {
      status: 'pass',
      summary: droppedKeys.length ? `Dropped ${droppedKeys.length} bug${droppedKeys.length === 1 ? '' : 's'} from ${ctx.release}: ${droppedKeys.join(', ')}` : `No bug of ${ctx.release} had to be dropped`,
      sections,
      links: shipmentMr ? [{ label: 'Drop-bugs MR', url: shipmentMr }] : [],
      data: { dropped: droppedKeys, highSeverityKept: plan.highSeverityKept, classification: plan.classification, requested, sources: plan.sources },
    };
  },
});
