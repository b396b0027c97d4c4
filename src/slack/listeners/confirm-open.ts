/** "Review and confirm" (a critical command typed as a message): open the confirmation modal with the plan. */
import type { App } from '@slack/bolt';
import { CONFIRM_OPEN_ACTION_ID } from '../../blocks/action-ids.ts';
import { confirmModal, loadingModal, messageModal } from '../../blocks/modal.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { renderResult } from '../render.ts';
import { ephemeral } from '../reply.ts';

export function confirmOpen(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const { client, logger, store } = deps;
    const where = whereOf(body);
    const pending = await store.getPending(action.value ?? '');
    if (!pending || pending.state !== 'pending' || pending.expiresAt < new Date()) {
      await ephemeral(client, logger, where, body.user.id, errorMessage('This confirmation has expired or was already used; run the command again.'));
      return;
    }
    if (pending.actorId !== body.user.id) {
      await ephemeral(client, logger, where, body.user.id, errorMessage(`Only <@${pending.actorId}>, who asked for it, can confirm this.`));
      return;
    }
    const def = deps.registry.get(pending.command);
    if (!def) return;
    const opened = await client.views.open({ trigger_id: body.trigger_id, view: loadingModal({ pendingId: pending.id, command: def.name, release: pending.release }) });
    const r = await deps.runner.execute({ command: def, release: pending.release, options: (pending.payload.options ?? {}) as Record<string, unknown>, actor: actorOf(body.user.id, body.user.name) });
    const view = r.kind === 'needs-confirmation' ? confirmModal({ pendingId: pending.id, command: def.name, release: pending.release, expiresAt: pending.expiresAt }, r.plan) : messageModal('Cannot run', (await renderResult(deps, r, { actorId: body.user.id, command: def.name, release: pending.release })).text);
    if (opened.view?.id) await client.views.update({ view_id: opened.view.id, view });
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(CONFIRM_OPEN_ACTION_ID, confirmOpen(deps) as never);
}
