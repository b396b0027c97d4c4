import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrataClient, ErrataStateError, assertStateChange, errataErrorText } from '../../../src/integrations/errata/client.ts';
import { noneAuth, tokenAuth } from '../../../src/integrations/errata/auth.ts';
import { IntegrationError } from '../../../src/integrations/http.ts';
import { testConfig } from '../../../src/config/env.ts';

const BASE = 'https://errata.example.test';
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/errata/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;

function client(opts: Partial<ConstructorParameters<typeof ErrataClient>[0]> = {}) {
  return new ErrataClient({ baseUrl: BASE, auth: tokenAuth('et-secret-token'), retries: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2, ...opts });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('ErrataClient reads', () => {
  it('reads an erratum: type from the errata key, state, approvals, blockers, bugs and exact Jira keys', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: 'Bearer et-secret-token', accept: 'application/json' } })
      .get('/api/v1/erratum/152301')
      .reply(200, json('erratum-rhsa-152301.json'));
    const e = await client().getErratum(152301);
    expect(e).toMatchObject({
      id: 152301,
      type: 'RHSA',
      state: 'QE',
      fullAdvisory: 'RHSA-2026:11873-01',
      docComplete: false,
      textReady: true,
      securityApproved: false,
      blockingAdvisories: [152299],
      bugIds: ['2301877'],
      jiraIssues: ['OCPBUGS-1', 'OCPBUGS-12', 'OCPBUGS-57311'],
    });
    scope.done();
  });

  it('combines erratum, people and builds into an advisory', async () => {
    nock(BASE).get('/api/v1/erratum/152301').reply(200, json('erratum-rhsa-152301.json'));
    nock(BASE).get('/advisory/152301.json').reply(200, json('advisory-152301.json'));
    nock(BASE).get('/advisory/152301/builds.json').reply(200, json('builds-152301.json'));
    const ad = await client().getAdvisory(152301, 'image');
    expect(ad.impetus).toBe('image');
    expect(ad.qeEmail).toBe('jdoe@redhat.com');
    expect(ad.qeGroup).toBe('OpenShift QE');
    expect(ad.builds['OSE-4.19-RHEL-9']).toEqual([
      'ose-console-container-v4.19.0-202606231458.p0.g1a2b3c4.assembly.stream.el9',
      'ose-installer-container-v4.19.0-202606231502.p0.g5d6e7f8.assembly.stream.el9',
    ]);
    expect(ad.builds['OSE-4.19-RHEL-8']).toEqual(['rhcos-x86_64-419.96.202606221350-0']);
  });

  it('lists push jobs with the target name', async () => {
    nock(BASE).get('/api/v1/erratum/152301/push').reply(200, json('push-152301.json'));
    expect(await client().listPushJobs(152301)).toEqual([
      { id: 881201, status: 'FAILED', target: 'cdn_stage' },
      { id: 881245, status: 'COMPLETE', target: 'cdn_stage' },
      { id: 881246, status: 'RUNNING', target: 'cdn_docker_stage' },
    ]);
  });

  it('pages Greenwave CVP tests until an empty page', async () => {
    const q = (page: number) => ({ 'filter[active]': 'true', 'filter[errata_id]': '152301', 'filter[test_type]': 'greenwave_cvp', 'page[number]': String(page) });
    nock(BASE).get('/api/v1/external_tests/').query(q(1)).reply(200, json('external-tests-page1.json'));
    nock(BASE).get('/api/v1/external_tests/').query(q(2)).reply(200, { data: [] });
    const tests = await client().listGreenwaveCvpTests(152301);
    expect(tests.map((t) => [t.id, t.status, t.errataId])).toEqual([
      ['4410021', 'PASSED', 152301],
      ['4410022', 'FAILED', 152301],
    ]);
    expect(tests[1]!.nvr).toBe('ose-installer-container-v4.19.0-202606231502.p0.g5d6e7f8.assembly.stream.el9');
  });

  it('reads the overall container grade from the HTML page', async () => {
    nock(BASE).get('/errata/container/152301').reply(200, fixture('container-152301.html'), { 'content-type': 'text/html' });
    nock(BASE).get('/errata/container/7').reply(200, '<html><body>no grade</body></html>', { 'content-type': 'text/html' });
    expect(await client().getContainerGrade(152301)).toBe('C');
    expect(await client().getContainerGrade(7)).toBeUndefined();
  });
});

describe('security alerts (11.11 step 2)', () => {
  it('RHBA advisories have no secalerts and make no call', async () => {
    const r = await client().checkBlockingSecurityAlerts({ id: 5, type: 'RHBA' });
    expect(r).toMatchObject({ blocking: false, level: 'warn', message: 'RHBA advisory 5 does not have secalerts' });
  });

  it('refreshes alerts for RHSA and reports blocking ones', async () => {
    nock(BASE)
      .post('/api/v1/erratum/152301/security_alerts/refresh')
      .reply(200, { alerts: { alerts: [{ name: 'embargoed_cve', description: 'CVE-2026-1234 is embargoed' }], blocking: true } });
    const r = await client().checkBlockingSecurityAlerts({ id: 152301, type: 'RHSA' });
    expect(r.blocking).toBe(true);
    expect(r.message).toContain('found blocking secalert on advisory 152301');
    expect(r.message).toContain('embargoed_cve');
  });

  it('an answer without the blocking key is "Cannot find alerts"', async () => {
    nock(BASE).post('/api/v1/erratum/9/security_alerts/refresh').reply(200, { alerts: {} });
    expect(await client().checkBlockingSecurityAlerts({ id: 9, type: 'RHSA' })).toMatchObject({ blocking: false, level: 'warn', message: 'Cannot find alerts for advisory 9' });
  });
});

describe('ErrataClient writes', () => {
  it('changes the state with a form POST after checking the transition', async () => {
    const scope = nock(BASE, { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } })
      .post('/api/v1/erratum/152301/change_state', 'new_state=REL_PREP')
      .reply(201, '{}');
    expect(await client().changeState(152301, 'rel_prep', 'QE')).toBe(true);
    scope.done();
  });

  it('refuses transitions the library forbids, without calling Errata Tool', async () => {
    await expect(client().changeState(1, 'REL_PREP', 'NEW_FILES')).rejects.toThrow('Cannot change state from NEW_FILES to REL_PREP');
    await expect(client().changeState(1, 'QE', 'SHIPPED_LIVE')).rejects.toBeInstanceOf(ErrataStateError);
    expect(() => assertStateChange(1, 'REL_PREP', 'QE')).not.toThrow();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('does nothing when the advisory is already in the target state', async () => {
    expect(await client().changeState(1, 'REL_PREP', 'REL_PREP')).toBe(false);
  });

  it('changes the QE owner with only the assigned_to_email field', async () => {
    const scope = nock(BASE).put('/api/v1/erratum/152301', 'advisory%5Bassigned_to_email%5D=jdoe%40redhat.com').reply(200, '{}');
    await client().changeQeOwner(152301, 'jdoe@redhat.com');
    scope.done();
  });

  it('removes Jira issues by exact key, keeping Bugzilla ids and similar keys', async () => {
    nock(BASE).get('/api/v1/erratum/152301').reply(200, json('erratum-rhsa-152301.json'));
    const scope = nock(BASE)
      .put('/api/v1/erratum/152301', (body: Record<string, string>) => body['advisory[idsfixed]'] === '2301877 OCPBUGS-12 OCPBUGS-57311')
      .reply(200, '{}');
    expect(await client().removeJiraIssues(152301, ['OCPBUGS-1', 'OCPBUGS-999'])).toEqual(['OCPBUGS-1']);
    scope.done();
  });

  it('triggers the stage push with defaults=stage and never retries it', async () => {
    const scope = nock(BASE).post('/api/v1/erratum/152301/push').query({ defaults: 'stage' }).reply(503, 'unavailable');
    await expect(client().triggerStagePush(152301)).rejects.toMatchObject({ status: 503 });
    scope.done();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('returns the push jobs the trigger created', async () => {
    nock(BASE).post('/api/v1/erratum/152301/push').query({ defaults: 'stage' }).reply(201, [{ id: 9001, status: 'QUEUED', target: { id: 8, name: 'cdn_stage' } }]);
    expect(await client().triggerStagePush(152301)).toEqual([{ id: 9001, status: 'QUEUED', target: 'cdn_stage' }]);
  });
});

describe('error mapping', () => {
  it('401 with Kerberos tells the user to kinit', async () => {
    nock(BASE).get('/api/v1/erratum/1').reply(401, 'Unauthorized');
    const krb = { kind: 'kerberos' as const, headers: async () => ({ authorization: 'Negotiate abc' }), describe: () => 'krb' };
    const err = await client({ auth: krb }).getErratum(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).status).toBe(401);
    expect((err as IntegrationError).userMessage).toMatch(/reading advisory 1 \(401\): did it forget to run kinit/);
  });

  it('403 says Errata access is needed', async () => {
    nock(BASE).post('/api/v1/erratum/1/change_state').reply(403, 'Forbidden');
    await expect(client().changeState(1, 'REL_PREP', 'QE')).rejects.toThrow('You need Errata access for this operation! (403 while moving advisory 1 from QE to REL_PREP)');
  });

  it('404 names the advisory', async () => {
    nock(BASE).get('/api/v1/erratum/42').reply(404, { error: "Couldn't find Errata with 'id'=42" });
    await expect(client().getErratum(42)).rejects.toThrow('Errata Tool found nothing while reading advisory 42 (404)');
  });

  it('422 shows the field errors Errata Tool returned', async () => {
    nock(BASE).put('/api/v1/erratum/3').reply(422, { errors: { assigned_to_email: ['nobody@x.com is not a valid errata user'] } });
    await expect(client().changeQeOwner(3, 'nobody@x.com')).rejects.toThrow('Errata Tool refused changing the QE owner of advisory 3 (422): assigned_to_email: nobody@x.com is not a valid errata user');
    expect(errataErrorText('{"error":"Bad state"}')).toBe('Bad state');
  });

  it('429 with Retry-After is retried for reads and the wait is honoured', async () => {
    nock(BASE).get('/api/v1/erratum/152301/push').reply(429, 'slow down', { 'retry-after': '0' });
    nock(BASE).get('/api/v1/erratum/152301/push').reply(200, []);
    expect(await client().listPushJobs(152301)).toEqual([]);
  });

  it('429 that persists keeps the Retry-After and says we are rate limited', async () => {
    nock(BASE).get('/api/v1/erratum/1').times(3).reply(429, 'slow down', { 'retry-after': '0' });
    const err = (await client().getErratum(1).catch((e: unknown) => e)) as IntegrationError;
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(0);
    expect(err.userMessage).toContain('rate limiting');
  });

  it('5xx on a read is retried, then reported', async () => {
    nock(BASE).get('/advisory/1.json').times(3).reply(502, 'bad gateway');
    await expect(client().getPeople(1)).rejects.toThrow('Errata Tool did not answer reading the people of advisory 1: 502');
  });

  it('a timeout becomes "did not answer ... timed out"', async () => {
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const err = (await client({ fetch: hanging, timeoutMs: 20, retries: 0 }).getErratum(1).catch((e: unknown) => e)) as IntegrationError;
    expect(err.userMessage).toBe('Errata Tool did not answer reading advisory 1 (timed out after 20 ms)');
  });

  it('an answer of the wrong shape is an IntegrationError, not a crash', async () => {
    nock(BASE).get('/api/v1/erratum/1').reply(200, { errata: {} });
    await expect(client().getErratum(1)).rejects.toThrow(/unexpected answer/);
  });
});

describe('configuration', () => {
  it('builds from config: ERRATA_URL and the none provider', async () => {
    const c = ErrataClient.fromConfig(testConfig({ ERRATA_URL: BASE, ERRATA_AUTH: 'none' }));
    expect(c.auth.kind).toBe('none');
    expect(c.advisoryUrl(5)).toBe(`${BASE}/advisory/5`);
    const scope = nock(BASE, { badheaders: ['authorization'] }).get('/api/v1/erratum/5/push').reply(200, []);
    await c.listPushJobs(5);
    scope.done();
    expect(noneAuth().describe()).toBe('no authentication');
  });

  it('token auth without ERRATA_TOKEN is a configuration error', () => {
    expect(() => ErrataClient.fromConfig(testConfig({ ERRATA_AUTH: 'token' }))).toThrow('ERRATA_AUTH=token needs ERRATA_TOKEN');
  });
});
