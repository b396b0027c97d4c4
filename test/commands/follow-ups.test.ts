/**
 * Follow-ups are part of the command contract: a declaration names the watch kinds it leaves
 * behind, its implementation provides a handler factory per kind, and the command registry hands
 * the poller a lookup that loads the owning implementation on the first poll of a kind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createRegistry } from '../../src/commands/index.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { CommandRegistry, commandHelp } from '../../src/commands/registry.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { declareCommand, defineCommand, implement, lazy, type FollowUpDeps, type FollowUpHandler } from '../../src/commands/types.ts';
import { createWatchPoller } from '../../src/jobs/watchers.ts';
import { silentLogger } from '../../src/log.ts';
import type { NewWatch } from '../../src/store/types.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

const T0 = new Date('2026-07-06T10:00:00Z');
const MIN = 60_000;

function deps(): FollowUpDeps {
  return {
    store: { updateWatch: () => Promise.resolve(true), markSeen: () => Promise.resolve(true) },
    services: () => new LazyServices({}),
    execute: () => Promise.reject(new Error('not in this test')),
    command: () => undefined,
    configStores: { get: () => Promise.reject(new Error('not in this test')) },
    notices: { releaseChannel: async () => undefined, leadMention: async () => '@qe-release' },
  };
}

const testDecl = declareCommand({
  name: 'test-follow-up-owner',
  group: 'oar',
  summary: 'a command that leaves a test-check watch behind',
  examples: [],
  safety: 'read',
  scope: 'zstream',
  options: z.object({}),
  followUpKinds: [{ kind: 'test-check', summary: 'checks the test work until it ends' }],
});

/** The test command, its implementation imported lazily (counted), its handler built by a counted factory. */
function testCommand(poll: FollowUpHandler['poll'] = async () => ({ done: true, status: 'Pass', summary: 'test work ended' })) {
  const built = vi.fn((_deps: FollowUpDeps): FollowUpHandler => ({ task: 'release-status' as never, poll }));
  const impl = implement(testDecl, { run: async () => ({ status: 'info', summary: '' }), followUps: { 'test-check': built } });
  const load = vi.fn(async () => ({ default: impl }));
  return { command: lazy(testDecl, load), load, built };
}

function newWatch(kind: string): NewWatch {
  return { kind, release: '4.19.37', subject: {}, intervalMs: 5 * MIN, deadline: new Date(T0.getTime() + 120 * MIN), createdAt: T0, nextCheckAt: T0 };
}

describe('follow-up kinds in the command registry', () => {
  it('lists the four kinds with their owners from the declarations', () => {
    const kinds = createRegistry().followUpKinds();
    expect(kinds.map(({ kind, command }) => ({ kind, command })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'async-approval', command: 'change-advisory-status' },
      { kind: 'cdn-push', command: 'push-to-cdn-staging' },
      { kind: 'jenkins-build', command: 'stage-testing' },
      { kind: 'prow-job', command: 'image-consistency-check' },
    ]);
    expect(kinds.every((k) => k.summary.length > 10)).toBe(true);
  });

  it('a kind has one owner: a second command declaring it is refused at registry construction', () => {
    const other = defineCommand({ ...testDecl, name: 'another-owner', run: async () => ({ status: 'info', summary: '' }), followUps: { 'test-check': () => ({ poll: async () => ({ done: true, summary: '' }) }) } });
    expect(() => new CommandRegistry([testCommand().command, other])).toThrow(/follow-up kind test-check is declared by test-follow-up-owner and another-owner/);
    const stealing = defineCommand({ ...testDecl, name: 'steals-prow-job', followUpKinds: [{ kind: 'prow-job', summary: 'x' }], run: async () => ({ status: 'info', summary: '' }), followUps: { 'prow-job': () => ({ poll: async () => ({ done: true, summary: '' }) }) } });
    expect(() => createRegistry([stealing])).toThrow(/prow-job is declared by image-consistency-check and steals-prow-job/);
    const twice = defineCommand({ ...testDecl, name: 'says-it-twice', followUpKinds: [{ kind: 'test-check', summary: 'a' }, { kind: 'test-check', summary: 'b' }], run: async () => ({ status: 'info', summary: '' }), followUps: { 'test-check': () => ({ poll: async () => ({ done: true, summary: '' }) }) } });
    expect(() => new CommandRegistry([twice])).toThrow(/declared by says-it-twice and says-it-twice/);
    const badKind = defineCommand({ ...testDecl, followUpKinds: [{ kind: 'Test Check', summary: 'x' }], run: async () => ({ status: 'info', summary: '' }), followUps: { 'Test Check': () => ({ poll: async () => ({ done: true, summary: '' }) }) } });
    expect(() => new CommandRegistry([badKind])).toThrow(/kebab-case/);
  });

  it('a replaced built-in gives its kinds up with its name (a test embedding its own image-consistency-check)', () => {
    const replacement = defineCommand({ ...testDecl, name: 'image-consistency-check', run: async () => ({ status: 'info', summary: '' }), followUps: { 'test-check': () => ({ poll: async () => ({ done: true, summary: '' }) }) } });
    const kinds = createRegistry([replacement]).followUpKinds().map((k) => k.kind);
    expect(kinds).toContain('test-check');
    expect(kinds).not.toContain('prow-job');
  });

  it('`oar help <command>` lists the follow-ups it declares', () => {
    const text = commandHelp(createRegistry().get('push-to-cdn-staging')!);
    expect(text).toMatch(/Follow-ups[^\n]*\n\s+cdn-push\s+Checks the stage push jobs/);
    expect(commandHelp(createRegistry().get('unlock')!)).not.toContain('Follow-ups');
  });
});

describe('the registry-backed lookup under the poller', () => {
  let store: SqliteTestStore;
  let clock: Date;
  beforeEach(async () => {
    store = await openTestStore();
    clock = T0;
  });
  afterEach(async () => {
    await store.close();
  });

  const add = async (kind: string) => {
    const r = await store.addWatch(newWatch(kind));
    if (!r.created) throw new Error('not created');
    return r.watch;
  };

  it('the first poll of a kind loads its implementation and builds the handler; later polls reuse it', async () => {
    let polls = 0;
    const t = testCommand(async () => ({ done: ++polls > 1, ...(polls > 1 ? { status: 'Pass' as const } : {}), summary: `poll ${polls}` }));
    const registry = createRegistry([t.command]);
    const d = deps();
    const lookup = registry.followUps(d);
    expect(registry.followUps(d)).toBe(lookup);
    expect(t.load).not.toHaveBeenCalled();
    const w = await add('test-check');
    const poller = createWatchPoller({ store, statebox: new MemoryStateBox(), handlers: lookup, logger: silentLogger, now: () => clock });

    expect(await poller.pollOnce()).toMatchObject({ claimed: 1, pending: 1 });
    expect(t.load).toHaveBeenCalledTimes(1);
    expect(t.built).toHaveBeenCalledTimes(1);
    expect(t.built).toHaveBeenCalledWith(d);

    clock = new Date(T0.getTime() + 6 * MIN);
    expect(await poller.pollOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(polls).toBe(2);
    expect(t.load).toHaveBeenCalledTimes(1);
    expect(t.built).toHaveBeenCalledTimes(1);
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'done', lastResult: 'Pass: poll 2' });

    // Other deps (another wiring): its own handler, from the implementation already loaded.
    await registry.followUps(deps()).get('test-check');
    expect(t.built).toHaveBeenCalledTimes(2);
    expect(t.load).toHaveBeenCalledTimes(1);
  });

  it('an unknown kind ends no-handler, as before, and loads nothing', async () => {
    const t = testCommand();
    const lookup = createRegistry([t.command]).followUps(deps());
    const w = await add('nobody-declares-this');
    const s = await createWatchPoller({ store, statebox: new MemoryStateBox(), handlers: lookup, logger: silentLogger, now: () => clock }).pollOnce();
    expect(s).toMatchObject({ claimed: 1, noHandler: 1 });
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active', lastResult: 'no handler for watch kind nobody-declares-this in this process' });
    expect(t.load).not.toHaveBeenCalled();
  });

  it('an implementation that fails to load is an error for that poll and is loaded again on the next', async () => {
    const t = testCommand();
    t.load.mockRejectedValueOnce(new Error('import failed'));
    const lookup = createRegistry([t.command]).followUps(deps());
    const w = await add('test-check');
    const poller = createWatchPoller({ store, statebox: new MemoryStateBox(), handlers: lookup, logger: silentLogger, now: () => clock });
    const first = await poller.pollOnce();
    expect(first).toMatchObject({ claimed: 1, errors: 1 });
    expect(first.results[0]!.summary).toContain('import failed');
    expect(await store.getWatch(w.id)).toMatchObject({ state: 'active', nextCheckAt: new Date(T0.getTime() + 5 * MIN) });
    clock = new Date(T0.getTime() + 6 * MIN);
    expect(await poller.pollOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(t.load).toHaveBeenCalledTimes(2);
  });
});

describe('the compiler checks an implementation against its declared follow-ups', () => {
  it('exactly the declared kinds (checked by tsc: each @ts-expect-error must be an error)', () => {
    const run = async () => ({ status: 'info' as const, summary: '' });
    const factory = () => ({ poll: async () => ({ done: true, summary: '' }) });
    const ok = implement(testDecl, { run, followUps: { 'test-check': factory } });
    // @ts-expect-error -- the declared kind has no handler
    implement(testDecl, { run });
    // @ts-expect-error -- a kind the declaration does not name
    implement(testDecl, { run, followUps: { 'test-check': factory, 'other-kind': factory } });
    const plain = declareCommand({ name: 'plain', group: 'oar', summary: 's', examples: [], safety: 'read', scope: 'zstream', options: z.object({}) });
    // @ts-expect-error -- a command that declares no follow-up provides none
    implement(plain, { run, followUps: { 'test-check': factory } });
    expect(Object.keys(ok.followUps)).toEqual(['test-check']);
  });
});
