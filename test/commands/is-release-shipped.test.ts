import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { startApprovalHarness, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

describe('is-release-shipped', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  const setStates = (advisories: Record<string, number>, state: string) => {
    for (const id of Object.values(advisories)) h.world.errata.advisory(id).state = state;
  };

  it('Errata flow: { shipped, flow_type, details: { <impetus>_advisory } }, shipped only when every advisory is REL_PREP or later', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const built = vi.spyOn(GitLabClient, 'fromConfig');

    let r = await h.run('is-release-shipped', '4.19.1');
    expect(r.outcome.status).toBe('info');
    expect(r.outcome.data).toEqual({ shipped: false, flow_type: 'errata', details: { extras_advisory: 'QE', image_advisory: 'QE', metadata_advisory: 'QE', rpm_advisory: 'QE' } });

    setStates(seeded.advisories, 'SHIPPED_LIVE');
    h.world.errata.advisory(seeded.advisories.rpm!).state = 'REL_PREP';
    r = await h.run('is-release-shipped', '4.19.1');
    expect(r.outcome.data).toMatchObject({ shipped: true, flow_type: 'errata', details: { rpm_advisory: 'REL_PREP', image_advisory: 'SHIPPED_LIVE' } });
    expect(r.outcome.summary).toBe('4.19.1 is shipped (errata flow)');
    expect(built).not.toHaveBeenCalled();
    // A read-only query: no StateBox task.
    expect((await h.statebox('4.19.1'))?.state.tasks ?? []).toEqual([]);
  });

  it('Konflux flow, open MR: prod_release and shipment_mr_merged; shipped once the prod release succeeded and the advisories are REL_PREP', async () => {
    const seeded = h.world.seedRelease('4.19.10');
    setStates(seeded.advisories, 'REL_PREP');

    const mrReads = vi.spyOn(GitLabClient.prototype, 'mergeRequest');
    let r = await h.run('is-release-shipped', '4.19.10');
    expect(r.outcome.data).toEqual({ shipped: false, flow_type: 'konflux', details: { prod_release: 'not yet', shipment_mr_merged: 'no', rpm_advisory: 'REL_PREP', rhcos_advisory: 'REL_PREP' } });
    // The MR as opened serves the prod-release check: read once.
    expect(mrReads).toHaveBeenCalledTimes(1);

    h.world.gitlab.mergeRequests.find((m) => m.iid === seeded.mrIid)!.labels.push('prod-release-success');
    r = await h.run('is-release-shipped', '4.19.10');
    expect(r.outcome.data).toMatchObject({ shipped: true, details: { prod_release: 'success' } });
  });

  it('Konflux flow, merged MR: shipment_mr_status "merged" counts as shipped when the advisories are', async () => {
    const seeded = h.world.seedRelease('4.19.10', { mrState: 'merged' });
    setStates(seeded.advisories, 'PUSH_READY');
    const r = await h.run('is-release-shipped', '4.19.10');
    expect(r.outcome.data).toEqual({ shipped: true, flow_type: 'konflux', details: { shipment_mr_status: 'merged', rpm_advisory: 'PUSH_READY', rhcos_advisory: 'PUSH_READY' } });
  });

  it('defect 16: a closed (not merged) MR is not shipped', async () => {
    const seeded = h.world.seedRelease('4.19.10', { mrState: 'closed' });
    setStates(seeded.advisories, 'SHIPPED_LIVE');
    const r = await h.run('is-release-shipped', '4.19.10');
    expect(r.outcome.data).toMatchObject({ shipped: false, details: { shipment_mr_status: 'closed' } });
    expect(r.outcome.summary).toBe('4.19.10 is not shipped yet (konflux flow)');
  });

  it('an advisory that cannot be read is "error: ..." and the release is not shipped', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    setStates(seeded.advisories, 'SHIPPED_LIVE');
    h.world.errata.fault({ method: 'GET', path: `/api/v1/erratum/${seeded.advisories.image}`, status: 403, times: Infinity });
    const r = await h.run('is-release-shipped', '4.19.1');
    const data = r.outcome.data as { shipped: boolean; details: Record<string, string> };
    expect(data.shipped).toBe(false);
    expect(data.details.image_advisory).toMatch(/^error: You need Errata access for this operation!/);
    expect(data.details.rpm_advisory).toBe('SHIPPED_LIVE');
  });
});
