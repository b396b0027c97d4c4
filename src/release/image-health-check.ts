/**
 * Image health checks (10.5, 11.7): the catalog, Pyxis, Errata and the shipment MR read through
 * their clients, graded by the rules of image-health.ts.
 */
import { HttpClient, IntegrationError, type FetchLike } from '../integrations/http.ts';
import type { ErrataClient } from '../integrations/errata/client.ts';
import type { ShipmentMergeRequest } from '../integrations/gitlab/merge-request.ts';
import { parseStageAdvisoryImages, type AdvisoryImage } from '../integrations/gitlab/shipment-yaml.ts';
import type { CatalogClient, CatalogImage, PyxisClient, Vulnerability } from '../integrations/images.ts';
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
} from './image-health.ts';

const errText = (e: unknown) => (e instanceof IntegrationError ? e.userMessage : e instanceof Error ? e.message : String(e));

export interface HealthFailure {
  source: string;
  error: string;
}

export interface KonfluxImageHealth {
  data: ImageHealthData;
  /** The MR comment (Markdown). */
  summary: string;
  healthy: boolean;
  /** Advisories or images that could not be read (logged and skipped, as in the original). */
  failures: HealthFailure[];
  /** `Completed image health check. Scanned <n> images, found <m> unhealthy` */
  message: string;
}

export class StageReleaseNotCompletedError extends IntegrationError {
  constructor(detail: string) {
    super({ system: 'GitLab', operation: 'checking image health', userMessage: `Stage release pipeline is not completed yet (${detail})` });
    this.name = 'StageReleaseNotCompletedError';
  }
}

/**
 * Konflux image health: requires the stage release to have succeeded, reads every non-FBC shipment
 * file's stage advisory, grades every image with a digest in the stage catalog, and fetches the
 * vulnerabilities of the unhealthy ones.
 */
export async function checkKonfluxImageHealth(deps: { shipment: ShipmentMergeRequest; catalog: CatalogClient; fetch?: FetchLike; now?: Date }): Promise<KonfluxImageHealth> {
  const now = deps.now ?? new Date();
  const stage = await deps.shipment.isStageReleaseSuccess();
  if (!stage.success) throw new StageReleaseNotCompletedError(`status ${stage.status}`);
  const { urls, failures: fileFailures } = await deps.shipment.stageAdvisoryUrls();
  const failures: HealthFailure[] = fileFailures.map((f) => ({ source: f.path, error: f.error }));
  const http = new HttpClient({ system: 'Shipment advisory', baseUrl: 'https://invalid.example', ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const images: AdvisoryImage[] = [];
  for (const { url } of urls) {
    try {
      const text = await http.request<string>(`reading advisory ${url}`, { path: url, responseType: 'text', headers: { accept: 'application/yaml, text/plain, */*' } });
      images.push(...parseStageAdvisoryImages(text, url));
    } catch (e) {
      failures.push({ source: url, error: errText(e) });
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
      failures.push({ source: image.containerImage, error: errText(e) });
    }
    const grade = currentGrade(catalogImage?.grades ?? [], now);
    let vulnerabilities: Vulnerability[] = [];
    if (!isHealthyGrade(grade) && catalogImage?.vulnerabilitiesHref) {
      try {
        vulnerabilities = await deps.catalog.vulnerabilities(catalogImage.vulnerabilitiesHref);
      } catch (e) {
        failures.push({ source: `${image.containerImage} vulnerabilities`, error: errText(e) });
      }
    }
    graded.push({ component: image.component, architecture: image.architecture, pullSpec: image.containerImage, grade, vulnerabilities });
  }
  const data = summarizeImageHealth(graded);
  return {
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
 */
export async function checkErrataAdvisoryGrades(
  deps: { errata: ErrataClient; pyxis: PyxisClient; now?: Date; log?: (level: 'info' | 'warn', line: string) => void },
  advisories: readonly { id: number; impetus: string }[],
): Promise<UnhealthyAdvisory[]> {
  const now = deps.now ?? new Date();
  const out: UnhealthyAdvisory[] = [];
  for (const ad of advisories) {
    if (ad.impetus === 'rpm') {
      deps.log?.('info', `skipping RPM advisory - ${ad.id}, it has no container`);
      continue;
    }
    const grade = await deps.errata.getContainerGrade(ad.id);
    if (!grade) throw new IntegrationError({ system: 'Errata Tool', operation: `reading the grade of advisory ${ad.id}`, userMessage: `cannot find overall advisory grade - ${ad.id}` });
    if (isHealthyGrade(grade)) continue;
    const builds = await deps.errata.getBuilds(ad.id);
    const unhealthy = [];
    for (const nvr of Object.values(builds).flat()) unhealthy.push(...unhealthyBuildGrades(nvr, await deps.pyxis.imagesByNvr(nvr), now));
    out.push({ errata_id: ad.id, ad_grade: grade, unhealthy_builds: unhealthy });
  }
  return out;
}
