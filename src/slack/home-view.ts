/** Build and publish one viewer's App Home (the Home tab listener and its Refresh button). */
import { homeView, type HomeRelease } from '../blocks/home.ts';
import type { ListenerDeps } from './deps.ts';

export async function publishHome(deps: ListenerDeps, userId: string): Promise<void> {
  let releases: HomeRelease[] = [];
  let error: string | undefined;
  try {
    releases = (await deps.homeReleases?.()) ?? [];
  } catch (e) {
    error = `Could not load releases: ${(e as Error).message.split('\n')[0]}`;
    deps.logger.warn({ err: e }, 'home releases failed');
  }
  await deps.client.views.publish({ user_id: userId, view: homeView(releases, { updatedAt: new Date(), ...(error ? { error } : {}) }) });
}
