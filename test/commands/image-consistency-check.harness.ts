/**
 * Shared set-up of the image-consistency-check and stage-testing tests: the shared command
 * world (test/helpers/command-world.ts) and a task reader with the StateBox field names.
 */
import { dump, load } from 'js-yaml';
import { SHIPMENT_PROJECT, type SimulatedWorld } from '../../src/sandbox/world.ts';
import type { AnyCommand } from '../../src/commands/types.ts';
import { startCommandWorld, type CommandWorld } from '../helpers/command-world.ts';

export interface Harness extends CommandWorld {
  task(release: string, name: string): Promise<{ status: string; result: string | null; started_at: string | null; completed_at: string | null } | null>;
}

export async function startHarness(opts: { commands: AnyCommand[]; env?: Record<string, string>; omitEnv?: string[] }): Promise<Harness> {
  const base = await startCommandWorld({ ...opts, dataDirPrefix: 'oar-icc-' });
  return {
    ...base,
    async task(release, name) {
      const t = await base.engine.statebox.getTask(release, name);
      return t ? { status: t.status, result: t.result ?? null, started_at: t.started_at ?? null, completed_at: t.completed_at ?? null } : null;
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
