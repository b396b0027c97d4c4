/**
 * The playground's world: the simulated services and the simulated Slack, seeded as one coherent
 * demo, so a newcomer sees oar-bot work end to end with no Slack workspace and no Red Hat services.
 *
 * - 4.19.1 (Errata flow) and 4.19.10 (Konflux flow, shipment MR) from the real ART tracking files;
 * - bugs in the states the product cares about: an ON_QA bug old enough for the Jira notificator
 *   to escalate, Verified, MODIFIED, a CVE tracker;
 * - StateBox history for 4.19.10 written through the real StateBox service onto the simulated
 *   GitHub z-stream branch: tasks passed, one failed, one open blocker;
 * - Prow records with rejected builds (the real fixtures the world seeds on the record branch);
 * - a Slack workspace with a release lead (in the 4.19 QE release-lead group) and a viewer, and
 *   the channels the demo ConfigStore names.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { loadConfig } from '../../config/env.ts';
import { ConfigStoreLoader } from '../../release/configstore.ts';
import { createStateBoxService } from '../../release/statebox/index.ts';
import { startSimulatedSlack, type SimulatedSlack, type SimulatedSlackOptions } from '../slack/index.ts';
import type { SeedChannel, SeedGroup, SeedUser } from '../slack/index.ts';
import { startSimulatedWorld, type SeededRelease, type SimulatedWorld } from '../world.ts';

/** Who you can be in the playground. */
export interface Persona {
  id: string;
  name: string;
  realName: string;
  email: string;
  /** What the persona may do, in words (shown by the user switcher). */
  role: string;
}

export const LEAD: Persona = {
  id: 'U_LEAD',
  name: 'release.lead',
  realName: 'Rita Lead',
  email: 'release.lead@redhat.com',
  role: 'release lead: member of @openshift-qe-release-4-19, so critical on 4.19 releases',
};

export const VIEWER: Persona = {
  id: 'U_VIEWER',
  name: 'qe.viewer',
  realName: 'Victor Viewer',
  email: 'qe.viewer@redhat.com',
  role: 'viewer: read-only commands',
};

export const PERSONAS: readonly Persona[] = [LEAD, VIEWER];

export const DEMO_RELEASES = { errata: '4.19.1', konflux: '4.19.10' } as const;

const ART: SeedUser = { id: 'U_ART', name: 'art.engineer', real_name: 'Ada Art', email: 'art.engineer@redhat.com' };

export const PLAYGROUND_USERS: readonly SeedUser[] = [
  ...PERSONAS.map((p) => ({ id: p.id, name: p.name, real_name: p.realName, email: p.email })),
  ART,
];

export const PLAYGROUND_GROUPS: readonly SeedGroup[] = [
  { id: 'S_QE_REL_418', handle: 'openshift-qe-release-4-18', name: 'OpenShift QE release leads 4.18', users: [LEAD.id] },
  { id: 'S_QE_REL_419', handle: 'openshift-qe-release-4-19', name: 'OpenShift QE release leads 4.19', users: [LEAD.id] },
  { id: 'S_QE_REL_420', handle: 'openshift-qe-release-4-20', name: 'OpenShift QE release leads 4.20', users: [LEAD.id] },
  { id: 'S_QE', handle: 'openshift-qe', name: 'OpenShift QE', users: [LEAD.id, VIEWER.id] },
  { id: 'S_ART', handle: 'art-team', name: 'OpenShift ART', users: [ART.id] },
];

/**
 * The channels of the demo ConfigStore (src/sandbox/demo-config.ts names them with a leading
 * '#'; the simulator stores names without it and resolves `#name` references), plus the ops
 * channel the scheduled jobs report to.
 */
export const PLAYGROUND_CHANNELS: readonly SeedChannel[] = [
  { id: 'C_QE_RELEASE', name: 'team-qe-release' },
  { id: 'C_FORUM_QE', name: 'forum-qe' },
  { id: 'C_FORUM_OCP_QE', name: 'forum-ocp-qe' },
  { id: 'C_ART', name: 'forum-ocp-art' },
  { id: 'C_APPROVERS', name: 'ocp-approvers' },
  { id: 'C_OPS', name: 'oar-ops' },
];

/** Jira people the commands and the notificator resolve by e-mail or user name. */
const JIRA_PEOPLE = [
  { accountId: 'acc-release-lead', displayName: LEAD.realName, emailAddress: LEAD.email, name: LEAD.name },
  { accountId: 'acc-viewer', displayName: VIEWER.realName, emailAddress: VIEWER.email, name: VIEWER.name },
] as const;

/** The hand-made bugs of the demo (besides the ones seedRelease attaches to every advisory). */
export interface DemoBugs {
  /** ON_QA for five days: the notificator's first escalation (QA contact) is due. */
  staleOnQa: string;
  verified: string;
  modified: string;
  cveTracker: string;
}

export interface PlaygroundWorld {
  world: SimulatedWorld;
  slack: SimulatedSlack;
  /** Everything the app needs to run against this world: services, Slack, roles, short job schedules. */
  env: Record<string, string>;
  personas: readonly Persona[];
  releases: { errata: SeededRelease; konflux: SeededRelease };
  bugs: DemoBugs;
  /** The roles file written for the app (OAR_ROLES_FILE). */
  rolesFile: string;
  stop(): Promise<void>;
}

export interface PlaygroundWorldOptions {
  /** Directory for the ConfigStore file, the store and the roles file (default: a temp dir, removed on stop). */
  dir?: string;
  /** Extra options for the simulated Slack (port, ack deadline, logger). */
  slack?: Omit<SimulatedSlackOptions, 'users' | 'groups' | 'channels' | 'replaceDefaults'>;
  now?: () => Date;
}

const DAY_MS = 24 * 3600_000;

/** Short schedules so the jobs visibly do something within minutes of starting the playground. */
export const PLAYGROUND_SCHEDULES = {
  OAR_CRON_JIRA_NOTIFICATOR: '*/5 * * * *',
  OAR_CRON_RESULT_CHECKER: '*/2 * * * *',
  OAR_CRON_RELEASE_DETECTOR: '*/10 * * * *',
  OAR_CRON_WATCHERS: '* * * * *',
  OAR_CRON_PROW: '*/10 * * * *',
} as const;

/**
 * Roles: everyone reads; a release's QE lead group (ConfigStore contacts.slack.qe-release.<y>,
 * here openshift-qe-release-4-19 for 4.19) is critical for that release's commands.
 */
export const PLAYGROUND_ROLES = { default: 'read', release_lead_role: 'critical', users: {}, groups: {} } as const;

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A result text in the original's load-bearing log format (StateBox derives start/end from it). */
function taskLog(start: Date, lines: string[]): string {
  return lines.map((l, i) => `${isoSeconds(new Date(start.getTime() + i * 20_000))}: ${l}`).join('\n');
}

export async function startPlaygroundWorld(opts: PlaygroundWorldOptions = {}): Promise<PlaygroundWorld> {
  const now = opts.now ?? (() => new Date());
  const world = await startSimulatedWorld(opts.dir ? { dir: opts.dir } : {});
  let slack: SimulatedSlack | undefined;
  try {
    slack = await startSimulatedSlack({
      ...opts.slack,
      replaceDefaults: true,
      users: [...PLAYGROUND_USERS],
      channels: [...PLAYGROUND_CHANNELS],
      groups: [...PLAYGROUND_GROUPS],
    });
    for (const p of JIRA_PEOPLE) world.jira.state.addUser({ ...p });
    world.gitlab.seedUser({ username: LEAD.name, email: LEAD.email });

    const errata = world.seedRelease(DEMO_RELEASES.errata, { bugsPerAdvisory: 2 });
    const konflux = world.seedRelease(DEMO_RELEASES.konflux, { bugsPerAdvisory: 2, metadataAccessible: true });
    const bugs = seedDemoBugs(world, errata, now());

    const rolesFile = join(world.dir, 'playground-roles.yaml');
    writeFileSync(rolesFile, dump(PLAYGROUND_ROLES), 'utf8');

    const env: Record<string, string> = {
      ...world.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      OAR_ROLES_FILE: rolesFile,
      OAR_OPS_CHANNEL: '#oar-ops',
      OAR_NOTIFICATOR_CHANNEL: '#team-qe-release',
      OAR_RESULT_CHECKER_CHANNEL: '#team-qe-release',
      OAR_SUPPORTED_YSTREAMS: '4.18,4.19,4.20',
      ...PLAYGROUND_SCHEDULES,
    };

    await seedStateBoxHistory(env, konflux, now());

    const started = slack;
    return {
      world,
      slack: started,
      env,
      personas: PERSONAS,
      releases: { errata, konflux },
      bugs,
      rolesFile,
      async stop() {
        await started.stop();
        await world.stop();
      },
    };
  } catch (e) {
    await slack?.stop().catch(() => undefined);
    await world.stop();
    throw e;
  }
}

function seedDemoBugs(world: SimulatedWorld, release: SeededRelease, at: Date): DemoBugs {
  const y = release.release.split('.').slice(0, 2).join('.');
  const common = { fixVersions: [`${y}.z`], targetVersions: [`${y}.z`], qaContact: 'qe-lead@example.com', assignee: 'dev@example.com', reporter: 'manager@example.com' };
  const bugs: DemoBugs = { staleOnQa: 'OCPBUGS-60001', verified: 'OCPBUGS-60002', modified: 'OCPBUGS-60003', cveTracker: 'OCPBUGS-60004' };
  world.jira.state.seedIssue({
    ...common,
    key: bugs.staleOnQa,
    summary: `oc adm upgrade reports a stale channel after a z-stream update [openshift-${y}.z]`,
    status: 'ON_QA',
    // Five days in ON_QA: past the 72 h shortcut of "more than 24 weekday hours", whatever the weekday.
    statusChangedAt: new Date(at.getTime() - 5 * DAY_MS),
    created: new Date(at.getTime() - 12 * DAY_MS),
  });
  world.jira.state.seedIssue({
    ...common,
    key: bugs.verified,
    summary: `Console shows the wrong update path for ${y}.z clusters`,
    status: 'Verified',
    statusChangedAt: new Date(at.getTime() - 1 * DAY_MS),
  });
  world.jira.state.seedIssue({
    ...common,
    key: bugs.modified,
    summary: `machine-config-operator degraded after node reboot on ${y}`,
    status: 'MODIFIED',
  });
  world.jira.state.seedIssue({
    ...common,
    key: bugs.cveTracker,
    summary: `CVE-2026-24010 golang: net/http: excessive memory use in header parsing [openshift-${y}.z]`,
    status: 'ON_QA',
    labels: ['SecurityTracking', 'CVE-2026-24010', 'pscomponent:openshift-clients', 'flaw:bz#2360001'],
    statusChangedAt: new Date(at.getTime() - 10 * 3600_000),
  });
  // Attach them to the image advisory, as ART's bug sweep would.
  const imageAdvisory = release.advisories.image ?? Object.values(release.advisories)[0];
  if (imageAdvisory !== undefined) world.errata.advisory(imageAdvisory).jiraIssues.push(...Object.values(bugs));
  return bugs;
}

/** StateBox history for the Konflux release, written through the real StateBox service (GitHub backend). */
async function seedStateBoxHistory(env: Record<string, string>, release: SeededRelease, at: Date): Promise<void> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const cs = await new ConfigStoreLoader({ config }).load(release.release);
  const md = cs.metadata();
  const statebox = createStateBoxService(config, { minRetryDelayMs: 1, maxRetryDelayMs: 5 });
  const r = release.release;
  await statebox.create({
    release: r,
    advisories: md.advisories,
    jira_ticket: md.jira_ticket,
    candidate_builds: md.candidate_builds,
    shipment_mr: md.shipment_mr || null,
    release_date: md.release_date || null,
  });
  const day = (n: number) => new Date(at.getTime() - n * DAY_MS);
  const advisories = Object.values(md.advisories);
  await statebox.updateTask(r, 'take-ownership', 'Pass', taskLog(day(3), [
    'INFO: task [Take Ownership] status is changed to [In Progress]',
    ...advisories.map((id) => `INFO: QA Owner of advisory ${id} is updated to [EMAIL_REDACTED]`),
    `INFO: Added QE release lead comment to MR ${release.mrIid ?? ''}`.trim(),
    'INFO: sent slack message to <#team-qe-release>',
    'INFO: task [Take Ownership] status is changed to [Pass]',
  ]));
  await statebox.updateTask(r, 'check-cve-tracker-bug', 'Pass', taskLog(day(3), [
    'INFO: task [Check CVE Tracker Bug] status is changed to [In Progress]',
    `INFO: Processing MR ${release.mrIid ?? ''} for Jira issues`.trim(),
    'INFO: no new CVE tracker bug found in either advisories or shipments',
    'INFO: task [Check CVE Tracker Bug] status is changed to [Pass]',
  ]));
  await statebox.updateTask(r, 'image-consistency-check', 'Fail', taskLog(day(2), [
    'INFO: task [Image Consistency Check] status is changed to [In Progress]',
    'INFO: Checking image-consistency-check job status with job id: 3461',
    'INFO: build status of image-consistency-check/3461 is FAILURE',
    'ERROR: image consistency check failed: 2 images in the payload do not match the shipment',
    'INFO: task [Image Consistency Check] status is changed to [Fail]',
  ]));
  await statebox.addIssue(r, `Image consistency check failed for ${r}: ose-cli and ose-installer images differ from the payload`, {
    blocker: true,
    relatedTasks: ['image-consistency-check'],
  });
}
