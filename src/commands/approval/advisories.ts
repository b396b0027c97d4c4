/**
 * The release's advisories as the approval commands see them (AdvisoryManager.get_advisories:
 * every ConfigStore advisory except impetus `microshift`, without those in DROPPED_NO_SHIP) and
 * the move to REL_PREP of oar-commands 11.11, split into a check that changes nothing and the
 * move itself, so a predictable refusal (an advisory still in NEW_FILES, a blocking security
 * alert) is found before anything is changed.
 */
import type { ErrataClient } from '../../integrations/errata/index.ts';
import { CommandError } from '../errors.ts';
import type { LineLog } from './log.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';

export const REL_PREP = 'REL_PREP';
/** States at or after REL_PREP: the advisory is already approved by QE. */
export const APPROVED_STATES: readonly string[] = ['REL_PREP', 'PUSH_READY', 'IN_PUSH', 'SHIPPED_LIVE'];

export interface ReleaseAdvisory {
  id: number;
  impetus: string;
  type: string;
  state: string;
  blockingAdvisories: number[];
}

/** Advisories the commands act on, in ConfigStore order (one erratum read each). */
export async function loadReleaseAdvisories(errata: ErrataClient, advisories: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<ReleaseAdvisory[]> {
  return (await errata.getReleaseErrata(advisories, signal))
    .filter(({ erratum }) => erratum.state !== 'DROPPED_NO_SHIP')
    .map(({ id, impetus, erratum: e }) => ({ id, impetus, type: e.type, state: e.state, blockingAdvisories: e.blockingAdvisories }));
}

export interface RelPrepCheck {
  /** In QE: will be moved. */
  toMove: ReleaseAdvisory[];
  /** Already REL_PREP or later: nothing to do. */
  done: ReleaseAdvisory[];
  /** Reasons the approval cannot go on (nothing is changed when there is any). */
  problems: string[];
}

/**
 * What a move to REL_PREP would do. An advisory before QE (NEW_FILES) is a problem: the
 * original skipped it with a warning and still reported Pass, so a release could be "approved"
 * with an advisory left behind. With `alerts`, RHSA advisories are checked for blocking security
 * alerts (refresh is a POST that only recomputes: safe to repeat); `alerts: 'read'` reads the
 * stored alerts without recomputing (for plans).
 */
export async function checkRelPrep(errata: ErrataClient, ads: readonly ReleaseAdvisory[], log: LineLog | undefined, opts: { alerts: 'refresh' | 'read' | 'skip' }): Promise<RelPrepCheck> {
  const toMove: ReleaseAdvisory[] = [];
  const done: ReleaseAdvisory[] = [];
  const problems: string[] = [];
  for (const ad of ads) {
    if (ad.state === 'QE') toMove.push(ad);
    else if (APPROVED_STATES.includes(ad.state)) {
      done.push(ad);
      log?.info(`advisory ${ad.id} is already in ${ad.state}, skip`);
    } else {
      // The original's wording was inverted ("from <target> to <current>"); this says it the right way round.
      log?.warn(`cannot change state of advisory ${ad.id} from ${ad.state} to ${REL_PREP}, skip`);
      problems.push(`advisory ${ad.id} (${ad.impetus}) is in ${ad.state}, not QE: it cannot be moved to ${REL_PREP}`);
    }
  }
  if (opts.alerts !== 'skip') {
    // One read per advisory, side by side (bounded); the lines are written in the advisories' order.
    const alerts = await mapLimit(toMove, SERVICE_CONCURRENCY, async (ad) => {
      if (opts.alerts === 'refresh') return errata.checkBlockingSecurityAlerts({ id: ad.id, type: ad.type });
      return { blocking: ad.type === 'RHSA' && (await errata.getSecurityAlerts(ad.id)).blocking === true, level: undefined, message: undefined };
    });
    toMove.forEach((ad, i) => {
      const check = alerts[i]!;
      if (check.message !== undefined) {
        if (check.level === 'warn') log?.warn(check.message);
        else log?.info(check.message);
      }
      if (check.blocking) problems.push(`advisory ${ad.id} has blocking secalerts, please contact prodsec team`);
    });
  }
  return { toMove, done, problems };
}

/** Refuse (CommandError, nothing changed) when the check found anything blocking the approval. */
export function assertApprovable(check: RelPrepCheck, log: LineLog): void {
  if (check.problems.length === 0) return;
  for (const p of check.problems) log.error(p);
  throw new CommandError(`change advisory status failed: ${check.problems.join('; ')}`);
}

/**
 * Move the advisories a passed check found in QE to REL_PREP. The moves do not depend on each
 * other except where Errata says so: an advisory blocked by another one that moves too waits for
 * that move (Errata refuses it before); the others move side by side (bounded). A failed move
 * stops the moves that were still to start (as the original's loop did) and is thrown once the
 * moves in flight have answered; every move that was made is logged.
 */
export async function applyRelPrep(errata: ErrataClient, check: RelPrepCheck, log: LineLog): Promise<ReleaseAdvisory[]> {
  const moved = new Set<number>();
  let pending = [...check.toMove];
  while (pending.length > 0) {
    const waiting = new Set(pending.map((a) => a.id));
    const ready = pending.filter((a) => !a.blockingAdvisories.some((b) => b !== a.id && waiting.has(b)));
    // A blocking cycle (Errata would refuse it anyway): the first in order goes, as the loop did.
    const wave = ready.length > 0 ? ready : [pending[0]!];
    const failures = new Map<number, unknown>();
    await mapLimit(wave, SERVICE_CONCURRENCY, async (ad) => {
      if (failures.size > 0) return;
      try {
        await errata.changeState(ad.id, REL_PREP, ad.state);
        moved.add(ad.id);
      } catch (e) {
        failures.set(ad.id, e);
      }
    });
    for (const ad of wave) if (moved.has(ad.id)) log.info(`advisory ${ad.id} state is updated to ${REL_PREP}`);
    // The failure of the first advisory in order, as the loop would have met it.
    const failed = wave.find((a) => failures.has(a.id));
    if (failed) throw failures.get(failed.id);
    pending = pending.filter((a) => !wave.includes(a));
  }
  return check.toMove.filter((a) => moved.has(a.id)).map((a) => ({ ...a, state: REL_PREP }));
}

/**
 * 11.11 as one step: check every advisory first (states, blocking security alerts), refuse
 * without changing anything when one blocks, then move those in QE to REL_PREP.
 */
export async function moveAdvisoriesToRelPrep(errata: ErrataClient, ads: readonly ReleaseAdvisory[], log: LineLog): Promise<{ moved: ReleaseAdvisory[]; alreadyDone: ReleaseAdvisory[] }> {
  const check = await checkRelPrep(errata, ads, log, { alerts: 'refresh' });
  assertApprovable(check, log);
  return { moved: await applyRelPrep(errata, check, log), alreadyDone: check.done };
}
