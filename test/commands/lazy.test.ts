/** A lazily implemented command: declared up front, its implementation imported on the first run (plan or run) and kept. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declareCommand, implement, lazy, type Actor, type CommandImpl } from '../../src/commands/types.ts';
import { memoryRunner, memoryRunnerStore } from '../helpers/commands.ts';
import type { Store } from '../../src/store/types.ts';

const actor: Actor = { id: 'cli:someone', via: 'cli' };

const decl = declareCommand({
  name: 'set-owner',
  group: 'oar',
  summary: 'Set the owner',
  examples: [],
  safety: (o) => (o.check ? 'read' : 'write'),
  scope: 'zstream',
  options: z.object({ email: z.string(), check: z.boolean().default(false) }),
});

function counted(impl: CommandImpl<typeof decl.options>) {
  const calls = { loads: 0 };
  const load = async () => {
    calls.loads++;
    return { default: impl };
  };
  return { calls, command: lazy(decl, load) };
}

const impl = implement(decl, {
  plan: async (_ctx, o) => ({ summary: `owner ${o.email}`, changes: [{ target: 'owner', to: o.email }] }),
  run: async (_ctx, o) => ({ status: 'pass', summary: `owner is ${o.email}` }),
});

describe('lazy commands', () => {
  it('declaring and listing loads nothing; safety is computed from the declaration alone', () => {
    const { calls, command } = counted(impl);
    expect(command.name).toBe('set-owner');
    expect(typeof command.safety === 'function' && command.safety({ email: 'a', check: true })).toBe('read');
    expect('dryRun' in command.options.shape).toBe(true);
    expect(calls.loads).toBe(0);
  });

  it('the first run imports the implementation; later runs and dry runs reuse it', async () => {
    const { calls, command } = counted(impl);
    const runner = memoryRunner();
    const first = await runner.execute({ command, release: '4.19.1', options: { email: 'a@b.c' }, actor });
    expect(first.kind === 'done' && first.outcome.summary).toBe('owner is a@b.c');
    const dry = await runner.execute({ command, release: '4.19.1', options: { email: 'x@b.c', dryRun: true }, actor });
    expect(dry.kind === 'done' && dry.outcome.summary).toBe('Dry run: owner x@b.c');
    expect(calls.loads).toBe(1);
  });

  it('a failed import is not cached: the next run tries again', async () => {
    let attempt = 0;
    const command = lazy(decl, async () => {
      if (++attempt === 1) throw new Error('module not found');
      return { default: impl };
    });
    await expect(command.load()).rejects.toThrow('module not found');
    const loaded = await command.load();
    expect(loaded.run).toBe(impl.run);
    expect(attempt).toBe(2);
  });

  it('a run whose implementation fails to load is refused, audited and observed, holds no lock, and the next run loads it', async () => {
    let attempt = 0;
    const command = lazy(decl, async () => {
      if (++attempt === 1) throw new Error('Cannot find module ./set-owner.run.ts');
      return { default: impl };
    });
    const store = memoryRunnerStore();
    const observed: string[] = [];
    const runner = memoryRunner({ store: store as unknown as Store, observer: (o) => observed.push(o.result) });
    const first = await runner.execute({ command, release: '4.19.1', options: { email: 'a@b.c' }, actor });
    expect(first.kind).toBe('refused');
    expect(first.kind === 'refused' && first.message).toMatch(/^set-owner is not available: its implementation failed to load \(.*Cannot find module/);
    expect(store.audits.map((a) => [a.event, a.outcome])).toContainEqual(['failure', 'implementation failed to load']);
    expect(observed).toEqual(['refused']);
    expect(store.locks.size).toBe(0);
    const second = await runner.execute({ command, release: '4.19.1', options: { email: 'a@b.c' }, actor });
    expect(second.kind === 'done' && second.outcome.summary).toBe('owner is a@b.c');
  });
});
