/**
 * Locks that know whether their holder is alive: heartbeat while a command runs, takeover of a
 * dead holder's lock at once (audited), `unlock` refusing a live lock, `unlock --force` with the
 * critical role and a reason (audited). Runner + real SQLite store, fake timers for the clock;
 * the terminal front end for unlock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Runner, type Authorizer } from '../../src/commands/runner.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { unlock as unlockDecl } from '../../src/commands/unlock.ts';
import { defineCommand, type Actor, type Role } from '../../src/commands/types.ts';
import { testConfig } from '../../src/config/env.ts';
import { runCli } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import { SqliteStore, SQLITE_FILE_NAME } from '../../src/store/index.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { join } from 'node:path';
import { commandOf } from '../../src/commands/index.ts';

const unlock = commandOf(unlockDecl);

const roles: Record<string, Role> = { U_LEAD: 'critical', U_WRITER: 'write' };
const authorizer: Authorizer = { roleFor: async (a) => roles[a.id] ?? 'read' };
const lead: Actor = { id: 'U_LEAD', name: 'lead', via: 'slack' };
const writer: Actor = { id: 'U_WRITER', name: 'writer', via: 'slack' };

let release: (() => void) | undefined;
const slowWrite = defineCommand({
  name: 'take-ownership',
  group: 'oar',
  summary: 'slow write',
  examples: [],
  safety: 'write',
  scope: 'zstream',
  options: z.object({}),
  run: () => new Promise((resolve) => (release = () => resolve({ status: 'pass', summary: 'done' }))),
});

const T0 = new Date('2026-07-01T10:00:00.000Z');
let store: SqliteTestStore;

function runnerOn(s: SqliteTestStore, instanceId: string) {
  return new Runner({
    config: testConfig({ OAR_LOCK_HEARTBEAT_MS: '15000', OAR_LOCK_STALE_MS: '60000' }),
    store: s,
    statebox: new MemoryStateBox(),
    services: new LazyServices(),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer,
    instanceId,
  });
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(T0);
  store = await openTestStore();
});
afterEach(async () => {
  release?.();
  release = undefined;
  vi.useRealTimers();
  await store.close();
});

describe('live locks', () => {
  it('a running command heartbeats its lock; a second run is refused with holder, front end, host and heartbeat age', async () => {
    const a = runnerOn(store, 'bot-a');
    const running = a.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: lead });
    await vi.waitFor(async () => expect(await store.listLocks()).toHaveLength(1));
    const acquiredAt = (await store.listLocks())[0]!.acquiredAt;
    await vi.advanceTimersByTimeAsync(45_000);
    const [lock] = await store.listLocks();
    expect(lock).toMatchObject({ holder: 'U_LEAD', owner: 'bot-a', frontEnd: 'slack', acquiredAt, heartbeatAt: new Date(acquiredAt.getTime() + 45_000) });
    expect(lock!.host).toBeTruthy();
    await vi.advanceTimersByTimeAsync(5_000);
    const b = runnerOn(store, 'bot-b');
    const refused = await b.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: writer });
    expect(refused.kind).toBe('locked');
    if (refused.kind === 'locked') expect(refused.message).toMatch(/4\.19\.1 is locked by lead \(U_LEAD\) for take-ownership since 2026-07-01T10:00:00\.\d+Z \(via slack on .+\); last heartbeat 5 s ago\. Its holder is alive/);
    release!();
    expect((await running).kind).toBe('done');
    expect(await store.listLocks()).toEqual([]);
  });

  it("a dead holder's lock (stale heartbeat) is taken over by the next run at once, audited as takeover", async () => {
    // A holder killed with SIGKILL: its lock stays, nobody renews it.
    await store.acquireLock({ key: 'release:4.19.1', holder: 'U_LEAD', holderName: 'lead', reason: 'change-advisory-status', ttlMs: 30 * 60_000, owner: 'dead-bot', host: 'node-3', frontEnd: 'cli' });
    const b = runnerOn(store, 'bot-b');
    vi.setSystemTime(new Date(T0.getTime() + 59_000));
    expect((await b.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: writer })).kind).toBe('locked');
    vi.setSystemTime(new Date(T0.getTime() + 60_000)); // not 30 minutes: one stale period
    const run = b.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: writer });
    await vi.waitFor(async () => expect((await store.listLocks())[0]).toMatchObject({ holder: 'U_WRITER', owner: 'bot-b' }));
    const [takeover] = await store.queryAudit({ event: 'takeover' });
    expect(takeover).toMatchObject({ actorId: 'U_LEAD', release: '4.19.1' });
    expect(takeover!.detail).toContain('dead-bot, node-3, cli');
    expect(takeover!.detail).toContain('60 s ago; holder presumed dead; taken over by U_WRITER');
    release!();
    expect((await run).kind).toBe('done');
  });

  it('a run whose lock was taken over (its heartbeat went stale) stops instead of changing the release alongside', async () => {
    const a = runnerOn(store, 'bot-a');
    const running = a.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: lead });
    await vi.waitFor(async () => expect(await store.listLocks()).toHaveLength(1));
    // Someone else takes the lock over (e.g. after a long store outage froze our heartbeat).
    await store.releaseLock('release:4.19.1', { force: true });
    await store.acquireLock({ key: 'release:4.19.1', holder: 'U_WRITER', reason: 'x', ttlMs: 60_000, owner: 'bot-b' });
    await vi.advanceTimersByTimeAsync(15_000);
    const r = await running;
    expect(r.kind === 'done' && r.outcome).toMatchObject({ status: 'fail', summary: 'Command was cancelled' });
    // Its own end does not release the other run's lock.
    expect((await store.listLocks())[0]).toMatchObject({ holder: 'U_WRITER' });
  });
});

describe('unlock', () => {
  it('refuses a live lock and says who holds it, since when and the heartbeat age; releases a silent one (audited)', async () => {
    const a = runnerOn(store, 'bot-a');
    const running = a.execute({ command: slowWrite, release: '4.19.1', options: {}, actor: lead });
    await vi.waitFor(async () => expect(await store.listLocks()).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(20_000);
    const b = runnerOn(store, 'bot-b');
    const refused = await b.execute({ command: unlock, release: '4.19.1', options: {}, actor: writer });
    expect(refused.kind === 'done' && refused.outcome.status).toBe('fail');
    if (refused.kind === 'done') expect(refused.outcome.summary).toMatch(/locked by lead \(U_LEAD\) for take-ownership since 2026-07-01T10:00:00\.\d+Z .*last heartbeat 5 s ago\. Its holder is alive, so the lock was not released/);
    expect(await store.listLocks()).toHaveLength(1);
    expect(await store.queryAudit({ event: 'unlock' })).toEqual([]);
    release!();
    await running;

    await store.acquireLock({ key: 'release:4.19.1', holder: 'U_GONE', reason: 'stage-testing', ttlMs: 30 * 60_000, owner: 'dead' });
    vi.setSystemTime(new Date(Date.now() + 61_000));
    const ok = await b.execute({ command: unlock, release: '4.19.1', options: {}, actor: writer });
    expect(ok.kind === 'done' && ok.outcome.summary).toContain('(holder silent)');
    expect((await store.queryAudit({ event: 'unlock' }))[0]).toMatchObject({ actorId: 'U_WRITER', outcome: 'holder silent' });
  });

  it('--force needs the critical role, a reason and a confirmation; it is audited with the reason', async () => {
    await store.acquireLock({ key: 'release:4.19.1', holder: 'U_LEAD', reason: 'push-to-cdn-staging', ttlMs: 30 * 60_000, owner: 'bot-a' });
    const b = runnerOn(store, 'bot-b');
    const cmd = unlock;
    const byWriter = await b.execute({ command: cmd, release: '4.19.1', options: { force: true, reason: 'stuck' }, actor: writer, confirmation: { id: 'c1' } });
    expect(byWriter).toMatchObject({ kind: 'denied', needed: 'critical', has: 'write' });
    const noReason = await b.execute({ command: cmd, release: '4.19.1', options: { force: true }, actor: lead });
    expect(noReason.kind === 'refused' && noReason.message).toContain('unlock --force needs --reason');
    const plan = await b.execute({ command: cmd, release: '4.19.1', options: { force: true, reason: 'holder host drained' }, actor: lead });
    expect(plan.kind).toBe('needs-confirmation');
    expect(await store.listLocks()).toHaveLength(1);
    const forced = await b.execute({ command: cmd, release: '4.19.1', options: { force: true, reason: 'holder host drained' }, actor: lead, confirmation: { id: 'c2' } });
    expect(forced.kind === 'done' && forced.outcome.summary).toContain('forced (reason: holder host drained)');
    expect(await store.listLocks()).toEqual([]);
    const [audit] = await store.queryAudit({ event: 'unlock' });
    expect(audit).toMatchObject({ actorId: 'U_LEAD', outcome: 'forced (reason: holder host drained)', release: '4.19.1' });
    expect(audit!.detail).toContain('heartbeat live');
  });

  it('through the terminal: a live lock is refused (exit 1, who and since on stderr); --force --reason --yes releases it', async () => {
    vi.useRealTimers();
    const other = new SqliteStore({ file: join(store.dataDir, SQLITE_FILE_NAME) });
    await other.init();
    await other.acquireLock({ key: 'release:4.19.1', holder: 'U_LEAD', holderName: 'lead', reason: 'push-to-cdn-staging', ttlMs: 30 * 60_000, owner: 'bot-a', host: 'node-1', frontEnd: 'slack' });
    await other.close();
    const io = (out: string[], err: string[]) => ({ stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: { OAR_DATA_DIR: store.dataDir, LOG_LEVEL: 'silent', USER: 'jdoe' }, isTTY: false });
    const out: string[] = [];
    const err: string[] = [];
    expect(await runCli('oar', ['-r', '4.19.1', 'unlock'], io(out, err), COMPOSITION)).toBe(1);
    expect(err.join('\n')).toMatch(/4\.19\.1 is locked by lead \(U_LEAD\) for push-to-cdn-staging since .* \(via slack on node-1\); last heartbeat \d+ s ago\. Its holder is alive/);
    expect(await runCli('oar', ['-r', '4.19.1', 'unlock', '--force', '--reason', 'bot-a is wedged', '--yes'], io(out, err), COMPOSITION)).toBe(0);
    expect(out.join('\n')).toContain('forced (reason: bot-a is wedged)');
    expect((await store.queryAudit({ event: 'unlock' }))[0]).toMatchObject({ actorId: 'cli:jdoe', outcome: 'forced (reason: bot-a is wedged)' });
  });
});
