/**
 * Running a command visibly in a channel: a first "running" message, progress edits
 * (serialised, bursts coalesced), the final result edited in (split into the thread when long).
 */
import { randomUUID } from 'node:crypto';
import { errorMessage, runningMessage, type RunMeta, type SlackMessage } from '../blocks/outcome.ts';
import type { Parsed } from '../commands/parser.ts';
import type { RunRequest, RunResult } from '../commands/runner.ts';
import type { Actor } from '../commands/types.ts';
import type { ListenerDeps } from './deps.ts';
import { renderResult } from './render.ts';
import { ephemeral, postLong, threadOf, type Where } from './reply.ts';

export type CommandParsed = Extract<Parsed, { kind: 'command' }>;
export type Consent = Pick<RunRequest, 'confirmation' | 'approval'>;

export const metaOf = (p: CommandParsed, actorId: string, correlationId?: string): RunMeta => ({ actorId, command: p.command.name, release: p.release, text: p.text, ...(correlationId ? { correlationId } : {}) });

export function runVisible(deps: ListenerDeps, p: CommandParsed, actor: Actor, where: Where, consent: Consent = {}, respond?: (m: SlackMessage) => Promise<void>): Promise<RunResult> {
  return deps.lifecycle.track(runVisibleNow(deps, p, actor, where, consent, respond));
}

async function runVisibleNow(deps: ListenerDeps, p: CommandParsed, actor: Actor, where: Where, consent: Consent, respond?: (m: SlackMessage) => Promise<void>): Promise<RunResult> {
  const { client, logger } = deps;
  const correlationId = randomUUID().slice(0, 12);
  const meta = metaOf(p, actor.id, correlationId);
  let root: { channel: string; ts: string } | undefined;
  try {
    const r = await client.chat.postMessage({ channel: where.channel, ...runningMessage(meta), ...threadOf(where) });
    if (r.ts && r.channel) root = { channel: r.channel, ts: r.ts };
  } catch (e) {
    logger.warn({ err: e, channel: where.channel }, 'could not post in the channel; answering privately');
  }
  let pending = Promise.resolve();
  let lastProgress = '';
  const progress = (m: string) => {
    lastProgress = m;
    if (!root) return;
    const target = root;
    pending = pending.then(async () => {
      if (lastProgress !== m) return;
      await client.chat.update({ channel: target.channel, ts: target.ts, ...runningMessage(meta, m) }).catch((e: unknown) => logger.debug({ err: e }, 'progress update failed'));
    });
  };
  const threadTs = where.threadTs ?? root?.ts;
  const result = await deps.runner.execute({
    command: p.command,
    release: p.release,
    options: p.options,
    actor,
    slack: { channel: where.channel, ...(threadTs ? { threadTs } : {}), ...(root ? { messageTs: root.ts } : {}) },
    correlationId,
    text: p.text,
    progress,
    ...consent,
  });
  await pending;
  const msg = await renderResult(deps, result, meta);
  try {
    if (root) await postLong(client, { channel: root.channel, ...(threadTs ? { threadTs } : {}) }, msg, root.ts);
    else if (respond) await respond(msg);
    else await ephemeral(client, logger, where, actor.id, msg);
  } catch (e) {
    logger.error({ err: e, correlationId }, 'could not post the result');
    await ephemeral(client, logger, where, actor.id, errorMessage(`The result could not be posted (${(e as Error).message}); see the audit log, correlation id ${correlationId}.`));
  }
  return result;
}
