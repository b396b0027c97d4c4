/** The Resolve modal's submit: `resolve-issue --issue <exact text> --resolution <text>` through the engine, in public. */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { RESOLVE_BLOCK, RESOLVE_CALLBACK } from '../../blocks/action-ids.ts';
import { parseResolveMeta, typedResolution } from '../../blocks/modal.ts';
import { errorMessage } from '../../blocks/outcome.ts';
import { actorOf, type ListenerDeps } from '../deps.ts';
import { dispatch, parseErrorMessage } from '../dispatch.ts';
import { RESOLVE_COMMAND } from '../render.ts';
import { ephemeral } from '../reply.ts';

export type ResolveArgs = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'view' | 'body'>;

export function resolveSubmit(deps: ListenerDeps) {
  return async ({ ack, view, body }: ResolveArgs): Promise<void> => {
    const meta = parseResolveMeta(view.private_metadata);
    const resolution = typedResolution(view.state.values as Record<string, Record<string, { value?: string | null }>>);
    if (!resolution) {
      await ack({ response_action: 'errors', errors: { [RESOLVE_BLOCK]: 'Say how the blocker was resolved.' } });
      return;
    }
    await ack();
    const actor = actorOf(body.user.id, body.user.name);
    const where = { channel: meta?.channel ?? actor.id, ...(meta?.threadTs ? { threadTs: meta.threadTs } : {}) };
    const def = deps.registry.get(RESOLVE_COMMAND);
    if (!meta || !def) {
      await ephemeral(deps.client, deps.logger, where, actor.id, errorMessage(`This oar-bot cannot resolve blockers (${RESOLVE_COMMAND} is not available).`));
      return;
    }
    try {
      const parsed = deps.parser.parseArgv(def.group, ['-r', meta.release, RESOLVE_COMMAND, '--issue', meta.issue, '--resolution', resolution]);
      await dispatch(deps, parsed, actor, where, {});
    } catch (e) {
      await ephemeral(deps.client, deps.logger, where, actor.id, parseErrorMessage(deps, e));
    }
  };
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(RESOLVE_CALLBACK, resolveSubmit(deps) as (a: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => Promise<void>);
}
