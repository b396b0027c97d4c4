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

/** The guard for every advisory, in order. Throws (CommandError / BrewError) when a kernel cannot be verified. */
export async function checkKernelTags(
  deps: { errata: ErrataClient; brew: () => Promise<BrewClient> },
  ads: readonly { id: number; impetus: string }[],
  log?: LineLog,
  signal?: AbortSignal,
): Promise<KernelCheck[]> {
  const out: KernelCheck[] = [];
  for (const ad of ads) {
    const label = `advisory ${ad.id} (${ad.impetus})`;
    if (!RHCOS_IMPETUS.has(ad.impetus)) {
      log?.info(`${ad.impetus} advisory does not have RHCOS build, skip checking kernel tag`);
      out.push({ id: ad.id, impetus: ad.impetus, result: 'not-rhcos', line: `${label}: no RHCOS build, kernel tag not checked` });
      continue;
    }
    const builds = await deps.errata.getBuilds(ad.id, signal);
    const rhcosNvr = Object.values(builds).flat().find((nvr) => nvr.startsWith('rhcos-x86'));
    if (!rhcosNvr) {
      log?.warn('No RHCOS nvr found, skip kernel tag checking');
      out.push({ id: ad.id, impetus: ad.impetus, result: 'no-rhcos-build', line: `${label}: no RHCOS x86 build attached, kernel tag not checked` });
      continue;
    }
    const nvr = parseRhcosNvr(rhcosNvr);
    if (!nvr) throw new CommandError(`cannot check the kernel tag of ${label}: ${rhcosNvr} is not a name-version-release the guard understands`);
    const brew = await deps.brew();
    const kernelNvr = await brew.kernelOfBuild(nvr, signal);
    if (!kernelNvr) throw new CommandError(`cannot check the kernel tag of ${label}: ${brew.metadataUrl(nvr)} lists no kernel component`);
    const tags = await brew.listTags(kernelNvr, signal);
    if (tags.includes(KERNEL_STOP_SHIP_TAG)) {
      log?.info(`kernel tag ${KERNEL_STOP_SHIP_TAG} is detected`);
      out.push({ id: ad.id, impetus: ad.impetus, result: 'stop-ship', rhcosNvr, kernelNvr, line: `${label}: ${rhcosNvr} ships ${kernelNvr}, tagged ${KERNEL_STOP_SHIP_TAG}` });
    } else {
      log?.info(`kernel ${kernelNvr} of ${rhcosNvr} is not tagged ${KERNEL_STOP_SHIP_TAG}`);
      out.push({ id: ad.id, impetus: ad.impetus, result: 'clear', rhcosNvr, kernelNvr, line: `${label}: ${rhcosNvr} ships ${kernelNvr}, not tagged ${KERNEL_STOP_SHIP_TAG}` });
    }
  }
  return out;
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
