/**
 * Every integration client by name (IntegrationMap, the bulk of the commands' ServiceMap), and
 * the factories that build them from configuration. Clients whose base URL lives in the
 * ConfigStore (jira_server, gitlab_url, jenkins_server, release_url, signature_url) read it only
 * when env has no override, and only when the command actually asks for that client.
 */
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { CallObserver, FetchLike } from './http.ts';
import { jiraClientFromConfig, type JiraClient } from './jira.ts';
import { ErrataClient } from './errata/index.ts';
import type { GitLabClient } from './gitlab/index.ts';
import { JenkinsClient } from './jenkins.ts';
import { ProwClient } from './prow.ts';
import { ReleaseControllerClient, type MetadataCheck } from './release-controller.ts';
import { payloadMetadataCheckFromConfig } from './payload-metadata.ts';
import { CatalogClient, PyxisClient, RegistryClient, SignatureClient } from './images.ts';
import { slackNotifierFromConfig, type SlackNotifier } from './slack-notify.ts';
import { ldapDirectoryFromConfig, type LdapDirectory } from './ldap.ts';
import { createGitHubClient, type GitHubClient } from './github.ts';
import { errataAuthFromConfig } from './errata/auth.ts';
import { BrewClient } from './brew.ts';
import { ElliottRunner } from './elliott.ts';

export interface IntegrationMap {
  jira: JiraClient;
  errata: ErrataClient;
  gitlab: GitLabClient;
  jenkins: JenkinsClient;
  prow: ProwClient;
  releaseController: ReleaseControllerClient;
  payloadMetadata: (release: string) => Promise<MetadataCheck>;
  registry: RegistryClient;
  signatures: SignatureClient;
  pyxis: PyxisClient;
  catalogStage: CatalogClient;
  catalogProd: CatalogClient;
  slack: SlackNotifier;
  ldap: LdapDirectory;
  github: GitHubClient;
  brew: BrewClient;
  /** null: elliott is not installed (OAR_ELLIOTT_BIN unset and no elliott on PATH). */
  elliott: ElliottRunner | null;
}

/** The base URLs a release's ConfigStore keeps (release/configstore.ts ConfigStore has them). */
export interface ReleaseUrls {
  jiraServer(): string | undefined;
  gitlabUrl(): string | undefined;
  jenkinsServer(): string | undefined;
  releaseUrl(): string | undefined;
  signatureUrl(): string | undefined;
}

export type IntegrationFactories = { [K in keyof IntegrationMap]: () => IntegrationMap[K] | Promise<IntegrationMap[K]> };

export interface IntegrationDeps {
  config: Config;
  logger?: Logger;
  fetch?: FetchLike;
  observer?: CallObserver;
  /** The release's ConfigStore when the command has one (for URLs kept there). */
  configStore?: () => Promise<ReleaseUrls>;
  /** Replace individual clients (tests, playground). */
  overrides?: Partial<{ slack: SlackNotifier; ldap: LdapDirectory }>;
}

export function integrationFactories(deps: IntegrationDeps): IntegrationFactories {
  const { config, fetch, observer, logger } = deps;
  const common = { ...(fetch ? { fetch } : {}), ...(observer ? { observer } : {}) };
  /** A ConfigStore value, only when env does not override it and a ConfigStore exists. */
  const fromConfigStore = async (envValue: string | undefined, pick: (cs: ReleaseUrls) => string | undefined): Promise<string | undefined> => {
    if (envValue || !deps.configStore) return undefined;
    return pick(await deps.configStore());
  };
  const errataHost = () => new URL(config.ERRATA_URL ?? 'https://errata.devel.redhat.com').host;
  return {
    jira: async () => {
      const serverUrl = await fromConfigStore(config.JIRA_URL, (cs) => cs.jiraServer());
      return jiraClientFromConfig(config, { ...common, ...(logger ? { logger } : {}), ...(serverUrl ? { serverUrl } : {}) });
    },
    errata: () => ErrataClient.fromConfig(config, common),
    gitlab: async () => {
      const gitlabUrl = await fromConfigStore(config.GITLAB_URL, (cs) => cs.gitlabUrl());
      // @gitbeaker (~20 MB resident) loads with the first command that asks for GitLab (issue 22).
      const { GitLabClient } = await import('./gitlab/index.ts');
      return GitLabClient.fromConfig(config, { ...common, ...(logger ? { logger } : {}), ...(gitlabUrl ? { gitlabUrl } : {}) });
    },
    jenkins: async () => {
      const jenkinsUrl = await fromConfigStore(config.JENKINS_URL, (cs) => cs.jenkinsServer());
      return JenkinsClient.fromConfig(config, { ...common, ...(jenkinsUrl ? { jenkinsUrl } : {}) });
    },
    prow: () => ProwClient.fromConfig(config, common),
    releaseController: async () => {
      const releaseUrl = await fromConfigStore(config.RELEASE_CONTROLLER_URL, (cs) => cs.releaseUrl());
      return ReleaseControllerClient.fromConfig(config, { ...common, ...(releaseUrl ? { releaseUrl } : {}) });
    },
    registry: () => RegistryClient.fromConfig(config, common),
    payloadMetadata: async () => {
      const releaseUrl = await fromConfigStore(config.RELEASE_CONTROLLER_URL, (cs) => cs.releaseUrl());
      return payloadMetadataCheckFromConfig(config, { registry: RegistryClient.fromConfig(config, common), ...common, ...(releaseUrl ? { releaseUrl } : {}) });
    },
    signatures: async () => {
      const signatureUrl = await fromConfigStore(config.SIGNATURE_URL, (cs) => cs.signatureUrl());
      return SignatureClient.fromConfig(config, { ...common, ...(signatureUrl ? { signatureUrl } : {}) });
    },
    pyxis: () => PyxisClient.fromConfig(config, { ...common, auth: errataAuthFromConfig(config, errataHost()) }),
    catalogStage: () => CatalogClient.stageFromConfig(config, common),
    catalogProd: () => CatalogClient.prodFromConfig(config, common),
    slack: () => deps.overrides?.slack ?? slackNotifierFromConfig(config, { ...(fetch ? { fetch } : {}), ...(logger ? { logger } : {}) }),
    ldap: () => deps.overrides?.ldap ?? ldapDirectoryFromConfig(config, observer ? { observer } : {}),
    github: () => createGitHubClient(config, common),
    brew: () => BrewClient.fromConfig(config, common),
    elliott: () => ElliottRunner.fromConfig(config),
  };
}
