/** The running command's AbortSignal reaches integration calls through the async chain. */
import { describe, expect, it, vi } from 'vitest';
import { abortable, callSignal, withCallSignal } from '../../src/integrations/call-signal.ts';
import { HttpClient, IntegrationError } from '../../src/integrations/http.ts';
import { LdaptsDirectory } from '../../src/integrations/ldap.ts';

/** A fetch that never answers but rejects when its signal aborts, as undici does. */
function hangingFetch() {
  const seen: AbortSignal[] = [];
  const fetch = (_input: string | URL | Request, init?: RequestInit) => {
    const signal = init!.signal!;
    seen.push(signal);
    return new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  };
  return { fetch, seen };
}

describe('call signal', () => {
  it('is the explicit signal outside a command, the ambient one inside, both combined when both are given', () => {
    const outer = new AbortController();
    const explicit = new AbortController();
    expect(callSignal()).toBeUndefined();
    expect(callSignal(explicit.signal)).toBe(explicit.signal);
    withCallSignal(outer.signal, () => {
      expect(callSignal()).toBe(outer.signal);
      const both = callSignal(explicit.signal)!;
      expect(both.aborted).toBe(false);
      outer.abort();
      expect(both.aborted).toBe(true);
    });
  });

  it('HttpClient: aborting the command aborts the request in flight and does not retry it', async () => {
    const { fetch, seen } = hangingFetch();
    const http = new HttpClient({ system: 'Jira', baseUrl: 'http://jira.invalid', fetch, timeoutMs: 600_000, retries: 3, minRetryDelayMs: 1 });
    const ctl = new AbortController();
    const call = withCallSignal(ctl.signal, () => http.request('searching bugs', { path: '/search' }));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    ctl.abort(new DOMException('command timed out', 'TimeoutError'));
    await expect(call).rejects.toThrow(/Jira did not answer searching bugs \(cancelled\)/);
    expect(seen[0]!.aborted).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('the scope follows the async chain: a call made after an await still gets it', async () => {
    const { fetch, seen } = hangingFetch();
    const http = new HttpClient({ system: 'Errata', baseUrl: 'http://errata.invalid', fetch, timeoutMs: 600_000 });
    const ctl = new AbortController();
    let proceed!: () => void;
    const gate = new Promise<void>((r) => (proceed = r));
    const call = withCallSignal(ctl.signal, async () => {
      await gate;
      return http.request('reading advisory 1', { path: '/a/1' });
    });
    proceed();
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    ctl.abort();
    await expect(call).rejects.toBeInstanceOf(IntegrationError);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('LDAP (no AbortSignal in ldapts): a cancelled command stops waiting for the search at once', async () => {
    const directory = new LdaptsDirectory({
      url: 'ldap://ldap.invalid',
      baseDn: 'dc=example,dc=com',
      createClient: () => ({ bind: async () => undefined, search: () => new Promise(() => undefined), unbind: async () => undefined }),
    });
    const ctl = new AbortController();
    const lookup = withCallSignal(ctl.signal, () => directory.findPersonByEmail('a@example.com'));
    ctl.abort();
    await expect(lookup).rejects.toThrow(/LDAP did not answer looking up a@example.com \(cancelled\)/);
  });

  it('abortable passes results and errors through when nothing aborts', async () => {
    const ctl = new AbortController();
    await expect(abortable(Promise.resolve(1), ctl.signal, () => new Error('x'))).resolves.toBe(1);
    await expect(abortable(Promise.reject(new Error('boom')), ctl.signal, () => new Error('x'))).rejects.toThrow('boom');
    ctl.abort();
    await expect(abortable(new Promise(() => undefined), ctl.signal, () => new Error('cancelled'))).rejects.toThrow('cancelled');
  });
});
