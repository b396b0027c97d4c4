/**
 * Approve / Reject on a second-person approval request. The engine's approval lifecycle
 * (src/commands/approvals.ts) decides everything: who may approve, that it runs once, expiry,
 * audit. This listener acks, hands over, and renders: a denial privately to the clicker, the
 * approved run's progress and result in the request's thread.
 */
import type { App as BoltApp, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/approval.ts';
import { planMessages } from '../blocks/limits.ts';
import { errorMessage, resultMessage, type SlackMessage } from '../blocks/outcome.ts';
import type { Approvals } from '../commands/approvals.ts';
import type { Actor } from '../commands/types.ts';
import type { Logger } from '../log.ts';

export interface ApprovalActionDeps {
  approvals: Approvals | undefined;
  logger: Logger;
  /** Double-click / redelivery guard of the front end. */
  firstClick(body: BlockAction, action: ButtonAction): Promise<boolean>;
  /** Work started here is waited for at shutdown. */
  track?(p: Promise<unknown>): void;
}

function whereOf(body: BlockAction): { channel: string; threadTs?: string } {
  const channel = body.channel?.id ?? body.container?.channel_id ?? body.user.id;
  const msg = body.message as { ts?: string; thread_ts?: string } | undefined;
  return { channel, ...(msg?.thread_ts ?? msg?.ts ? { threadTs: msg?.thread_ts ?? msg?.ts } : {}) };
}

async function ephemeral(client: WebClient, logger: Logger, where: { channel: string; threadTs?: string }, user: string, msg: SlackMessage): Promise<void> {
  await client.chat
    .postEphemeral({ channel: where.channel, user, text: msg.text, blocks: msg.blocks, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) })
    .catch((e: unknown) => logger.warn({ err: e }, 'ephemeral reply failed'));
}

/** Approve: the clicker's process runs the approved command; its progress and result go to the thread. */
export async function handleApprove(client: WebClient, deps: ApprovalActionDeps, body: BlockAction, action: ButtonAction): Promise<void> {
  const where = whereOf(body);
  const approver: Actor = { id: body.user.id, ...(body.user.name ? { name: body.user.name } : {}), via: 'slack' };
  if (!deps.approvals) return ephemeral(client, deps.logger, where, approver.id, errorMessage('Approvals need the operational store, which this oar-bot does not have.'));
  const id = action.value ?? '';
  // The run's progress is not streamed here: the request message shows "running", the result follows in its thread.
  const r = await deps.approvals.approve(id, approver, { slack: { channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) } });
  if (!r.ok) return ephemeral(client, deps.logger, where, approver.id, errorMessage(r.message, undefined, r.reason === 'denied' ? ':no_entry:' : ':information_source:'));
  if (!r.result) return;
  const msg = resultMessage(r.result, { actorId: approver.id, command: r.approval.command, release: r.approval.release });
  try {
    for (const part of planMessages(msg)) {
      await client.chat.postMessage({ channel: where.channel, text: part.text, blocks: part.blocks, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
    }
  } catch (e) {
    deps.logger.error({ err: e, approval: id }, 'could not post the approved run result');
  }
}

export async function handleReject(client: WebClient, deps: ApprovalActionDeps, body: BlockAction, action: ButtonAction): Promise<void> {
  const where = whereOf(body);
  const actor: Actor = { id: body.user.id, ...(body.user.name ? { name: body.user.name } : {}), via: 'slack' };
  if (!deps.approvals) return ephemeral(client, deps.logger, where, actor.id, errorMessage('Approvals need the operational store, which this oar-bot does not have.'));
  const r = await deps.approvals.reject(action.value ?? '', actor);
  if (!r.ok) await ephemeral(client, deps.logger, where, actor.id, errorMessage(r.message, undefined, r.reason === 'denied' ? ':no_entry:' : ':information_source:'));
}

export function registerApprovalActions(app: BoltApp, deps: ApprovalActionDeps): void {
  const on = (actionId: string, handler: typeof handleApprove) =>
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = action as ButtonAction;
      if (!(await deps.firstClick(b, a))) return;
      const work = handler(client, deps, b, a).catch((e: unknown) => deps.logger.error({ err: e, action: actionId }, 'approval action failed'));
      deps.track?.(work);
      await work;
    });
  on(APPROVE_ACTION_ID, handleApprove);
  on(REJECT_ACTION_ID, handleReject);
}
