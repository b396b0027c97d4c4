/**
 * Simulated LDAP directory: the same `LdapDirectory` interface as the ldapts implementation,
 * over an in-memory list of people. Running a real LDAP server in tests and the playground is
 * impractical, so the seam is the interface, not the wire (see docs/integrations.md).
 *
 * Records every lookup and can be told to fail, like the other simulated services.
 */
import type { LdapDirectory, LdapPerson } from '../integrations/ldap.ts';
import { IntegrationError } from '../integrations/http.ts';

export interface SimulatedPerson {
  uid: string;
  email: string;
  /** uid of the manager. */
  manager?: string;
  /** Managed ad-hoc groups the person is in. */
  groups?: string[];
}

export interface LdapLookup {
  op: 'findPersonByEmail' | 'findPersonByUid' | 'groupMemberEmails';
  arg: string;
}

export class SimulatedLdapDirectory implements LdapDirectory {
  readonly lookups: LdapLookup[] = [];
  private readonly people = new Map<string, SimulatedPerson>();
  private readonly baseDn: string;
  private failures: { error: Error; remaining: number }[] = [];
  closed = false;

  constructor(people: SimulatedPerson[] = [], opts: { baseDn?: string } = {}) {
    this.baseDn = opts.baseDn ?? 'dc=redhat,dc=com';
    for (const p of people) this.addPerson(p);
  }

  addPerson(person: SimulatedPerson): this {
    this.people.set(person.uid, person);
    return this;
  }

  /** The next `times` lookups fail with an LDAP IntegrationError (default: once). */
  failNext(message = 'connect ECONNREFUSED', times = 1): void {
    this.failures.push({ error: new IntegrationError({ system: 'LDAP', operation: 'searching the directory', detail: message }), remaining: times });
  }

  private dn(uid: string): string {
    return `uid=${uid},ou=users,${this.baseDn}`;
  }

  private toPerson(p: SimulatedPerson): LdapPerson {
    return { dn: this.dn(p.uid), uid: p.uid, email: p.email, managerDn: p.manager ? this.dn(p.manager) : null };
  }

  private record(op: LdapLookup['op'], arg: string): void {
    this.lookups.push({ op, arg });
    const failure = this.failures.find((f) => f.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      throw failure.error;
    }
  }

  async findPersonByEmail(email: string): Promise<LdapPerson | null> {
    this.record('findPersonByEmail', email);
    const wanted = email.trim().toLowerCase();
    const p = [...this.people.values()].find((x) => x.email.toLowerCase() === wanted);
    return p ? this.toPerson(p) : null;
  }

  async findPersonByUid(uid: string): Promise<LdapPerson | null> {
    this.record('findPersonByUid', uid);
    const p = this.people.get(uid.trim());
    return p ? this.toPerson(p) : null;
  }

  async groupMemberEmails(group: string): Promise<string[]> {
    this.record('groupMemberEmails', group);
    return [...this.people.values()].filter((p) => p.groups?.includes(group)).map((p) => p.email);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
