import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig, SECRET_VARS, VARS } from '../../src/config/env.ts';
import { environmentReport, formatReport } from '../../src/config/report.ts';
import { createLogger, secretValues } from '../../src/log.ts';

describe('environment schema', () => {
  it('applies defaults and treats empty values as unset', () => {
    const c = loadConfig({ OAR_HTTP_PORT: '', JIRA_TOKEN: '  ' });
    expect(c.OAR_HTTP_PORT).toBe(8080);
    expect(c.JIRA_TOKEN).toBeUndefined();
    expect(c.OAR_STATEBOX_BRANCH).toBe('z-stream');
    expect(c.OAR_CRON_JIRA_NOTIFICATOR).toBe('0 */4 * * 1-5');
  });

  it('gives one clear message per invalid variable and never echoes secrets', () => {
    try {
      loadConfig({ OAR_HTTP_PORT: 'eighty', SLACK_API_URL: 'not a url', DATABASE_URL: ' ', OAR_MCP_TOKENS: '' , LOG_LEVEL: 'loud' });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/OAR_HTTP_PORT: invalid value "eighty"/);
      expect(problems.join('\n')).toMatch(/SLACK_API_URL: invalid value "not a url"/);
      expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    }
  });

  it('describes every variable and names a base-URL override for every external system', () => {
    for (const [name, def] of Object.entries(VARS)) expect(def.description.length, name).toBeGreaterThan(10);
    for (const v of ['SLACK_API_URL', 'JIRA_URL', 'ERRATA_URL', 'GITHUB_API_URL', 'GITHUB_RAW_URL', 'GITLAB_URL', 'JENKINS_URL', 'GANGWAY_URL', 'PROW_URL', 'RELEASE_CONTROLLER_URL', 'LDAP_URL', 'DATAWAREHOUSE_URL']) {
      expect(Object.keys(VARS)).toContain(v);
    }
    expect(SECRET_VARS).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'JIRA_TOKEN', 'GITHUB_TOKEN', 'OAR_JWK', 'DATABASE_URL']));
  });

  it('reports features on and off without printing values', () => {
    const c = loadConfig({ JIRA_TOKEN: 'jira-secret-1', SLACK_BOT_TOKEN: 'xoxb-secret' });
    const r = environmentReport(c);
    expect(r.valid).toBe(false);
    expect(r.missing_required).toEqual(['SLACK_APP_TOKEN', 'OAR_JWK', 'OAR_CONFIG_FILE']);
    expect(r.features.find((f) => f.feature === 'statebox-github')).toMatchObject({ enabled: false, detail: 'StateBox uses the local directory backend (./data/statebox)' });
    expect(r.statebox).toEqual({ backend: 'local', where: './data/statebox' });
    expect(r.misconfigured).toEqual([]);
    const text = formatReport(r).join('\n');
    expect(text).not.toContain('jira-secret-1');
    expect(text).not.toContain('xoxb-secret');
  });
});

describe('the StateBox backend is a stated choice', () => {
  const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
  it('GitHub with a token; a local directory without Slack (playground, single machine) or when named', () => {
    expect(environmentReport(loadConfig({ ...slack, GITHUB_TOKEN: 'ghp-1' })).statebox).toEqual({ backend: 'github', where: 'openshift/release-tests@z-stream' });
    expect(environmentReport(loadConfig({ OAR_DATA_DIR: '/var/oar' })).statebox).toEqual({ backend: 'local', where: '/var/oar/statebox' });
    const named = environmentReport(loadConfig({ ...slack, OAR_STATEBOX_DIR: '/srv/statebox' }));
    expect(named.statebox).toEqual({ backend: 'local', where: '/srv/statebox' });
    expect(named.misconfigured).toEqual([]);
  });

  it('production (Slack tokens) with neither GITHUB_TOKEN nor OAR_STATEBOX_DIR is misconfigured, in the report and the startup lines', () => {
    const r = environmentReport(loadConfig(slack));
    expect(r.statebox.backend).toBe('misconfigured');
    expect(r.misconfigured).toEqual([expect.stringMatching(/^StateBox is misconfigured: .*GITHUB_TOKEN.*OAR_STATEBOX_DIR/)]);
    expect(formatReport(r)).toContainEqual(expect.stringMatching(/^misconfigured: StateBox is misconfigured/));
    expect(r.features.find((f) => f.feature === 'statebox-github')).toMatchObject({ enabled: false, detail: 'StateBox is misconfigured (see below)' });
  });
});

describe('log redaction', () => {
  it('never writes any secret variable value, by key or by value', () => {
    const env: Record<string, string> = {};
    for (const name of SECRET_VARS) env[name] = `known-${name.toLowerCase()}-value`;
    env.DATABASE_URL = 'postgres://oar:pg-password-42@db:5432/oar';
    env.OAR_MCP_TOKENS = 'agent:critical:mcp-token-abcdef';
    const config = loadConfig(env);
    let out = '';
    const sink = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
    const log = createLogger({ level: 'info', secrets: secretValues(config), destination: sink });
    log.info({ token: 'raw-token', url: `https://x?t=${env.JIRA_TOKEN}`, nested: { msg: `bearer ${env.GITHUB_TOKEN}` } }, `posting with ${env.SLACK_BOT_TOKEN}`);
    log.error({ err: new Error(`failed with pg-password-42 and mcp-token-abcdef`) }, 'boom');
    for (const v of [...Object.values(env), 'raw-token', 'pg-password-42', 'mcp-token-abcdef']) expect(out).not.toContain(v);
    expect(out).toContain('[REDACTED]');
  });
});
