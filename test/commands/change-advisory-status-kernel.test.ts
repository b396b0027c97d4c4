/**
 * The kernel stop-ship guard of change-advisory-status (oar-commands 6.8 step 3, 11.10) against the
 * simulated Brew: brewroot metadata.json over HTTP and koji listTags over XML-RPC.
 */
import { describe, expect, it } from 'vitest';
import { BrewClient, BrewError, parseRhcosNvr } from '../../src/integrations/brew.ts';
import { KERNEL_STOP_SHIP_MESSAGE } from '../../src/commands/approval/kernel-guard.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';
import { startApprovalHarness, type ApprovalHarness } from './change-advisory-status.harness.ts';

const stateChanges = (h: ApprovalHarness) => h.world.errata.changes.filter((c) => c.kind === 'state-changed');

describe('kernel stop-ship guard', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  it('a clean kernel: the plan shows the guard per advisory and the approval runs', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const rhcos = seeded.rhcos!;
    const plan = await h.execute('change-advisory-status', '4.19.1');
    expect(plan.kind).toBe('needs-confirmation');
    if (plan.kind !== 'needs-confirmation') return;
    expect(plan.plan.refused).toBeUndefined();
    expect(plan.plan.notes).toContain(`Kernel stop-ship guard: advisory ${rhcos.advisory} (image): ${rhcos.nvr} ships ${rhcos.kernel}, not tagged early-kernel-stop-ship`);
    expect(plan.plan.notes).toContain(`Kernel stop-ship guard: advisory ${seeded.advisories.rpm} (rpm): no RHCOS build, kernel tag not checked`);
    // koji was asked over XML-RPC, keyword argument as koji sends it
    const calls = h.world.brew.callsTo('POST', '/brewhub');
    expect(calls.length).toBeGreaterThan(0);
    expect(String(calls[0]!.body)).toContain('<methodName>listTags</methodName>');
    expect(String(calls[0]!.body)).toContain('__starstar');

    const r = await h.run('change-advisory-status', '4.19.1');
    expect(r.outcome.status).toBe('pass');
    expect(r.log).toContain('INFO: rpm advisory does not have RHCOS build, skip checking kernel tag');
  });

  it('a stop-ship kernel: the plan is refused, the run refuses with the spec message, records Fail and a blocker, moves nothing', async () => {
    const seeded = h.world.seedRelease('4.19.10', { kernelStopShip: true, metadataAccessible: true });
    const rhcos = seeded.rhcos!;

    const plan = await h.execute('change-advisory-status', '4.19.10');
    expect(plan.kind).toBe('needs-confirmation');
    if (plan.kind !== 'needs-confirmation') return;
    expect(plan.plan.empty).toBe(true);
    expect(plan.plan.changes).toEqual([]);
    expect(plan.plan.refused).toMatch(new RegExp(`^${KERNEL_STOP_SHIP_MESSAGE.replaceAll('.', '\\.')}`));
    expect(plan.plan.refused).toContain(rhcos.kernel);

    const dry = await h.execute('change-advisory-status', '4.19.10', { dryRun: true });
    expect(dry.kind === 'done' && dry.outcome.status).toBe('fail');
    expect(dry.kind === 'done' && dry.outcome.sections?.find((s) => s.title === 'Refused')?.lines?.[0]).toContain(KERNEL_STOP_SHIP_MESSAGE);

    const r = await h.run('change-advisory-status', '4.19.10');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary.startsWith(KERNEL_STOP_SHIP_MESSAGE)).toBe(true);
    expect(r.log).toContain('INFO: kernel tag early-kernel-stop-ship is detected');
    expect(stateChanges(h)).toHaveLength(0);
    expect(h.world.gitlab.callsTo('POST', /\/approve$/)).toHaveLength(0);
    const state = (await h.statebox('4.19.10'))?.state;
    expect(state?.tasks.find((t) => t.name === 'change-advisory-status')?.status).toBe('Fail');
    const blocker = state?.issues.find((i) => i.related_tasks.includes('change-advisory-status'));
    expect(blocker?.blocker).toBe(true);
    expect(blocker?.issue).toContain(rhcos.kernel);

    // re-run: the same blocker is recognised, not duplicated
    await h.run('change-advisory-status', '4.19.10');
    expect((await h.statebox('4.19.10'))?.state.issues.filter((i) => i.related_tasks.includes('change-advisory-status'))).toHaveLength(1);
  });

  it('Brew not answering refuses (fails closed) and changes nothing', async () => {
    h.world.seedRelease('4.19.1');
    h.world.brew.fault({ path: /metadata\.json$/, status: 404, times: Infinity });
    const r = await h.run('change-advisory-status', '4.19.1');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(/Brew found nothing while reading the metadata of build rhcos-x86_64/);
    expect(stateChanges(h)).toHaveLength(0);
  });
});

describe('BrewClient', () => {
  it('parses the RHCOS NVR as the original (version [\\d.]+, release \\d+)', () => {
    expect(parseRhcosNvr('rhcos-x86_64-419.96.202508121030-0')).toEqual({ name: 'rhcos-x86_64', version: '419.96.202508121030', release: '0' });
    expect(parseRhcosNvr('rhcos-x86_64-419.96.202508121030-0.el9')).toBeUndefined();
  });

  it('a koji fault becomes a BrewError naming the operation', async () => {
    const { startBrewSimulator } = await import('../../src/sandbox/brew/index.ts');
    const sim = await startBrewSimulator();
    try {
      const client = new BrewClient({ downloadUrl: `${sim.url}/brewroot`, hubUrl: `${sim.url}/brewhub`, retries: 0 });
      const err = await client.listTags('kernel-0-0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BrewError);
      expect((err as BrewError).userMessage).toContain("No such build: 'kernel-0-0'");
      sim.seedRhcosBuild({ nvr: 'rhcos-x86_64-419.96.1-0', kernel: 'kernel-5.14.0-1.el9' });
      expect(await client.listTags('kernel-5.14.0-1.el9')).toContain('rhel-9.4.0-z-candidate');
      const ctl = new AbortController();
      sim.fault({ path: '/brewhub', hang: true });
      const p = client.listTags('kernel-5.14.0-1.el9', ctl.signal);
      ctl.abort();
      await expect(p).rejects.toBeInstanceOf(BrewError);
    } finally {
      await sim.close();
    }
  });
});
