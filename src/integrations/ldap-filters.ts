/**
 * LDAP search filters as ldapts Filter objects (EqualityFilter): the value is sent as an octet
 * string in the BER-encoded request and escaped (RFC 4515) wherever it is shown as text. Kept apart
 * from ldap.ts so that ldapts loads with the first search (ldap.ts imports this lazily).
 */
import { DN, EqualityFilter, type Filter } from 'ldapts';

/** `(rhatPrimaryMail=<email>)` as an ldapts filter; its text form is RFC 4515-escaped. */
export function emailFilter(email: string): Filter {
  return new EqualityFilter({ attribute: 'rhatPrimaryMail', value: email });
}

export function uidFilter(uid: string): Filter {
  return new EqualityFilter({ attribute: 'uid', value: uid });
}

/** `(memberOf=cn=<group>,<groupBaseDn>)`: the group name is escaped as a DN value, then as a filter value. */
export function groupFilter(group: string, groupBaseDn: string): Filter {
  return new EqualityFilter({ attribute: 'memberOf', value: `${new DN({ cn: group }).toString()},${groupBaseDn}` });
}
