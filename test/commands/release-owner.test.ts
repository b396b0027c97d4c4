import { describe, expect, it } from 'vitest';
import { ownerOf, releaseOwner } from '../../src/commands/release-owner.ts';
import type { AuditEntry, AuditQuery } from '../../src/store/types.ts';

const audit = (rows: AuditEntry[]) => ({
  queries: [] as AuditQuery[],
  async queryAudit(q: AuditQuery) {
    this.queries.push(q);
    return rows;
  },
});

const noWarn = (message: string): never => {
  throw new Error(`unexpected warning: ${message}`);
};

describe('the owner of a release', () => {
  it('is the e-mail of the last take-ownership that passed, from the audit log (newest first)', async () => {
    const store = audit([
      { event: 'run', actorId: 'U1', release: '4.19.1', command: 'take-ownership', options: { email: 'late@redhat.com' }, outcome: 'fail: Errata down' },
      { event: 'run', actorId: 'U1', release: '4.19.1', command: 'take-ownership', options: { email: 'rita@redhat.com' }, outcome: 'pass: owner changed' },
      { event: 'run', actorId: 'U2', release: '4.19.1', command: 'take-ownership', options: { email: 'old@redhat.com' }, outcome: 'pass: owner changed' },
    ]);
    expect(await releaseOwner(store, '4.19.1', [], noWarn)).toBe('rita@redhat.com');
    expect(store.queries[0]).toMatchObject({ release: '4.19.1', command: 'take-ownership', event: 'run' });
  });

  it("StateBox's masked log names nobody; an unmasked log still does when the audit has nothing", async () => {
    const masked = [{ name: 'take-ownership', result: 'INFO: QA Owner of advisory 1 is updated to [EMAIL_REDACTED]' }];
    expect(await releaseOwner(audit([]), '4.19.1', masked, noWarn)).toBeUndefined();
    expect(ownerOf([{ name: 'take-ownership', result: 'INFO: QA Owner of advisory 1 is updated to rita@redhat.com\nINFO: QA Owner of advisory 2 is already [rita@redhat.com]' }])).toBe('rita@redhat.com');
    expect(await releaseOwner(undefined, '4.19.1', [{ name: 'take-ownership', result: 'QA Owner of advisory 1 is updated to [x@redhat.com]' }], noWarn)).toBe('x@redhat.com');
  });

  it('an audit log that cannot be read is said, and the owner falls back to the StateBox log', async () => {
    const warnings: string[] = [];
    const broken = { queryAudit: async () => Promise.reject(new Error('database is locked')) };
    const unmasked = [{ name: 'take-ownership', result: 'QA Owner of advisory 1 is updated to [x@redhat.com]' }];
    expect(await releaseOwner(broken, '4.19.1', unmasked, (m) => warnings.push(m))).toBe('x@redhat.com');
    expect(warnings).toEqual(['the audit log could not be read to name the owner of 4.19.1: database is locked']);
  });
});
