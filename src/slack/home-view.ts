/** Build and publish one viewer's App Home (the Home tab listener and its Refresh button). */
import { homeView, type HomeRelease } from '../blocks/home.ts';
import type { ListenerDeps } from './deps.ts';
import { renderOptions } from './render.ts';

export async function publishHome(deps: ListenerDeps, userId: string): Promise<void> {
  let releases: HomeRelease[] = [];
  let error: string | undefined;
  try {
    releases = (await deps.homeReleases?.()) ?? [];
  } catch (e) {
    error = `Could not load releases: ${(e as Error).message.split('\n')[0]}`;
    deps.logger.warn({ err: e }, 'home releases failed');
  }
  const leads = (await deps.ledYstreams?.(userId).catch(() => [])) ?? [];
  const owners = releases.map((r) => r.owner).filter((o): o is string => Boolean(o));
  const mentions = owners.length ? await deps.people.resolve(owners) : new Map<string, string>();
  const marked = releases.map((r) => ({ ...r, mine: leads.some((y) => r.release.startsWith(`${y}.`)) || (r.owner !== undefined && mentions.get(r.owner) === userId) }));
  const { links, resolvable } = renderOptions(deps, '');
  const source = deps.config.GITHUB_TOKEN ? 'release discovery' : 'the local StateBox and OAR_SUPPORTED_YSTREAMS';
  await deps.client.views.publish({ user_id: userId, view: homeView(marked, { updatedAt: new Date(), mentions, ...(links ? { links } : {}), ...(resolvable ? { resolvable } : {}), source, ...(error ? { error } : {}) }) });
}
