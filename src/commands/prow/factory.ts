/**
 * ProwDeps from configuration: the credential check (GITHUB_TOKEN and APITOKEN are required,
 * a clear error instead of the original's exit 0), the integration clients from the command
 * services, and the optional parts (payload labels, channel notices, QE reports).
 */
import type { Config } from '../../config/env.ts';
import type { Services } from '../services.ts';
import type { Logger } from '../../log.ts';
import type { ReleasePayloadLabeler } from '../../integrations/kubernetes.ts';
import { ReleaseNotifier, type NoticeSlack } from '../notifier.ts';
import { describeError as errorText } from '../../describe-error.ts';
import type { QeReportSource } from '../../integrations/prow-artifacts.ts';
import type { ProwDeps, ProwGangway, ProwGitHub, ProwReleaseController } from './deps.ts';
import { ProwConfigError } from './streams.ts';
import type { TriggerStore } from './trigger-once.ts';

export type ProwConfig = Pick<Config, 'GITHUB_TOKEN' | 'APITOKEN' | 'OAR_GITHUB_REPO' | 'OAR_RECORD_BRANCH' | 'OAR_REGISTRY_BRANCH' | 'OAR_PROW_CHANNEL' | 'OAR_PROW_RETRY_ERROR' | 'KUBE_API_URL' | 'KUBE_TOKEN' | 'GCS_CRED_FILE' | 'GCS_API_URL'>;

/** "Missing required environment variables: GITHUB_TOKEN, APITOKEN" (agents.md 6.3), as an error. */
export function assertProwCredentials(config: Pick<Config, 'GITHUB_TOKEN' | 'APITOKEN'>, need: readonly ('GITHUB_TOKEN' | 'APITOKEN')[] = ['GITHUB_TOKEN', 'APITOKEN']): void {
  const missing = need.filter((name) => !config[name]);
  if (missing.length) throw new ProwConfigError(`Missing required environment variables: ${missing.join(', ')}`);
}

export interface ProwClients {
  github: ProwGitHub;
  prow: ProwGangway;
  releaseController: ProwReleaseController;
  labeler?: ReleasePayloadLabeler;
  slack?: NoticeSlack;
  qeReports?: QeReportSource;
}

/**
 * The clients of the command services; the optional ones are built here and left out (with a
 * log line) when their configuration is missing. A GCS_CRED_FILE that does not exist fails.
 */
export async function prowClientsFromServices(services: Services, config: ProwConfig, logger: Logger): Promise<ProwClients> {
  const [github, prow, releaseController] = await Promise.all([services.get('github'), services.get('prow'), services.get('releaseController')]);
  const clients: ProwClients = { github, prow, releaseController };
  const { kubernetesClientFromConfig } = await import('../../integrations/kubernetes.ts');
  const labeler = kubernetesClientFromConfig(config);
  if (labeler) clients.labeler = labeler;
  if (config.OAR_PROW_CHANNEL) {
    try {
      clients.slack = await services.get('slack');
    } catch (e) {
      logger.warn(`OAR_PROW_CHANNEL is set but Slack is not available (${errorText(e)}): verdicts are only logged`);
    }
  }
  const { gcsQeReportsFromConfig } = await import('../../integrations/gcs.ts');
  const qeReports = gcsQeReportsFromConfig(config);
  if (qeReports) clients.qeReports = qeReports;
  return clients;
}

export function buildProwDeps(
  config: Pick<ProwConfig, 'OAR_GITHUB_REPO' | 'OAR_RECORD_BRANCH' | 'OAR_REGISTRY_BRANCH' | 'OAR_PROW_CHANNEL'> & Partial<Pick<ProwConfig, 'OAR_PROW_RETRY_ERROR'>>,
  clients: ProwClients,
  ctx: {
    store: TriggerStore;
    logger: Logger;
    now?: () => Date;
    signal?: AbortSignal;
    /** Posts the verdicts (a command's notifier, or the gate job's with Block Kit); default: plain text through `clients.slack`. */
    notifier?: Pick<ReleaseNotifier, 'post'>;
  },
): ProwDeps {
  const slack = clients.slack;
  return {
    github: clients.github,
    prow: clients.prow,
    releaseController: clients.releaseController,
    store: ctx.store,
    repo: config.OAR_GITHUB_REPO,
    recordBranch: config.OAR_RECORD_BRANCH,
    registryBranch: config.OAR_REGISTRY_BRANCH,
    ...(clients.labeler ? { labeler: clients.labeler } : {}),
    ...(slack && config.OAR_PROW_CHANNEL ? { notices: { notifier: ctx.notifier ?? new ReleaseNotifier({ slack: async () => slack, warn: (m) => ctx.logger.warn(m) }), channel: config.OAR_PROW_CHANNEL } } : {}),
    ...(clients.qeReports ? { qeReports: clients.qeReports } : {}),
    ...(config.OAR_PROW_RETRY_ERROR ? { retryErrorRuns: true } : {}),
    logger: ctx.logger,
    now: ctx.now ?? (() => new Date()),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}
