/**
 * LDAP directory (the corporate people directory): who is a person's manager, who is in a group.
 *
 * `LdapDirectory` is the seam: `LdaptsDirectory` talks LDAP through ldapts; the simulated
 * directory in sandbox/ldap.ts implements the same interface for tests and the playground
 * (a real LDAP server is impractical to run here).
 *
 * Filters are ldapts Filter objects (EqualityFilter): the value is sent as an octet string in
 * the BER-encoded request and escaped (RFC 4515) wherever it is shown as text, so an e-mail like
 * `*)(uid=*` cannot widen a search (the original interpolated it into the filter string).
 */
import type * as ldaptsModule from 'ldapts';
import type { ClientOptions, Entry, Filter, SearchOptions } from 'ldapts';
import type * as filtersModule from './ldap-filters.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { onFirstUse } from '../lazy-import.ts';
import { IntegrationError, type CallObserver } from './http.ts';
import { abortable, callSignal } from './call-signal.ts';

export const LDAP_SYSTEM = 'LDAP';
export const DEFAULT_LDAP_URL = 'ldaps://ldap.corp.redhat.com';

export interface LdapPerson {
  dn: string;
  uid: string | null;
  /** rhatPrimaryMail */
  email: string | null;
  /** DN of the manager entry, as stored. */
  managerDn: string | null;
}

export interface LdapDirectory {
  /** The person whose rhatPrimaryMail equals `email`, or null. */
  findPersonByEmail(email: string): Promise<LdapPerson | null>;
  /** The person with this uid, or null. */
  findPersonByUid(uid: string): Promise<LdapPerson | null>;
  /** rhatPrimaryMail of the members of a managed ad-hoc group. */
  groupMemberEmails(group: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The part of an ldapts Client this module uses (tests inject a fake). */
export interface LdapClientLike {
  bind(dn: string, password?: string): Promise<void>;
  search(baseDN: string, options?: SearchOptions): Promise<{ searchEntries: Entry[] }>;
  unbind(): Promise<void>;
}

export interface LdaptsDirectoryOptions {
  url: string;
  baseDn: string;
  /** Unset: anonymous bind (no bind request at all). */
  bindDn?: string;
  bindPassword?: string;
  /** Connect and per-operation timeout (default 10 s). */
  timeoutMs?: number;
  /** Where managed groups live (default `ou=adhoc,ou=managedGroups,<baseDn>`). */
  groupBaseDn?: string;
  createClient?: (options: ClientOptions) => LdapClientLike;
  /** Each search's outcome (system LDAP), for metrics and /health. */
  observer?: CallObserver;
}

const PERSON_ATTRIBUTES = ['uid', 'rhatPrimaryMail', 'manager'];

function firstString(value: Entry[string] | undefined): string | null {
  if (value === undefined) return null;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function allStrings(value: Entry[string] | undefined): string[] {
  if (value === undefined) return [];
  const list: (string | Buffer)[] = Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** An entry as an LdapPerson (attribute names are matched case-insensitively). */
export function toPerson(entry: Entry): LdapPerson {
  const attr = (name: string) => {
    const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : entry[key];
  };
  return { dn: entry.dn, uid: firstString(attr('uid')), email: firstString(attr('rhatPrimaryMail')), managerDn: firstString(attr('manager')) };
}

type Filters = typeof filtersModule;

/**
 * ldapts (~10 MB resident) and the filters built with it load on the first LDAP search, not at
 * startup (issue 22): importing this module (LDAP_SYSTEM, lookupManagerEmail) costs nothing.
 */
const loadFilters = (): Promise<Filters> => import('./ldap-filters.ts');
let ldapts: typeof ldaptsModule | undefined;
const loadLdapts = onFirstUse(() => import('ldapts'));

/**
 * The value of the first RDN attribute `attr` in a DN (RFC 4514), unescaped:
 * `uid=jdoe,ou=users,dc=redhat,dc=com` -> `jdoe`. Null when absent or malformed.
 */
export function rdnValue(dn: string, attr: string): string | null {
  let i = 0;
  const wanted = attr.toLowerCase();
  while (i < dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) return null;
    const type = dn.slice(i, eq).trim().toLowerCase();
    let value = '';
    let j = eq + 1;
    for (; j < dn.length; j++) {
      const c = dn[j]!;
      if (c === '\\') {
        const hex = /^[0-9a-fA-F]{2}/.exec(dn.slice(j + 1, j + 3));
        if (hex) {
          // Hex pairs are UTF-8 bytes; collect a run of them.
          const bytes: number[] = [];
          while (dn[j] === '\\' && /^[0-9a-fA-F]{2}$/.test(dn.slice(j + 1, j + 3))) {
            bytes.push(parseInt(dn.slice(j + 1, j + 3), 16));
            j += 3;
          }
          value += Buffer.from(bytes).toString('utf8');
          j -= 1;
        } else {
          value += dn[j + 1] ?? '';
          j += 1;
        }
      } else if (c === ',' || c === ';' || c === '+') break;
      else value += c;
    }
    if (type === wanted) return value.trim() || null;
    i = j + 1;
  }
  return null;
}

export class LdaptsDirectory implements LdapDirectory {
  private readonly opts: LdaptsDirectoryOptions;
  private client: LdapClientLike | undefined;
  private bound: Promise<void> | undefined;

  constructor(opts: LdaptsDirectoryOptions) {
    this.opts = opts;
  }

  private get groupBaseDn(): string {
    return this.opts.groupBaseDn ?? `ou=adhoc,ou=managedGroups,${this.opts.baseDn}`;
  }

  /** One connection, created on first use; ldapts reconnects (and re-binds) by itself. */
  private async connection(operation: string): Promise<LdapClientLike> {
    // Loaded before the check below, so that concurrent first calls still share one client.
    if (!this.client && !this.opts.createClient) ldapts = await loadLdapts();
    if (!this.client) {
      const timeout = this.opts.timeoutMs ?? 10_000;
      const options: ClientOptions = { url: this.opts.url, timeout, connectTimeout: timeout, autoRebind: true };
      this.client = this.opts.createClient ? this.opts.createClient(options) : new ldapts!.Client(options);
      const { bindDn, bindPassword } = this.opts;
      this.bound = bindDn ? this.client.bind(bindDn, bindPassword ?? '') : Promise.resolve();
    }
    try {
      await this.bound;
    } catch (e) {
      this.client = undefined;
      this.bound = undefined;
      throw new IntegrationError({
        system: LDAP_SYSTEM,
        operation,
        cause: e,
        userMessage: `LDAP refused the bind as ${this.opts.bindDn} while ${operation}: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    return this.client;
  }

  private async search(operation: string, base: string, buildFilter: (f: Filters) => Filter, attributes: string[]): Promise<Entry[]> {
    // ldapts takes no AbortSignal: a cancelled command stops waiting at once (the operation
    // itself ends on the client's timeout).
    const signal = callSignal();
    const cancelled = () => new IntegrationError({ system: LDAP_SYSTEM, operation, detail: 'cancelled' });
    const started = performance.now();
    const observe = (status: 200 | 'error' | 'timeout') => this.opts.observer?.({ system: LDAP_SYSTEM, operation, status, durationMs: performance.now() - started });
    try {
      const client = await abortable(this.connection(operation), signal, cancelled);
      const filter = buildFilter(await loadFilters());
      const { searchEntries } = await abortable(client.search(base, { scope: 'sub', filter, attributes }), signal, cancelled);
      observe(200);
      return searchEntries;
    } catch (e) {
      // A cancelled command says nothing about LDAP.
      if (!signal?.aborted) observe(/time ?out|time limit/i.test(e instanceof Error ? `${e.name} ${e.message}` : String(e)) ? 'timeout' : 'error');
      if (e instanceof IntegrationError) throw e;
      throw new IntegrationError({ system: LDAP_SYSTEM, operation, cause: e, detail: e instanceof Error ? e.message : String(e) });
    }
  }

  async findPersonByEmail(email: string): Promise<LdapPerson | null> {
    if (!email.trim()) return null;
    const entries = await this.search(`looking up ${email}`, this.opts.baseDn, (f) => f.emailFilter(email.trim()), PERSON_ATTRIBUTES);
    return entries[0] ? toPerson(entries[0]) : null;
  }

  async findPersonByUid(uid: string): Promise<LdapPerson | null> {
    if (!uid.trim()) return null;
    const entries = await this.search(`looking up uid ${uid}`, this.opts.baseDn, (f) => f.uidFilter(uid.trim()), PERSON_ATTRIBUTES);
    return entries[0] ? toPerson(entries[0]) : null;
  }

  async groupMemberEmails(group: string): Promise<string[]> {
    if (!group.trim()) throw new RangeError('an LDAP group name is required');
    const entries = await this.search(`listing the members of ${group}`, this.opts.baseDn, (f) => f.groupFilter(group.trim(), this.groupBaseDn), ['rhatPrimaryMail']);
    const emails = entries.flatMap((e) => {
      const key = Object.keys(e).find((k) => k.toLowerCase() === 'rhatprimarymail');
      return key === undefined ? [] : allStrings(e[key]);
    });
    return [...new Set(emails)];
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.bound = undefined;
    if (client) await client.unbind();
  }
}

/**
 * The manager lookup chain (agents.md 3.8 steps 1-3, oar-commands.md 9.8): person by e-mail ->
 * manager DN -> its uid -> that person's e-mail. LDAP failures are logged and give null, as in
 * the original (the notificator then falls back to the assignee path).
 */
export async function lookupManagerEmail(directory: LdapDirectory, email: string | null | undefined, logger: Logger = silentLogger): Promise<string | null> {
  if (!email) return null;
  try {
    const person = await directory.findPersonByEmail(email);
    if (!person?.managerDn) return null;
    const uid = rdnValue(person.managerDn, 'uid');
    if (!uid) {
      logger.warn({ managerDn: person.managerDn }, `LDAP manager DN of ${email} has no uid`);
      return null;
    }
    const manager = await directory.findPersonByUid(uid);
    return manager?.email ?? null;
  } catch (e) {
    logger.warn({ err: e }, `LDAP lookup of the manager of ${email} failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export interface LdapDeps {
  createClient?: (options: ClientOptions) => LdapClientLike;
  observer?: CallObserver;
}

export function ldapDirectoryFromConfig(config: Config, deps: LdapDeps = {}): LdaptsDirectory {
  if (config.LDAP_BIND_DN && !config.LDAP_BIND_PASSWORD) throw new Error('LDAP_BIND_DN is set but LDAP_BIND_PASSWORD is empty: set both, or neither for an anonymous bind');
  return new LdaptsDirectory({
    url: config.LDAP_URL ?? DEFAULT_LDAP_URL,
    baseDn: config.LDAP_BASE_DN,
    bindDn: config.LDAP_BIND_DN,
    bindPassword: config.LDAP_BIND_PASSWORD,
    timeoutMs: config.LDAP_TIMEOUT_MS,
    createClient: deps.createClient,
    ...(deps.observer ? { observer: deps.observer } : {}),
  });
}
