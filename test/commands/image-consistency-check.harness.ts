/**
 * Shared set-up of the image-consistency-check and stage-testing tests: the simulated world,
 * a simulated Slack, an engine with the commands registered, an SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { startSimulatedWorld, SHIPMENT_PROJECT, type SimulatedWorld } from '../../src/sandbox/world.ts';
import { startSimulatedSlack, type SimulatedSlack } from '../../src/sandbox/slack/index.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { AnyCommand } from '../../src/commands/types.ts';
import type { RunResult } from '../../src/commands/runner.ts';
import type { Store } from '../../src/store/types.ts';
import { openTestStore } from '../helpers/store.ts';

export interface Harness {
  world: SimulatedWorld;
  slack: SimulatedSlack;
  engine: Engine;
  store: Store;
  run(command: AnyCommand, release: string, options?: Record<string, unknown>): Promise<Extract<RunResult, { kind: 'done' }>>;
  task(release: string, name: string): Promise<{ status: string; result: string | null; started_at: string | null; completed_at: string | null } | null>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { commands: AnyCommand[]; env?: Record<string, string>; omitEnv?: string[] }): Promise<Harness> {
  const world = await startSimulatedWorld();
  const slack = await startSimulatedSlack();
  const dataDir = mkdtempSync(join(tmpdir(), 'oar-icc-'));
  const env: Record<string, string> = { ...world.env, LOG_LEVEL: 'silent', OAR_DATA_DIR: dataDir, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, ...opts.env };
  for (const k of opts.omitEnv ?? []) delete env[k];
  const store = await openTestStore();
  const engine = await createEngine({ frontEnd: 'test', config: loadConfig(env), registry: createRegistry(opts.commands), store });
  return {
    world,
    slack,
    engine,
    store,
    async run(command, release, options = {}) {
      const r = await engine.runner.execute({ command, release, options, actor: { id: 'U_LEAD', via: 'slack' } });
      if (r.kind !== 'done') throw new Error(`expected the command to run, got ${r.kind}: ${'message' in r ? r.message : ''}`);
      return r;
    },
    async task(release, name) {
      const t = await engine.statebox.getTask(release, name);
      return t ? { status: t.status, result: t.result ?? null, started_at: t.started_at ?? null, completed_at: t.completed_at ?? null } : null;
    },
    async stop() {
      await engine.close();
      await slack.stop();
      await world.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function shipmentMr(world: SimulatedWorld, release: string) {
  const mr = world.gitlab.mergeRequests.find((m) => m.title === `Shipment for ${release}`);
  if (!mr) throw new Error(`no shipment MR seeded for ${release}`);
  return mr;
}

export interface StageImage {
  digest: string;
  component: string;
  architecture?: string;
  grades?: { grade: string; start_date: string; end_date?: string }[];
  vulnerabilities?: Record<string, unknown>[];
}

/**
 * Give the release's shipment files a stage advisory (`environments.stage.advisory.internal_url`)
 * listing the images, and seed their grades in the stage catalog. The first file gets the images,
 * the others an empty advisory.
 */
export function seedStageImages(world: SimulatedWorld, release: string, images: StageImage[]): void {
  const mr = shipmentMr(world, release);
  const files = world.gitlab.projectByPath(SHIPMENT_PROJECT)!.branches.get(mr.sourceBranch)!;
  [...files.keys()].forEach((path, i) => {
    const doc = load(files.get(path)!) as { shipment: { environments: { stage: Record<string, unknown> } } };
    const list = i === 0 ? images.map((img) => ({ containerImage: `quay.io/redhat-user-workloads/ocp-art-tenant/${img.component}@sha256:${img.digest}`, component: img.component, architecture: img.architecture ?? 'amd64' })) : [];
    doc.shipment.environments.stage.advisory = { internal_url: world.releases.seedStageAdvisory(`${release}-stage-${i}`, list) };
    files.set(path, dump(doc));
  });
  for (const img of images) if (img.grades || img.vulnerabilities) world.releases.seedCatalogImage(`sha256:${img.digest}`, { grades: img.grades ?? [], vulnerabilities: img.vulnerabilities ?? [] });
}

export const hex = (c: string) => c.repeat(64).slice(0, 64);
