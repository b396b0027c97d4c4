/** `unlock`: release a stale per-release lock by hand (audited by the runner like any write). */
import { z } from 'zod';
import { lockKey } from './locks.ts';
import { CommandError } from './errors.ts';
import { defineCommand } from './types.ts';

export const unlock = defineCommand({
  name: 'unlock',
  group: 'oar',
  summary: "Release the release's lock when its holder is gone (audited)",
  examples: ['/oar 4.19.1 unlock', 'oar -r 4.19.1 unlock'],
  safety: 'write',
  scope: 'zstream',
  noLock: true,
  options: z.object({}),
  async run(ctx) {
    if (!ctx.store) throw new CommandError('the operational store is not available');
    const key = lockKey(ctx.release);
    const held = (await ctx.store.listLocks()).find((l) => l.key === key);
    if (!held) return { status: 'info', summary: `${ctx.release} is not locked` };
    await ctx.store.releaseLock(key, { force: true });
    await ctx.store.audit({ event: 'unlock', actorId: ctx.actor.id, actorName: ctx.actor.name, release: ctx.release, command: 'unlock', detail: `released lock held by ${held.holder} for ${held.reason}`, correlationId: ctx.correlationId });
    return { status: 'info', summary: `Released the lock on ${ctx.release} held by ${held.holderName ?? held.holder} for ${held.reason} since ${held.acquiredAt.toISOString()}` };
  },
});
