import { describe, expect, it } from 'vitest';
import { errataAuthFromConfig, kerberosAuth, noneAuth, tokenAuth, type KerberosModule } from '../../../src/integrations/errata/auth.ts';
import { findTgt, kerberosStatus, parseCcache, resolveCcache } from '../../../src/integrations/errata/kerberos.ts';
import { testConfig } from '../../../src/config/env.ts';

/** Writes an MIT file credential cache (version 0x0504, big-endian). */
function ccache(principal: [string[], string], creds: { server: [string[], string]; start: number; end: number }[]): Uint8Array {
  const parts: number[] = [];
  const u16 = (n: number) => parts.push((n >> 8) & 0xff, n & 0xff);
  const u32 = (n: number) => parts.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const data = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    u32(b.length);
    parts.push(...b);
  };
  const princ = ([comps, realm]: [string[], string]) => {
    u32(1);
    u32(comps.length);
    data(realm);
    for (const c of comps) data(c);
  };
  u16(0x0504);
  u16(12); // header: one tag (time offset), 8 bytes of value
  u16(1);
  u16(8);
  u32(0);
  u32(0);
  princ(principal);
  for (const c of creds) {
    princ(principal);
    princ(c.server);
    u16(18);
    data(new Uint8Array(32));
    u32(c.start);
    u32(c.start);
    u32(c.end);
    u32(c.end + 86400);
    parts.push(0);
    u32(0x50e10000);
    u32(0);
    u32(0);
    data(new Uint8Array([1, 2, 3]));
    data(new Uint8Array());
  }
  return new Uint8Array(parts);
}

const NOW = new Date('2026-07-01T12:00:00Z');
const t = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const user: [string[], string] = [['jdoe'], 'IPA.REDHAT.COM'];
const tgt: [string[], string] = [['krbtgt', 'IPA.REDHAT.COM'], 'IPA.REDHAT.COM'];
const conf: [string[], string] = [['krb5_ccache_conf_data', 'pa_type', 'krbtgt/IPA.REDHAT.COM@IPA.REDHAT.COM'], 'X-CACHECONF:'];
const fakeModule: KerberosModule = {
  GSS_MECH_OID_SPNEGO: 6,
  initializeClient: async (service, options) => ({ step: async () => `token-for-${service}-${options?.mechOID}` }),
};

describe('auth providers', () => {
  it('token and none', async () => {
    expect(await tokenAuth('abc').headers()).toEqual({ authorization: 'Bearer abc' });
    expect(await noneAuth().headers()).toEqual({});
  });

  it('SPNEGO asks the kerberos module for a token for HTTP@host', async () => {
    const p = kerberosAuth({ host: 'errata.devel.redhat.com', load: async () => fakeModule });
    expect(await p.headers()).toEqual({ authorization: 'Negotiate token-for-HTTP@errata.devel.redhat.com-6' });
  });

  it('a missing optional module is a clear error, not a crash at startup', async () => {
    const p = kerberosAuth({ host: 'errata.example', load: async () => Promise.reject(new Error("Cannot find package 'kerberos'")) });
    await expect(p.headers()).rejects.toThrow(/optional "kerberos" package could not be loaded/);
  });

  it('a module without ticket says to run kinit', async () => {
    const noTicket: KerberosModule = { initializeClient: async () => ({ step: async () => Promise.reject(new Error('No Kerberos credentials available')) }) };
    await expect(kerberosAuth({ host: 'h', load: async () => noTicket }).headers()).rejects.toThrow(/run kinit .*No Kerberos credentials available/);
  });

  it('ERRATA_AUTH selects the provider', () => {
    expect(errataAuthFromConfig(testConfig({ ERRATA_AUTH: 'none' }), 'h').kind).toBe('none');
    expect(errataAuthFromConfig(testConfig({ ERRATA_AUTH: 'token', ERRATA_TOKEN: 'x' }), 'h').kind).toBe('token');
    expect(errataAuthFromConfig(testConfig({}), 'h').kind).toBe('kerberos');
  });
});

describe('credential cache parsing', () => {
  it('reads the principal and the TGT end time, ignoring config entries', () => {
    const buf = ccache(user, [
      { server: conf, start: 0, end: 0 },
      { server: tgt, start: t('2026-07-01T08:00:00Z'), end: t('2026-07-02T08:00:00Z') },
    ]);
    const cache = parseCcache(buf);
    expect(cache.principal).toBe('jdoe@IPA.REDHAT.COM');
    expect(cache.credentials).toHaveLength(2);
    expect(findTgt(cache)?.endtime.toISOString()).toBe('2026-07-02T08:00:00.000Z');
  });

  it('rejects garbage', () => {
    expect(() => parseCcache(new Uint8Array([0x01, 0x02]))).toThrow(/unsupported credential cache version/);
    expect(() => parseCcache(new Uint8Array([0x05, 0x04, 0x00]))).toThrow(/truncated/);
  });

  it('resolves KRB5CCNAME', () => {
    expect(resolveCcache(undefined, 1000)).toEqual({ type: 'FILE', location: '/tmp/krb5cc_1000' });
    expect(resolveCcache('FILE:/run/user/1/krb5cc', 1)).toEqual({ type: 'FILE', location: '/run/user/1/krb5cc' });
    expect(resolveCcache('KCM:1000', 1)).toEqual({ type: 'KCM', location: '1000' });
  });
});

describe('kerberosStatus', () => {
  const read = (buf: Uint8Array) => async () => buf;

  it('valid when the module loads and the TGT has not expired', async () => {
    const s = await kerberosStatus({ krb5ccname: 'FILE:/x', now: NOW, load: async () => fakeModule, read: read(ccache(user, [{ server: tgt, start: t('2026-07-01T08:00:00Z'), end: t('2026-07-02T08:00:00Z') }])) });
    expect(s).toMatchObject({ valid: true, status: 'valid', principal: 'jdoe@IPA.REDHAT.COM', expiresAt: '2026-07-02T08:00:00.000Z' });
  });

  it('expired ticket', async () => {
    const s = await kerberosStatus({ krb5ccname: '/x', now: NOW, load: async () => fakeModule, read: read(ccache(user, [{ server: tgt, start: t('2026-06-30T08:00:00Z'), end: t('2026-07-01T08:00:00Z') }])) });
    expect(s).toMatchObject({ valid: false, status: 'expired' });
    expect(s.detail).toContain('run kinit');
  });

  it('no cache file', async () => {
    const missing = async () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    expect(await kerberosStatus({ krb5ccname: '/nope', load: async () => fakeModule, read: missing })).toMatchObject({ valid: false, status: 'no_ticket' });
  });

  it('module missing wins over everything', async () => {
    const s = await kerberosStatus({ krb5ccname: '/x', load: async () => Promise.reject(new Error('not installed')), read: read(new Uint8Array()) });
    expect(s).toMatchObject({ valid: false, status: 'module_missing', module: 'missing' });
  });

  it('KCM and keyring caches cannot be inspected and are assumed usable', async () => {
    expect(await kerberosStatus({ krb5ccname: 'KEYRING:persistent:1000', load: async () => fakeModule })).toMatchObject({ valid: true, status: 'unverifiable' });
  });

  it('without the kerberos package installed here, the real loader reports module_missing', async () => {
    const s = await kerberosStatus({ krb5ccname: '/nonexistent/cache' });
    expect(['module_missing', 'no_ticket']).toContain(s.status);
    expect(s.valid).toBe(false);
  });
});
