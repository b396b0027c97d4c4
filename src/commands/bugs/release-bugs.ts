/**
 * The Jira keys a release ships (BugOperator.get_jira_issues, spec 10.2): the keys attached to
 * its advisories and, in the Konflux flow only, the keys listed in the shipment MR's YAML files.
 * The GitLab client is asked for only when the release has a shipment MR (defect 5).
 */
import type { Erratum } from '../../integrations/errata/index.ts';
import type { FileFailure, ShipmentMergeRequest } from '../../integrations/gitlab/index.ts';
import type { JiraIssue } from '../../integrations/jira/model.ts';
import type { ConfigStore } from '../../release/configstore.ts';
import type { CommandContext } from '../types.ts';

export interface AdvisoryBugs {
  id: number;
  impetus: string;
  erratum: Erratum;
  keys: string[];
}

export interface ShipmentBugs {
  url: string;
  mr: ShipmentMergeRequest;
  keys: string[];
  /** Shipment files that could not be read; the others still count (defect 15). */
  failures: FileFailure[];
}

export interface ReleaseBugs {
  flow: 'errata' | 'konflux';
  advisories: AdvisoryBugs[];
  shipment: ShipmentBugs | undefined;
  /** Sorted, de-duplicated union of every key. */
  keys: string[];
}

/** OCPBUGS-9 before OCPBUGS-10: project, then number. */
export function compareKeys(a: string, b: string): number {
  const [pa = '', na = '0'] = a.split('-');
  const [pb = '', nb = '0'] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa < pb ? -1 : 1;
}

export function sortedUnique(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort(compareKeys);
}

/**
 * The release's advisories as AdvisoryManager.get_advisories saw them: every ConfigStore entry
 * except impetus `microshift`, without advisories in DROPPED_NO_SHIP. One read per advisory.
 */
export async function releaseAdvisories(ctx: CommandContext, cs: ConfigStore): Promise<AdvisoryBugs[]> {
  const entries = Object.entries(cs.advisories()).filter(([impetus]) => impetus !== 'microshift');
  if (entries.length === 0) return [];
  const errata = await ctx.services.get('errata');
  const out: AdvisoryBugs[] = [];
  for (const { id, impetus, erratum } of await errata.getReleaseErrata(cs.advisories(), ctx.signal)) {
    if (erratum.state === 'DROPPED_NO_SHIP') {
      ctx.log.info(`advisory ${id} (${impetus}) is DROPPED_NO_SHIP, skipping it`);
      continue;
    }
    out.push({ id, impetus, erratum, keys: [...erratum.jiraIssues] });
  }
  return out;
}

/**
 * The shipment MR of a Konflux release (read even when merged: its YAML still says what it
 * ships), or undefined for an Errata-flow release, which never builds the GitLab client.
 */
export async function releaseShipment(ctx: CommandContext, cs: ConfigStore): Promise<ShipmentBugs | undefined> {
  const url = cs.shipmentMr();
  if (!url) return undefined;
  const gitlab = await ctx.services.get('gitlab');
  const mr = await gitlab.openShipmentMergeRequest(url, { requireOpen: false });
  const { keys, failures } = await mr.jiraIssues();
  for (const f of failures) ctx.log.warn(`cannot read Jira issues from shipment file ${f.path}: ${f.error}`);
  return { url, mr, keys, failures };
}

export async function collectReleaseBugs(ctx: CommandContext, cs: ConfigStore): Promise<ReleaseBugs> {
  const advisories = await releaseAdvisories(ctx, cs);
  const shipment = await releaseShipment(ctx, cs);
  const keys = sortedUnique([...advisories.flatMap((a) => a.keys), ...(shipment?.keys ?? [])]);
  return { flow: shipment ? 'konflux' : 'errata', advisories, shipment, keys };
}

export interface FetchedIssues {
  byKey: Map<string, JiraIssue>;
  /** Keys Jira did not return: security bugs the token cannot read, or unknown keys. */
  missing: string[];
}

/**
 * Every issue in bulk (`key in (...)`, JIRA_KEY_BATCH_SIZE keys per request: 300 bugs are 3
 * requests), never one request per issue and never a client-side sleep (the original slept 1.75 s
 * after every second issue).
 */
export async function fetchIssues(ctx: CommandContext, keys: readonly string[]): Promise<FetchedIssues> {
  if (keys.length === 0) return { byKey: new Map(), missing: [] };
  const jira = await ctx.services.get('jira');
  const { issues, missing } = await jira.getIssuesByKeys(keys, { signal: ctx.signal });
  for (const key of missing) ctx.log.error(`jira token does not have permission to access security bugs ${key}, ignore and continue`);
  return { byKey: new Map(issues.map((i) => [i.key, i])), missing };
}
