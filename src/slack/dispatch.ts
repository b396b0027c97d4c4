/**
 * One path from a parsed command line to Slack, for every entry point (slash command, typed
 * message, mention, DM, buttons): the runner's preflight decides; this module only chooses
 * where the answer goes. Read-only answers to `/oar` are private with a Share button; write
 * and critical runs are public; critical ones go through the confirmation modal.
 */
import { randomUUID } from 'node:crypto';
import { confirmButtonMessage, errorMessage, type SlackMessage } from '../blocks/outcome.ts';
import { confirmModal, loadingModal, messageModal } from '../blocks/modal.ts';
import { ParseError, type Parsed } from '../commands/parser.ts';
import type { Actor } from '../commands/types.ts';
import type { ListenerDeps } from './deps.ts';
import { helpReply } from './help.ts';
import { renderResult } from './render.ts';
import { answer, threadOf, type Where } from './reply.ts';
import { metaOf, runVisible, type CommandParsed } from './run.ts';

export interface DispatchOptions {
  triggerId?: string;
  respond?: (m: SlackMessage) => Promise<void>;
  /** Read-only answers only the caller sees (`/oar` by default, `--quiet` anywhere). */
  quiet?: boolean;
  /** Offer "Share in channel" on a private answer (only where the answer can be re-posted). */
  shareable?: boolean;
}

export async function dispatch(deps: ListenerDeps, p: Parsed, actor: Actor, where: Where, opts: DispatchOptions): Promise<void> {
  const { client, logger, runner } = deps;
  const reply = (m: SlackMessage) => answer(client, logger, where, actor.id, m, opts.respond);
  if (p.kind === 'version') {
    await reply(errorMessage(`oar-bot v${deps.version}`, undefined, ':robot_face:'));
    return;
  }
  if (p.kind === 'help') {
    await reply(await helpReply(deps, actor, p.topic, { shareable: Boolean(opts.shareable) }));
    return;
  }
  const pre = await runner.preflight({ command: p.command, release: p.release, options: p.options, actor });
  if (!pre.ok) {
    await reply(await renderResult(deps, pre.result, metaOf(p, actor.id)));
    return;
  }
  if (pre.needsConfirmation) {
    if (opts.triggerId) {
      await openConfirmation(deps, p, actor, where, opts.triggerId);
      return;
    }
    // No trigger_id (a typed message): offer a button that opens the modal.
    const pendingId = randomUUID();
    await deps.store.createPending({ id: pendingId, kind: 'confirmation', actorId: actor.id, release: p.release, command: p.command.name, payload: { options: p.options, channel: where.channel, threadTs: where.threadTs ?? null, text: p.text, viaButton: true }, expiresAt: new Date(Date.now() + deps.config.OAR_CONFIRM_TTL_MS) });
    await client.chat.postMessage({ channel: where.channel, ...threadOf(where), ...confirmButtonMessage({ command: p.command.name, release: p.release, actorId: actor.id, pendingId }) });
    return;
  }
  if (opts.quiet && pre.safety === 'read') {
    const r = await runner.execute({ command: p.command, release: p.release, options: p.options, actor, text: p.text, slack: where });
    await reply(await renderResult(deps, r, metaOf(p, actor.id, r.correlationId), { shareable: Boolean(opts.shareable) }));
    return;
  }
  await runVisible(deps, p, actor, where, {}, opts.respond);
}

/** Critical commands: a modal opened at once (the trigger_id lives 3 s), then filled with the plan. */
async function openConfirmation(deps: ListenerDeps, p: CommandParsed, actor: Actor, where: Where, triggerId: string): Promise<void> {
  const { client, store, runner, config } = deps;
  const pendingId = randomUUID();
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal({ pendingId, command: p.command.name, release: p.release }) });
  const viewId = opened.view?.id;
  const expiresAt = new Date(Date.now() + config.OAR_CONFIRM_TTL_MS);
  await store.createPending({ id: pendingId, kind: 'confirmation', actorId: actor.id, release: p.release, command: p.command.name, payload: { options: p.options, channel: where.channel, threadTs: where.threadTs ?? null, text: p.text }, expiresAt });
  const r = await runner.execute({ command: p.command, release: p.release, options: p.options, actor, text: p.text, slack: { channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) } });
  const view = r.kind === 'needs-confirmation' ? confirmModal({ pendingId, command: p.command.name, release: p.release, expiresAt }, r.plan) : messageModal('Cannot run', (await renderResult(deps, r, metaOf(p, actor.id))).text);
  if (viewId) await client.views.update({ view_id: viewId, view });
}

export function parseErrorMessage(deps: Pick<ListenerDeps, 'logger'>, e: unknown): SlackMessage {
  if (e instanceof ParseError) return errorMessage(e.message);
  deps.logger.error({ err: e }, 'unexpected parse failure');
  return errorMessage('Something went wrong reading that command; it was not run.');
}

/** `--quiet` / `-q` (a Slack-only flag): answer read-only commands privately. */
export function stripQuiet(text: string): { text: string; quiet: boolean } {
  const re = /(^|\s)(--quiet|-q)(?=\s|$)/g;
  const quiet = re.test(text);
  return { text: quiet ? text.replace(re, '$1').trim() : text, quiet };
}
