/**
 * Startup footprint (issue 22): the composer and everything it imports statically leave the MCP
 * SDK, the XML-RPC library, octokit, @gitbeaker, ldapts, pg and jose unloaded until first use
 * (/mcp or /health, a koji call, a GitHub call, a GitLab command, an LDAP search, DATABASE_URL
 * set, the first ConfigStore decryption), and never load Bolt's HTTP receivers (express) or the
 * terminal front end.
 * Checked in a fresh process, which lists every module it loaded while importing src/app.ts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encryptLocalConfig } from '../../src/release/configstore.ts';
import { DEMO_JWK, demoLocalConfig } from '../../src/sandbox/demo-config.ts';

const run = promisify(execFile);
const app = fileURLToPath(new URL('../../src/app.ts', import.meta.url));
const brew = fileURLToPath(new URL('../../src/integrations/brew.ts', import.meta.url));
const github = fileURLToPath(new URL('../../src/integrations/github.ts', import.meta.url));
const ldap = fileURLToPath(new URL('../../src/integrations/ldap.ts', import.meta.url));
const store = fileURLToPath(new URL('../../src/store/index.ts', import.meta.url));
const integrations = fileURLToPath(new URL('../../src/integrations/index.ts', import.meta.url));
const env = fileURLToPath(new URL('../../src/config/env.ts', import.meta.url));
const configstore = fileURLToPath(new URL('../../src/release/configstore.ts', import.meta.url));

/** Packages a SQLite bot that has served no command never needs. */
const ON_FIRST_USE = ['/node_modules/pg/', '/node_modules/octokit/', '/node_modules/@octokit/', '/node_modules/@gitbeaker/', '/node_modules/ldapts/', '/node_modules/jose/'];

/** What a Socket Mode bot never needs: Bolt's package index (it loads the Express and Lambda receivers), express, the terminal front end. */
const NEVER = ['/node_modules/@slack/bolt/dist/index.js', '/node_modules/@slack/bolt/dist/receivers/ExpressReceiver.js', '/node_modules/express/', '/src/cli/'];

async function modulesLoadedBy(script: string): Promise<string[]> {
  const hook = `
    import { registerHooks } from 'node:module';
    const seen = [];
    globalThis.modulesSeen = () => seen;
    registerHooks({ load(url, ctx, next) { seen.push(url); return next(url, ctx); } });
    process.on('exit', () => process.stdout.write(JSON.stringify(seen)));`;
  const { stdout } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, '--input-type=module', '-e', script], { timeout: 60_000 });
  return JSON.parse(stdout) as string[];
}

describe('modules loaded at startup', () => {
  it('importing the composer loads neither the MCP SDK, @foxglove/xmlrpc, pg, octokit, @gitbeaker nor ldapts', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`await import(${JSON.stringify(app)});`);
    expect(loaded.some((u) => u.endsWith('/src/app.ts'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/@modelcontextprotocol/'))).toEqual([]);
    expect(loaded.filter((u) => u.includes('/@foxglove/xmlrpc/'))).toEqual([]);
    expect(loaded.filter((u) => ON_FIRST_USE.some((p) => u.includes(p)))).toEqual([]);
    expect(loaded.filter((u) => NEVER.some((p) => u.includes(p)))).toEqual([]);
    // The guard can see Bolt: its App and Socket Mode receiver are loaded, from their own files.
    expect(loaded.some((u) => u.endsWith('/node_modules/@slack/bolt/dist/App.js'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('/node_modules/@slack/bolt/dist/receivers/SocketModeReceiver.js'))).toBe(true);
  });

  it('jose loads on the first ConfigStore decryption', { timeout: 60_000 }, async () => {
    const jwe = await encryptLocalConfig(demoLocalConfig({ buildDataTemplate: 'http://x/%s/releases.yml' }), DEMO_JWK);
    const loaded = await modulesLoadedBy(`
      const { ConfigStoreLoader } = await import(${JSON.stringify(configstore)});
      const { testConfig } = await import(${JSON.stringify(env)});
      const loader = new ConfigStoreLoader({ config: testConfig({ OAR_JWK: ${JSON.stringify(DEMO_JWK)} }), readConfigFile: async () => ${JSON.stringify(jwe)} });
      if (modulesSeen().some((u) => u.includes('/node_modules/jose/'))) throw new Error('jose loaded before the first decryption');
      if ((await loader.localConfig()).owners.default !== 'qe-lead@example.com') throw new Error('not decrypted');`);
    expect(loaded.some((u) => u.includes('/node_modules/jose/'))).toBe(true);
  });

  it('octokit loads on the first GitHub call that needs it (not for the contents API), ldapts on the first LDAP search', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`
      const { GitHubClient } = await import(${JSON.stringify(github)});
      const { LdaptsDirectory } = await import(${JSON.stringify(ldap)});
      await new GitHubClient({ apiUrl: 'http://127.0.0.1:1', retries: 0, timeoutMs: 2000 }).listTree('o/r', 'main').catch(() => undefined);
      await new LdaptsDirectory({ url: 'ldap://127.0.0.1:1', baseDn: 'dc=x', timeoutMs: 2000 }).findPersonByUid('u').catch(() => undefined);`);
    expect(loaded.some((u) => u.includes('/node_modules/octokit/'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/ldapts/'))).toBe(true);
  });

  it("StateBox's GitHub reads and writes (contents API) never load octokit", { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`
      const { GitHubClient } = await import(${JSON.stringify(github)});
      const gh = new GitHubClient({ apiUrl: 'http://127.0.0.1:1', retries: 0, timeoutMs: 2000 });
      await gh.getFile('o/r', 'main', 'f').catch(() => undefined);
      await gh.putFile({ repo: 'o/r', branch: 'main', path: 'f', text: 'x', message: 'm', sha: 'abc' }).catch(() => undefined);`);
    expect(loaded.some((u) => u.includes('/src/integrations/github.ts'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/node_modules/octokit/') || u.includes('/node_modules/@octokit/'))).toEqual([]);
  });

  it('@gitbeaker loads when a command first asks for GitLab, pg only when DATABASE_URL picks PostgreSQL', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`
      const { integrationFactories } = await import(${JSON.stringify(integrations)});
      const { createStore } = await import(${JSON.stringify(store)});
      const { testConfig } = await import(${JSON.stringify(env)});
      const config = testConfig({ GITLAB_URL: 'http://127.0.0.1:1', GITLAB_TOKEN: 't', DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/db' });
      await integrationFactories({ config }).gitlab();
      await (await createStore(config)).close();`);
    expect(loaded.some((u) => u.includes('/node_modules/@gitbeaker/'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/pg/'))).toBe(true);
  });

  it('the Brew client loads @foxglove/xmlrpc on its first koji call', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`
      const { BrewClient } = await import(${JSON.stringify(brew)});
      const brew = new BrewClient({ hubUrl: 'http://127.0.0.1:1/brewhub', downloadUrl: 'http://127.0.0.1:1', retries: 0 });
      await brew.listTags('kernel-1-1').catch(() => undefined);`);
    expect(loaded.some((u) => u.includes('/@foxglove/xmlrpc/'))).toBe(true);
  });
});
