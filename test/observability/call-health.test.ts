/** CallHealth: systems reached per call are degraded on /health from their first failed call until one succeeds. */
import { describe, expect, it } from 'vitest';
import { CallHealth } from '../../src/observability/call-health.ts';

describe('CallHealth', () => {
  const clock = () => {
    let t = Date.parse('2026-12-07T10:00:00Z');
    return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
  };
  const call = (system: string, status: number | 'error' | 'timeout', operation = 'looking up x') => ({ system, operation, status, durationMs: 1 });

  it('reports nothing for a system never called, and ignores systems it does not track', () => {
    const h = new CallHealth({ LDAP: 'ldap' });
    h.observer(call('Jira', 'error'));
    expect(h.status()).toEqual([]);
  });

  it('degraded from the first failure (since, last error, failed calls in a row), ok again after a success', () => {
    const c = clock();
    const h = new CallHealth({ LDAP: 'ldap', DataWarehouse: 'datawarehouse' }, c.now);
    h.observer(call('LDAP', 200));
    expect(h.status()).toEqual([{ name: 'ldap', status: 'ok', since: '2026-12-07T10:00:00.000Z', attempts: 1 }]);
    c.advance(60_000);
    h.observer(call('LDAP', 'timeout', 'looking up a@redhat.com'));
    c.advance(60_000);
    h.observer(call('LDAP', 'error', 'looking up b@redhat.com'));
    expect(h.status()).toEqual([{ name: 'ldap', status: 'degraded', since: '2026-12-07T10:01:00.000Z', failing: 'ldap', last_error: 'looking up b@redhat.com: error', failed_calls: 2, attempts: 1 }]);
    c.advance(60_000);
    h.observer(call('LDAP', 200));
    expect(h.status()[0]).toMatchObject({ status: 'ok', since: '2026-12-07T10:03:00.000Z' });
    expect(h.status()[0]).not.toHaveProperty('last_error');
  });

  it('a 5xx is a failure; a 4xx is an answer (the system is up)', () => {
    const h = new CallHealth({ DataWarehouse: 'datawarehouse' });
    h.observer(call('DataWarehouse', 404, 'loading checkout 1'));
    expect(h.status()[0]!.status).toBe('ok');
    h.observer(call('DataWarehouse', 503, 'loading checkout 2'));
    expect(h.status()[0]).toMatchObject({ status: 'degraded', last_error: 'loading checkout 2: HTTP 503' });
  });
});
