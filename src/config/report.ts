/**
 * What is configured, what is missing, which features are therefore off.
 * The equivalent of the original's check_env.sh and the `environment` block of its /health.
 */
import { VARS, type Config, type VarName } from './env.ts';

export interface FeatureState {
  feature: string;
  enabled: boolean;
  /** Why it is on/off, in one sentence. */
  detail: string;
  missing: VarName[];
}

/** Where StateBox lives, as configured (a stated choice, never a silent fallback in production). */
export interface StateBoxChoice {
  backend: 'github' | 'local' | 'misconfigured';
  /** `owner/repo@branch`, or the local directory. */
  where: string;
  /** Set when backend is `misconfigured`: what is wrong and how to fix it. */
  problem?: string;
}

/** Production = Slack tokens set: the team sees what the bot announces. */
export function isProduction(config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN'>): boolean {
  return Boolean(config.SLACK_BOT_TOKEN && config.SLACK_APP_TOKEN);
}

/**
 * GITHUB_TOKEN → GitHub. Without it a local directory, which in production must be named
 * explicitly (OAR_STATEBOX_DIR): a StateBox only this machine can read, announced to the team as
 * if everyone could see it, is the failure this rule prevents.
 */
export function stateboxChoice(config: Pick<Config, 'GITHUB_TOKEN' | 'OAR_GITHUB_REPO' | 'OAR_STATEBOX_BRANCH' | 'OAR_STATEBOX_DIR' | 'OAR_DATA_DIR' | 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN'>): StateBoxChoice {
  if (config.GITHUB_TOKEN) return { backend: 'github', where: `${config.OAR_GITHUB_REPO}@${config.OAR_STATEBOX_BRANCH}` };
  if (config.OAR_STATEBOX_DIR) return { backend: 'local', where: config.OAR_STATEBOX_DIR };
  const dflt = `${config.OAR_DATA_DIR.replace(/\/+$/, '')}/statebox`;
  if (!isProduction(config)) return { backend: 'local', where: dflt };
  return {
    backend: 'misconfigured',
    where: dflt,
    problem:
      'StateBox is misconfigured: Slack is configured (production) but GITHUB_TOKEN is not set and OAR_STATEBOX_DIR is not set explicitly, so release progress would be kept in a local directory nobody else can see. Set GITHUB_TOKEN (StateBox on GitHub) or OAR_STATEBOX_DIR (a local StateBox, by choice); until then StateBox writes are refused.',
  };
}

export interface EnvironmentReport {
  valid: boolean;
  /** The StateBox backend and where it is. */
  statebox: StateBoxChoice;
  /** Configuration that is set but contradictory; each degrades /health. */
  misconfigured: string[];
  /** Variables a configured production deployment must have. */
  missing_required: VarName[];
  missing_optional: VarName[];
  features: FeatureState[];
}

/** Required for a production bot; each missing one degrades /health. */
export const REQUIRED_FOR_PRODUCTION: readonly VarName[] = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'OAR_JWK', 'OAR_CONFIG_FILE'];

const FEATURE_RULES: { feature: string; needs: VarName[]; on: string; off: string }[] = [
  { feature: 'slack', needs: ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'], on: 'Slack Socket Mode front end', off: 'no Slack front end (playground or headless)' },
  { feature: 'configstore', needs: ['OAR_JWK', 'OAR_CONFIG_FILE'], on: 'ConfigStore decrypts the release configuration', off: 'per-release commands that need ConfigStore refuse to run (release-status still works)' },
  { feature: 'jira', needs: ['JIRA_TOKEN'], on: 'Jira client', off: 'Jira operations fail with a configuration error' },
  { feature: 'gitlab', needs: ['GITLAB_TOKEN'], on: 'GitLab shipment MR operations (Konflux flow)', off: 'Konflux-flow commands fail with a configuration error' },
  { feature: 'jenkins', needs: ['JENKINS_USER', 'JENKINS_TOKEN'], on: 'Jenkins stage testing', off: 'stage-testing fails with a configuration error' },
  { feature: 'prow', needs: ['APITOKEN'], on: 'Prow job triggers through Gangway', off: 'Prow triggers fail with a configuration error' },
  { feature: 'postgres', needs: ['DATABASE_URL'], on: 'operational store on PostgreSQL (replicas may share it)', off: 'operational store on embedded SQLite' },
  { feature: 'cki-notifier', needs: ['RABBITMQ_HOST', 'DATAWAREHOUSE_URL'], on: 'CKI notifier consumes RabbitMQ', off: 'CKI notifier not started' },
  { feature: 'mcp-auth', needs: ['OAR_MCP_TOKENS'], on: 'MCP clients authenticated by bearer token', off: 'MCP clients get the read role only' },
];

/** The feature a variable belongs to, with every variable it needs and what it does (for "set X" hints). */
export function featureNeeding(name: string): { feature: string; needs: VarName[]; does: string } | undefined {
  const rule = FEATURE_RULES.find((r) => (r.needs as string[]).includes(name));
  return rule ? { feature: rule.feature, needs: rule.needs, does: rule.on } : undefined;
}

export interface ReportOptions {
  /** The services are the playground's simulated ones on 127.0.0.1 (the report says so). */
  simulated?: boolean;
}

/** Features whose service the playground simulates (Slack, ConfigStore, integrations); not the store or MCP auth. */
const SIMULATED_FEATURES = new Set(['slack', 'configstore', 'jira', 'statebox-github', 'gitlab', 'jenkins', 'prow']);

export function environmentReport(config: Config, opts: ReportOptions = {}): EnvironmentReport {
  const isSet = (v: VarName) => {
    const value = config[v] as unknown;
    return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
  };
  const missing_required = REQUIRED_FOR_PRODUCTION.filter((v) => !isSet(v));
  const optional = ['GITHUB_TOKEN', 'JIRA_TOKEN', 'GITLAB_TOKEN', 'JENKINS_USER', 'JENKINS_TOKEN', 'APITOKEN'] as VarName[];
  const missing_optional = optional.filter((v) => !isSet(v));
  const features = FEATURE_RULES.map((r) => {
    const missing = r.needs.filter((v) => !isSet(v));
    const simulated = opts.simulated && missing.length === 0 && SIMULATED_FEATURES.has(r.feature);
    return { feature: r.feature, enabled: missing.length === 0, detail: missing.length === 0 ? (simulated ? `${r.on} (simulated on 127.0.0.1)` : r.on) : r.off, missing };
  });
  const statebox = stateboxChoice(config);
  features.splice(3, 0, {
    feature: 'statebox-github',
    enabled: statebox.backend === 'github',
    detail: statebox.backend === 'github' ? `StateBox on GitHub (${opts.simulated ? 'simulated on 127.0.0.1: ' : ''}${statebox.where})` : statebox.backend === 'local' ? `StateBox uses the local directory backend (${statebox.where})` : 'StateBox is misconfigured (see below)',
    missing: statebox.backend === 'github' ? [] : ['GITHUB_TOKEN'],
  });
  const misconfigured = statebox.problem ? [statebox.problem] : [];
  return { valid: missing_required.length === 0, statebox, misconfigured, missing_required, missing_optional, features };
}

/** Human-readable lines for the startup log / terminal. Never prints values. */
export function formatReport(report: EnvironmentReport): string[] {
  const lines = report.features.map(
    (f) => `${f.enabled ? 'on ' : 'off'}  ${f.feature.padEnd(16)} ${f.detail}${f.missing.length ? ` (missing ${f.missing.join(', ')})` : ''}`,
  );
  if (report.missing_required.length) lines.push(`missing required for production: ${report.missing_required.join(', ')}`);
  for (const m of report.misconfigured) lines.push(`misconfigured: ${m}`);
  return lines;
}

export function describeVar(name: VarName): string {
  return VARS[name].description;
}
