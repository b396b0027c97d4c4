/** "Reject" on a second-person approval request: the engine records it (audited) and updates the request. */
import type { App } from '@slack/bolt';
import { REJECT_ACTION_ID } from '../../blocks/action-ids.ts';
import type { ButtonArgs } from '../actions.ts';
import { approvalClick, refuse } from '../approval-click.ts';
import type { ListenerDeps } from '../deps.ts';

export function reject(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const click = await approvalClick(deps, body, action);
    if (!click) return;
    const r = await click.approvals.reject(click.id, click.actor);
    if (!r.ok) await refuse(deps, click, r);
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(REJECT_ACTION_ID, reject(deps) as never);
}
