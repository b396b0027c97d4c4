/**
 * Shipment drop-bugs (oar-commands 11.3, "From shipment YAMLs"), entirely through the GitLab API:
 * the edited files are committed with the commits API (`actions`), on a new branch of the fork
 * named by OAR_SHIPMENT_FORK (no git CLI, no hard-coded personal fork), and proposed as an MR to
 * the shipment MR's source branch. An already open `<release> drop bugs` MR is updated instead.
 *
 * Which keys to drop (unverified, not CVE trackers) is decided by the caller with Jira.
 */
import { IntegrationError } from '../http.ts';
import { SYSTEM } from './transport.ts';
import { toMergeRequestInfo, type MergeRequestInfo } from './types.ts';
import type { ShipmentMergeRequest } from './merge-request.ts';
import { removeJiraIssuesFromYaml } from './shipment-yaml.ts';

export const DROP_BUGS_COMMIT_MESSAGE = 'drop bugs from shipment yaml files';

export interface DropBugsOptions {
  release: string;
  /** Keys to drop; compared exactly. */
  keys: readonly string[];
  /** GitLab project path of the fork (OAR_SHIPMENT_FORK); needed only when a new MR is opened. */
  fork: string | undefined;
  now?: Date;
  /** Wait for the new MR to become mergeable, then set merge-when-pipeline-succeeds. */
  autoMerge?: { pollMs: number; timeoutMs: number } | false;
  /** Injectable for tests (fake timers work with the default). */
  sleep?: (ms: number) => Promise<void>;
}

export interface DropBugsResult {
  status: 'nothing-to-drop' | 'no-changes' | 'updated-existing' | 'created';
  dropped: string[];
  files: string[];
  mergeRequest?: MergeRequestInfo;
  branch?: string;
  autoMerge?: 'enabled' | 'timed-out' | 'skipped';
  /** The original's INFO lines, in order. */
  messages: string[];
}

/** `drop-bugs-for-<release>-<YYYYmmddHHMMSS>` (UTC). */
export function dropBugsBranch(release: string, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `drop-bugs-for-${release}-${stamp}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function dropBugsFromShipment(shipment: ShipmentMergeRequest, opts: DropBugsOptions): Promise<DropBugsResult> {
  const client = shipment.client;
  const messages: string[] = [];
  if (opts.keys.length === 0) {
    messages.push('No ONQA issues found to drop, returning early');
    return { status: 'nothing-to-drop', dropped: [], files: [], messages };
  }
  const title = `${opts.release} drop bugs`;
  const existing = await client.findOpenMergeRequestByTitle(shipment.projectPath, title);

  // Edit the files as they are where the commit will land.
  const readFrom = existing
    ? { ref: existing.sourceBranch, project: existing.sourceProjectId }
    : { ref: shipment.info.sourceBranch, project: shipment.info.sourceProjectId };
  const actions: { action: 'update'; filePath: string; content: string }[] = [];
  const dropped = new Set<string>();
  for (const path of await shipment.changedFiles()) {
    const text = await shipment.readFile(path, readFrom.ref, readFrom.project);
    const edit = removeJiraIssuesFromYaml(text, opts.keys, path);
    if (edit.removed.length === 0) continue;
    for (const k of edit.removed) dropped.add(k);
    actions.push({ action: 'update', filePath: path, content: edit.text });
  }
  const files = actions.map((a) => a.filePath);
  if (actions.length === 0) {
    messages.push('No files were modified - no changes to commit');
    return { status: 'no-changes', dropped: [], files, messages };
  }
  const droppedKeys = opts.keys.filter((k) => dropped.has(k));

  if (existing) {
    await client.run(`committing to ${existing.sourceBranch} of MR ${existing.iid}`, (api) =>
      api.Commits.create(existing.sourceProjectId, existing.sourceBranch, DROP_BUGS_COMMIT_MESSAGE, actions),
    );
    messages.push(`Updated existing drop bugs MR: ${existing.webUrl}`);
    return { status: 'updated-existing', dropped: droppedKeys, files, mergeRequest: existing, branch: existing.sourceBranch, messages };
  }

  if (!opts.fork) {
    throw new IntegrationError({
      system: SYSTEM,
      operation: 'opening a drop-bugs merge request',
      userMessage: 'OAR_SHIPMENT_FORK is not set: cannot open a drop-bugs merge request (set it to the GitLab path of the shipment-data fork)',
    });
  }
  const fork = opts.fork;
  const branch = dropBugsBranch(opts.release, opts.now ?? new Date());
  const upstreamProject = shipment.info.sourceProjectId;
  await client.run(`committing the dropped bugs to ${fork}:${branch}`, (api) =>
    api.Commits.create(fork, branch, DROP_BUGS_COMMIT_MESSAGE, actions, { startBranch: shipment.info.sourceBranch, startProject: upstreamProject }),
  );
  const rawMr = await client.run(`opening the drop-bugs merge request from ${fork}`, (api) =>
    api.MergeRequests.create(fork, branch, shipment.info.sourceBranch, title, {
      targetProjectId: upstreamProject,
      description: `Drop ${droppedKeys.join(', ')} from the shipment of ${opts.release} (shipment MR !${shipment.iid}).`,
      squash: true,
    }),
  );
  let mr = toMergeRequestInfo(rawMr, 'opening the drop-bugs merge request');
  messages.push(`Created drop bugs MR: ${mr.webUrl}`);

  let autoMerge: DropBugsResult['autoMerge'] = 'skipped';
  if (opts.autoMerge) {
    const sleep = opts.sleep ?? defaultSleep;
    const deadline = opts.autoMerge.timeoutMs;
    let waited = 0;
    // The MR lives in the upstream project: poll it there.
    const target = upstreamProject;
    while (mr.mergeStatus !== 'can_be_merged' && mr.mergeStatus !== 'mergeable' && waited < deadline) {
      await sleep(opts.autoMerge.pollMs);
      waited += opts.autoMerge.pollMs;
      const raw = await client.run(`reading drop-bugs MR ${mr.iid}`, (api) => api.MergeRequests.show(target, mr.iid));
      mr = toMergeRequestInfo(raw, `reading drop-bugs MR ${mr.iid}`);
    }
    if (mr.mergeStatus === 'can_be_merged' || mr.mergeStatus === 'mergeable') {
      await client.run(`setting auto-merge on MR ${mr.iid}`, (api) => api.MergeRequests.merge(target, mr.iid, { mergeWhenPipelineSucceeds: true, squash: true }));
      autoMerge = 'enabled';
    } else {
      autoMerge = 'timed-out';
      messages.push(`MR ${mr.webUrl} was not mergeable after ${Math.round(deadline / 1000)} s; auto-merge not set`);
    }
  }
  await shipment.addNoteOnce(`Drop bug in MR: ${mr.webUrl}`);
  return { status: 'created', dropped: droppedKeys, files, mergeRequest: mr, branch, autoMerge, messages };
}
