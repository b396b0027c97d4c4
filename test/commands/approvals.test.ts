/**
 * The second-person approval lifecycle at the runner + store level (no Slack needed): the rule
 * holds whatever the front end, approval runs once, rejection and expiry change nothing, and
 * every transition is audited. SQLite and the real PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Runner, type Authorizer } from '../../src/commands/runner.ts';
import type { ApprovalAnnouncer, ApprovalView } from '../../src/commands/approvals.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { defineCommand, type Actor, type Role } from '../../src/commands/types.ts';
import { testConfig } from '../../src/config/env.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import type { SlackTarget, Store } from '../../src/store/types.ts';
import { openPgTestStore, openTestStore } from '../helpers/store.ts';

const roles: Record<string, Role> = { 'mcp:agent': 'critical', 'cli:jdoe': 'critical', U_LEAD: 'critical', U_ART: 'critical', U_VIEWER: 'read' };
const authorizer: Authorizer = { roleFor: async (a) => roles[a.id] ?? 'read' };
const agent: Actor = { id: 'mcp:agent', name: 'agent', via: 'mcp' };
const art: Actor = { id: 'U_ART', name: 'art', via: 'slack' };
const viewer: Actor = { id: 'U_VIEWER', via: 'slack' };

function world(store: Store, opts: { clock?: { now: Date }; announcer?: ApprovalAnnouncer } = {}) {
  const ran: string[] = [];
  const moveAdvisories = defineCommand({
    name: 'change-advisory-status',
    group: 'oar',
    summary: 'move advisories',
    examples: [],
    safety: 'critical',
    task: 'change-advisory-status',
    scope: 'zstream',
    options: z.object({ status: z.string().default('REL_PREP') }),
    async plan() {
      return { summary: 'move 4 advisories to REL_PREP', changes: [{ target: 'advisory 151166', from: 'QE', to: 'REL_PREP' }] };
    },
    async run(ctx, o) {
      ran.push(`${ctx.release} ${o.status} as ${ctx.actor.id}`);
      return { status: 'pass', summary: `4 advisories moved to ${o.status}` };
    },
  });
  const statebox = new MemoryStateBox();
  const runner = new Runner({
    config: testConfig({ OAR_SECOND_APPROVAL: 'change-advisory-status', OAR_APPROVAL_TTL_MS: '600000', OAR_APPROVAL_POLL_MS: '50' }),
    store,
    statebox,
    services: new LazyServices(),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer,
    instanceId: 'bot-1',
    commands: { get: (n) => (n === moveAdvisories.name ? moveAdvisories : undefined) },
    ...(opts.clock ? { now: () => opts.clock!.now } : {}),
    ...(opts.announcer ? { approvalAnnouncer: opts.announcer } : {}),
  });
  return { runner, ran, statebox, command: moveAdvisories };
}

function recordingAnnouncer(): ApprovalAnnouncer & { posted: ApprovalView[]; updated: ApprovalView[] } {
  const posted: ApprovalView[] = [];
  const updated: ApprovalView[] = [];
  return {
    available: true,
    posted,
    updated,
    async post(v: ApprovalView, target?: SlackTarget) {
      posted.push(v);
      return { channel: target?.channel ?? 'C_QE_RELEASE', messageTs: `${posted.length}.0` };
    },
    async update(v: ApprovalView) {
      updated.push(v);
    },
  };
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`second-person approval through the runner (${engine})`, () => {
    const open: Store[] = [];
    const store = async () => {
      const s = engine === 'sqlite' ? await openTestStore() : await openPgTestStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('an MCP client with the critical role and confirm gets pending-approval, not a run; a second person approves; it runs once', async () => {
      const s = await store();
      const announcer = recordingAnnouncer();
      const { runner, ran, command, statebox } = world(s, { announcer });
      const req = { command, release: '4.19.10', options: { status: 'REL_PREP' }, actor: agent, text: 'oar_change_advisory_status 4.19.10' };
      expect((await runner.execute(req)).kind).toBe('needs-confirmation');
      const r = await runner.execute({ ...req, confirmation: { id: 'mcp-1' } });
      expect(r.kind).toBe('pending-approval');
      if (r.kind !== 'pending-approval') return;
      expect(ran).toEqual([]);
      expect(statebox.updates).toEqual([]);
      expect(r.approval).toMatchObject({ state: 'pending', command: 'change-advisory-status', release: '4.19.10', requestedBy: 'mcp:agent', via: 'mcp', announcement: { channel: 'C_QE_RELEASE', messageTs: '1.0' } });
      expect(r.approval.plan?.summary).toBe('move 4 advisories to REL_PREP');
      expect(r.message).toContain('waits for a second person with the critical role to approve it in Slack channel C_QE_RELEASE');
      expect(announcer.posted).toHaveLength(1);

      const approvals = runner.approvals!;
      // The requester (the same MCP identity) cannot approve; a read-only user cannot either.
      const self = await approvals.approve(r.approval.id, agent);
      expect(self).toMatchObject({ ok: false, reason: 'denied', message: 'A second person must approve: you cannot approve your own request.' });
      const reader = await approvals.approve(r.approval.id, viewer);
      expect(reader).toMatchObject({ ok: false, reason: 'denied' });
      expect(ran).toEqual([]);

      const ok = await approvals.approve(r.approval.id, art);
      expect(ok.ok && ok.result?.kind).toBe('done');
      expect(ran).toEqual(['4.19.10 REL_PREP as mcp:agent']);
      expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'Pass']);
      expect(await approvals.get(r.approval.id)).toMatchObject({ state: 'executed', decidedBy: 'U_ART', outcome: 'pass: 4 advisories moved to REL_PREP' });
      expect(announcer.updated.map((v) => v.state)).toEqual(['approved', 'executed']);

      // Twice does not run twice, and the runner refuses a forged approval.
      expect(await approvals.approve(r.approval.id, { id: 'U_LEAD', via: 'slack' })).toMatchObject({ ok: false, reason: 'decided' });
      const forged = await runner.execute({ ...req, confirmation: { id: 'forged' }, approval: { id: r.approval.id, approver: art } });
      expect(forged.kind).toBe('refused');
      expect(ran).toHaveLength(1);

      const trail = (await s.queryAudit({ command: 'change-advisory-status' })).reverse().map((a) => `${a.event}:${a.actorId}`);
      expect(trail).toEqual([
        'propose:mcp:agent', // the plan
        'confirm:mcp:agent',
        'propose:mcp:agent', // awaiting second approval
        'deny:mcp:agent',
        'deny:U_VIEWER',
        'approve:U_ART',
        'intent:mcp:agent',
        'run:mcp:agent',
        'deny:mcp:agent', // the forged approval
      ]);
    });

    it('a rejected request changes nothing and cannot be approved afterwards; audited', async () => {
      const s = await store();
      const { runner, ran, command } = world(s);
      const r = await runner.execute({ command, release: '4.19.10', options: {}, actor: { id: 'cli:jdoe', name: 'jdoe', via: 'cli' }, confirmation: { id: 'cli-1' } });
      expect(r.kind).toBe('pending-approval');
      if (r.kind !== 'pending-approval') return;
      // No Slack in this process: stored, not announced (a running bot announces it).
      expect(r.approval.announcement).toBeUndefined();
      expect(r.message).toContain('not yet announced in Slack');
      expect((await runner.approvals!.reject(r.approval.id, viewer)).ok).toBe(false);
      const rejected = await runner.approvals!.reject(r.approval.id, art, 'wrong release');
      expect(rejected).toMatchObject({ ok: true, approval: { state: 'rejected', decidedBy: 'U_ART', outcome: 'wrong release' } });
      expect(await runner.approvals!.approve(r.approval.id, { id: 'U_LEAD', via: 'slack' })).toMatchObject({ ok: false, reason: 'decided' });
      expect(ran).toEqual([]);
      expect((await s.queryAudit({ event: 'reject' }))[0]).toMatchObject({ actorId: 'U_ART', command: 'change-advisory-status', release: '4.19.10' });
    });

    it('the requester withdrawing: the view says withdrawn, the outcome keeps only the reason, the audit says who withdrew', async () => {
      const s = await store();
      const { runner, ran, command } = world(s);
      const jdoe = { id: 'cli:jdoe', name: 'jdoe', via: 'cli' as const };
      const r = await runner.execute({ command, release: '4.19.10', options: {}, actor: jdoe, confirmation: { id: 'cli-w' } });
      if (r.kind !== 'pending-approval') throw new Error(`expected pending-approval, got ${r.kind}`);
      const withdrawn = await runner.approvals!.reject(r.approval.id, jdoe, 'wrong release');
      expect(withdrawn).toMatchObject({ ok: true, approval: { state: 'rejected', decidedBy: 'cli:jdoe', withdrawn: true, outcome: 'wrong release' } });
      expect(ran).toEqual([]);
      expect((await s.queryAudit({ event: 'reject' }))[0]?.detail).toBe(`withdrew their own request (wrong release); approval ${r.approval.id}`);
      const rejectedByOther = await runner.execute({ command, release: '4.19.10', options: {}, actor: jdoe, confirmation: { id: 'cli-w2' } });
      if (rejectedByOther.kind !== 'pending-approval') throw new Error('expected pending-approval');
      const byArt = await runner.approvals!.reject(rejectedByOther.approval.id, art);
      expect(byArt.ok && byArt.approval.withdrawn).toBeFalsy();
    });

    it('expiry is honoured: a lapsed request cannot be approved, is marked expired once (audited), and a waiter sees it end', async () => {
      const s = await store();
      const clock = { now: new Date('2026-07-01T10:00:00Z') };
      const announcer = recordingAnnouncer();
      const { runner, ran, command } = world(s, { clock, announcer });
      const r = await runner.execute({ command, release: '4.19.10', options: {}, actor: agent, confirmation: { id: 'mcp-2' } });
      if (r.kind !== 'pending-approval') throw new Error(`expected pending-approval, got ${r.kind}`);
      clock.now = new Date('2026-07-01T10:10:00Z'); // the TTL is 10 min
      expect(await runner.approvals!.approve(r.approval.id, art)).toMatchObject({ ok: false, reason: 'decided' });
      expect(await runner.approvals!.tick()).toEqual({ announced: 0, expired: 0 }); // already marked by the refused approval
      const seen = await runner.approvals!.wait(r.approval.id, { timeoutMs: 1000 });
      expect(seen?.state).toBe('expired');
      expect(ran).toEqual([]);
      expect((await s.queryAudit({ event: 'expire' })).map((a) => a.detail)).toEqual([expect.stringContaining(`approval ${r.approval.id} expired`)]);
      expect(announcer.updated.map((v) => v.state)).toEqual(['expired']);
    });

    it('a bot sharing the store announces requests made where Slack is not configured, once', async () => {
      const s = await store();
      const terminal = world(s);
      const r = await terminal.runner.execute({ command: terminal.command, release: '4.19.10', options: {}, actor: { id: 'cli:jdoe', via: 'cli' }, confirmation: { id: 'cli-2' } });
      if (r.kind !== 'pending-approval') throw new Error(`expected pending-approval, got ${r.kind}`);
      const announcer = recordingAnnouncer();
      const bot = world(s, { announcer });
      expect(await bot.runner.approvals!.tick()).toEqual({ announced: 1, expired: 0 });
      expect(await bot.runner.approvals!.tick()).toEqual({ announced: 0, expired: 0 });
      expect(announcer.posted.map((v) => `${v.requestedBy} via ${v.via}`)).toEqual(['cli:jdoe via cli']);
      // The terminal that waits sees where it waits, then the end state of the bot's run.
      const waiting = terminal.runner.approvals!.wait(r.approval.id, { timeoutMs: 10_000 });
      expect((await bot.runner.approvals!.approve(r.approval.id, art)).ok).toBe(true);
      expect(await waiting).toMatchObject({ state: 'executed', outcome: 'pass: 4 advisories moved to REL_PREP', announcement: { channel: 'C_QE_RELEASE' } });
      expect(bot.ran).toEqual(['4.19.10 REL_PREP as cli:jdoe']);
      expect(terminal.ran).toEqual([]);
    });
  });
}
