/**
 * Picks the StateBox backend (config/report.ts `stateboxChoice`): GitHub when GITHUB_TOKEN is set
 * (OAR_GITHUB_REPO @ OAR_STATEBOX_BRANCH), else the local directory (OAR_STATEBOX_DIR, default
 * <OAR_DATA_DIR>/statebox). In production (Slack tokens set) the local directory must be named
 * explicitly; otherwise StateBox is refused (MisconfiguredStateBoxBackend) rather than kept where
 * nobody else can see it.
 */
import { join } from 'node:path';
import type { Config } from '../../config/env.ts';
import { createGitHubClient, type GitHubClient } from '../../integrations/github.ts';
import type { FetchLike } from '../../integrations/http.ts';
import type { Logger } from '../../log.ts';
import { makeSecretMasker, secretValues } from '../../secrets.ts';
import { GitHubStateBoxBackend } from './github-backend.ts';
import { LocalStateBoxBackend } from './local-backend.ts';
import { MisconfiguredStateBoxBackend } from './misconfigured-backend.ts';
import { stateboxChoice } from '../../config/report.ts';
import type { StateBoxBackend } from './backend.ts';
import type { ReleaseMetadataInput } from './schema.ts';
import { StateBoxService, type StateBoxServiceOptions } from './service.ts';

export interface StateBoxServiceDeps {
  fetch?: FetchLike;
  logger?: Logger;
  /** Reuse an existing client (else one is built from the config). */
  github?: GitHubClient;
  metadataProvider?: (release: string) => Promise<ReleaseMetadataInput>;
  now?: () => Date;
  observer?: StateBoxServiceOptions['observer'];
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export function createStateBoxService(config: Config, deps: StateBoxServiceDeps = {}): StateBoxService {
  const choice = stateboxChoice(config);
  const backend: StateBoxBackend =
    choice.backend === 'github'
      ? new GitHubStateBoxBackend({
          client: deps.github ?? createGitHubClient(config, { fetch: deps.fetch, logger: deps.logger }),
          repo: config.OAR_GITHUB_REPO,
          branch: config.OAR_STATEBOX_BRANCH,
        })
      : choice.backend === 'local'
        ? new LocalStateBoxBackend({ dir: config.OAR_STATEBOX_DIR ?? join(config.OAR_DATA_DIR, 'statebox') })
        : new MisconfiguredStateBoxBackend(choice.problem ?? 'StateBox is not configured');
  if (backend.kind === 'misconfigured') deps.logger?.warn({ backend: backend.kind }, `StateBox: ${backend.description}`);
  else deps.logger?.info({ backend: backend.kind }, `StateBox: ${backend.description}`);
  return new StateBoxService({
    backend,
    metadataProvider: deps.metadataProvider,
    logger: deps.logger,
    now: deps.now,
    observer: deps.observer,
    maxAttempts: config.OAR_STATEBOX_MAX_ATTEMPTS,
    minRetryDelayMs: deps.minRetryDelayMs,
    maxRetryDelayMs: deps.maxRetryDelayMs,
    maskSecrets: makeSecretMasker(secretValues(config)),
  });
}
