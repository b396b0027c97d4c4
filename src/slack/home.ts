/** Data for the App Home dashboard: active releases (release discovery) and their StateBox status. */
import type { Engine } from '../engine.ts';
import { suggestNext, type HomeRelease } from '../blocks/home.ts';
import { createReleaseDiscovery } from '../release/discovery.ts';
import { createGitHubClient } from '../integrations/github.ts';

export function homeReleasesFrom(engine: Engine): () => Promise<HomeRelease[]> {
  return async () => {
    const { config } = engine;
    if (!config.GITHUB_TOKEN) throw new Error('release discovery needs GITHUB_TOKEN (the ART tracking files live on GitHub)');
    const discovery = createReleaseDiscovery(config, createGitHubClient(config), { logger: engine.logger });
    const releases = await discovery.discoverActiveReleases();
    const out: HomeRelease[] = [];
    for (const release of releases.slice(0, 12)) {
      const view = await engine.statebox.readStatus(release).catch(() => null);
      const tasks = (view?.tasks ?? []).map((t) => ({ name: t.name, status: t.status }));
      out.push({
        release,
        ...(view?.metadata.shipment_mr !== undefined ? { flow: view.metadata.shipment_mr ? ('konflux' as const) : ('errata' as const) } : {}),
        tasks,
        blockers: (view?.blockers ?? []).map((b) => b.issue),
        next: suggestNext(tasks),
      });
    }
    return out;
  };
}
