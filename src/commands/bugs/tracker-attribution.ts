/**
 * Which release a CVE tracker found by the Jira sweep belongs to, when elliott is not installed.
 *
 * The Jira search finds every open tracker of the y-stream (Target Version `<y>.z`), not the
 * trackers of one release, so without a rule each one would be reported missing by every
 * z-release being prepared (OCPBUGS-60004 was reported for both 4.19.1 and 4.19.10). The rule:
 * a tracker belongs to the EARLIEST UNSHIPPED z-release of its y-stream — the release that ships
 * next must carry it.
 *
 * Unshipped: the release's first advisory (rpm preferred) in ocp-build-data is not SHIPPED_LIVE.
 * Releases before this one are read newest first; as releases ship in order, the first shipped
 * one ends the search. A release without advisories, or whose advisory cannot be read, tells
 * nothing and is passed over (said in the log).
 */
import type { ConfigStore } from '../../release/configstore.ts';
import { userMessageOf } from '../errors.ts';
import type { CommandContext } from '../types.ts';

export interface TrackerAttribution {
  /** The release the y-stream's trackers are attributed to (this one or an earlier unshipped one). */
  owner: string;
  /** One sentence: the rule and what it found. */
  reason: string;
}

export const APPROXIMATE_NOTE =
  'Approximate: elliott is not installed, so the trackers come from a Jira search of the y-stream (label SecurityTracking, Target Version <y>.z) and are attributed to the earliest unshipped z-release of the y-stream, not to the release elliott would name.';

export async function attributeTrackers(ctx: CommandContext, cs: ConfigStore): Promise<TrackerAttribution> {
  const current = Number(cs.release.split('.')[2]);
  const earlier = cs.zReleases().filter((r) => Number(r.split('.')[2]) < current).reverse();
  let owner = cs.release;
  const errata = earlier.length ? await ctx.services.get('errata') : undefined;
  for (const r of earlier) {
    const ads = Object.entries(cs.sibling(r).advisories()).filter(([impetus]) => impetus !== 'microshift');
    const id = (ads.find(([impetus]) => impetus === 'rpm') ?? ads[0])?.[1];
    if (id === undefined) continue;
    let state: string;
    try {
      state = (await errata!.getErratum(id, ctx.signal)).state;
    } catch (e) {
      ctx.log.info(`cannot tell whether ${r} is shipped (advisory ${id}: ${userMessageOf(e)}), passing over it`);
      continue;
    }
    if (state === 'SHIPPED_LIVE') break;
    if (state === 'DROPPED_NO_SHIP') continue;
    owner = r;
  }
  const reason =
    owner === cs.release
      ? `${cs.release} is the earliest unshipped z-release of ${cs.ystream}: the y-stream's CVE trackers are attributed to it`
      : `${owner} is an earlier unshipped z-release of ${cs.ystream}: the y-stream's CVE trackers are attributed to it, not to ${cs.release}`;
  return { owner, reason };
}
