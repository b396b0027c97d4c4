/**
 * A dry run typed in Slack (the shared parser): the answer is the plan, no confirmation modal
 * opens, nothing changes — for a critical command (change-advisory-status, with the kernel
 * stop-ship guard per advisory) and for blocker management.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, textOf, type E2E } from './harness.ts';

describe('Slack dry runs', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { OAR_CRITICAL_USERS: 'U_LEAD' } });
  });
  afterAll(() => e.stop());

  it('/oar 4.19.1 change-advisory-status --dry-run answers with the plan and opens no modal', async () => {
    const seeded = e.world.seedRelease('4.19.1');
    const r = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 change-advisory-status --dry-run' });
    expect(r.acked).toBe(true);
    const msg = await e.slack.waitForMessage((m) => textOf(m).includes('Dry run:') && textOf(m).includes('REL_PREP'), { existing: true });
    // Slack links the advisory number: `advisory <url|151165> (image)`.
    expect(textOf(msg)).toMatch(new RegExp(`Kernel stop-ship guard: advisory <[^|>]+\\|${seeded.rhcos!.advisory}> \\(image\\)`));
    expect(e.slack.calls('views.open')).toHaveLength(0);
    expect(e.world.errata.changes.filter((c) => c.kind === 'state-changed')).toHaveLength(0);
    const audit = await e.app.store.queryAudit({ release: '4.19.1', command: 'change-advisory-status' });
    expect(audit.map((a) => a.outcome)).toContain('dry-run');
  });

  it('a blocker added, listed and resolved by text commands in the channel', async () => {
    const add = await e.slack.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 add-issue --issue "Stage pipeline broken" --related-tasks stage-testing' });
    await e.slack.waitForMessage((m) => m.threadTs === add.ts && textOf(m).includes('Added blocking issue'), { existing: true });
    const list = await e.slack.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 issues --unresolved-only' });
    await e.slack.waitForMessage((m) => m.threadTs === list.ts && textOf(m).includes('BLOCKER [stage-testing] Stage pipeline broken'), { existing: true });
    const done = await e.slack.sendMessage({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 resolve-issue --issue "pipeline broken" --resolution "Jenkins fixed"' });
    await e.slack.waitForMessage((m) => m.threadTs === done.ts && textOf(m).includes('Resolved on 4.19.1'), { existing: true });
  });
});
