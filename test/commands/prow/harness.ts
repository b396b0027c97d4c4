/**
 * A small world for the Prow subsystem: simulated GitHub (registries on main, records on
 * record), release controller, Gangway/Prow and Kubernetes behind real HTTP, a real SQLite
 * store, and the real clients pointed at them. Slack is a recorder (the notices are asserted
 * as Block Kit data).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubSandbox, type GitHubSandbox } from '../../../src/sandbox/github/index.ts';
import { startReleaseSimulator, type ReleaseSimulator } from '../../../src/sandbox/release-controller/index.ts';
import { startProwSimulator, type ProwSimulator } from '../../../src/sandbox/prow/index.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../../src/sandbox/kubernetes/index.ts';
import { fixturePath } from '../../../src/sandbox/fixtures.ts';
import { GitHubClient } from '../../../src/integrations/github.ts';
import { ProwClient } from '../../../src/integrations/prow.ts';
import { ReleaseControllerClient } from '../../../src/integrations/release-controller.ts';
import { KubernetesClient } from '../../../src/integrations/kubernetes.ts';
import type { SlackMessage, SlackTarget, PostedMessage } from '../../../src/integrations/slack-notify.ts';
import { silentLogger } from '../../../src/log.ts';
import type { ProwDeps } from '../../../src/commands/prow/deps.ts';
import { openTestStore, type SqliteTestStore } from '../../helpers/store.ts';
import { ReleaseNotifier } from '../../../src/commands/notifier.ts';
import { renderTeamNotice } from '../../../src/blocks/notice.ts';

export const REPO = 'openshift/release-tests';
export const GANGWAY_TOKEN = 'gangway-token';
export const KUBE_TOKEN = 'kube-token';
export const REGISTRY_DIR = fixturePath('job-registry');
export const RECORD_DIR = fixturePath('record');

export function fixtureText(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

export class SlackRecorder {
  readonly posts: { target: SlackTarget; message: SlackMessage }[] = [];
  async post(target: SlackTarget, message: SlackMessage): Promise<PostedMessage> {
    this.posts.push({ target, message });
    const ts = `1700000000.${String(this.posts.length).padStart(6, '0')}`;
    return { channel: target.channel, ts, parts: [ts] };
  }
}

export interface ProwWorld {
  github: GitHubSandbox;
  releases: ReleaseSimulator;
  prow: ProwSimulator;
  kube: KubernetesSimulator;
  store: SqliteTestStore;
  slack: SlackRecorder;
  clients: { github: GitHubClient; prow: ProwClient; releaseController: ReleaseControllerClient; kube: KubernetesClient };
  deps(overrides?: Partial<ProwDeps>): ProwDeps;
  close(): Promise<void>;
}

export interface ProwWorldOptions {
  /** Seed the real record branch (all fixture records and state files). */
  seedRecords?: boolean;
  /** Job names Gangway knows (others answer 500). */
  knownJobs?: string[];
  /** Prow script of newly triggered jobs. */
  script?: string[];
}

export async function startProwWorld(opts: ProwWorldOptions = {}): Promise<ProwWorld> {
  const [github, releases, prow, kube, store] = await Promise.all([
    startGitHubSandbox({ branches: ['main', 'record'] }),
    startReleaseSimulator({ registryAuth: false }),
    startProwSimulator({ token: GANGWAY_TOKEN, ...(opts.knownJobs ? { knownJobs: opts.knownJobs } : {}), script: opts.script ?? ['triggered', 'pending', 'pending'] }),
    startKubernetesSimulator({ token: KUBE_TOKEN }),
    openTestStore(),
  ]);
  github.seedDirectory('main', REGISTRY_DIR, '_releases');
  if (opts.seedRecords) github.seedDirectory('record', RECORD_DIR, '_releases');
  const clients = {
    github: new GitHubClient({ token: 'gh-token', apiUrl: github.url, retries: 0 }),
    prow: new ProwClient({ gangwayUrl: prow.url, prowUrl: prow.url, token: GANGWAY_TOKEN, retries: 0 }),
    releaseController: new ReleaseControllerClient({ baseUrl: releases.url, retries: 0 }),
    kube: new KubernetesClient({ apiUrl: kube.url, token: KUBE_TOKEN, retries: 0 }),
  };
  const slack = new SlackRecorder();
  return {
    github,
    releases,
    prow,
    kube,
    store,
    slack,
    clients,
    deps: (overrides = {}) => ({
      github: clients.github,
      prow: clients.prow,
      releaseController: clients.releaseController,
      store,
      repo: REPO,
      recordBranch: 'record',
      registryBranch: 'main',
      labeler: clients.kube,
      notices: { notifier: new ReleaseNotifier({ slack: async () => slack, render: renderTeamNotice }), channel: '#release-gate' },
      logger: silentLogger,
      now: () => new Date(),
      ...overrides,
    }),
    async close() {
      await Promise.allSettled([github.close(), releases.close(), prow.close(), kube.close()]);
      await store.close();
    },
  };
}

/** Jobs Gangway started, by job name (the simulator's `job-triggered` changes). */
export function triggeredJobs(prow: ProwSimulator): { id: string; job: string; envs: Record<string, string> }[] {
  return prow.changes.filter((c) => c.kind === 'job-triggered').map((c) => ({ id: c.subject, job: String(c.detail.job), envs: c.detail.envs as Record<string, string> }));
}

export function nightlyPullSpec(build: string): string {
  return `registry.ci.openshift.org/ocp/release:${build}`;
}
