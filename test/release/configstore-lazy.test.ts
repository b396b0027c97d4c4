/**
 * jose is imported on the first decryption (issue 22: footprint). A jose that cannot load fails
 * that decryption with a ConfigStoreError naming it (what a command shows), not a crash or a
 * misleading "wrong key"; the next decryption loads it again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_JWK, demoLocalConfig } from '../../src/sandbox/demo-config.ts';

afterEach(() => {
  vi.doUnmock('jose');
  vi.resetModules();
});

describe('ConfigStore: jose loaded on first use', () => {
  it('a failing load is a ConfigStoreError naming jose; the next call loads it and decrypts', async () => {
    const { encryptLocalConfig } = await import('../../src/release/configstore.ts');
    const jwe = await encryptLocalConfig(demoLocalConfig({ buildDataTemplate: 'http://x/%s/releases.yml' }), DEMO_JWK);

    vi.resetModules();
    vi.doMock('jose', () => {
      throw new Error("Cannot find package 'jose'");
    });
    const { ConfigStoreError, ConfigStoreLoader } = await import('../../src/release/configstore.ts');
    const { testConfig } = await import('../../src/config/env.ts');
    const loader = new ConfigStoreLoader({ config: testConfig({ OAR_JWK: DEMO_JWK }), readConfigFile: async () => jwe });
    const failure = await loader.localConfig().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigStoreError);
    // (vitest wraps the factory's error in a message of its own)
    expect((failure as Error).message).toMatch(/^cannot load jose, needed to decrypt the ConfigStore: /);

    vi.doUnmock('jose');
    expect((await loader.localConfig()).owners.default).toBe('qe-lead@example.com');
  });
});
