/**
 * What the controller, the trigger and the aggregator need: the clients (as narrow slices, so
 * tests can wrap them), the operational store for the exactly-once markers, and where the
 * files live. Built from configuration by `prowDepsFromConfig` (factory.ts).
 */
import type { GitHubClient } from '../../integrations/github.ts';
import type { ProwClient } from '../../integrations/prow.ts';
import type { ReleaseControllerClient } from '../../integrations/release-controller.ts';
import type { ReleasePayloadLabeler } from '../../integrations/kubernetes.ts';
import type { Logger } from '../../log.ts';
import type { ReleaseNotifier } from '../notifier.ts';
import type { TriggerStore } from './trigger-once.ts';
import type { QeReportSource } from '../../integrations/prow-artifacts.ts';

export type ProwGitHub = Pick<GitHubClient, 'getFile' | 'putFile' | 'deleteFile' | 'listTree' | 'readFiles' | 'webUrl'>;
export type ProwGangway = Pick<ProwClient, 'triggerJob' | 'getJob'>;
export type ProwReleaseController = Pick<ReleaseControllerClient, 'latest' | 'release' | 'tags'>;

export interface ProwDeps {
  github: ProwGitHub;
  prow: ProwGangway;
  releaseController: ProwReleaseController;
  store: TriggerStore;
  /** Repository of registries and records (OAR_GITHUB_REPO). */
  repo: string;
  /** OAR_RECORD_BRANCH */
  recordBranch: string;
  /** OAR_REGISTRY_BRANCH */
  registryBranch: string;
  /** Labels accepted release payloads; undefined: KUBE_API_URL is not configured (logged). */
  labeler?: ReleasePayloadLabeler;
  /**
   * Acceptance notices, posted through the one ReleaseNotifier (its renderer, wired by the
   * composer, draws the verdict); undefined: OAR_PROW_CHANNEL or Slack is not configured (logged).
   */
  notices?: { notifier: Pick<ReleaseNotifier, 'post'>; channel: string };
  /** QE test reports of completed runs (GCS); undefined: not configured. */
  qeReports?: QeReportSource;
  /** OAR_PROW_RETRY_ERROR: retry a required job whose first run ended in Prow `error` (default: reject, as the original). */
  retryErrorRuns?: boolean;
  logger: Logger;
  now: () => Date;
  signal?: AbortSignal;
}
