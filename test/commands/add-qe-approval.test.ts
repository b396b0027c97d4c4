import { describe, expect, it, vi } from 'vitest';
import { GitLabClient } from '../../src/integrations/gitlab/index.ts';
import { addQeApproval as addQeApprovalDecl } from '../../src/commands/add-qe-approval.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { commandHelp } from '../../src/commands/registry.ts';
import { issueStatus, qeSubtaskKeys, startApprovalHarness, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const addQeApproval = commandOf(addQeApprovalDecl);

const approveCalls = (h: ApprovalHarness) => h.world.gitlab.callsTo('POST', /\/merge_requests\/\d+\/approve$/);

describe('add-qe-approval (legacy)', () => {
  it('is registered, critical and marked legacy', () => {
    const registry = createRegistry([addQeApproval]);
    const def = registry.get('add-qe-approval');
    expect(def?.legacy).toBe(true);
    expect(def?.safety).toBe('critical');
    expect(def?.task).toBeUndefined();
    expect(commandHelp(def!)).toContain('add-qe-approval');
  });

  describe('runs', () => {
    let h: ApprovalHarness;
    freshHarnessPerTest(startApprovalHarness, (started) => {
      h = started;
    });

    it('approves the open shipment MR once and closes the QE subtasks; advisories are not moved', async () => {
      const seeded = h.world.seedRelease('4.19.10');
      const keys = qeSubtaskKeys(h.world, seeded.jiraTicket);

      const plan = await h.execute('add-qe-approval', '4.19.10');
      expect(plan.kind === 'needs-confirmation' && plan.plan.changes.map((c) => c.target)).toEqual([`shipment MR !${seeded.mrIid}`, ...Object.values(keys).sort().map((k) => expect.stringContaining(k))]);
      const r = await h.run('add-qe-approval', '4.19.10');
      await h.run('add-qe-approval', '4.19.10');

      expect(r.outcome.status).toBe('pass');
      expect(approveCalls(h)).toHaveLength(1);
      for (const key of Object.values(keys)) expect(issueStatus(h.world, key)).toBe('Closed');
      for (const id of Object.values(seeded.advisories)) expect(h.world.errata.advisory(id).state).toBe('QE');
    });

    it('edge case 1: a merged MR is not approved; the subtasks are still closed', async () => {
      const seeded = h.world.seedRelease('4.19.10', { mrState: 'merged' });
      const r = await h.run('add-qe-approval', '4.19.10');
      expect(r.outcome.status).toBe('pass');
      expect(approveCalls(h)).toHaveLength(0);
      expect(r.log).toContain('Shipment MR for 4.19.10 already merged, skipping QE approval step');
      expect(issueStatus(h.world, qeSubtaskKeys(h.world, seeded.jiraTicket).relPrep)).toBe('Closed');
    });

    it('Errata flow: refused (no shipment MR) without building the GitLab client', async () => {
      h.world.seedRelease('4.19.1');
      const built = vi.spyOn(GitLabClient, 'fromConfig');
      const r = await h.run('add-qe-approval', '4.19.1');
      expect(r.outcome.status).toBe('fail');
      expect(r.outcome.summary).toContain('add-qe-approval needs a shipment MR (Konflux flow); 4.19.1 uses the Errata flow');
      expect(built).not.toHaveBeenCalled();
      expect(h.world.jira.callsTo(/\/transitions$/, 'POST')).toHaveLength(0);
    });
  });
});
