/** What `unlock` does (declared in ./unlock.ts; the registry imports this module on its first run). */
import { describeLock, lockKey } from './locks.ts';
import { CommandError } from './errors.ts';
import { implement, type CommandContext } from './types.ts';
import type { LockInfo } from '../store/types.ts';
import { unlock } from './unlock.ts';

async function heldLock(ctx: CommandContext): Promise<LockInfo | undefined> {
  if (!ctx.store) throw new CommandError('the operational store is not available');
  const key = lockKey(ctx.release);
  return (await ctx.store.listLocks(ctx.now())).find((l) => l.key === key);
}

function isAlive(ctx: CommandContext, l: LockInfo): boolean {
  return ctx.now().getTime() - l.heartbeatAt.getTime() < ctx.config.OAR_LOCK_STALE_MS;
}

function requireReason(o: { force: boolean; reason?: string | undefined }): void {
  if (o.force && !o.reason?.trim()) throw new CommandError('unlock --force needs --reason "why" (it is audited)');
}

export default implement(unlock, {
  async plan(ctx, o) {
    requireReason(o);
    const held = await heldLock(ctx);
    if (!held) return { summary: `${ctx.release} is not locked`, changes: [], empty: true };
    return { summary: `force-release the lock on ${ctx.release}`, changes: [{ target: `lock on ${ctx.release}`, from: describeLock(held, ctx.now()), to: 'released' }], notes: [`reason: ${o.reason ?? ''}`] };
  },
  async run(ctx, o) {
    requireReason(o);
    const held = await heldLock(ctx);
    if (!held) return { status: 'info', summary: `${ctx.release} is not locked` };
    const alive = isAlive(ctx, held);
    if (alive && !o.force) {
      return {
        status: 'fail',
        recordTask: false,
        summary: `${describeLock(held, ctx.now())}. Its holder is alive, so the lock was not released. Wait for it, or force it with the critical role: unlock --force --reason "…" (audited).`,
      };
    }
    const store = ctx.store!;
    if (!(await store.releaseLock(held.key, { force: true }))) return { status: 'info', summary: `${ctx.release} was unlocked meanwhile` };
    const how = o.force ? `forced (reason: ${o.reason!.trim()})` : 'holder silent';
    await store.audit({
      event: 'unlock', actorId: ctx.actor.id, actorName: ctx.actor.name, release: ctx.release, command: 'unlock', correlationId: ctx.correlationId,
      outcome: how,
      detail: `released lock held by ${held.holder} for ${held.reason} since ${held.acquiredAt.toISOString()} (${held.owner}${held.host ? `, ${held.host}` : ''}${held.frontEnd ? `, ${held.frontEnd}` : ''}); heartbeat ${alive ? 'live' : 'stale'}, last ${held.heartbeatAt.toISOString()}`,
    });
    return { status: 'info', summary: `Released the lock on ${ctx.release} held by ${held.holderName ?? held.holder} for ${held.reason} since ${held.acquiredAt.toISOString()} (${how})` };
  },
});
