/**
 * Whether Kerberos credentials are usable, as far as that can be told without talking to a KDC:
 * the optional `kerberos` module loads, and the credential cache holds a ticket-granting ticket
 * that has not expired. Used by the startup report and /health (the original ran `klist -s`;
 * oar-bot never spawns processes, so it reads the MIT file cache itself).
 *
 * Only FILE caches can be inspected; KEYRING/KCM/API caches are reported as "unverifiable".
 */
import { readFile } from 'node:fs/promises';
import { loadKerberosModule, type KerberosLoader } from './auth.ts';

export type KerberosState = 'valid' | 'module_missing' | 'no_ticket' | 'expired' | 'unverifiable' | 'unreadable';

export interface KerberosStatus {
  /** True when the module loads and the ticket is valid (or the cache type cannot be inspected). */
  valid: boolean;
  status: KerberosState;
  module: 'loaded' | 'missing';
  cache: { type: string; location: string };
  principal?: string;
  /** Expiry of the TGT, ISO-8601. */
  expiresAt?: string;
  detail: string;
}

export interface CcacheCredential {
  client: string;
  server: string;
  authtime: Date;
  starttime: Date;
  endtime: Date;
  renewTill: Date;
}

export interface Ccache {
  version: number;
  principal: string;
  credentials: CcacheCredential[];
}

export class CcacheFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CcacheFormatError';
  }
}

/** Parses an MIT Kerberos file credential cache (format versions 0x0501-0x0504). */
export function parseCcache(buf: Uint8Array): Ccache {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  let littleEndian = false;
  const need = (n: number) => {
    if (off + n > buf.byteLength) throw new CcacheFormatError('truncated credential cache');
  };
  const u8 = () => (need(1), view.getUint8(off++));
  const u16 = () => {
    need(2);
    const v = view.getUint16(off, littleEndian);
    off += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(off, littleEndian);
    off += 4;
    return v;
  };
  const bytes = () => {
    const n = u32();
    need(n);
    const out = buf.subarray(off, off + n);
    off += n;
    return out;
  };
  const text = () => new TextDecoder().decode(bytes());

  need(2);
  const version = view.getUint16(0, false);
  off = 2;
  if (version < 0x0501 || version > 0x0504) throw new CcacheFormatError(`unsupported credential cache version 0x${version.toString(16)}`);
  // Versions 1 and 2 use the host's byte order; Linux hosts are little-endian.
  littleEndian = version <= 0x0502;
  if (version === 0x0504) {
    const headerLen = u16();
    need(headerLen);
    off += headerLen;
  }
  const principal = () => {
    const nameType = version === 0x0501 ? 0 : u32();
    void nameType;
    let count = u32();
    if (version === 0x0501) count -= 1;
    const realm = text();
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(text());
    return `${parts.join('/')}@${realm}`;
  };
  const client = principal();
  const credentials: CcacheCredential[] = [];
  while (off < buf.byteLength) {
    const c = principal();
    const s = principal();
    u16(); // enctype
    if (version === 0x0503) u16();
    bytes(); // key
    const authtime = u32();
    const starttime = u32();
    const endtime = u32();
    const renewTill = u32();
    u8(); // is_skey
    u32(); // ticket flags
    const addrs = u32();
    for (let i = 0; i < addrs; i++) {
      u16();
      bytes();
    }
    const authdata = u32();
    for (let i = 0; i < authdata; i++) {
      u16();
      bytes();
    }
    bytes(); // ticket
    bytes(); // second ticket
    const date = (t: number) => new Date(t * 1000);
    credentials.push({ client: c, server: s, authtime: date(authtime), starttime: date(starttime || authtime), endtime: date(endtime), renewTill: date(renewTill) });
  }
  return { version, principal: client, credentials };
}

/** The ticket-granting ticket of the cache's own realm, ignoring X-CACHECONF entries. */
export function findTgt(cache: Ccache): CcacheCredential | undefined {
  const realm = cache.principal.split('@').at(-1) ?? '';
  return cache.credentials.find((c) => c.server === `krbtgt/${realm}@${realm}`) ?? cache.credentials.find((c) => c.server.startsWith('krbtgt/') && !c.server.includes('X-CACHECONF'));
}

/** `KRB5CCNAME` → cache type and location; default `FILE:/tmp/krb5cc_<uid>`. */
export function resolveCcache(krb5ccname: string | undefined, uid: number | undefined): { type: string; location: string } {
  const value = krb5ccname?.trim();
  if (!value) return { type: 'FILE', location: `/tmp/krb5cc_${uid ?? 0}` };
  const m = /^([A-Z]+):(.*)$/.exec(value);
  if (!m) return { type: 'FILE', location: value };
  return { type: m[1]!, location: m[2]! };
}

export interface KerberosStatusOptions {
  /** KRB5CCNAME (defaults to the process environment). */
  krb5ccname?: string;
  uid?: number;
  now?: Date;
  load?: KerberosLoader;
  read?: (path: string) => Promise<Uint8Array>;
}

export async function kerberosStatus(opts: KerberosStatusOptions = {}): Promise<KerberosStatus> {
  const load = opts.load ?? loadKerberosModule;
  const read = opts.read ?? ((p: string) => readFile(p));
  const now = opts.now ?? new Date();
  const cache = resolveCcache(opts.krb5ccname ?? process.env.KRB5CCNAME, opts.uid ?? process.getuid?.());
  let module: KerberosStatus['module'] = 'loaded';
  try {
    await load();
  } catch {
    module = 'missing';
  }
  if (module === 'missing') {
    return { valid: false, status: 'module_missing', module, cache, detail: 'the optional "kerberos" package is not installed, so SPNEGO is unavailable' };
  }
  if (cache.type !== 'FILE') {
    return { valid: true, status: 'unverifiable', module, cache, detail: `credential cache type ${cache.type} cannot be inspected without a KDC; assuming usable` };
  }
  let data: Uint8Array;
  try {
    data = await read(cache.location);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { valid: false, status: 'no_ticket', module, cache, detail: `no credential cache at ${cache.location}: run kinit` };
    return { valid: false, status: 'unreadable', module, cache, detail: `cannot read ${cache.location}: ${e instanceof Error ? e.message : String(e)}` };
  }
  let parsed: Ccache;
  try {
    parsed = parseCcache(data);
  } catch (e) {
    return { valid: false, status: 'unreadable', module, cache, detail: `${cache.location} is not a readable credential cache: ${e instanceof Error ? e.message : String(e)}` };
  }
  const tgt = findTgt(parsed);
  if (!tgt) return { valid: false, status: 'no_ticket', module, cache, principal: parsed.principal, detail: `no ticket-granting ticket for ${parsed.principal}: run kinit` };
  const expiresAt = tgt.endtime.toISOString();
  if (tgt.endtime.getTime() <= now.getTime()) {
    return { valid: false, status: 'expired', module, cache, principal: parsed.principal, expiresAt, detail: `the ticket of ${parsed.principal} expired at ${expiresAt}: run kinit` };
  }
  return { valid: true, status: 'valid', module, cache, principal: parsed.principal, expiresAt, detail: `ticket of ${parsed.principal} valid until ${expiresAt}` };
}
