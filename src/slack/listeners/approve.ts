/** "Approve" on a second-person approval request: the runner decides who may approve; the command then runs once. */
import type { App } from '@slack/bolt';
import { APPROVE_ACTION_ID } from '../../blocks/action-ids.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { runPending } from '../pending.ts';
import { renderResult } from '../render.ts';
import { ephemeral } from '../reply.ts';

export function approve(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const { client, logger, store } = deps;
    const where = whereOf(body);
    const pending = await store.getPending(action.value ?? '');
    if (!pending || pending.kind !== 'approval') return;
    const def = deps.registry.get(pending.command);
    if (!def) return;
    const approver = actorOf(body.user.id, body.user.name);
    const pre = await deps.runner.preflight({ command: def, release: pending.release, options: (pending.payload.options ?? {}) as Record<string, unknown>, actor: actorOf(pending.actorId), confirmation: { id: pending.id }, approval: { approver } });
    if (!pre.ok) {
      await ephemeral(client, logger, where, body.user.id, await renderResult(deps, pre.result, { actorId: body.user.id, command: def.name, release: pending.release }));
      return;
    }
    const moved = await store.transitionPending(pending.id, 'pending', 'approved');
    if (!moved) {
      await ephemeral(client, logger, where, body.user.id, errorMessage('This request was already approved, or it expired.'));
      return;
    }
    await runPending(deps, moved, actorOf(pending.actorId), approver);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(APPROVE_ACTION_ID, approve(deps) as never);
}
