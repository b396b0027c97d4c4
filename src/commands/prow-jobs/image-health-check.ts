/**
 * Image health after a successful image consistency check (spec 10.5, 11.7, edge case 10):
 *
 * - Konflux: grade every image of the shipment's stage advisories in the stage catalog and post
 *   the Markdown summary on the shipment MR (once: an identical note is not posted again).
 *   The MR may already be merged or closed (defect 5): the check and the note still work on it.
 *   A stage release that has not succeeded yet means "not checkable yet", not unhealthy.
 * - Errata: the advisories' container grades; unhealthy advisories are posted to Slack.
 *
 * Only the clients the release's flow needs are built (an Errata release never builds GitLab).
 * The reads (shipment MR, stage advisories, catalog, Errata, Pyxis) are orchestrated here; the
 * grading rules are release/image-health.ts.
 */
import type { ErrataClient } from '../../integrations/errata/client.ts';
import type { ShipmentMergeRequest } from '../../integrations/gitlab/merge-request.ts';
import type { AdvisoryImage } from '../../integrations/gitlab/shipment-yaml.ts';
import type { CatalogClient, CatalogImage, PyxisClient, Vulnerability } from '../../integrations/images.ts';
import type { ConfigStore } from '../../release/configstore.ts';
import {
  currentGrade,
  imageDigest,
  imageHealthSummary,
  isHealthyGrade,
  summarizeImageHealth,
  unhealthyBuildGrades,
  type GradedImage,
  type ImageHealthData,
  type UnhealthyAdvisory,
} from '../../release/image-health.ts';
import { describeError } from '../../describe-error.ts';
import type { OutcomeLink, CommandContext } from '../types.ts';
import { CommandError, userMessageOf } from '../errors.ts';
import { DEFAULT_ERRATA_URL, notifyQeRelease, unhealthyAdvisoriesText } from './notify.ts';

export type HealthVerdict = 'healthy' | 'unhealthy' | 'pending';

export interface ImageHealthResult {
  verdict: HealthVerdict;
  /** One line for humans. */
  summary: string;
  lines: string[];
  /** Problems that did not decide the verdict (unreadable files, a note or Slack post that failed). */
  warnings: string[];
  links: OutcomeLink[];
  data: { flow: 'konflux'; health?: ImageHealthData; mergeRequest: { iid: number; state: string; url: string } } | { flow: 'errata'; unhealthy: UnhealthyAdvisory[] };
}

export async function checkReleaseImageHealth(ctx: CommandContext, cs: ConfigStore): Promise<ImageHealthResult> {
  return cs.flow() === 'konflux' ? konfluxHealth(ctx, cs) : errataHealth(ctx, cs);
}

async function konfluxHealth(ctx: CommandContext, cs: ConfigStore): Promise<ImageHealthResult> {
  const gitlab = await ctx.services.get('gitlab');
  const shipment = await gitlab.openShipmentMergeRequest(cs.shipmentMr(), { requireOpen: false });
  const mergeRequest = { iid: shipment.iid, state: shipment.state, url: shipment.url };
  const links = [{ label: `Shipment MR !${shipment.iid}`, url: shipment.url }];
  if (!shipment.isOpen) ctx.log.info(`Shipment MR ${shipment.iid} is ${shipment.state}; checking image health on it anyway`);
  const catalog = await ctx.services.get('catalogStage');
  const health = await checkKonfluxImageHealth({ shipment, catalog, now: ctx.now() });
  if (health.status === 'pending') {
    ctx.log.warn(health.reason);
    return {
      verdict: 'pending',
      summary: `Image health cannot be checked yet: ${health.reason}`,
      lines: [health.reason],
      warnings: [],
      links,
      data: { flow: 'konflux', mergeRequest },
    };
  }
  const warnings: string[] = [];
  for (const f of health.failures) {
    const w = `image health: ${f.source}: ${f.error}`;
    ctx.log.warn(w);
    warnings.push(w);
  }
  ctx.log.info(health.message);
  try {
    const note = await shipment.addNoteOnce(health.summary);
    ctx.log.info(note.created ? `Image health summary posted on shipment MR ${shipment.iid}` : `Image health summary already on shipment MR ${shipment.iid}, not posted again`);
  } catch (e) {
    // The verdict stands without the note (the original only logged this).
    const w = `Failed to add image health comment to MR ${shipment.iid}: ${userMessageOf(e)}`;
    ctx.log.warn(w);
    warnings.push(w);
  }
  const d = health.data;
  return {
    verdict: health.healthy ? 'healthy' : 'unhealthy',
    summary: `Images scanned: ${d.total_scanned}, unhealthy: ${d.unhealthy_count}, health info missed: ${d.unknown_count}`,
    lines: d.unhealthy_components.map((c) => `${c.name} (grade ${c.grade}, arch ${c.architecture}) - ${c.pull_spec}`),
    warnings,
    links,
    data: { flow: 'konflux', health: d, mergeRequest },
  };
}

async function errataHealth(ctx: CommandContext, cs: ConfigStore): Promise<ImageHealthResult> {
  const errata = await ctx.services.get('errata');
  const pyxis = await ctx.services.get('pyxis');
  const advisories = await errata.getReleaseAdvisories(cs.advisories(), ctx.signal);
  const unhealthy = await checkErrataAdvisoryGrades(
    { errata, pyxis, now: ctx.now(), log: (level, line) => (level === 'warn' ? ctx.log.warn(line) : ctx.log.info(line)) },
    advisories.map((a) => ({ id: a.id, impetus: a.impetus ?? '', builds: a.builds })),
  );
  const errataUrl = ctx.config.ERRATA_URL ?? DEFAULT_ERRATA_URL;
  const links = advisories.map((a) => ({ label: `Advisory ${a.id}`, url: `${errataUrl.replace(/\/+$/, '')}/advisory/${a.id}` }));
  if (unhealthy.length === 0) {
    ctx.log.info(`All ${advisories.length} advisories have healthy container grades`);
    return { verdict: 'healthy', summary: 'All advisories have healthy container grades', lines: [], warnings: [], links, data: { flow: 'errata', unhealthy } };
  }
  const lines: string[] = [];
  for (const ad of unhealthy) {
    const line = `Advisory ${ad.errata_id} has grade ${ad.ad_grade} with ${ad.unhealthy_builds.length} unhealthy builds`;
    ctx.log.info(line);
    lines.push(line, ...ad.unhealthy_builds.map((b) => `  ${b.nvr} build for architecture ${b.arch} has grade ${b.grade}`));
  }
  const warnings: string[] = [];
  const notice = await notifyQeRelease(ctx, cs, (lead) => unhealthyAdvisoriesText(lead, unhealthy, errataUrl));
  if (notice) warnings.push(notice);
  return { verdict: 'unhealthy', summary: `Found ${unhealthy.length} unhealthy advisories`, lines, warnings, links, data: { flow: 'errata', unhealthy } };
}

export interface HealthFailure {
  source: string;
  error: string;
}

export interface KonfluxImageHealth {
  status: 'graded';
  data: ImageHealthData;
  /** The MR comment (Markdown). */
  summary: string;
  healthy: boolean;
  /** Advisories or images that could not be read (logged and skipped, as in the original). */
  failures: HealthFailure[];
  /** `Completed image health check. Scanned <n> images, found <m> unhealthy` */
  message: string;
}

/** The stage release has not succeeded yet: nothing is graded, the check is not possible yet (not a failure). */
export interface KonfluxImageHealthPending {
  status: 'pending';
  /** `Stage release pipeline is not completed yet (status <status>)` */
  reason: string;
}

/**
 * Konflux image health: requires the stage release to have succeeded (else `pending`), reads every
 * non-FBC shipment file's stage advisory, grades every image with a digest in the stage catalog,
 * and fetches the vulnerabilities of the unhealthy ones.
 */
export async function checkKonfluxImageHealth(deps: { shipment: ShipmentMergeRequest; catalog: CatalogClient; now?: Date }): Promise<KonfluxImageHealth | KonfluxImageHealthPending> {
  const now = deps.now ?? new Date();
  const stage = await deps.shipment.isStageReleaseSuccess();
  if (!stage.success) return { status: 'pending', reason: `Stage release pipeline is not completed yet (status ${stage.status})` };
  const { urls, failures: fileFailures } = await deps.shipment.stageAdvisoryUrls();
  const failures: HealthFailure[] = fileFailures.map((f) => ({ source: f.path, error: f.error }));
  const images: AdvisoryImage[] = [];
  for (const { url } of urls) {
    try {
      images.push(...(await deps.shipment.stageAdvisoryImages(url)));
    } catch (e) {
      failures.push({ source: url, error: describeError(e) });
    }
  }
  const graded: GradedImage[] = [];
  for (const image of images) {
    const digest = imageDigest(image.containerImage);
    if (!digest) {
      failures.push({ source: image.containerImage, error: 'no @sha256: digest in the pull spec' });
      continue;
    }
    let catalogImage: CatalogImage | undefined;
    try {
      catalogImage = await deps.catalog.imageByDigest(`sha256:${digest}`);
    } catch (e) {
      failures.push({ source: image.containerImage, error: describeError(e) });
    }
    const grade = currentGrade(catalogImage?.grades ?? [], now);
    let vulnerabilities: Vulnerability[] = [];
    if (!isHealthyGrade(grade) && catalogImage?.vulnerabilitiesHref) {
      try {
        vulnerabilities = await deps.catalog.vulnerabilities(catalogImage.vulnerabilitiesHref);
      } catch (e) {
        failures.push({ source: `${image.containerImage} vulnerabilities`, error: describeError(e) });
      }
    }
    graded.push({ component: image.component, architecture: image.architecture, pullSpec: image.containerImage, grade, vulnerabilities });
  }
  const data = summarizeImageHealth(graded);
  return {
    status: 'graded',
    data,
    summary: imageHealthSummary(data),
    healthy: data.unhealthy_count === 0,
    failures,
    message: `Completed image health check. Scanned ${data.total_scanned} images, found ${data.unhealthy_count} unhealthy`,
  };
}

/**
 * Errata-flow grades (11.7 "Errata"): per non-RPM advisory the overall container grade; for those
 * not A/B, the unhealthy builds per architecture from Pyxis. Returns the unhealthy advisories.
 * The advisories come with their builds (getReleaseAdvisories read them already).
 */
export async function checkErrataAdvisoryGrades(
  deps: { errata: Pick<ErrataClient, 'getContainerGrade'>; pyxis: PyxisClient; now?: Date; log?: (level: 'info' | 'warn', line: string) => void },
  advisories: readonly { id: number; impetus: string; builds: Readonly<Record<string, readonly string[]>> }[],
): Promise<UnhealthyAdvisory[]> {
  const now = deps.now ?? new Date();
  const out: UnhealthyAdvisory[] = [];
  for (const ad of advisories) {
    if (ad.impetus === 'rpm') {
      deps.log?.('info', `skipping RPM advisory - ${ad.id}, it has no container`);
      continue;
    }
    const grade = await deps.errata.getContainerGrade(ad.id);
    // The page was read; it names no grade. Not an Errata failure: the advisory cannot be graded.
    if (!grade) throw new CommandError(`cannot find overall advisory grade - ${ad.id}`);
    if (isHealthyGrade(grade)) continue;
    const unhealthy = [];
    for (const nvr of Object.values(ad.builds).flat()) unhealthy.push(...unhealthyBuildGrades(nvr, await deps.pyxis.imagesByNvr(nvr), now));
    out.push({ errata_id: ad.id, ad_grade: grade, unhealthy_builds: unhealthy });
  }
  return out;
}
