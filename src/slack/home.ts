/**
 * Data for the App Home dashboard: active releases and their StateBox status, wherever StateBox
 * is. With GITHUB_TOKEN, release discovery (ART tracking files) names the active releases;
 * without it (or when it fails), the StateBox backend is listed for OAR_SUPPORTED_YSTREAMS.
 */
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { HomeRelease } from '../blocks/home.ts';
import { releaseOwner } from '../commands/release-owner.ts';
import type { StateBoxService } from '../release/statebox/index.ts';
import type { Store } from '../store/types.ts';
import { createReleaseDiscovery } from '../release/discovery.ts';
import { createGitHubClient } from '../integrations/github.ts';
import { suggestNext, WORKFLOW_TASK_NAMES, type TaskStatus } from '../release/tasks.ts';
import { compareReleases, parseRelease } from '../release/version.ts';

const MAX_RELEASES = 12;

/** What the Home tab reads (the engine has all of it). */
export interface HomeSources {
  config: Config;
  logger: Logger;
  statebox: StateBoxService;
  /** The audit log names the owner (StateBox masks e-mails). */
  store: Pick<Store, 'queryAudit'> | undefined;
}
/** Per y-stream, how many unfinished releases a local StateBox listing contributes. */
const PER_YSTREAM = 2;

async function fromDiscovery(engine: HomeSources): Promise<string[]> {
  const discovery = createReleaseDiscovery(engine.config, createGitHubClient(engine.config), { logger: engine.logger });
  return discovery.discoverActiveReleases();
}

/** The newest releases of each configured y-stream whose StateBox is not finished (change-advisory-status not Pass). */
async function fromStateBoxListing(engine: HomeSources): Promise<string[]> {
  const backend = engine.statebox.backend;
  const ystreams = engine.config.OAR_SUPPORTED_YSTREAMS;
  if (!backend.list) throw new Error(`the ${backend.kind} StateBox backend cannot list releases; set GITHUB_TOKEN for release discovery`);
  if (!ystreams.length) throw new Error('no active releases to show: set OAR_SUPPORTED_YSTREAMS (e.g. 4.18,4.19,4.20) or GITHUB_TOKEN for release discovery');
  const out: string[] = [];
  for (const y of ystreams) {
    const releases = (await backend.list(y)).sort((a, b) => compareReleases(parseRelease(b), parseRelease(a)));
    let taken = 0;
    for (const r of releases) {
      if (taken >= PER_YSTREAM) break;
      const view = await engine.statebox.readStatus(r).catch(() => null);
      const shipped = view?.tasks.some((t) => t.name === 'change-advisory-status' && t.status === 'Pass');
      if (shipped && taken + 1 < releases.length) continue;
      out.push(r);
      taken++;
    }
  }
  return out;
}

export function homeReleasesFrom(engine: HomeSources): () => Promise<HomeRelease[]> {
  return async () => {
    let releases: string[];
    if (engine.config.GITHUB_TOKEN) {
      releases = await fromDiscovery(engine).catch(async (e: unknown) => {
        engine.logger.warn({ err: e }, 'release discovery failed; listing StateBox for OAR_SUPPORTED_YSTREAMS');
        return fromStateBoxListing(engine);
      });
    } else {
      releases = await fromStateBoxListing(engine);
    }
    const out: HomeRelease[] = [];
    for (const release of releases.slice(0, MAX_RELEASES)) out.push(await homeReleaseOf(engine, release));
    return out;
  };
}

/** One release's dashboard entry from its StateBox: the full checklist in workflow order, owner, date, blockers, next steps. */
export async function homeReleaseOf(engine: Pick<HomeSources, 'statebox' | 'store' | 'logger'>, release: string): Promise<HomeRelease> {
  const [view, doc] = await Promise.all([engine.statebox.readStatus(release).catch(() => null), engine.statebox.get(release).catch(() => null)]);
  const recorded = new Map((view?.tasks ?? []).map((t) => [t.name, t.status]));
  const names = [...WORKFLOW_TASK_NAMES, ...[...recorded.keys()].filter((n) => !(WORKFLOW_TASK_NAMES as readonly string[]).includes(n))];
  const tasks = names.map((name) => ({ name, status: (recorded.get(name) ?? 'Not Started') as TaskStatus }));
  const owner = await releaseOwner(engine.store, release, doc?.state.tasks ?? [], (message, err) => engine.logger.warn({ err }, message));
  return {
    release,
    ...(view?.metadata.shipment_mr !== undefined ? { flow: view.metadata.shipment_mr ? ('konflux' as const) : ('errata' as const) } : {}),
    tasks,
    blockers: (view?.blockers ?? []).map((b) => b.issue.trim()),
    next: suggestNext(view?.tasks ?? []),
    ...(owner ? { owner } : {}),
    ...(view?.metadata.release_date ? { releaseDate: view.metadata.release_date } : {}),
    ...(view ? { updatedAt: view.updated_at } : {}),
  };
}
