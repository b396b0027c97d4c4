/** Next-step buttons (`oar_run_N`): run the command the button names on its release. */
import type { App } from '@slack/bolt';
import { RUN_ACTION_PATTERN } from '../../blocks/action-ids.ts';
import type { ButtonValue } from '../../blocks/outcome.ts';
import { firstClick, whereOf, type ButtonArgs } from '../actions.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { dispatch, parseErrorMessage } from '../dispatch.ts';
import { ephemeral } from '../reply.ts';

export function parseButtonValue(raw: string | undefined): ButtonValue | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Partial<ButtonValue>;
    return typeof v.c === 'string' && typeof v.r === 'string' ? { r: v.r, c: v.c, ...(Array.isArray(v.a) ? { a: v.a.map(String) } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export function runButton(deps: ListenerDeps) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    const t0 = performance.now();
    await ack();
    deps.metrics?.ack('action', performance.now() - t0);
    if (!(await firstClick(deps.store, body, action))) return;
    const value = parseButtonValue(action.value);
    const def = value && deps.registry.get(value.c);
    if (!value || !def) return;
    const argv = [...(value.r && def.scope !== 'none' ? ['-r', value.r] : []), value.c, ...(value.a ?? [])];
    const where = whereOf(body);
    const actor = actorOf(body.user.id, body.user.name);
    try {
      await dispatch(deps, deps.parser.parseArgv(def.group, argv), actor, where, { triggerId: body.trigger_id });
    } catch (e) {
      await ephemeral(deps.client, deps.logger, where, actor.id, parseErrorMessage(deps, e));
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.action(RUN_ACTION_PATTERN, runButton(deps) as never);
}
