/**
 * A simulated world: every external system oar-bot talks to, behind real HTTP on 127.0.0.1,
 * plus the encrypted demo ConfigStore, seeded from the real data in the repository's fixtures/.
 * Used by command tests, end-to-end tests, benchmarks and the local playground.
 *
 * `env` is what the app needs to talk to this world instead of the real services; the
 * simulator handles are returned so tests can seed more and read back what was recorded.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { startBuildDataServer, readTrackingFile, isKonfluxRelease, shipmentMrIid, trackedYStreams, type BuildDataServer } from './build-data.ts';
import { DEMO_JWK, writeDemoConfigFile } from './demo-config.ts';
import { fixturePath } from './fixtures.ts';
import { startJiraSandbox, type JiraSandbox } from './jira/index.ts';
import { startErrataSimulator, type ErrataSimulator } from './errata/index.ts';
import { startGitLabSimulator, type GitLabSimulator } from './gitlab/index.ts';
import { startJenkinsSimulator, type JenkinsSimulator } from './jenkins/index.ts';
import { startProwSimulator, type ProwSimulator } from './prow/index.ts';
import { startReleaseSimulator, type ReleaseSimulator } from './release-controller/index.ts';
import { startGitHubSandbox, type GitHubSandbox } from './github/index.ts';
import { startBrewSimulator, type BrewSimulator } from './brew/index.ts';
import { SimulatedLdapDirectory } from './ldap.ts';
import { QE_SUBTASKS } from '../release/tasks.ts';

export const SHIPMENT_PROJECT = 'hybrid-platforms/art/ocp-shipment-data';

export interface SimulatedWorld {
  /** Environment variables pointing oar-bot at this world (no Slack: add it separately). */
  env: Record<string, string>;
  dir: string;
  buildData: BuildDataServer;
  jira: JiraSandbox;
  errata: ErrataSimulator;
  gitlab: GitLabSimulator;
  jenkins: JenkinsSimulator;
  prow: ProwSimulator;
  releases: ReleaseSimulator;
  github: GitHubSandbox;
  brew: BrewSimulator;
  ldap: SimulatedLdapDirectory;
  /** Seed advisories, bugs, ART ticket subtasks, shipment MR and payload for a release from the fixtures. */
  seedRelease(release: string, opts?: SeedReleaseOptions): SeededRelease;
  stop(): Promise<void>;
}

export interface SeedReleaseOptions {
  /** Bugs attached per advisory (default 3). */
  bugsPerAdvisory?: number;
  /** Status of the seeded bugs (default ON_QA, with one Verified). */
  bugStatus?: string;
  /** Payload metadata URL already reachable (default false). */
  metadataAccessible?: boolean;
  /** Shipment MR state for Konflux releases (default opened). */
  mrState?: 'opened' | 'merged' | 'closed';
  /** Tag the kernel of the release's RHCOS build `early-kernel-stop-ship` (default false). */
  kernelStopShip?: boolean;
}

export interface SeededRelease {
  release: string;
  flow: 'konflux' | 'errata';
  advisories: Record<string, number>;
  jiraTicket: string;
  bugs: string[];
  mrIid?: number;
  payloadDigest: string;
  /** The RHCOS build attached to the image/rhcos advisory and its kernel (kernel stop-ship guard). */
  rhcos?: { advisory: number; nvr: string; kernel: string };
}

export interface WorldOptions {
  /** Where the encrypted ConfigStore, the SQLite store and local StateBox live. Default: a temp dir. */
  dir?: string;
  /** Jira latency per request (benchmarks). */
  jiraLatencyMs?: number;
  /** Seed the GitHub z-stream branch with ART tracking files and the record branch with Prow records. */
  seedGitHub?: boolean;
}

export async function startSimulatedWorld(opts: WorldOptions = {}): Promise<SimulatedWorld> {
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'oar-world-'));
  const [jira, errata, gitlab, jenkins, prow, releases, github, brew] = await Promise.all([
    startJiraSandbox({ ...(opts.jiraLatencyMs ? { latencyMs: opts.jiraLatencyMs } : {}) }),
    startErrataSimulator({ pushProgression: 'auto' }),
    startGitLabSimulator({ currentUser: 'oar-bot' }),
    startJenkinsSimulator(),
    startProwSimulator(),
    startReleaseSimulator({ registryAuth: false }),
    startGitHubSandbox({ branches: ['main', 'z-stream', 'record'], autoCreateBranches: true }),
    startBrewSimulator(),
  ]);
  const buildData = await startBuildDataServer({ gitlabUrl: gitlab.url });
  const configFile = await writeDemoConfigFile(join(dir, 'configstore.json'), {
    buildDataTemplate: buildData.template,
    jira: jira.url,
    jenkins: jenkins.url,
    gitlab: gitlab.url,
    releaseController: `${releases.url}/`,
    signatures: `${releases.url}/signatures/`,
  });
  gitlab.seedUser({ username: 'oar-bot', email: 'oar-bot@redhat.com' });
  gitlab.seedUser({ username: 'qe-lead', email: 'qe-lead@example.com' });
  gitlab.seedProject(SHIPMENT_PROJECT, { main: {} });
  for (const [accountId, displayName, emailAddress] of [
    ['acc-qe-lead', 'QE Lead', 'qe-lead@example.com'],
    ['acc-dev', 'Dev Eloper', 'dev@example.com'],
    ['acc-manager', 'Dev Manager', 'manager@example.com'],
  ] as const) jira.state.addUser({ accountId, displayName, emailAddress, name: emailAddress.split('@')[0]! });
  const ldap = new SimulatedLdapDirectory([]);

  if (opts.seedGitHub !== false) {
    for (const y of trackedYStreams()) {
      github.seedDirectory('z-stream', fixturePath('zstream', y), `_releases/${y}`);
    }
    github.seedDirectory('record', fixturePath('record'), '_releases');
    github.seedDirectory('main', fixturePath('job-registry'), '_releases');
  }

  const env: Record<string, string> = {
    OAR_JWK: DEMO_JWK,
    OAR_CONFIG_FILE: configFile,
    OAR_BUILD_DATA_URL: buildData.template,
    JIRA_URL: jira.url,
    JIRA_TOKEN: 'sim-jira-token',
    JIRA_USERNAME: 'oar-bot@example.com',
    JIRA_DEPLOYMENT: 'cloud',
    ERRATA_URL: errata.url,
    ERRATA_AUTH: 'none',
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: 'sim-gitlab-token',
    OAR_SHIPMENT_FORK: 'oar-bot/ocp-shipment-data',
    JENKINS_URL: jenkins.url,
    JENKINS_USER: 'oar-bot',
    JENKINS_TOKEN: 'sim-jenkins-token',
    JENKINS_QUEUE_POLL_MS: '10',
    APITOKEN: 'sim-gangway-token',
    GANGWAY_URL: prow.url,
    PROW_URL: prow.url,
    PROW_URL_POLL_MS: '10',
    RELEASE_CONTROLLER_URL: releases.url,
    OAR_REGISTRY_URL: releases.url,
    SIGNATURE_URL: `${releases.url}/signatures/`,
    PYXIS_URL: releases.url,
    CATALOG_URL: releases.url,
    CATALOG_STAGE_URL: releases.url,
    OAR_IMAGE_DIGEST_RETRY_MS: '10',
    ...github.env('sim-github-token'),
    ...brew.env(),
    OAR_DATA_DIR: join(dir, 'data'),
  };

  let bugCounter = 40_000;
  function seedRelease(release: string, o: SeedReleaseOptions = {}): SeededRelease {
    const y = release.split('.').slice(0, 2).join('.');
    const entry = readTrackingFile(y)[release];
    if (!entry) throw new Error(`${release} is not in the fixtures' ${y}.z.yaml tracking file`);
    const advisories = entry.advisories ?? {};
    const jiraTicket = entry.release_jira ?? `ART-${release.replaceAll('.', '')}`;
    const flow = isKonfluxRelease(entry) ? 'konflux' : 'errata';
    const bugs: string[] = [];
    const per = o.bugsPerAdvisory ?? 3;
    for (const [impetus, id] of Object.entries(advisories)) {
      const keys: string[] = [];
      for (let i = 0; i < per; i++) {
        const key = `OCPBUGS-${++bugCounter}`;
        keys.push(key);
        jira.state.seedIssue({
          key,
          summary: i === 0 && impetus === 'rpm' ? `CVE-2026-${bugCounter} openshift: flaw in ${impetus} component [openshift-${y}]` : `${impetus} bug ${i + 1} fixed in ${release}`,
          status: o.bugStatus ?? (i === per - 1 ? 'Verified' : 'ON_QA'),
          labels: i === 0 && impetus === 'rpm' ? ['SecurityTracking', `CVE-2026-${bugCounter}`] : [],
          fixVersions: [y + '.z'],
          qaContact: 'qe-lead@example.com',
          assignee: 'dev@example.com',
        });
      }
      bugs.push(...keys);
      errata.seedAdvisory({ id, state: 'QE', synopsis: `OpenShift Container Platform ${release} ${impetus} update`, qeEmail: 'qe-lead@example.com', jiraIssues: keys });
    }
    // The RHCOS build of the release (what the kernel stop-ship guard reads), on the rhcos or image advisory.
    let rhcos: SeededRelease['rhcos'];
    const rhcosAdvisory = advisories.rhcos ?? advisories.image;
    if (rhcosAdvisory !== undefined) {
      const z = Number(release.split('.')[2]) || 0;
      const nvr = `rhcos-x86_64-${y.replace('.', '')}.96.2025081${String(z % 10)}${String(1000 + z).slice(-4)}-0`;
      const kernel = `kernel-5.14.0-427.${70 + z}.1.el9_4`;
      brew.seedRhcosBuild({ nvr, kernel });
      if (o.kernelStopShip) brew.tagBuild(kernel, 'early-kernel-stop-ship');
      errata.advisory(rhcosAdvisory).builds = { [`OSE-${y}-RHEL-9`]: [nvr] };
      rhcos = { advisory: rhcosAdvisory, nvr, kernel };
    }
    // ART ticket with the QE subtasks (exact summaries matter).
    const base = Number(jiraTicket.split('-')[1]) || 1;
    const subtasks = Object.values(QE_SUBTASKS).map((summary, i) => {
      const subKey = `ART-${base * 10 + i + 1}`;
      jira.state.seedIssue({ key: subKey, summary, status: 'To Do', issueType: 'Sub-task' });
      return subKey;
    });
    if (!jira.state.issues.has(jiraTicket)) jira.state.seedIssue({ key: jiraTicket, summary: `Release ${release}`, status: 'In Progress', issueType: 'Story', subtasks });
    let mrIid: number | undefined;
    if (flow === 'konflux') {
      mrIid = shipmentMrIid(release);
      const branch = `prepare-shipment-${release}`;
      const files: Record<string, string> = {};
      for (const kind of ['image', 'extras']) {
        files[`shipment/ocp/openshift-${y}/openshift-${y}/prod/${release}-${kind}.${release.replaceAll('.', '')}.yaml`] = dump({
          shipment: {
            metadata: { product: 'ocp', application: `openshift-${y.replace('.', '-')}`, group: `openshift-${y}`, assembly: release, fbc: false },
            environments: { stage: { releasePlan: `ocp-art-tenant-${y.replace('.', '-')}-stage` }, prod: { releasePlan: `ocp-art-tenant-${y.replace('.', '-')}-prod` } },
            snapshot: { spec: { application: `openshift-${y.replace('.', '-')}`, components: [] } },
            data: { releaseNotes: { type: 'RHBA', synopsis: `OpenShift Container Platform ${release} ${kind} update`, issues: { fixed: (kind === 'image' ? bugs : []).map((id) => ({ id, source: 'redhat.atlassian.net' })) } } },
          },
        });
      }
      const project = gitlab.projectByPath(SHIPMENT_PROJECT)!;
      project.branches.set(branch, new Map(Object.entries(files)));
      gitlab.seedMergeRequest({ project: SHIPMENT_PROJECT, iid: mrIid, title: `Shipment for ${release}`, sourceBranch: branch, state: o.mrState ?? 'opened', changedFiles: Object.keys(files) });
    }
    const seeded = releases.seedRelease({ name: release, metadataAccessible: o.metadataAccessible ?? false });
    releases.seedSignature(seeded.digest);
    return { release, flow, advisories, jiraTicket, bugs, ...(mrIid !== undefined ? { mrIid } : {}), payloadDigest: seeded.digest, ...(rhcos ? { rhcos } : {}) };
  }

  return {
    env,
    dir,
    buildData,
    jira,
    errata,
    gitlab,
    jenkins,
    prow,
    releases,
    github,
    brew,
    ldap,
    seedRelease,
    async stop() {
      await Promise.allSettled([jira.close(), errata.close(), gitlab.close(), jenkins.close(), prow.close(), releases.close(), github.close(), brew.close(), buildData.stop()]);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Y-streams with tracking files in the fixtures (for the playground's release list). */
export function fixtureYStreams(): string[] {
  return readdirSync(fixturePath('zstream')).filter((d) => /^\d+\.\d+$/.test(d));
}
