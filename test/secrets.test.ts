/** One list of secrets, one masking function: logs, the audit trail and the StateBox hide the same things. */
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { makeSecretMasker, maskSecrets, secretValues } from '../src/secrets.ts';
import { createStateBoxService } from '../src/release/statebox/factory.ts';
import { openTestStore } from './helpers/store.ts';
import { META_4_19_1 } from './release/statebox/helpers.ts';

const JIRA = 'jira-token-value-0001';
const GITHUB = 'xapp-token-value-0002';
const PG = 'pg-password-0003';
const MCP = 'mcp-token-value-0000004';
/** Secret by value (configuration) and by field name (each former copy's list). */
const FIELDS = { token: 'f-token-1', password: 'f-password-2', passwd: 'f-passwd-3', apiKey: 'f-apikey-4', api_key: 'f-apikey-5', private_key: 'f-private-6', authorization: 'Bearer f-auth-7', credentials: 'f-cred-8', jwk: 'f-jwk-9', clientSecret: 'f-secret-10' };
const SECRETS = [JIRA, GITHUB, PG, MCP, ...Object.values(FIELDS)];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config() {
  const dir = mkdtempSync(join(tmpdir(), 'oar-secrets-'));
  dirs.push(dir);
  return testConfig({
    JIRA_TOKEN: JIRA,
    SLACK_APP_TOKEN: GITHUB,
    DATABASE_URL: `postgres://oar:${PG}@db:5432/oar`,
    OAR_MCP_TOKENS: `agent:write:${MCP}`,
    OAR_STATEBOX_DIR: dir,
  });
}

const text = `calling Jira with ${JIRA}, Slack with ${GITHUB}, the database with ${PG} and MCP with ${MCP}`;

describe('secret masking: the same secrets are masked by every consumer', () => {
  it('logs', () => {
    const cfg = config();
    let out = '';
    const sink = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
    const log = createLogger({ level: 'info', secrets: secretValues(cfg), destination: sink });
    log.info({ options: { ...FIELDS, note: text }, deeper: { list: [{ ...FIELDS }] } }, text);
    for (const s of SECRETS) expect(out).not.toContain(s);
    expect(out).toContain('calling Jira with [REDACTED]');
  });

  it('the audit trail (the runner masks, the store masks again)', async () => {
    const cfg = config();
    const store = await openTestStore();
    try {
      const options = maskSecrets({ ...FIELDS, note: text, nested: { ...FIELDS } }, makeSecretMasker(secretValues(cfg))) as Record<string, unknown>;
      await store.audit({ event: 'run', actorId: 'U1', command: 'x', options });
      // The store's own line of defence, for a caller that forgot to mask.
      await store.audit({ event: 'run', actorId: 'U2', command: 'y', options: { ...FIELDS, nested: { ...FIELDS } } });
      const stored = JSON.stringify(await store.queryAudit({}));
      for (const s of SECRETS) expect(stored).not.toContain(s);
      expect(stored).toContain('calling Jira with [REDACTED]');
    } finally {
      await store.close();
    }
  });

  it('the StateBox (secrets, then e-mail addresses)', async () => {
    const cfg = config();
    const statebox = createStateBoxService(cfg, { metadataProvider: async () => META_4_19_1 });
    await statebox.updateTask('4.19.1', 'take-ownership', 'Pass', `${text}; owner qe-lead@example.com`);
    const result = (await statebox.load('4.19.1')).state.tasks.find((t) => t.name === 'take-ownership')?.result ?? '';
    for (const s of SECRETS) expect(result).not.toContain(s);
    expect(result).toContain('calling Jira with [REDACTED]');
    expect(result).toContain('owner [EMAIL_REDACTED]');
  });
});
