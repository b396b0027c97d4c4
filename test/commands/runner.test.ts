import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Runner, type Authorizer, type RunnerStore } from '../../src/commands/runner.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { defineCommand, type Actor, type Role } from '../../src/commands/types.ts';
import { testConfig } from '../../src/config/env.ts';
import { IntegrationError } from '../../src/integrations/http.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import type { Store } from '../../src/store/types.ts';
import { memoryRunnerStore, takeOwnershipLike } from '../helpers/commands.ts';

const lead: Actor = { id: 'U_LEAD', name: 'lead', via: 'slack' };
const viewer: Actor = { id: 'U_VIEWER', name: 'viewer', via: 'slack' };
const roles: Record<string, Role> = { U_LEAD: 'critical', U_VIEWER: 'read' };
const authorizer: Authorizer = { roleFor: async (a) => roles[a.id] ?? 'read' };

function setup(opts: { store?: RunnerStore | null; timeoutMs?: number } = {}) {
  const store = opts.store === null ? undefined : (opts.store ?? memoryRunnerStore());
  const statebox = new MemoryStateBox();
  const config = testConfig({ OAR_COMMAND_TIMEOUT_MS: String(opts.timeoutMs ?? 600_000), GITHUB_TOKEN: 'ghp_secretvalue123' });
  const runner = new Runner({
    config,
    store: store as unknown as Store,
    statebox,
    services: new LazyServices(),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer,
    instanceId: 'test-1',
    mask: (s) => s.replaceAll('ghp_secretvalue123', '[REDACTED]'),
  });
  return { runner, store: store as ReturnType<typeof memoryRunnerStore> | undefined, statebox };
}

const changed: string[] = [];
const pushLike = defineCommand({
  name: 'push-to-cdn-staging',
  group: 'oar',
  summary: 'push',
  examples: [],
  safety: 'critical',
  task: 'push-to-cdn-staging',
  scope: 'zstream',
  options: z.object({ dryRun: z.boolean().default(false) }),
  followUpKinds: [{ kind: 'cdn-push', summary: 'checks the pushes until they end' }],
  followUps: { 'cdn-push': () => ({ poll: async () => ({ done: true, summary: 'pushed' }) }) },
  async plan() {
    return { summary: 'trigger 2 pushes', changes: [{ target: 'advisory 1', from: 'none', to: 'cdn_stage push' }, { target: 'advisory 2', to: 'cdn_stage push' }] };
  },
  async run(ctx) {
    changed.push(ctx.release);
    return { status: 'in_progress', summary: 'pushes triggered', watch: { kind: 'cdn-push', subject: { advisories: [1, 2] }, intervalMs: 60_000, deadline: new Date(Date.now() + 3600_000) } };
  },
});

const failing = defineCommand({
  name: 'image-signed-check',
  group: 'oar',
  summary: 'x',
  examples: [],
  safety: 'write',
  task: 'image-signed-check',
  scope: 'zstream',
  options: z.object({}),
  async run(ctx) {
    ctx.log.info('checking digest');
    throw new IntegrationError({ system: 'Release controller', operation: 'reading release 4.19.1', status: 503 });
  },
});

const hanging = defineCommand({
  name: 'stage-testing',
  group: 'oar',
  summary: 'x',
  examples: [],
  safety: 'write',
  task: 'stage-testing',
  scope: 'zstream',
  options: z.object({}),
  run: () => new Promise(() => undefined),
});

afterEach(() => {
  vi.useRealTimers();
  changed.length = 0;
});

describe('runner pipeline', () => {
  it('runs a write command: lock, In Progress, Pass with the captured log, audit, unlock', async () => {
    const { runner, store, statebox } = setup();
    const r = await runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'a@b.c' }, actor: lead });
    expect(r.kind).toBe('done');
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'Pass']);
    const result = statebox.updates[1]!.result!;
    expect(result).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: INFO: task \[Take Ownership\] status is changed to \[In Progress\]$/m);
    expect(result).toMatch(/: INFO: QA Owner is updated to a@b\.c$/m);
    expect(result.split('\n').at(-1)).toMatch(/: INFO: task \[Take Ownership\] status is changed to \[Pass\]$/);
    expect(store!.locks.size).toBe(0);
    // Intent before any change, the outcome after.
    expect(store!.audits.map((a) => a.event)).toEqual(['intent', 'run']);
    expect(store!.audits[0]).toMatchObject({ actorId: 'U_LEAD', release: '4.19.1', command: 'take-ownership' });
  });

  it('denies a write command to a read-only user, audits it and changes nothing', async () => {
    const { runner, store, statebox } = setup();
    const r = await runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'a@b.c' }, actor: viewer });
    expect(r.kind).toBe('denied');
    if (r.kind === 'denied') expect(r.message).toContain('needs the write role and you have read');
    expect(statebox.updates).toEqual([]);
    expect(store!.audits.map((a) => a.event)).toEqual(['deny']);
  });

  it('a critical command first returns its plan and changes nothing', async () => {
    const { runner, store, statebox } = setup();
    const r = await runner.execute({ command: pushLike, release: '4.19.1', options: {}, actor: lead });
    expect(r.kind).toBe('needs-confirmation');
    if (r.kind === 'needs-confirmation') expect(r.plan.changes).toHaveLength(2);
    expect(changed).toEqual([]);
    expect(statebox.updates).toEqual([]);
    expect(store!.audits.map((a) => a.event)).toEqual(['propose']);
  });

  it('a confirmed critical command runs once per confirmation id and registers its watch', async () => {
    const { runner, store, statebox } = setup();
    const req = { command: pushLike, release: '4.19.1', options: {}, actor: lead, confirmation: { id: 'c-1' }, slack: { channel: 'C1', threadTs: '1.1' } };
    const [a, b] = await Promise.all([runner.execute(req), runner.execute(req)]);
    expect([a.kind, b.kind].sort()).toEqual(['done', 'duplicate']);
    expect(changed).toEqual(['4.19.1']);
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'In Progress']);
    expect(store!.watches).toHaveLength(1);
    expect(store!.watches[0]).toMatchObject({ kind: 'cdn-push', release: '4.19.1', report: { channel: 'C1', threadTs: '1.1' } });
  });

  it('a follow-up of a kind the command does not declare is refused: nothing stored, the run fails and says why', async () => {
    const { runner, store, statebox } = setup();
    const leaves = (followUpKinds: { kind: string; summary: string }[]) =>
      defineCommand({
        name: 'stage-testing',
        group: 'oar',
        summary: 'x',
        examples: [],
        safety: 'write',
        task: 'stage-testing',
        scope: 'zstream',
        options: z.object({}),
        followUpKinds,
        async run() {
          return { status: 'in_progress', summary: 'build queued', links: [{ label: 'build', url: 'https://jenkins.example/1' }], watch: { kind: 'jenkins-build', subject: { queueId: 7 }, intervalMs: 60_000, deadline: new Date(Date.now() + 3600_000) } };
        },
      });
    const none = await runner.execute({ command: leaves([]), release: '4.19.1', options: {}, actor: lead });
    expect(none.kind).toBe('done');
    if (none.kind !== 'done') return;
    expect(none.outcome).toMatchObject({ status: 'fail', summary: 'stage-testing left a follow-up of kind jenkins-build, which it does not declare (it declares none); nothing is watching the work it started' });
    expect(none.outcome.watch).toBeUndefined();
    expect(none.outcome.watchId).toBeUndefined();
    // The user still gets the link to what was started.
    expect(none.outcome.links).toEqual([{ label: 'build', url: 'https://jenkins.example/1' }]);
    expect(store!.watches).toEqual([]);
    expect(statebox.updates.map((u) => u.status)).toEqual(['In Progress', 'Fail']);
    expect(store!.locks.size).toBe(0);

    const other = await runner.execute({ command: leaves([{ kind: 'prow-job', summary: 'x' }]), release: '4.19.2', options: {}, actor: lead });
    expect(other.kind === 'done' && other.outcome.summary).toContain('(it declares prow-job)');
    expect(store!.watches).toEqual([]);
    // The same command declaring the kind gets its watch stored.
    const owned = await runner.execute({ command: leaves([{ kind: 'jenkins-build', summary: 'x' }]), release: '4.19.3', options: {}, actor: lead });
    expect(owned.kind === 'done' && owned.outcome).toMatchObject({ status: 'in_progress', watchId: '1' });
    expect(store!.watches).toMatchObject([{ kind: 'jenkins-build', release: '4.19.3' }]);
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const { runner, store, statebox } = setup();
    const r = await runner.execute({ command: pushLike, release: '4.19.1', options: { dryRun: true }, actor: lead });
    expect(r.kind === 'done' && r.outcome.summary).toBe('Dry run: trigger 2 pushes');
    expect(changed).toEqual([]);
    expect(statebox.updates).toEqual([]);
    expect(store!.locks.size).toBe(0);
    expect(store!.watches).toEqual([]);
  });

  it('every command that can change something takes --dry-run: without an itemised plan it says so, runs nothing, locks nothing, records nothing', async () => {
    const { runner, store, statebox } = setup();
    let ran = 0;
    const writer = defineCommand({
      name: 'take-ownership',
      group: 'oar',
      summary: 'Set the QE owner',
      examples: [],
      safety: 'write',
      task: 'take-ownership',
      scope: 'zstream',
      options: z.object({}),
      async run() {
        ran++;
        return { status: 'pass', summary: 'done' };
      },
    });
    expect(Object.keys(writer.options.shape)).toEqual(['dryRun']);
    const r = await runner.execute({ command: writer, release: '4.19.1', options: { dryRun: true }, actor: lead });
    expect(r.kind === 'done' && r.outcome.summary).toBe('Dry run: take-ownership on 4.19.1 would set the QE owner');
    expect(r.kind === 'done' && r.outcome.sections?.find((x) => x.title === 'Would change')?.lines).toEqual(['StateBox task take-ownership of 4.19.1: In Progress, then Pass or Fail']);
    expect(ran).toBe(0);
    expect(statebox.updates).toEqual([]);
    expect(store!.locks.size).toBe(0);
    expect(store!.audits.at(-1)).toMatchObject({ event: 'run', outcome: 'dry-run' });
    // A read command has no --dry-run to offer.
    const reader = defineCommand({ name: 'release-info', group: 'oar', summary: 'r', examples: [], safety: 'read', scope: 'zstream', options: z.object({}), run: async () => ({ status: 'info', summary: '' }) });
    expect(Object.keys(reader.options.shape)).toEqual([]);
  });

  it('refuses with who holds the lock, for what, since when and how to release it', async () => {
    const { runner, store } = setup();
    await store!.acquireLock({ key: 'release:4.19.1', holder: 'U_OTHER', holderName: 'other', reason: 'change-advisory-status', ttlMs: 60_000, owner: 'x' });
    const r = await runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'a@b.c' }, actor: lead });
    expect(r.kind).toBe('locked');
    if (r.kind === 'locked') expect(r.message).toMatch(/4\.19\.1 is locked by other \(U_OTHER\) for change-advisory-status since .* Its holder is alive.* `\/oar 4\.19\.1 unlock --force --reason "…"` \(audited\)/);
  });

  it('records Fail with the error when the command throws, and releases the lock', async () => {
    const { runner, store, statebox } = setup();
    const r = await runner.execute({ command: failing, release: '4.19.1', options: {}, actor: lead });
    expect(r.kind === 'done' && r.outcome).toMatchObject({ status: 'fail', summary: 'Release controller did not answer reading release 4.19.1: 503' });
    expect(statebox.updates.at(-1)).toMatchObject({ status: 'Fail' });
    expect(statebox.updates.at(-1)!.result).toMatch(/ERROR: Release controller did not answer reading release 4\.19\.1: 503/);
    expect(store!.locks.size).toBe(0);
    expect(store!.audits.at(-1)!.event).toBe('failure');
  });

  it('times out a command that never returns and records Fail', async () => {
    vi.useFakeTimers();
    const { runner, statebox, store } = setup({ timeoutMs: 5_000 });
    const p = runner.execute({ command: hanging, release: '4.19.1', options: {}, actor: lead });
    await vi.advanceTimersByTimeAsync(5_001);
    const r = await p;
    expect(r.kind === 'done' && r.outcome.summary).toBe('Command timed out after 5 s');
    expect(statebox.updates.at(-1)!.status).toBe('Fail');
    expect(store!.locks.size).toBe(0);
  });

  it('fails closed: no store or an unreachable store refuses write commands', async () => {
    const none = setup({ store: null });
    expect((await none.runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'a@b.c' }, actor: lead })).kind).toBe('refused');
    const broken = memoryRunnerStore();
    broken.acquireLock = async () => {
      throw new Error('connection refused');
    };
    const b = setup({ store: broken });
    const r = await b.runner.execute({ command: takeOwnershipLike, release: '4.19.1', options: { email: 'a@b.c' }, actor: lead });
    expect(r.kind).toBe('refused');
    expect(b.statebox.updates).toEqual([]);
  });

  it('masks secrets in audited options', async () => {
    const { runner, store } = setup();
    const cmd = defineCommand({ name: 'x', group: 'oar', summary: 'x', examples: [], safety: 'read', scope: 'none', options: z.object({ note: z.string(), apiToken: z.string() }), run: async () => ({ status: 'info', summary: 'ok' }) });
    await runner.execute({ command: cmd, release: '', options: { note: 'uses ghp_secretvalue123', apiToken: 'abc' }, actor: lead });
    expect(store!.audits[0]!.options).toEqual({ note: 'uses [REDACTED]', apiToken: '[REDACTED]' });
  });

  it('drains: refuses new work while shutting down and waits for in-flight commands', async () => {
    const { runner } = setup();
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow = defineCommand({
      name: 'slow', group: 'oar', summary: 's', examples: [], safety: 'read', scope: 'none', options: z.object({}),
      run: () => new Promise((r) => {
        release = () => r({ status: 'info', summary: 'done' });
        started();
      }),
    });
    const p = runner.execute({ command: slow, release: '', options: {}, actor: lead });
    await running;
    const drained = runner.drain(60_000);
    const refused = await runner.execute({ command: slow, release: '', options: {}, actor: lead });
    expect(refused.kind === 'refused' && refused.message).toBe('oar-bot is restarting, try again in a minute');
    release();
    expect((await p).kind).toBe('done');
    expect(await drained).toEqual({ finished: true, remaining: 0 });
  });
});
