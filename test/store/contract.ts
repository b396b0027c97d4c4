/**
 * The behaviour every Store engine must show. Run by sqlite.test.ts and postgres.test.ts.
 * All expiry is driven by explicit dates; nothing sleeps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { StoreError, type Store } from '../../src/store/index.ts';

export interface ContractHarness {
  /** A fresh, migrated, isolated store; its close() cleans up. */
  open(): Promise<Store>;
  /** Another instance on the same database (a second replica / a restarted process). */
  second(store: Store): Promise<Store>;
}

const T0 = new Date('2026-07-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

export function storeContract(engine: 'sqlite' | 'postgres', h: ContractHarness): void {
  describe(`Store contract (${engine})`, () => {
    let store: Store;
    const extra: Store[] = [];
    const replica = async () => {
      const s = await h.second(store);
      extra.push(s);
      return s;
    };

    beforeEach(async () => {
      store = await h.open();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await store.close();
    });

    it('reports its engine and answers ping', async () => {
      expect(store.engine).toBe(engine);
      expect(await store.ping()).toBe(true);
    });

    it('init is idempotent, and a second instance on the same database sees the same data', async () => {
      await store.init();
      await store.setJobState('j', 'k', { v: 1 });
      const other = await replica();
      expect(await other.getJobState('j', 'k')).toEqual({ v: 1 });
    });

    describe('audit', () => {
      it('records every field and returns increasing ids', async () => {
        const id1 = await store.audit({
          at: T0, event: 'run', actorId: 'U1', actorName: 'alice', release: '4.19.1', command: 'take-ownership',
          options: { email: 'a@redhat.com', dryRun: false, nested: { n: 1 } }, outcome: 'Pass', durationMs: 1234.4,
          channel: 'C1', threadTs: '1719830000.000100', correlationId: 'corr-1', detail: 'ok',
        });
        const id2 = await store.audit({ at: at(1), event: 'failure', actorId: 'U2' });
        expect(id2).toBeGreaterThan(id1);
        const [latest, first] = await store.queryAudit({});
        expect(latest).toEqual({ id: id2, at: at(1), event: 'failure', actorId: 'U2' });
        expect(first).toEqual({
          id: id1, at: T0, event: 'run', actorId: 'U1', actorName: 'alice', release: '4.19.1', command: 'take-ownership',
          options: { email: 'a@redhat.com', dryRun: false, nested: { n: 1 } }, outcome: 'Pass', durationMs: 1234,
          channel: 'C1', threadTs: '1719830000.000100', correlationId: 'corr-1', detail: 'ok',
        });
      });

      it('masks option names that are obviously secret even if the caller forgot', async () => {
        await store.audit({ at: T0, event: 'run', actorId: 'U1', options: { token: 'abc123456', nested: { password: 'pw12345' }, release: '4.19.1' } });
        const [e] = await store.queryAudit({});
        expect(e!.options).toEqual({ token: '[REDACTED]', nested: { password: '[REDACTED]' }, release: '4.19.1' });
      });

      it('queries by release, actor, command, event and time window, newest first, with a limit', async () => {
        await store.audit({ at: at(0), event: 'propose', actorId: 'U1', release: '4.19.1', command: 'a' });
        await store.audit({ at: at(10), event: 'run', actorId: 'U2', release: '4.19.1', command: 'b' });
        await store.audit({ at: at(20), event: 'run', actorId: 'U1', release: '4.20.2', command: 'a' });
        await store.audit({ at: at(30), event: 'deny', actorId: 'U3', release: '4.19.1', command: 'a' });
        const cmds = (es: { command?: string; at?: Date }[]) => es.map((e) => `${e.command}@${e.at!.getTime() - T0.getTime()}`);
        expect(cmds(await store.queryAudit({ release: '4.19.1' }))).toEqual(['a@30', 'b@10', 'a@0']);
        expect(cmds(await store.queryAudit({ actorId: 'U1' }))).toEqual(['a@20', 'a@0']);
        expect(cmds(await store.queryAudit({ command: 'a', release: '4.19.1' }))).toEqual(['a@30', 'a@0']);
        expect(cmds(await store.queryAudit({ event: 'run' }))).toEqual(['a@20', 'b@10']);
        expect(cmds(await store.queryAudit({ since: at(10), until: at(30) }))).toEqual(['a@20', 'b@10']);
        expect(cmds(await store.queryAudit({ limit: 1 }))).toEqual(['a@30']);
        expect(await store.queryAudit({ actorId: 'nobody' })).toEqual([]);
      });

      it('refuses a malformed entry and writes nothing', async () => {
        await expect(store.audit({ event: 'explode' as never, actorId: 'U1' })).rejects.toThrow(TypeError);
        await expect(store.audit({ event: 'run', actorId: '' })).rejects.toThrow(/actorId/);
        await expect(store.audit({ event: 'run', actorId: 'U1', durationMs: -5 })).rejects.toThrow(RangeError);
        await expect(store.queryAudit({ limit: 0 })).rejects.toThrow(RangeError);
        expect(await store.queryAudit({})).toEqual([]);
      });
    });

    describe('locks', () => {
      const req = (key: string, holder: string, ttlMs = 30 * MIN, now = T0) => ({ key, holder, holderName: `${holder}-name`, reason: `running ${key}`, ttlMs, owner: 'replica-1', now });

      it('grants a free lock and refuses a held one, naming the holder', async () => {
        const a = await store.acquireLock(req('release:4.19.1', 'U1'));
        expect(a).toEqual({
          acquired: true,
          lock: { key: 'release:4.19.1', holder: 'U1', holderName: 'U1-name', reason: 'running release:4.19.1', acquiredAt: T0, expiresAt: at(30 * MIN), owner: 'replica-1', heartbeatAt: T0 },
        });
        const b = await store.acquireLock(req('release:4.19.1', 'U2', 30 * MIN, at(1000)));
        expect(b.acquired).toBe(false);
        if (!b.acquired) expect(b.heldBy).toMatchObject({ key: 'release:4.19.1', holder: 'U1', reason: 'running release:4.19.1', acquiredAt: T0 });
        expect((await store.acquireLock(req('release:4.20.2', 'U2'))).acquired).toBe(true);
      });

      it('is not re-entrant: the same holder cannot take a live lock twice', async () => {
        expect((await store.acquireLock(req('release:4.19.1', 'U1'))).acquired).toBe(true);
        expect((await store.acquireLock(req('release:4.19.1', 'U1', 30 * MIN, at(1)))).acquired).toBe(false);
      });

      it('keys are hierarchical: a release lock and a per-command lock on it exclude each other, siblings do not', async () => {
        expect((await store.acquireLock(req('release:4.19.1:image-consistency-check', 'U1'))).acquired).toBe(true);
        expect((await store.acquireLock(req('release:4.19.1:stage-testing', 'U2'))).acquired).toBe(true);
        const whole = await store.acquireLock(req('release:4.19.1', 'U3'));
        expect(whole.acquired).toBe(false);
        if (!whole.acquired) expect(whole.heldBy.key).toMatch(/^release:4\.19\.1:/);
        // 4.19.10 is a different release, not a child of 4.19.1
        expect((await store.acquireLock(req('release:4.19.10', 'U3'))).acquired).toBe(true);
        const child = await store.acquireLock(req('release:4.19.10:take-ownership', 'U4'));
        expect(child.acquired).toBe(false);
        if (!child.acquired) expect(child.heldBy.key).toBe('release:4.19.10');
      });

      it('a stale lock expires by itself: the next acquire takes over and the expiry is audited', async () => {
        await store.acquireLock(req('release:4.19.1', 'U1', 10 * MIN));
        expect((await store.acquireLock(req('release:4.19.1', 'U2', 10 * MIN, at(10 * MIN - 1)))).acquired).toBe(false);
        const late = await store.acquireLock(req('release:4.19.1', 'U2', 10 * MIN, at(10 * MIN)));
        expect(late.acquired).toBe(true);
        const expired = await store.queryAudit({ event: 'expire' });
        expect(expired).toHaveLength(1);
        expect(expired[0]).toMatchObject({ actorId: 'U1', actorName: 'U1-name', release: '4.19.1', at: at(10 * MIN) });
        expect(expired[0]!.detail).toContain('lock release:4.19.1 held by U1');
        expect(expired[0]!.detail).toContain('taken over by U2');
      });

      it('records the holder process (host, front end) and its heartbeat; reads it back', async () => {
        await store.acquireLock({ ...req('release:4.19.1', 'U1'), host: 'bot-7', frontEnd: 'mcp' });
        expect(await store.listLocks(at(1))).toEqual([
          { key: 'release:4.19.1', holder: 'U1', holderName: 'U1-name', reason: 'running release:4.19.1', acquiredAt: T0, expiresAt: at(30 * MIN), owner: 'replica-1', heartbeatAt: T0, host: 'bot-7', frontEnd: 'mcp' },
        ]);
        expect(await store.extendLock('release:4.19.1', 'U1', 30 * MIN, at(20_000))).toBe(true);
        expect((await store.listLocks(at(20_001)))[0]).toMatchObject({ heartbeatAt: at(20_000), expiresAt: at(20_000 + 30 * MIN), acquiredAt: T0 });
      });

      it('a live lock whose heartbeat went stale is taken over at once, audited as takeover; a fresh heartbeat keeps it', async () => {
        const STALE = 90_000;
        await store.acquireLock({ ...req('release:4.19.1', 'U1'), host: 'bot-7', frontEnd: 'cli' });
        await store.extendLock('release:4.19.1', 'U1', 30 * MIN, at(60_000));
        // 89 s after the last heartbeat: still alive.
        const early = await store.acquireLock({ ...req('release:4.19.1', 'U2', 30 * MIN, at(60_000 + STALE - 1)), staleAfterMs: STALE });
        expect(early.acquired).toBe(false);
        // Without staleAfterMs only expiry frees it (the old rule).
        expect((await store.acquireLock(req('release:4.19.1', 'U2', 30 * MIN, at(60_000 + STALE)))).acquired).toBe(false);
        const late = await store.acquireLock({ ...req('release:4.19.1', 'U2', 30 * MIN, at(60_000 + STALE)), staleAfterMs: STALE, owner: 'replica-2' });
        expect(late).toMatchObject({ acquired: true, lock: { holder: 'U2', owner: 'replica-2', heartbeatAt: at(60_000 + STALE) } });
        const takeovers = await store.queryAudit({ event: 'takeover' });
        expect(takeovers).toHaveLength(1);
        expect(takeovers[0]).toMatchObject({ actorId: 'U1', release: '4.19.1', at: at(60_000 + STALE) });
        expect(takeovers[0]!.detail).toContain('last heartbeat 2026-07-01T10:01:00.000Z, 90 s ago');
        expect(takeovers[0]!.detail).toContain('bot-7, cli');
        expect(takeovers[0]!.detail).toContain('taken over by U2');
        expect(await store.queryAudit({ event: 'expire' })).toEqual([]);
        await expect(store.acquireLock({ ...req('release:4.19.2', 'U1'), staleAfterMs: 0 })).rejects.toThrow(RangeError);
      });

      it('lists only live locks', async () => {
        await store.acquireLock(req('release:4.19.1', 'U1', 5 * MIN));
        await store.acquireLock(req('release:4.20.2', 'U2', 60 * MIN, at(1)));
        expect((await store.listLocks(at(1))).map((l) => l.key)).toEqual(['release:4.19.1', 'release:4.20.2']);
        expect((await store.listLocks(at(5 * MIN))).map((l) => l.key)).toEqual(['release:4.20.2']);
      });

      it('releases only for the holder, or with force (explicit unlock)', async () => {
        await store.acquireLock(req('release:4.19.1', 'U1'));
        expect(await store.releaseLock('release:4.19.1', { holder: 'U2' })).toBe(false);
        expect(await store.listLocks(at(1))).toHaveLength(1);
        expect(await store.releaseLock('release:4.19.1', { holder: 'U1' })).toBe(true);
        expect(await store.releaseLock('release:4.19.1', { holder: 'U1' })).toBe(false);
        await store.acquireLock(req('release:4.19.1', 'U3'));
        expect(await store.releaseLock('release:4.19.1', { force: true })).toBe(true);
        expect(await store.listLocks(at(1))).toEqual([]);
        await expect(store.releaseLock('release:4.19.1')).rejects.toThrow(TypeError);
      });

      it('extends a live lock of its holder only', async () => {
        await store.acquireLock(req('release:4.19.1', 'U1', 10 * MIN));
        expect(await store.extendLock('release:4.19.1', 'U2', 10 * MIN, at(MIN))).toBe(false);
        expect(await store.extendLock('release:4.19.1', 'U1', 30 * MIN, at(5 * MIN))).toBe(true);
        expect((await store.listLocks(at(20 * MIN)))[0]?.expiresAt).toEqual(at(35 * MIN));
        expect(await store.extendLock('release:4.19.1', 'U1', 10 * MIN, at(35 * MIN))).toBe(false);
      });

      it('releases every lock of a shutting-down owner', async () => {
        await store.acquireLock(req('release:4.19.1', 'U1'));
        await store.acquireLock({ ...req('release:4.20.2', 'U2'), owner: 'replica-2' });
        await store.acquireLock(req('release:4.21.3', 'U3'));
        expect(await store.releaseLocksOwnedBy('replica-1')).toBe(2);
        expect((await store.listLocks(at(1))).map((l) => l.owner)).toEqual(['replica-2']);
      });

      it('refuses malformed requests without touching the table', async () => {
        await expect(store.acquireLock(req('', 'U1'))).rejects.toThrow(TypeError);
        await expect(store.acquireLock(req('release::x', 'U1'))).rejects.toThrow(/empty segment/);
        await expect(store.acquireLock(req('release:4.19.1', 'U1', 0))).rejects.toThrow(RangeError);
        await expect(store.acquireLock({ ...req('release:4.19.1', 'U1'), now: new Date('nope') })).rejects.toThrow(TypeError);
        expect(await store.listLocks(T0)).toEqual([]);
      });

      it('two replicas racing for one lock: exactly one wins every time', async () => {
        const other = await replica();
        for (let i = 0; i < 20; i++) {
          const key = `release:race-${i}`;
          const [a, b] = await Promise.all([
            store.acquireLock({ ...req(key, 'A'), owner: 'r1' }),
            other.acquireLock({ ...req(key, 'B'), owner: 'r2' }),
          ]);
          expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
        }
      });
    });

    describe('leases', () => {
      it('one owner at a time; renewal by the owner; takeover after expiry; release', async () => {
        expect(await store.tryLease('job:jira-notificator', 'r1', MIN, T0)).toBe(true);
        expect(await store.tryLease('job:jira-notificator', 'r2', MIN, at(1000))).toBe(false);
        expect(await store.tryLease('job:jira-notificator', 'r1', MIN, at(30_000))).toBe(true);
        expect(await store.getLease('job:jira-notificator', at(30_001))).toEqual({ name: 'job:jira-notificator', owner: 'r1', expiresAt: at(90_000) });
        expect(await store.tryLease('job:jira-notificator', 'r2', MIN, at(89_999))).toBe(false);
        expect(await store.tryLease('job:jira-notificator', 'r2', MIN, at(90_000))).toBe(true);
        expect(await store.getLease('job:jira-notificator', at(90_000))).toMatchObject({ owner: 'r2' });
        await store.releaseLease('job:jira-notificator', 'r1');
        expect(await store.getLease('job:jira-notificator', at(90_001))).toMatchObject({ owner: 'r2' });
        await store.releaseLease('job:jira-notificator', 'r2');
        expect(await store.getLease('job:jira-notificator', at(90_001))).toBeUndefined();
        expect(await store.tryLease('job:jira-notificator', 'r1', MIN, at(90_002))).toBe(true);
      });

      it('an expired lease is not reported', async () => {
        await store.tryLease('job:x', 'r1', MIN, T0);
        expect(await store.getLease('job:x', at(MIN))).toBeUndefined();
      });

      it('two replicas racing for one lease: exactly one wins', async () => {
        const other = await replica();
        for (let i = 0; i < 20; i++) {
          const [a, b] = await Promise.all([store.tryLease(`job:${i}`, 'r1', MIN, T0), other.tryLease(`job:${i}`, 'r2', MIN, T0)]);
          expect(a !== b).toBe(true);
        }
      });
    });

    describe('watches', () => {
      const base = { kind: 'prow-job' as const, release: '4.19.1', subject: { jobId: 'abc-123' }, intervalMs: 5 * MIN, deadline: at(120 * MIN), createdAt: T0 };

      it('adds an active watch with the first check one interval later by default', async () => {
        const r = await store.addWatch({ ...base, report: { channel: 'C1', threadTs: '1.2', messageTs: '1.3' } });
        expect(r.created).toBe(true);
        if (!r.created) return;
        expect(r.watch).toMatchObject({ kind: 'prow-job', release: '4.19.1', state: 'active', attempts: 0, nextCheckAt: at(5 * MIN), deadline: at(120 * MIN), intervalMs: 5 * MIN });
        expect(await store.getWatch(r.watch.id)).toEqual(r.watch);
        expect(await store.getWatch(randomUUID())).toBeUndefined();
      });

      it('at most one active watch per (kind, dedupKey); a finished one no longer blocks', async () => {
        const first = await store.addWatch({ ...base, kind: 'async-approval', dedupKey: '4.19' });
        const again = await store.addWatch({ ...base, kind: 'async-approval', dedupKey: '4.19', subject: { other: true } });
        expect(first.created).toBe(true);
        expect(again.created).toBe(false);
        if (!first.created || again.created) return;
        expect(again.existing.id).toBe(first.watch.id);
        expect((await store.addWatch({ ...base, kind: 'prow-job', dedupKey: '4.19' })).created).toBe(true);
        await store.updateWatch(first.watch.id, { state: 'done' });
        const third = await store.addWatch({ ...base, kind: 'async-approval', dedupKey: '4.19' });
        expect(third.created).toBe(true);
        expect(await store.listWatches({ kind: 'async-approval', state: 'active' })).toHaveLength(1);
      });

      it('two replicas adding the same deduplicated watch: exactly one is created', async () => {
        const other = await replica();
        for (let i = 0; i < 10; i++) {
          const w = { ...base, kind: 'async-approval', dedupKey: `race-${i}` };
          const [a, b] = await Promise.all([store.addWatch(w), other.addWatch(w)]);
          expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
        }
      });

      it('claims due watches once, pushing nextCheckAt forward; past-deadline watches are still claimed', async () => {
        const due = await store.addWatch({ ...base, nextCheckAt: at(MIN) });
        const later = await store.addWatch({ ...base, nextCheckAt: at(10 * MIN) });
        const overdue = await store.addWatch({ ...base, nextCheckAt: at(0), deadline: at(MIN) });
        const finished = await store.addWatch({ ...base, nextCheckAt: at(0) });
        if (!due.created || !later.created || !overdue.created || !finished.created) throw new Error('setup');
        await store.updateWatch(finished.watch.id, { state: 'done' });

        const claimed = await store.claimDueWatches(at(2 * MIN), 3 * MIN);
        expect(claimed.map((w) => w.id).sort()).toEqual([due.watch.id, overdue.watch.id].sort());
        expect(claimed.every((w) => w.nextCheckAt.getTime() === at(5 * MIN).getTime())).toBe(true);
        expect(await store.claimDueWatches(at(2 * MIN), 3 * MIN)).toEqual([]);
        expect((await store.claimDueWatches(at(5 * MIN), 3 * MIN)).map((w) => w.id).sort()).toEqual([due.watch.id, overdue.watch.id].sort());
        expect((await store.claimDueWatches(at(20 * MIN), MIN, 1))).toHaveLength(1);
      });

      it('two replicas claiming at once never get the same watch', async () => {
        for (let i = 0; i < 10; i++) await store.addWatch({ ...base, nextCheckAt: at(0), subject: { n: i } });
        const other = await replica();
        const [a, b] = await Promise.all([store.claimDueWatches(at(MIN), MIN, 6), other.claimDueWatches(at(MIN), MIN, 6)]);
        const ids = [...a, ...b].map((w) => w.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(10);
      });

      it('updates fields; an unknown id reports false; listWatches filters', async () => {
        const r = await store.addWatch(base);
        if (!r.created) throw new Error('setup');
        const ok = await store.updateWatch(r.watch.id, { attempts: 3, lastResult: 'pending', nextCheckAt: at(7 * MIN), report: { channel: 'C9' }, subject: { jobId: 'x' } });
        expect(ok).toBe(true);
        expect(await store.getWatch(r.watch.id)).toMatchObject({ attempts: 3, lastResult: 'pending', nextCheckAt: at(7 * MIN), report: { channel: 'C9' }, subject: { jobId: 'x' } });
        expect(await store.updateWatch(randomUUID(), { attempts: 1 })).toBe(false);
        expect(await store.updateWatch(r.watch.id, {})).toBe(true);
        await store.addWatch({ ...base, release: '4.20.2', kind: 'jenkins-build' });
        expect((await store.listWatches({ release: '4.20.2' })).map((w) => w.kind)).toEqual(['jenkins-build']);
        expect(await store.listWatches()).toHaveLength(2);
        await expect(store.updateWatch(r.watch.id, { state: 'bogus' as never })).rejects.toThrow(TypeError);
        await expect(store.addWatch({ ...base, intervalMs: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('pending confirmations', () => {
      const newPending = (id: string = randomUUID()) => ({
        id, kind: 'confirmation' as const, actorId: 'U1', release: '4.19.1', command: 'change-advisory-status',
        payload: { options: { status: 'REL_PREP' }, channel: 'C1' }, createdAt: T0, expiresAt: at(10 * MIN),
      });

      it('creates and reads back; a duplicate id is refused', async () => {
        const p = await store.createPending(newPending('p-1'));
        expect(p).toEqual({ ...newPending('p-1'), state: 'pending' });
        expect(await store.getPending('p-1', at(1))).toEqual(p);
        await expect(store.createPending(newPending('p-1'))).rejects.toThrow(StoreError);
        expect(await store.getPending('nope')).toBeUndefined();
      });

      it('transitions exactly once (double click / redelivered submission)', async () => {
        await store.createPending(newPending('p-2'));
        const first = await store.transitionPending('p-2', 'pending', 'confirmed', at(MIN));
        expect(first).toMatchObject({ id: 'p-2', state: 'confirmed' });
        expect(await store.transitionPending('p-2', 'pending', 'confirmed', at(MIN))).toBeUndefined();
        expect(await store.transitionPending('p-2', 'pending', 'cancelled', at(MIN))).toBeUndefined();
        expect(await store.transitionPending('p-2', 'confirmed', 'approved', at(2 * MIN))).toMatchObject({ state: 'approved' });
      });

      it('two replicas confirming at once: exactly one transition wins', async () => {
        const other = await replica();
        for (let i = 0; i < 10; i++) {
          const id = `p-race-${i}`;
          await store.createPending(newPending(id));
          const [a, b] = await Promise.all([store.transitionPending(id, 'pending', 'confirmed', at(1)), other.transitionPending(id, 'pending', 'confirmed', at(1))]);
          expect([a, b].filter(Boolean)).toHaveLength(1);
        }
      });

      it('expires by the clock: no confirmation after expiry, reported as expired, may be marked expired', async () => {
        await store.createPending(newPending('p-3'));
        expect((await store.getPending('p-3', at(10 * MIN - 1)))!.state).toBe('pending');
        expect((await store.getPending('p-3', at(10 * MIN)))!.state).toBe('expired');
        expect(await store.transitionPending('p-3', 'pending', 'confirmed', at(10 * MIN))).toBeUndefined();
        expect(await store.transitionPending('p-3', 'pending', 'expired', at(10 * MIN))).toMatchObject({ state: 'expired' });
      });

      it('survives a restart (visible from a fresh instance)', async () => {
        await store.createPending({ ...newPending('p-4'), kind: 'approval' });
        const other = await replica();
        expect(await other.getPending('p-4', at(1))).toMatchObject({ kind: 'approval', state: 'pending', payload: { options: { status: 'REL_PREP' } } });
      });

      it('approval lifecycle: decision recorded with who decided, the run finishes after expiry, the outcome is kept', async () => {
        await store.createPending({ ...newPending('a-1'), kind: 'approval' });
        const approved = await store.transitionPending('a-1', 'pending', 'approved', at(MIN), { decidedBy: 'U2' });
        expect(approved).toMatchObject({ state: 'approved', decidedBy: 'U2' });
        // The approved run ends after the request's expiry: still recorded.
        const done = await store.transitionPending('a-1', 'approved', 'executed', at(20 * MIN), { outcome: 'pass: moved 4 advisories' });
        expect(done).toMatchObject({ state: 'executed', decidedBy: 'U2', outcome: 'pass: moved 4 advisories' });
        expect(await store.getPending('a-1', at(30 * MIN))).toMatchObject({ state: 'executed', outcome: 'pass: moved 4 advisories' });
        await store.createPending({ ...newPending('a-2'), kind: 'approval' });
        expect(await store.transitionPending('a-2', 'pending', 'rejected', at(MIN), { decidedBy: 'U3', outcome: 'not today' })).toMatchObject({ state: 'rejected', decidedBy: 'U3' });
        expect(await store.transitionPending('a-2', 'pending', 'approved', at(MIN))).toBeUndefined();
      });

      it('lists by kind, state and announcement; exactly one replica claims an announcement', async () => {
        await store.createPending({ ...newPending('l-1'), kind: 'approval' });
        await store.createPending({ ...newPending('l-2'), kind: 'approval', createdAt: at(1) });
        await store.createPending({ ...newPending('l-3'), createdAt: at(2) });
        expect((await store.listPendings({ kind: 'approval', state: 'pending', unannounced: true }, at(3))).map((p) => p.id)).toEqual(['l-1', 'l-2']);
        const other = await replica();
        const [a, b] = await Promise.all([store.claimPendingAnnouncement('l-1', at(3)), other.claimPendingAnnouncement('l-1', at(3))]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        expect(await store.annotatePending('l-1', { message: { channel: 'C1', messageTs: '1.2' } })).toBe(true);
        expect(await store.annotatePending('nope', { outcome: 'x' })).toBe(false);
        expect(await store.getPending('l-1', at(4))).toMatchObject({ announcedAt: at(3), message: { channel: 'C1', messageTs: '1.2' } });
        expect((await store.listPendings({ kind: 'approval', unannounced: true }, at(4))).map((p) => p.id)).toEqual(['l-2']);
        // A claim whose poster failed (no message recorded) can be taken again after two minutes, not before.
        expect(await store.claimPendingAnnouncement('l-2', at(5))).toBe(true);
        expect(await store.claimPendingAnnouncement('l-2', at(5 + 2 * MIN - 1))).toBe(false);
        expect(await store.claimPendingAnnouncement('l-2', at(5 + 2 * MIN))).toBe(true);
        expect(await store.claimPendingAnnouncement('l-1', at(5 + 2 * MIN))).toBe(false);
        // A lapsed pending entry is listed as expired (it may still be marked so).
        expect((await store.listPendings({ kind: 'approval' }, at(10 * MIN))).map((p) => p.state)).toEqual(['expired', 'expired']);
      });

      it('refuses malformed input', async () => {
        await expect(store.createPending({ ...newPending(), payload: [] as never })).rejects.toThrow(TypeError);
        await expect(store.transitionPending('x', 'pending', 'pending')).rejects.toThrow(TypeError);
        await expect(store.transitionPending('x', 'pending', 'done' as never)).rejects.toThrow(TypeError);
      });
    });

    describe('delivery dedup', () => {
      it('true the first time within the TTL, again after it', async () => {
        expect(await store.markSeen('slack:Ev123', 10 * MIN, T0)).toBe(true);
        expect(await store.markSeen('slack:Ev123', 10 * MIN, at(MIN))).toBe(false);
        expect(await store.markSeen('slack:Ev124', 10 * MIN, at(MIN))).toBe(true);
        expect(await store.markSeen('slack:Ev123', 10 * MIN, at(10 * MIN - 1))).toBe(false);
        expect(await store.markSeen('slack:Ev123', 10 * MIN, at(10 * MIN))).toBe(true);
        expect(await store.markSeen('slack:Ev123', 10 * MIN, at(11 * MIN))).toBe(false);
        await expect(store.markSeen('', 10 * MIN)).rejects.toThrow(TypeError);
      });

      it('two replicas seeing one delivery: exactly one processes it', async () => {
        const other = await replica();
        for (let i = 0; i < 20; i++) {
          const [a, b] = await Promise.all([store.markSeen(`d-${i}`, 10 * MIN, T0), other.markSeen(`d-${i}`, 10 * MIN, T0)]);
          expect(a !== b).toBe(true);
        }
      });
    });

    describe('claim unless recorded (claimUnlessJobStates)', () => {
      const item = { stateKey: 'sent:redhat:1|pre_test|success', claimKey: 'cki-notifier:claim:redhat:1|pre_test|success' };
      const one = async (now: Date, it: { stateKey: string; claimKey: string } = item, job = 'cki-notifier') =>
        (await store.claimUnlessJobStates({ job, ttlMs: MIN, now, items: [it] }))[0];

      it('claims like markSeen while nothing is recorded, and returns the record once there is one', async () => {
        expect(await one(T0)).toEqual({ outcome: 'claimed' });
        expect(await one(at(MIN - 1))).toEqual({ outcome: 'held' });
        // The same dedup key markSeen uses: a claim is a seen key.
        expect(await store.markSeen(item.claimKey, MIN, at(MIN - 1))).toBe(false);
        expect(await one(at(MIN))).toEqual({ outcome: 'claimed' });
        await store.setJobState('cki-notifier', item.stateKey, { at: 'then', route: 'pre_test' });
        // A record wins over a live claim, and a recorded key takes no claim.
        expect(await one(at(MIN + 1))).toEqual({ outcome: 'recorded', value: { at: 'then', route: 'pre_test' } });
        expect(await one(at(10 * MIN), { ...item, claimKey: 'fresh-claim' })).toEqual({ outcome: 'recorded', value: { at: 'then', route: 'pre_test' } });
        expect(await store.markSeen('fresh-claim', MIN, at(10 * MIN))).toBe(true);
        // Another job's state of the same key does not count.
        expect(await one(at(10 * MIN), { ...item, claimKey: 'other-claim' }, 'other-job')).toEqual({ outcome: 'claimed' });
      });

      it('answers several items in their order, in one call', async () => {
        await store.setJobState('j', 'sent:b', 'B');
        expect(await store.markSeen('claim:c', MIN, T0)).toBe(true);
        const items = ['a', 'b', 'c', 'd'].map((k) => ({ stateKey: `sent:${k}`, claimKey: `claim:${k}` }));
        expect(await store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, now: at(1), items })).toEqual([
          { outcome: 'claimed' },
          { outcome: 'recorded', value: 'B' },
          { outcome: 'held' },
          { outcome: 'claimed' },
        ]);
        expect(await store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, now: at(2), items: [] })).toEqual([]);
        await expect(store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, items: [items[0]!, items[0]!] })).rejects.toThrow(TypeError);
        await expect(store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, items: [{ ...item, claimKey: '' }] })).rejects.toThrow(TypeError);
        await expect(store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, items: [{ ...item, stateKey: '' }] })).rejects.toThrow(TypeError);
        await expect(store.claimUnlessJobStates({ job: 'j', ttlMs: 0, items: [item] })).rejects.toThrow(RangeError);
      });

      it('answers in the items\' order when that is not key order, and items may share a state key', async () => {
        await store.setJobState('j', 'sent:z', { z: 1 });
        expect(await store.markSeen('claim:a', MIN, T0)).toBe(true);
        const items = [
          { stateKey: 'sent:m', claimKey: 'claim:m' },
          { stateKey: 'sent:z', claimKey: 'claim:z' },
          { stateKey: 'sent:a', claimKey: 'claim:a' },
          { stateKey: 'sent:c', claimKey: 'claim:c' },
          { stateKey: 'sent:z', claimKey: 'claim:z2' },
        ];
        expect(await store.claimUnlessJobStates({ job: 'j', ttlMs: MIN, now: at(1), items })).toEqual([
          { outcome: 'claimed' },
          { outcome: 'recorded', value: { z: 1 } },
          { outcome: 'held' },
          { outcome: 'claimed' },
          { outcome: 'recorded', value: { z: 1 } },
        ]);
        // Recorded items took no claim.
        expect(await store.markSeen('claim:z', MIN, at(2))).toBe(true);
        expect(await store.markSeen('claim:z2', MIN, at(2))).toBe(true);
        expect(await store.markSeen('claim:m', MIN, at(2))).toBe(false);
      });

      it('two replicas racing for the same keys: exactly one claims each; once recorded, both see the record', async () => {
        const other = await replica();
        const items = Array.from({ length: 20 }, (_, i) => ({ stateKey: `sent:${i}`, claimKey: `claim:${i}` }));
        // Interleaved single-item calls and whole batches from both sides.
        const [a, b] = await Promise.all([
          Promise.all(items.map((it) => store.claimUnlessJobStates({ job: 'j', ttlMs: 10 * MIN, now: T0, items: [it] }).then((r) => r[0]!))),
          other.claimUnlessJobStates({ job: 'j', ttlMs: 10 * MIN, now: T0, items }),
        ]);
        items.forEach((_, i) => expect([a[i]!.outcome, b[i]!.outcome].sort()).toEqual(['claimed', 'held']));
        await store.setJobStates('j', items.map((it, i) => ({ key: it.stateKey, value: i })));
        const after = await other.claimUnlessJobStates({ job: 'j', ttlMs: 10 * MIN, now: at(20 * MIN), items });
        expect(after).toEqual(items.map((_, i) => ({ outcome: 'recorded', value: i })));
      });

      it('two replicas claiming overlapping batches in opposite orders both finish (no deadlock)', async () => {
        const other = await replica();
        const items = Array.from({ length: 30 }, (_, i) => ({ stateKey: `sent:x${i}`, claimKey: `claim:x${i}` }));
        const reversed = [...items].reverse();
        const [a, b] = await Promise.all([
          store.claimUnlessJobStates({ job: 'j', ttlMs: 10 * MIN, now: T0, items }),
          other.claimUnlessJobStates({ job: 'j', ttlMs: 10 * MIN, now: T0, items: reversed }),
        ]);
        const bByKey = new Map(reversed.map((it, i) => [it.claimKey, b[i]!.outcome]));
        items.forEach((it, i) => expect([a[i]!.outcome, bByKey.get(it.claimKey)].sort()).toEqual(['claimed', 'held']));
        await Promise.all([
          store.setJobStates('j', items.map((it) => ({ key: it.stateKey, value: 'a' }))),
          other.setJobStates('j', reversed.map((it) => ({ key: it.stateKey, value: 'b' }))),
        ]);
        expect(['a', 'b']).toContain(await store.getJobState('j', 'sent:x7'));
      });
    });

    describe('job state and runs', () => {
      it('stores JSON values per job and key', async () => {
        expect(await store.getJobState('result-checker', 'x')).toBeUndefined();
        await store.setJobState('result-checker', 'obj', { a: [1, 2], b: 'c' });
        await store.setJobState('result-checker', 'arr', [1, 'two']);
        await store.setJobState('result-checker', 'num', 42);
        await store.setJobState('result-checker', 'str', 'text');
        await store.setJobState('other', 'num', 7);
        expect(await store.getJobState('result-checker', 'obj')).toEqual({ a: [1, 2], b: 'c' });
        expect(await store.getJobState('result-checker', 'arr')).toEqual([1, 'two']);
        expect(await store.getJobState<number>('result-checker', 'num')).toBe(42);
        expect(await store.getJobState('result-checker', 'str')).toBe('text');
        await store.setJobState('result-checker', 'num', 43);
        expect(await store.getJobState('result-checker', 'num')).toBe(43);
        expect(await store.getJobState('other', 'num')).toBe(7);
        await expect(store.setJobState('j', 'k', undefined)).rejects.toThrow(TypeError);
        await store.setJobStates('result-checker', [{ key: 'num', value: 44 }, { key: 'new', value: { n: 1 } }, { key: 'new', value: { n: 2 } }]);
        expect(await store.getJobState('result-checker', 'num')).toBe(44);
        expect(await store.getJobState('result-checker', 'new')).toEqual({ n: 2 });
        await store.setJobStates('result-checker', []);
        // One bad entry writes nothing.
        await expect(store.setJobStates('result-checker', [{ key: 'num', value: 45 }, { key: 'k', value: undefined }])).rejects.toThrow(TypeError);
        expect(await store.getJobState('result-checker', 'num')).toBe(44);
      });

      it('setJobStates: the last entry of a key wins wherever it sits in the batch', async () => {
        await store.setJobState('j', 'a', 'old');
        await store.setJobStates('j', [
          { key: 'b', value: 1 },
          { key: 'a', value: 1 },
          { key: 'c', value: null },
          { key: 'b', value: { n: 2 } },
          { key: 'a', value: 3 },
        ]);
        expect(await store.getJobState('j', 'a')).toBe(3);
        expect(await store.getJobState('j', 'b')).toEqual({ n: 2 });
        expect(await store.getJobState('j', 'c')).toBeNull();
        expect(await store.listJobStateKeys('j')).toEqual(['a', 'b', 'c']);
      });

      it('lists keys by literal prefix (no wildcard surprises)', async () => {
        for (const k of ['notified:4.19:a.json', 'notified:4.19:b.json', 'notified:4.20:a.json', 'notified_x', 'n%tified']) await store.setJobState('j', k, true);
        expect(await store.listJobStateKeys('j', 'notified:4.19:')).toEqual(['notified:4.19:a.json', 'notified:4.19:b.json']);
        expect(await store.listJobStateKeys('j', 'n%')).toEqual(['n%tified']);
        expect(await store.listJobStateKeys('j', 'notified_')).toEqual(['notified_x']);
        expect(await store.listJobStateKeys('j')).toHaveLength(5);
        expect(await store.listJobStateKeys('none')).toEqual([]);
      });

      it('records runs and lists the latest per job', async () => {
        const r1 = await store.recordJobStart('release-detector', 'r1', at(0));
        await store.recordJobEnd(r1, { outcome: 'ok', counts: { releases: 3 }, at: at(1000) });
        const r2 = await store.recordJobStart('release-detector', 'r1', at(MIN));
        await store.recordJobEnd(r2, { outcome: 'failed', error: 'GitHub did not answer', at: at(MIN + 500) });
        const r3 = await store.recordJobStart('jira-notificator', 'r2', at(2 * MIN));
        expect(await store.lastJobRuns()).toEqual([
          { id: r3, job: 'jira-notificator', startedAt: at(2 * MIN), owner: 'r2' },
          { id: r2, job: 'release-detector', startedAt: at(MIN), endedAt: at(MIN + 500), outcome: 'failed', error: 'GitHub did not answer', owner: 'r1' },
        ]);
        expect((await store.lastJobRuns(5)).filter((r) => r.job === 'release-detector').map((r) => r.id)).toEqual([r2, r1]);
        expect((await store.lastJobRuns(5)).find((r) => r.id === r1)).toMatchObject({ outcome: 'ok', counts: { releases: 3 } });
        await expect(store.recordJobEnd(999_999, { outcome: 'ok' })).rejects.toThrow(/job run 999999 does not exist/);
        await expect(store.recordJobEnd(r3, { outcome: 'maybe' as never })).rejects.toThrow(TypeError);
      });
    });

    it('purgeExpired drops what expired and keeps the rest', async () => {
      await store.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'r', ttlMs: MIN, owner: 'o', now: T0 });
      await store.acquireLock({ key: 'release:4.20.2', holder: 'U1', reason: 'r', ttlMs: 60 * MIN, owner: 'o', now: T0 });
      await store.markSeen('old', MIN, T0);
      await store.markSeen('fresh', 60 * MIN, T0);
      await store.createPending({ id: 'p-old', kind: 'confirmation', actorId: 'U1', release: '4.19.1', command: 'c', payload: {}, createdAt: T0, expiresAt: at(MIN) });
      await store.tryLease('job:a', 'r1', MIN, T0);
      expect(await store.purgeExpired(at(2 * MIN))).toEqual({ locks: 1, dedup: 1, pendings: 0, leases: 1 });
      expect((await store.listLocks(at(2 * MIN))).map((l) => l.key)).toEqual(['release:4.20.2']);
      expect(await store.markSeen('fresh', 60 * MIN, at(2 * MIN))).toBe(false);
      // Pendings stay a day past their expiry, so a waiting client can still read how they ended.
      expect(await store.getPending('p-old')).toMatchObject({ state: 'expired' });
      expect(await store.queryAudit({ event: 'expire' })).toHaveLength(1);
      expect(await store.purgeExpired(at(MIN + 24 * 60 * MIN))).toMatchObject({ pendings: 1, locks: 1 });
      expect(await store.getPending('p-old')).toBeUndefined();
      expect(await store.purgeExpired(at(MIN + 24 * 60 * MIN))).toEqual({ locks: 0, dedup: 0, pendings: 0, leases: 0 });
    });

    it('fails closed once closed: every operation throws StoreError and ping is false', async () => {
      const other = await replica();
      await other.close();
      expect(await other.ping()).toBe(false);
      await expect(other.acquireLock({ key: 'release:4.19.1', holder: 'U1', reason: 'r', ttlMs: MIN, owner: 'o' })).rejects.toThrow(StoreError);
      await expect(other.audit({ event: 'run', actorId: 'U1' })).rejects.toThrow(/closed/);
      await expect(other.markSeen('k', MIN)).rejects.toThrow(StoreError);
    });
  });
}
