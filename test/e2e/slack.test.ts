/**
 * The Slack front end end to end: the real Bolt app over a real WebSocket to the simulated
 * Slack, commands through the real runner, store and simulated services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../src/commands/types.ts';
import { startE2E, textOf, type E2E } from './harness.ts';

const effects: string[] = [];
let releaseGate: (() => void) | undefined;

const criticalTest = defineCommand({
  name: 'test-critical',
  group: 'oar',
  summary: 'A critical test operation that moves an advisory to REL_PREP',
  examples: [],
  safety: 'critical',
  scope: 'zstream',
  options: z.object({}),
  async plan(ctx) {
    return { summary: `move advisory 151166 of ${ctx.release} to REL_PREP`, changes: [{ target: 'advisory 151166', from: 'QE', to: 'REL_PREP' }] };
  },
  async run(ctx) {
    effects.push(`critical:${ctx.release}`);
    return { status: 'pass', summary: 'moved 1 advisory to REL_PREP' };
  },
});

const slowWrite = defineCommand({
  name: 'test-slow-write',
  group: 'oar',
  summary: 'A write that waits until released',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({}),
  async run() {
    await new Promise<void>((r) => (releaseGate = r));
    return { status: 'pass', summary: 'slow write done' };
  },
});

const longOutput = defineCommand({
  name: 'test-long-output',
  group: 'oar',
  summary: 'Prints a lot',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({}),
  async run() {
    return { status: 'info', summary: 'many lines', sections: [{ lines: Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(30)}`) }] };
  },
});

const watched = defineCommand({
  name: 'test-watched',
  group: 'oar',
  summary: 'Starts long-running work',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({}),
  followUpKinds: [{ kind: 'test-kind', summary: 'waits for job 42' }],
  followUps: { 'test-kind': () => ({ poll: async () => ({ done: false, summary: 'job 42 still running' }) }) },
  async run() {
    return { status: 'in_progress', summary: 'job 42 triggered', watch: { kind: 'test-kind', subject: { job: 42 }, intervalMs: 600_000, deadline: new Date(Date.now() + 3600_000) } };
  },
});

describe('Slack front end end to end', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { OAR_CRITICAL_USERS: 'U_LEAD', OAR_CONFIRM_TTL_MS: '60000' }, extraCommands: [criticalTest, slowWrite, longOutput, watched] });
    e.world.seedRelease('4.19.1');
    e.world.seedRelease('4.19.10');
  });
  afterAll(() => e.stop());

  const root = (pred: (t: string) => boolean) => e.slack.waitForMessage((m) => !m.ephemeral && m.threadTs === undefined && pred(textOf(m)), { existing: true });

  it('a read-only slash command answers privately at once; "Share in channel" posts it for everyone and removes the private copy', async () => {
    const r = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.10 release-info' });
    expect(r.acked).toBe(true);
    expect(r.ackLatencyMs).toBeLessThan(3000);
    // The first command of the file also warms the ConfigStore cache: allow for a loaded machine.
    const priv = await e.slack.waitForMessage((m) => m.ephemeral && m.visibleTo === 'U_LEAD' && textOf(m).includes('Konflux'), { existing: true, timeoutMs: 20_000 });
    expect(textOf(priv)).toContain('ART-14050');
    expect(textOf(priv)).toContain('153979');
    expect(textOf(priv)).toContain('Share in channel');
    expect(e.slack.messages('C_QE_RELEASE').filter((m) => !m.ephemeral && textOf(m).includes('release-info') && textOf(m).includes('4.19.10'))).toEqual([]);
    await e.slack.clickButton({ user: 'U_LEAD', actionId: 'oar_share', messageTs: priv.ts, channel: 'C_QE_RELEASE' });
    const shared = await root((t) => t.includes('release-info') && t.includes('Konflux') && t.includes('ART-14050'));
    expect(shared.ephemeral).toBe(false);
    expect(textOf(shared)).not.toContain('Share in channel');
    await e.slack.waitFor((c) => c.method === 'response_url' && JSON.stringify(c.args).includes('delete_original'));
  });

  it('a message command typed in the channel runs and answers in its thread', async () => {
    const sent = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 release-info' });
    const reply = await e.slack.waitForMessage((m) => m.threadTs === sent.ts && textOf(m).includes('Errata flow'), { existing: true });
    expect(textOf(reply)).toContain('151166');
  });

  it('a mention of the bot runs once although message and app_mention both arrive; other mentions are ignored', async () => {
    const sent = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: `<@${e.slack.botUserId}> oar -r 4.19.10 release-info` });
    expect(sent.events.map((x) => x.type).sort()).toEqual(['app_mention', 'message']);
    await e.slack.waitForMessage((m) => m.threadTs === sent.ts && textOf(m).includes('Konflux'), { existing: true });
    const other = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '<@U_ART> oar -r 4.19.10 release-info' });
    // A later command proves the bot processed events after the ignored one.
    const later = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 release-info' });
    await e.slack.waitForMessage((m) => m.threadTs === later.ts && textOf(m).includes('Errata'), { existing: true });
    expect(e.slack.messages('C_QE_RELEASE', other.ts).filter((m) => m.user === e.slack.botUserId)).toEqual([]);
    expect(e.slack.messages('C_QE_RELEASE', sent.ts).filter((m) => m.user === e.slack.botUserId && textOf(m).includes('Konflux'))).toHaveLength(1);
  });

  it('a redelivered event does not run the command twice', async () => {
    const sent = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 release-info' });
    await e.slack.waitForMessage((m) => m.threadTs === sent.ts && textOf(m).includes('Errata flow'), { existing: true });
    await e.slack.redeliver(sent.events[0]!.eventId);
    const again = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.10 release-info' });
    await e.slack.waitForMessage((m) => m.threadTs === again.ts && textOf(m).includes('Konflux'), { existing: true });
    const results = e.slack.messages('C_QE_RELEASE', sent.ts).filter((m) => m.user === e.slack.botUserId && textOf(m).includes('Errata flow'));
    expect(results).toHaveLength(1);
  });

  it('ignores unrelated chatter and its own messages (no greeting on Hello)', async () => {
    const before = e.slack.calls('chat.postMessage').length;
    await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'Hello team, please check the oar logs' });
    const later = await e.slack.sendMessage({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: 'oar -r 4.19.1 release-info' });
    await e.slack.waitForMessage((m) => m.threadTs === later.ts && textOf(m).includes('Errata'), { existing: true });
    const posted = e.slack.calls('chat.postMessage').slice(before);
    expect(posted.every((c) => !JSON.stringify(c.args).includes('ERT release bot'))).toBe(true);
  });

  it('a critical command opens a modal with the plan; the invoker confirms by typing the release; it runs once', async () => {
    const r = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-critical' });
    expect(r.acked).toBe(true);
    await e.slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args).includes('advisory 151166'));
    const view = e.slack.views('U_LEAD').at(-1)!;
    expect(JSON.stringify(view)).toContain('Type 4.19.1 to confirm');
    const wrong = await e.slack.submitView({ user: 'U_LEAD', values: { value: '4.19.2' } });
    expect(wrong.errors).toBeDefined();
    expect(effects).toEqual([]);
    const ok = await e.slack.submitView({ user: 'U_LEAD', values: { value: '4.19.1' } });
    expect(ok.errors).toBeUndefined();
    await root((t) => t.includes('moved 1 advisory to REL_PREP'));
    expect(effects).toEqual(['critical:4.19.1']);
    const audit = await e.app.store.queryAudit({ release: '4.19.1', command: 'test-critical' });
    expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['propose', 'confirm', 'run']));
  });

  it('an unauthorized user gets a clear private denial, audited, and nothing runs', async () => {
    const r = await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 test-critical' });
    expect(r.acked).toBe(true);
    const denial = await e.slack.waitFor((c) => c.method === 'response_url' || (c.method === 'chat.postEphemeral' && JSON.stringify(c.args).includes('not allowed')));
    expect(JSON.stringify(denial.args)).toContain('needs the critical role and you have read');
    expect(effects.filter((x) => x === 'critical:4.19.1')).toHaveLength(1);
    const audit = await e.app.store.queryAudit({ actorId: 'U_VIEWER', command: 'test-critical' });
    expect(audit.map((a) => a.event)).toContain('deny');
  });

  it('an expired confirmation says so and changes nothing', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.10 test-critical' });
    const updated = await e.slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args).includes('4.19.10'));
    const rawView = (updated.args as { view: unknown }).view;
    const pendingId = (typeof rawView === 'string' ? (JSON.parse(rawView) as { private_metadata: string }) : (rawView as { private_metadata: string })).private_metadata;
    // Expire it in the store (the TTL is minutes; no waiting in tests).
    const pending = await e.app.store.getPending(pendingId);
    expect(pending?.state).toBe('pending');
    await e.app.store.transitionPending(pendingId, 'pending', 'expired');
    const r = await e.slack.submitView({ user: 'U_LEAD', values: { value: '4.19.10' } });
    expect(JSON.stringify(e.slack.view(r.viewId))).toContain('expired');
    expect(effects).not.toContain('critical:4.19.10');
  });

  it('a lock conflict names who holds it, for what, since when, and how to release it', async () => {
    const first = e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.10 test-slow-write' });
    await first;
    await root((t) => t.includes('test-slow-write') && t.includes('is running'));
    const second = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.10 test-slow-write' });
    expect(second.acked).toBe(true);
    const conflict = await e.slack.waitForMessage((m) => textOf(m).includes('is locked by'), { existing: true });
    expect(textOf(conflict)).toMatch(/4\.19\.10 is locked by .*U_LEAD.* for test-slow-write since .*\/oar 4\.19\.10 unlock/);
    releaseGate?.();
    await root((t) => t.includes('slow write done'));
  });

  it('long output is split into several messages, each within Slack limits', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-long-output' });
    const first = await root((t) => t.includes('many lines'));
    await e.slack.waitForMessage((m) => m.threadTs === first.ts && textOf(m).includes('line 2999'), { existing: true });
    const parts = [first, ...e.slack.messages('C_QE_RELEASE', first.ts).filter((m) => m.user === e.slack.botUserId && m.ts !== first.ts)];
    expect(parts.length).toBeGreaterThan(1);
    for (const m of parts) {
      const blocks = (m.blocks ?? []) as { type: string; text?: { text: string } }[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
    // Every line arrived.
    const all = parts.map(textOf).join('\n');
    for (const n of [0, 1500, 2999]) expect(all.split(`line ${n} `).length - 1).toBeGreaterThanOrEqual(1);
    expect(e.slack.calls().filter((c) => c.error === 'invalid_blocks')).toEqual([]);
  });

  it('reconnects after Slack disconnects the socket, and the next command still works', async () => {
    const before = e.slack.connections().length;
    const reconnected = e.slack.waitForConnection({ after: before });
    e.slack.disconnect('refresh_requested');
    await reconnected;
    const r = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 release-info' });
    expect(r.acked).toBe(true);
    const metrics = await (await fetch(`${e.app.http.url}/metrics`)).text();
    expect(metrics).toMatch(/oar_slack_reconnects_total \d/);
  });

  it('a long-running command offers "Stop watching"; pressing it cancels the durable watch', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-watched' });
    const msg = await root((t) => t.includes('job 42 triggered') && t.includes('oar_watch_cancel'));
    const [watch] = await e.app.store.listWatches({ release: '4.19.1', kind: 'test-kind' });
    expect(watch?.state).toBe('active');
    await e.slack.clickButton({ user: 'U_LEAD', actionId: 'oar_watch_cancel', messageTs: msg.ts, channel: 'C_QE_RELEASE' });
    await e.slack.waitForMessage((m) => m.threadTs === msg.ts && /stop|cancel/i.test(textOf(m)), { existing: true });
    expect((await e.app.store.getWatch(watch!.id))?.state).toBe('cancelled');
  });

  it('App Home shows the active releases (release discovery + StateBox): task statuses, open blockers, next steps', async () => {
    // 4.19.37 is the newest 4.19 release of ART's tracking file; a release date ahead makes it active.
    const sb = e.app.engine.statebox;
    await sb.create({ release: '4.19.37', advisories: { rpm: 1, rhcos: 2 }, jira_ticket: 'ART-1', release_date: '2099-Jan-01' });
    await sb.updateTask('4.19.37', 'take-ownership', 'Pass', '2026-11-21T10:00:00Z: INFO: done');
    await sb.addIssue('4.19.37', 'CVE-2026-0001 tracker missing from the shipment', { blocker: true });
    const mark = e.slack.mark();
    await e.slack.openHome({ user: 'U_LEAD' });
    await e.slack.waitFor((c) => c.method === 'views.publish', { since: mark });
    const home = JSON.stringify(e.slack.homeView('U_LEAD'));
    expect(home).toContain('*4.19.37*');
    expect(home).toContain(':white_check_mark: Take Ownership');
    expect(home).toContain('CVE-2026-0001 tracker missing from the shipment');
    expect(home).toContain('\\"c\\":\\"check-cve-tracker-bug\\"');
  });
});
