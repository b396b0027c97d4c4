/**
 * Releases offered by shell completion: the active releases (release discovery: the latest release
 * of each y-stream whose StateBox release date is not past), then the latest release of every
 * y-stream. Read from the StateBox backend on GitHub; without GITHUB_TOKEN there is nothing to offer.
 */
import type { Config } from '../config/env.ts';
import { createGitHubClient } from '../integrations/github.ts';
import { createReleaseDiscovery } from '../release/discovery.ts';

export async function activeReleases(config: Config, signal: AbortSignal): Promise<string[]> {
  if (!config.GITHUB_TOKEN || signal.aborted) return [];
  const discovery = createReleaseDiscovery(config, createGitHubClient(config));
  const [active, latest] = await Promise.all([discovery.discoverActiveReleases(), discovery.latestReleases()]);
  return [...new Set([...active, ...latest.map((l) => l.release).reverse()])];
}
