import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startErrataSimulator, type ErrataSimulator } from '../../src/sandbox/errata/index.ts';
import { ErrataClient } from '../../src/integrations/errata/client.ts';
import { kerberosAuth, tokenAuth } from '../../src/integrations/errata/auth.ts';
import { summarizePushJobs } from '../../src/integrations/errata/push-jobs.ts';

let sim: ErrataSimulator;
let client: ErrataClient;

beforeAll(async () => {
  sim = await startErrataSimulator({ auth: 'bearer', token: 'et-token' });
  client = new ErrataClient({ baseUrl: sim.url, auth: tokenAuth('et-token'), retries: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.server.resetRecords();
  sim.server.clearFaults();
  sim.seedAdvisory({
    id: 152301,
    type: 'RHSA',
    state: 'QE',
    jiraIssues: ['OCPBUGS-1', 'OCPBUGS-12'],
    bugIds: ['2301877'],
    builds: { 'OSE-4.19-RHEL-9': ['ose-console-container-v4.19.0-1'] },
    stageTargets: ['cdn_stage', 'cdn_docker_stage'],
    securityAlerts: { alerts: [], blocking: false },
    containerGrade: 'B',
  });
});

describe('simulated Errata Tool behind real HTTP', () => {
  it('serves the advisory the client reads', async () => {
    const ad = await client.getAdvisory(152301, 'image');
    expect(ad).toMatchObject({ id: 152301, type: 'RHSA', state: 'QE', qeEmail: 'openshift-qe@redhat.com', jiraIssues: ['OCPBUGS-1', 'OCPBUGS-12'] });
    expect(ad.builds).toEqual({ 'OSE-4.19-RHEL-9': ['ose-console-container-v4.19.0-1'] });
    expect(await client.getContainerGrade(152301)).toBe('B');
    expect(sim.calls.every((c) => c.headers.authorization === 'Bearer ***')).toBe(true);
  });

  it('release advisories skip microshift and DROPPED_NO_SHIP', async () => {
    sim.seedAdvisory({ id: 152302, state: 'DROPPED_NO_SHIP' });
    sim.seedAdvisory({ id: 152303, state: 'QE' });
    const ads = await client.getReleaseAdvisories({ image: 152301, extras: 152302, microshift: 152303, rpm: 152303 });
    expect(ads.map((a) => [a.impetus, a.id])).toEqual([
      ['image', 152301],
      ['rpm', 152303],
    ]);
  });

  it('records owner change, bug removal and state change', async () => {
    await client.changeQeOwner(152301, 'jdoe@redhat.com');
    expect(await client.removeJiraIssues(152301, ['OCPBUGS-1'])).toEqual(['OCPBUGS-1']);
    expect(await client.changeState(152301, 'REL_PREP')).toBe(true);
    const adv = sim.advisory(152301);
    expect(adv).toMatchObject({ qeEmail: 'jdoe@redhat.com', jiraIssues: ['OCPBUGS-12'], bugIds: ['2301877'], state: 'REL_PREP' });
    expect(sim.changes.map((c) => c.kind)).toEqual(['advisory-updated', 'advisory-updated', 'state-changed']);
    expect(sim.changes[2]!.detail).toEqual({ from: 'QE', to: 'REL_PREP' });
  });

  it('the server enforces transitions too (422 with field errors)', async () => {
    sim.advisory(152301).state = 'NEW_FILES';
    // Bypass the client-side rule by claiming QE: the server still refuses.
    await expect(client.changeState(152301, 'REL_PREP', 'QE')).rejects.toThrow('Errata Tool refused moving advisory 152301 from QE to REL_PREP (422): new_state: Transition NEW_FILES => REL_PREP is invalid');
    expect(sim.changes).toEqual([]);
  });

  it('stage push: trigger once, jobs progress on each poll until complete', async () => {
    const created = await client.triggerStagePush(152301);
    expect(created.map((j) => [j.target, j.status])).toEqual([
      ['cdn_stage', 'QUEUED'],
      ['cdn_docker_stage', 'QUEUED'],
    ]);
    const states: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = summarizePushJobs(await client.listPushJobs(152301));
      states.push(s.completed ? 'completed' : s.running ? 'running' : 'none');
    }
    expect(states).toEqual(['running', 'running', 'completed', 'completed']);
    // A second trigger after completion creates nothing.
    expect(await client.triggerStagePush(152301)).toEqual([]);
    expect(sim.changes.filter((c) => c.kind === 'push-triggered').map((c) => c.detail.targets)).toEqual([['cdn_stage', 'cdn_docker_stage'], []]);
  });

  it('a failed push job is re-run by the next trigger', async () => {
    sim.setPushJobStatus(152301, 'cdn_stage', 'FAILED');
    const s = summarizePushJobs(await client.listPushJobs(152301));
    expect(s).toMatchObject({ hasFailed: true, running: true });
    const created = await client.triggerStagePush(152301);
    expect(created.map((j) => j.target)).toEqual(['cdn_stage', 'cdn_docker_stage']);
  });

  it('fault injection: a 503 on a read is retried, the record shows both calls', async () => {
    sim.fault({ method: 'GET', path: '/api/v1/erratum/152301', status: 503, retryAfter: 0 });
    expect((await client.getErratum(152301)).state).toBe('QE');
    expect(sim.callsTo('GET', '/api/v1/erratum/152301').map((c) => [c.status, c.fault ?? ''])).toEqual([
      [503, 'status 503'],
      [200, ''],
    ]);
  });

  it('wrong credentials are a 401 with the kinit hint for Kerberos', async () => {
    const krbSim = await startErrataSimulator({ auth: 'negotiate' });
    try {
      krbSim.seedAdvisory({ id: 1 });
      const noModule = new ErrataClient({ baseUrl: krbSim.url, auth: { kind: 'kerberos', headers: async () => ({}), describe: () => 'x' }, retries: 0 });
      await expect(noModule.getErratum(1)).rejects.toThrow(/\(401\): did it forget to run kinit/);
      const spnego = new ErrataClient({
        baseUrl: krbSim.url,
        auth: kerberosAuth({ host: '127.0.0.1', load: async () => ({ initializeClient: async () => ({ step: async () => 'YIIGtoken' }) }) }),
      });
      expect((await spnego.getErratum(1)).id).toBe(1);
      expect(krbSim.calls.at(-1)!.headers.authorization).toBe('Negotiate ***');
    } finally {
      await krbSim.close();
    }
  });

  it('security alerts and CVP tests', async () => {
    sim.advisory(152301).securityAlerts = { alerts: [{ name: 'embargo' }], blocking: true };
    sim.advisory(152301).cvpTests = [
      { id: 1, status: 'PASSED', nvr: 'a-1' },
      { id: 2, status: 'FAILED', nvr: 'b-1' },
      { id: 3, status: 'WAIVED', nvr: 'c-1' },
    ];
    expect((await client.checkBlockingSecurityAlerts({ id: 152301, type: 'RHSA' })).blocking).toBe(true);
    expect((await client.listGreenwaveCvpTests(152301)).map((t) => t.status)).toEqual(['PASSED', 'FAILED', 'WAIVED']);
    expect(sim.changes.map((c) => c.kind)).toEqual(['security-alerts-refreshed']);
  });
});
