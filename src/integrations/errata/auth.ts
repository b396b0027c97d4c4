/**
 * How requests to Errata Tool (and Pyxis, which shares its Kerberos identity) authenticate.
 *
 * - `kerberos`: SPNEGO (`Authorization: Negotiate <token>`) from the optional native `kerberos`
 *   package, loaded lazily and only when this provider is used; a missing module or ticket becomes
 *   an IntegrationError with a sentence the user can act on.
 * - `token`: `Authorization: Bearer <ERRATA_TOKEN>` (deployments behind an auth proxy).
 * - `none`: no header (the simulated Errata Tool, tests).
 */
import { IntegrationError } from '../http.ts';
import type { Config } from '../../config/env.ts';

export type ErrataAuthKind = 'kerberos' | 'token' | 'none';

export interface ErrataAuthProvider {
  readonly kind: ErrataAuthKind;
  /** Headers for one request to `host`. */
  headers(): Promise<Record<string, string>>;
  /** One line for the startup report (never contains the secret). */
  describe(): string;
}

export function noneAuth(): ErrataAuthProvider {
  return { kind: 'none', headers: async () => ({}), describe: () => 'no authentication' };
}

export function tokenAuth(token: string): ErrataAuthProvider {
  if (!token) throw new IntegrationError({ system: 'Errata Tool', operation: 'configuring authentication', userMessage: 'ERRATA_AUTH=token needs ERRATA_TOKEN to be set' });
  return { kind: 'token', headers: async () => ({ authorization: `Bearer ${token}` }), describe: () => 'bearer token (ERRATA_TOKEN)' };
}

/** The subset of the `kerberos` package API the SPNEGO provider uses. */
export interface KerberosModule {
  initializeClient(service: string, options?: { mechOID?: number }): Promise<{ step(challenge: string): Promise<string> }>;
  GSS_MECH_OID_SPNEGO?: number;
}

export type KerberosLoader = () => Promise<KerberosModule>;

/** The package name is a variable so TypeScript and bundlers do not require it at build time. */
const KERBEROS_PACKAGE = 'kerberos';

export const loadKerberosModule: KerberosLoader = async () => {
  const mod = (await import(KERBEROS_PACKAGE)) as KerberosModule & { default?: KerberosModule };
  return typeof mod.initializeClient === 'function' ? mod : (mod.default ?? mod);
};

export interface KerberosAuthOptions {
  /** Host of the service (the SPN is HTTP@host). */
  host: string;
  /** Injectable for tests; defaults to a dynamic import of the optional `kerberos` package. */
  load?: KerberosLoader;
  system?: string;
}

/** SPNEGO provider. The module is loaded on first use and the result (or failure) remembered. */
export function kerberosAuth(opts: KerberosAuthOptions): ErrataAuthProvider {
  const system = opts.system ?? 'Errata Tool';
  const load = opts.load ?? loadKerberosModule;
  let modulePromise: Promise<KerberosModule> | undefined;
  const getModule = () => {
    modulePromise ??= load().catch((e: unknown) => {
      modulePromise = undefined; // allow a later retry, e.g. after the package is installed
      throw new IntegrationError({
        system,
        operation: 'loading Kerberos support',
        cause: e,
        userMessage: `Kerberos authentication to ${system} is configured (ERRATA_AUTH=kerberos) but the optional "kerberos" package could not be loaded; install it (needs libkrb5) or set ERRATA_AUTH=token`,
      });
    });
    return modulePromise;
  };
  return {
    kind: 'kerberos',
    describe: () => `Kerberos SPNEGO for HTTP@${opts.host}`,
    async headers() {
      const krb = await getModule();
      try {
        const client = await krb.initializeClient(`HTTP@${opts.host}`, krb.GSS_MECH_OID_SPNEGO !== undefined ? { mechOID: krb.GSS_MECH_OID_SPNEGO } : {});
        const token = await client.step('');
        return { authorization: `Negotiate ${token}` };
      } catch (e) {
        throw new IntegrationError({
          system,
          operation: 'creating a Kerberos (SPNEGO) token',
          cause: e,
          userMessage: `No usable Kerberos ticket for ${system}: run kinit (or check KRB5CCNAME); ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    },
  };
}

/** The provider ERRATA_AUTH selects. */
export function errataAuthFromConfig(config: Config, host: string, load?: KerberosLoader): ErrataAuthProvider {
  switch (config.ERRATA_AUTH) {
    case 'none':
      return noneAuth();
    case 'token':
      return tokenAuth(config.ERRATA_TOKEN ?? '');
    case 'kerberos':
      return kerberosAuth({ host, ...(load ? { load } : {}) });
  }
}
