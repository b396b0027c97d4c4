/**
 * The kernel stop-ship guard of change-advisory-status (oar-commands 6.8 step 3, 11.10): an RHCOS
 * build whose kernel carries the Brew tag `early-kernel-stop-ship` is under embargo, and the
 * release must not be approved.
 *
 * Per advisory of impetus `image` or `rhcos`: the first build NVR starting with `rhcos-x86` →
 * brewroot metadata.json of that build → the `kernel` component's NVR → koji listTags of it.
 *
 * Fixed: the original's lookup failures (an NVR it cannot parse, metadata without a kernel, Brew
 * not answering) were unhandled exceptions; here each is a clear refusal (the guard fails closed:
 * an unverified kernel does not ship).
 */
import { KERNEL_STOP_SHIP_TAG, parseRhcosNvr, type BrewClient } from '../../integrations/brew.ts';
import type { ErrataClient } from '../../integrations/errata/index.ts';
import { CommandError } from '../errors.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';
import type { LineLog } from './log.ts';

export const KERNEL_STOP_SHIP_MESSAGE = `kernel tag ${KERNEL_STOP_SHIP_TAG} is found, stop moving advisory status, please check.`;
const RHCOS_IMPETUS = new Set(['image', 'rhcos']);

export type KernelCheckResult = 'not-rhcos' | 'no-rhcos-build' | 'clear' | 'stop-ship';

export interface KernelCheck {
  id: number;
  impetus: string;
  result: KernelCheckResult;
  rhcosNvr?: string;
  kernelNvr?: string;
  /** One line for plans and results. */
  line: string;
}

type GuardDeps = { errata: ErrataClient; brew: () => Promise<BrewClient> };
type Advisory = { id: number; impetus: string };

/** One advisory's guard, its lines kept (the caller writes them in the advisories' order). */
async function checkOne(deps: GuardDeps, ad: Advisory, log: LineLog, signal?: AbortSignal): Promise<KernelCheck> {
  const label = `advisory ${ad.id} (${ad.impetus})`;
  if (!RHCOS_IMPETUS.has(ad.impetus)) {
    log.info(`${ad.impetus} advisory does not have RHCOS build, skip checking kernel tag`);
    return { id: ad.id, impetus: ad.impetus, result: 'not-rhcos', line: `${label}: no RHCOS build, kernel tag not checked` };
  }
  const builds = await deps.errata.getBuilds(ad.id, signal);
  const rhcosNvr = Object.values(builds).flat().find((nvr) => nvr.startsWith('rhcos-x86'));
  if (!rhcosNvr) {
    log.warn('No RHCOS nvr found, skip kernel tag checking');
    return { id: ad.id, impetus: ad.impetus, result: 'no-rhcos-build', line: `${label}: no RHCOS x86 build attached, kernel tag not checked` };
  }
  const nvr = parseRhcosNvr(rhcosNvr);
  if (!nvr) throw new CommandError(`cannot check the kernel tag of ${label}: ${rhcosNvr} is not a name-version-release the guard understands`);
  const brew = await deps.brew();
  // The tags are listed after the metadata read: load what listing them needs while it is in flight.
  brew.prepareListTags();
  const kernelNvr = await brew.kernelOfBuild(nvr, signal);
  if (!kernelNvr) throw new CommandError(`cannot check the kernel tag of ${label}: ${brew.metadataUrl(nvr)} lists no kernel component`);
  const tags = await brew.listTags(kernelNvr, signal);
  if (tags.includes(KERNEL_STOP_SHIP_TAG)) {
    log.info(`kernel tag ${KERNEL_STOP_SHIP_TAG} is detected`);
    return { id: ad.id, impetus: ad.impetus, result: 'stop-ship', rhcosNvr, kernelNvr, line: `${label}: ${rhcosNvr} ships ${kernelNvr}, tagged ${KERNEL_STOP_SHIP_TAG}` };
  }
  log.info(`kernel ${kernelNvr} of ${rhcosNvr} is not tagged ${KERNEL_STOP_SHIP_TAG}`);
  return { id: ad.id, impetus: ad.impetus, result: 'clear', rhcosNvr, kernelNvr, line: `${label}: ${rhcosNvr} ships ${kernelNvr}, not tagged ${KERNEL_STOP_SHIP_TAG}` };
}

/** Guards started by startKernelChecks, settled, with their kept lines. */
export type StartedKernelChecks = Promise<{ ad: Advisory; lines: { level: keyof LineLog; message: string }[]; outcome: { ok: true; check: KernelCheck } | { ok: false; error: unknown } }[]>;

/**
 * Start the guard of each advisory now, side by side (bounded): each is a chain of its own
 * (builds → RHCOS metadata → kernel tags) and needs only the advisory's id and impetus, so it can
 * run alongside the reads that decide which advisories count. Nothing is logged or thrown yet:
 * collectKernelChecks does both, for the advisories that count, in their order.
 */
export function startKernelChecks(deps: GuardDeps, ads: readonly Advisory[], signal?: AbortSignal): StartedKernelChecks {
  const started = mapLimit(ads, SERVICE_CONCURRENCY, async (ad) => {
    const lines: { level: keyof LineLog; message: string }[] = [];
    const log: LineLog = {
      info: (message) => void lines.push({ level: 'info', message }),
      warn: (message) => void lines.push({ level: 'warn', message }),
      error: (message) => void lines.push({ level: 'error', message }),
    };
    try {
      return { ad, lines, outcome: { ok: true as const, check: await checkOne(deps, ad, log, signal) } };
    } catch (error) {
      return { ad, lines, outcome: { ok: false as const, error } };
    }
  });
  return started;
}

/**
 * The checks of `ads` (each must have been started) in their order, their lines written into `log`
 * as a check in turn would have written them; the first failure in that order is thrown. Checks
 * of advisories not in `ads` (one found DROPPED_NO_SHIP meanwhile) are ignored, failures included.
 */
export async function collectKernelChecks(started: StartedKernelChecks, ads: readonly Advisory[], log?: LineLog): Promise<KernelCheck[]> {
  const settled = await started;
  const out: KernelCheck[] = [];
  for (const ad of ads) {
    const s = settled.find((x) => x.ad.id === ad.id && x.ad.impetus === ad.impetus);
    if (!s) throw new Error(`the kernel guard of advisory ${ad.id} (${ad.impetus}) was not started`);
    if (log) for (const l of s.lines) log[l.level](l.message);
    if (!s.outcome.ok) throw s.outcome.error;
    out.push(s.outcome.check);
  }
  return out;
}

/** The guard for every advisory (side by side), in order. Throws (CommandError / BrewError) when a kernel cannot be verified. */
export async function checkKernelTags(deps: GuardDeps, ads: readonly Advisory[], log?: LineLog, signal?: AbortSignal): Promise<KernelCheck[]> {
  return collectKernelChecks(startKernelChecks(deps, ads, signal), ads, log);
}

export function stopShipHits(checks: readonly KernelCheck[]): KernelCheck[] {
  return checks.filter((c) => c.result === 'stop-ship');
}

/** The StateBox blocker text for the hits (one blocker for the task, listing every kernel). */
export function stopShipIssueText(hits: readonly KernelCheck[]): string {
  return `Kernel tag ${KERNEL_STOP_SHIP_TAG} is found: ${hits.map((h) => `${h.kernelNvr} in ${h.rhcosNvr} (advisory ${h.id})`).join('; ')}. Advisories are not moved to REL_PREP until the tag is removed.`;
}

/** The refusal: the original's sentence first, then what was found. */
export function stopShipRefusal(hits: readonly KernelCheck[]): string {
  return `${KERNEL_STOP_SHIP_MESSAGE} ${hits.map((h) => h.line).join('; ')}`;
}
