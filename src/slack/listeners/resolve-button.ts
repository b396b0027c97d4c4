/** "Resolve" on an open blocker: a modal asking for the resolution (the run happens on submit). */
import type { App } from '@slack/bolt';
import { RESOLVE_ACTION_ID } from '../../blocks/action-ids.ts';
import { resolveModal } from '../../blocks/modal.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { isEphemeral, whereOf, type ButtonArgs } from '../actions.ts';
import type { ListenerDeps } from '../deps.ts';
import { ephemeral } from '../reply.ts';

export function parseResolveValue(raw: string | undefined): { release: string; issue: string } | undefined {
  try {
    const v = JSON.parse(raw ?? '') as { r?: unknown; i?: unknown };
    return typeof v.r === 'string' && typeof v.i === 'string' && v.i ? { release: v.r, issue: v.i } : undefined;
  } catch {
    return undefined;
  }
}

export function resolveButton(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    const where = whereOf(body);
    const v = parseResolveValue(action.value);
    if (!v) {
      await ephemeral(deps.client, deps.logger, where, body.user.id, errorMessage('This Resolve button is broken; use `/oar <release> resolve-issue --issue TEXT --resolution TEXT`.'));
      return;
    }
    // The result goes to the message's channel; from the Home tab or a private answer, to the DM/channel itself.
    const target = isEphemeral(body) ? { channel: where.channel } : where;
    await deps.client.views.open({ trigger_id: body.trigger_id, view: resolveModal({ ...v, ...target }) });
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(RESOLVE_ACTION_ID, resolveButton(deps) as never);
}
