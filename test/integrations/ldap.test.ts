/**
 * LDAP: filter building and escaping, result mapping, bind modes and error mapping of the ldapts
 * implementation (with an injected ldapts-like client), the manager lookup chain, and the
 * simulated directory. One test uses the real ldapts Client against a closed loopback port.
 */
import { Writable } from 'node:stream';
import { EqualityFilter, type Entry, type SearchOptions } from 'ldapts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import { emailFilter, groupFilter } from '../../src/integrations/ldap-filters.ts';
import {
  LdaptsDirectory,
  ldapDirectoryFromConfig,
  lookupManagerEmail,
  rdnValue,
  toPerson,
  type LdapClientLike,
} from '../../src/integrations/ldap.ts';
import { SimulatedLdapDirectory } from '../../src/sandbox/ldap.ts';

const BASE = 'dc=redhat,dc=com';

/** An ldapts-like client over a list of entries; records what it was asked. */
class FakeLdap implements LdapClientLike {
  readonly binds: [string, string | undefined][] = [];
  readonly searches: { base: string; filter: string; scope?: string; attributes?: string[] }[] = [];
  unbound = 0;
  failSearch: Error | undefined;
  failBind: Error | undefined;
  readonly entries: Entry[];
  constructor(entries: Entry[]) {
    this.entries = entries;
  }
  async bind(dn: string, password?: string) {
    this.binds.push([dn, password]);
    if (this.failBind) throw this.failBind;
  }
  async search(base: string, options: SearchOptions = {}) {
    const filter = String(options.filter);
    this.searches.push({ base, filter, scope: options.scope, attributes: options.attributes });
    if (this.failSearch) throw this.failSearch;
    // An entry matches when the same filter built from one of its values renders identically.
    const attr = /^\(([^=]+)=/.exec(filter)![1]!;
    const searchEntries = this.entries.filter((e) =>
      Object.entries(e).some(
        ([k, v]) => k.toLowerCase() === attr.toLowerCase() && ([] as unknown[]).concat(v).some((x) => String(new EqualityFilter({ attribute: attr, value: String(x) })) === filter),
      ),
    );
    return { searchEntries };
  }
  async unbind() {
    this.unbound++;
  }
}

const people: Entry[] = [
  { dn: 'uid=tdavid,ou=users,dc=redhat,dc=com', uid: 'tdavid', rhatPrimaryMail: 'tdavid@redhat.com', manager: 'uid=gjospin,ou=users,dc=redhat,dc=com' },
  { dn: 'uid=gjospin,ou=users,dc=redhat,dc=com', uid: ['gjospin'], rhatPrimaryMail: [Buffer.from('gjospin@redhat.com')] },
  { dn: 'uid=nomgr,ou=users,dc=redhat,dc=com', uid: 'nomgr', rhatPrimaryMail: 'nomgr@redhat.com' },
  { dn: 'uid=a,ou=users,dc=redhat,dc=com', RHATPRIMARYMAIL: 'a@redhat.com', memberOf: 'cn=ert\\, team,ou=adhoc,ou=managedGroups,dc=redhat,dc=com' },
];

function directory(fake: FakeLdap, extra: Partial<ConstructorParameters<typeof LdaptsDirectory>[0]> = {}) {
  return new LdaptsDirectory({ url: 'ldaps://ldap.example.com', baseDn: BASE, createClient: () => fake, ...extra });
}

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  return { logger, lines };
}

describe('filters', () => {
  it('escapes filter values (RFC 4515): no LDAP filter injection', () => {
    expect(String(emailFilter('jdoe@redhat.com'))).toBe('(rhatPrimaryMail=jdoe@redhat.com)');
    expect(String(emailFilter('*)(uid=*'))).toBe('(rhatPrimaryMail=\\2a\\29\\28uid=\\2a)');
    expect(String(emailFilter('a\\b'))).toBe('(rhatPrimaryMail=a\\5cb)');
  });

  it('escapes a group name as a DN value, then as a filter value', () => {
    expect(String(groupFilter('ert-team', 'ou=adhoc,ou=managedGroups,dc=redhat,dc=com'))).toBe('(memberOf=cn=ert-team,ou=adhoc,ou=managedGroups,dc=redhat,dc=com)');
    expect(String(groupFilter('ert, team', 'ou=adhoc,ou=managedGroups,dc=redhat,dc=com'))).toBe('(memberOf=cn=ert\\5c, team,ou=adhoc,ou=managedGroups,dc=redhat,dc=com)');
  });

  it('searches the subtree of the base DN for the escaped value, asking only for the attributes it reads', async () => {
    const fake = new FakeLdap(people);
    const person = await directory(fake).findPersonByEmail('*)(uid=*');
    expect(person).toBeNull();
    expect(fake.searches).toEqual([{ base: BASE, filter: '(rhatPrimaryMail=\\2a\\29\\28uid=\\2a)', scope: 'sub', attributes: ['uid', 'rhatPrimaryMail', 'manager'] }]);
  });
});

describe('DN parsing', () => {
  it('reads the uid RDN, unescaping values', () => {
    expect(rdnValue('uid=gjospin,ou=users,dc=redhat,dc=com', 'uid')).toBe('gjospin');
    expect(rdnValue('UID=Smith\\, J,ou=users,dc=redhat,dc=com', 'uid')).toBe('Smith, J');
    expect(rdnValue('uid=j\\C3\\A9r\\C3\\B4me,ou=users', 'uid')).toBe('jérôme');
    expect(rdnValue('cn=Gui Jospin+uid=gjospin,ou=users', 'uid')).toBe('gjospin');
    expect(rdnValue('cn=Gui Jospin,ou=users', 'uid')).toBeNull();
    expect(rdnValue('garbage', 'uid')).toBeNull();
  });

  it('maps entries whatever the attribute case and value type', () => {
    expect(toPerson(people[1]!)).toEqual({ dn: 'uid=gjospin,ou=users,dc=redhat,dc=com', uid: 'gjospin', email: 'gjospin@redhat.com', managerDn: null });
    expect(toPerson(people[3]!).email).toBe('a@redhat.com');
  });
});

describe('LdaptsDirectory', () => {
  it('binds anonymously by default (no bind request) and reuses one connection', async () => {
    const fake = new FakeLdap(people);
    let created = 0;
    const dir = directory(fake, { createClient: () => (created++, fake) });
    expect((await dir.findPersonByEmail('tdavid@redhat.com'))?.managerDn).toBe('uid=gjospin,ou=users,dc=redhat,dc=com');
    expect((await dir.findPersonByUid('gjospin'))?.email).toBe('gjospin@redhat.com');
    expect(fake.binds).toEqual([]);
    expect(created).toBe(1);
    await dir.close();
    expect(fake.unbound).toBe(1);
  });

  it('binds once with the configured DN', async () => {
    const fake = new FakeLdap(people);
    const dir = directory(fake, { bindDn: 'uid=svc-oar,ou=svc,dc=redhat,dc=com', bindPassword: 's3cret' });
    await dir.findPersonByEmail('tdavid@redhat.com');
    await dir.findPersonByUid('gjospin');
    expect(fake.binds).toEqual([['uid=svc-oar,ou=svc,dc=redhat,dc=com', 's3cret']]);
  });

  it('a failed bind is an IntegrationError naming the DN, never the password', async () => {
    const fake = new FakeLdap(people);
    fake.failBind = new Error('Invalid Credentials');
    const dir = directory(fake, { bindDn: 'uid=svc-oar,ou=svc,dc=redhat,dc=com', bindPassword: 's3cret' });
    const err = (await dir.findPersonByEmail('tdavid@redhat.com').catch((e: unknown) => e)) as IntegrationError;
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.system).toBe('LDAP');
    expect(err.userMessage).toBe('LDAP refused the bind as uid=svc-oar,ou=svc,dc=redhat,dc=com while looking up tdavid@redhat.com: Invalid Credentials');
    expect(err.userMessage).not.toContain('s3cret');
    // The next call tries to bind again instead of staying broken.
    fake.failBind = undefined;
    expect(await dir.findPersonByEmail('tdavid@redhat.com')).not.toBeNull();
  });

  it('a failed search is an IntegrationError with the operation', async () => {
    const fake = new FakeLdap(people);
    fake.failSearch = new Error('Time limit exceeded');
    const err = (await directory(fake).findPersonByUid('x').catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('LDAP did not answer looking up uid x (Time limit exceeded)');
  });

  it('tells its observer each search\'s outcome (system LDAP), so /health can show LDAP', async () => {
    const seen: { system: string; operation: string; status: unknown }[] = [];
    const fake = new FakeLdap(people);
    const dir = directory(fake, { observer: (e) => seen.push({ system: e.system, operation: e.operation, status: e.status }) });
    await dir.findPersonByEmail('tdavid@redhat.com');
    fake.failSearch = new Error('Time limit exceeded');
    await dir.findPersonByUid('x').catch(() => undefined);
    fake.failSearch = new Error('socket closed');
    await dir.findPersonByUid('y').catch(() => undefined);
    expect(seen).toEqual([
      { system: 'LDAP', operation: 'looking up tdavid@redhat.com', status: 200 },
      { system: 'LDAP', operation: 'looking up uid x', status: 'timeout' },
      { system: 'LDAP', operation: 'looking up uid y', status: 'error' },
    ]);
  });

  it('lists group members by e-mail', async () => {
    const fake = new FakeLdap(people);
    expect(await directory(fake).groupMemberEmails('ert, team')).toEqual(['a@redhat.com']);
    expect(fake.searches[0]!.filter).toBe('(memberOf=cn=ert\\5c, team,ou=adhoc,ou=managedGroups,dc=redhat,dc=com)');
    await expect(directory(fake).groupMemberEmails(' ')).rejects.toThrow(RangeError);
  });

  it('the real ldapts client: a closed port becomes an IntegrationError', async () => {
    const dir = new LdaptsDirectory({ url: 'ldap://127.0.0.1:1', baseDn: BASE, timeoutMs: 2000 });
    const err = (await dir.findPersonByEmail('tdavid@redhat.com').catch((e: unknown) => e)) as IntegrationError;
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.userMessage).toMatch(/^LDAP did not answer looking up tdavid@redhat.com \(.*(ECONNREFUSED|connect).*\)$/);
    await dir.close();
  });
});

describe('manager lookup chain (agents.md 3.8)', () => {
  it('e-mail -> manager DN -> uid -> manager e-mail', async () => {
    const fake = new FakeLdap(people);
    expect(await lookupManagerEmail(directory(fake), 'tdavid@redhat.com')).toBe('gjospin@redhat.com');
    expect(fake.searches.map((s) => s.filter)).toEqual(['(rhatPrimaryMail=tdavid@redhat.com)', '(uid=gjospin)']);
  });

  it('null for no e-mail, unknown person, or no manager; nothing searched without an e-mail', async () => {
    const fake = new FakeLdap(people);
    const dir = directory(fake);
    expect(await lookupManagerEmail(dir, null)).toBeNull();
    expect(await lookupManagerEmail(dir, undefined)).toBeNull();
    expect(fake.searches).toHaveLength(0);
    expect(await lookupManagerEmail(dir, 'nobody@redhat.com')).toBeNull();
    expect(await lookupManagerEmail(dir, 'nomgr@redhat.com')).toBeNull();
  });

  it('an LDAP failure is logged and gives null', async () => {
    const fake = new FakeLdap(people);
    fake.failSearch = new Error('Server is busy');
    const { logger, lines } = capture();
    expect(await lookupManagerEmail(directory(fake), 'tdavid@redhat.com', logger)).toBeNull();
    expect(lines.join('')).toContain('LDAP lookup of the manager of tdavid@redhat.com failed: LDAP did not answer looking up tdavid@redhat.com (Server is busy)');
  });

  it('works the same over the simulated directory, which records lookups and can fail', async () => {
    const sim = new SimulatedLdapDirectory([
      { uid: 'tdavid', email: 'tdavid@redhat.com', manager: 'gjospin' },
      { uid: 'gjospin', email: 'gjospin@redhat.com', groups: ['ert-team'] },
    ]);
    expect(await lookupManagerEmail(sim, 'TDavid@redhat.com')).toBe('gjospin@redhat.com');
    expect(sim.lookups).toEqual([
      { op: 'findPersonByEmail', arg: 'TDavid@redhat.com' },
      { op: 'findPersonByUid', arg: 'gjospin' },
    ]);
    expect(await sim.groupMemberEmails('ert-team')).toEqual(['gjospin@redhat.com']);
    sim.failNext('connect ETIMEDOUT');
    const { logger, lines } = capture();
    expect(await lookupManagerEmail(sim, 'tdavid@redhat.com', logger)).toBeNull();
    expect(lines.join('')).toContain('connect ETIMEDOUT');
    expect(await lookupManagerEmail(sim, 'tdavid@redhat.com')).toBe('gjospin@redhat.com');
  });
});

describe('configuration', () => {
  it('builds from the env schema with anonymous bind by default', async () => {
    const fake = new FakeLdap(people);
    const seen: unknown[] = [];
    const dir = ldapDirectoryFromConfig(testConfig({ LDAP_TIMEOUT_MS: '2500' }), { createClient: (o) => (seen.push(o), fake) });
    await dir.findPersonByEmail('tdavid@redhat.com');
    expect(seen).toEqual([{ url: 'ldaps://ldap.corp.redhat.com', timeout: 2500, connectTimeout: 2500, autoRebind: true }]);
    expect(fake.searches[0]!.base).toBe('dc=redhat,dc=com');
    expect(fake.binds).toEqual([]);
  });

  it('refuses a bind DN without a password', () => {
    expect(() => ldapDirectoryFromConfig(testConfig({ LDAP_BIND_DN: 'uid=svc,dc=redhat,dc=com' }))).toThrow(/LDAP_BIND_PASSWORD is empty/);
  });
});
