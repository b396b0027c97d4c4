/**
 * The confirmation modal's "Run": only the invoker, only with the release typed exactly, only
 * once; commands configured for a second approval become an engine approval request instead of running.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { CONFIRM_BLOCK, CONFIRM_CALLBACK } from '../../blocks/action-ids.ts';
import { messageModal, typedRelease } from '../../blocks/modal.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { runPending } from '../pending.ts';

export type ViewArgs = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'view' | 'body'>;

export function confirmSubmit(deps: ListenerDeps) {
  return async ({ ack, view, body }: ViewArgs): Promise<void> => {
    const t0 = performance.now();
    const { store } = deps;
    const pending = await store.getPending(view.private_metadata);
    const user = body.user.id;
    if (!pending || pending.expiresAt < new Date() || pending.state === 'expired') {
      await ack({ response_action: 'update', view: messageModal('Expired', 'This confirmation expired; nothing was changed. Run the command again to get a fresh plan.') });
      deps.metrics?.ack('view', performance.now() - t0);
      if (pending && pending.state === 'pending') {
        await store.transitionPending(pending.id, 'pending', 'expired');
        await deps.runner.recordConfirmationEnd('expire', { actor: actorOf(user, body.user.name), release: pending.release, command: pending.command });
      }
      return;
    }
    if (pending.actorId !== user) {
      await ack({ response_action: 'errors', errors: { [CONFIRM_BLOCK]: `Only <@${pending.actorId}> can confirm this.` } });
      return;
    }
    if (typedRelease(view.state.values as Record<string, Record<string, { value?: string | null }>>) !== pending.release) {
      await ack({ response_action: 'errors', errors: { [CONFIRM_BLOCK]: `Type ${pending.release} exactly to confirm.` } });
      return;
    }
    const confirmed = await store.transitionPending(pending.id, 'pending', 'confirmed');
    if (!confirmed) {
      await ack({ response_action: 'update', view: messageModal('Already handled', 'This confirmation was already used; the command runs once.') });
      return;
    }
    await ack();
    deps.metrics?.ack('view', performance.now() - t0);
    // A command in OAR_SECOND_APPROVAL comes back as pending-approval: the engine stored and announced the request.
    await runPending(deps, confirmed, actorOf(user, body.user.name)).catch((e: unknown) => deps.logger.error({ err: e }, 'confirmed command failed'));
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(CONFIRM_CALLBACK, confirmSubmit(deps) as (a: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => Promise<void>);
}
