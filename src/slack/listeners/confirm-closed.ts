/** The confirmation modal closed without running: the pending confirmation is cancelled and audited. */
import type { App, SlackViewMiddlewareArgs, ViewClosedAction } from '@slack/bolt';
import { CONFIRM_CALLBACK } from '../../blocks/action-ids.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';

export type ViewClosedArgs = Pick<SlackViewMiddlewareArgs<ViewClosedAction>, 'ack' | 'view' | 'body'>;

export function confirmClosed(deps: ListenerDeps) {
  return async ({ ack, view, body }: ViewClosedArgs): Promise<void> => {
    await ack();
    const pending = await deps.store.getPending(view.private_metadata);
    if (pending && (await deps.store.transitionPending(pending.id, 'pending', 'cancelled'))) {
      await deps.runner.recordConfirmationEnd('cancel', { actor: actorOf(body.user.id, body.user.name), release: pending.release, command: pending.command });
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.view({ callback_id: CONFIRM_CALLBACK, type: 'view_closed' }, confirmClosed(deps) as never);
}
