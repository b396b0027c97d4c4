/**
 * Slack notifications on @slack/web-api's WebClient: post, update, reply in thread, ephemeral,
 * user-group and user mentions, file upload. Never fails on size: long messages become several
 * messages (split on line boundaries, src/integrations/slack-limits.ts) or a file.
 *
 * Retries: the WebClient default retries for ~30 minutes, and retries everything (a 5xx on
 * chat.postMessage could post twice). Here the WebClient itself does not retry; a short p-retry
 * policy (2 retries by default) retries rate limits (Slack did not process the call) for every
 * method, and network errors / 5xx only for idempotent calls (lookups, chat.update).
 */
import { slackLogger } from './slack-logger.ts';
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type Block,
  type ChatPostMessageArguments,
  type FetchFunction,
  type KnownBlock,
} from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import pRetry, { AbortError } from 'p-retry';
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { blocksToPlainText, fence, planMessages, splitMessage } from './slack-limits.ts';
import { IntegrationError } from './http.ts';
import { abortable, callSignal } from './call-signal.ts';

export const SLACK_SYSTEM = 'Slack';

export type SlackBlock = KnownBlock | Block;

export interface SlackMessage {
  /** Plain-text fallback (notifications, screen readers); the message itself when there are no blocks. */
  text: string;
  blocks?: SlackBlock[];
}

export interface SlackTarget {
  channel: string;
  threadTs?: string;
}

export interface PostedMessage {
  /** Channel id as Slack answered (a `#name` target resolves to its id). */
  channel: string;
  /** ts of the first message: the one to update or reply to. */
  ts: string;
  /** ts of every message posted (more than one when the content was split). */
  parts: string[];
  /** Set when the content went into a file instead. */
  fileId?: string;
}

export interface SlackNotifierOptions {
  token: string;
  /** Web API base URL (default https://slack.com/api/). */
  apiUrl?: string;
  fetch?: FetchFunction;
  /** Per request attempt (default 10 s). */
  timeoutMs?: number;
  /** Retries (default 2). */
  retries?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Longest Retry-After honoured (default 30 s); longer waits fail instead of hanging a reply. */
  maxRetryAfterMs?: number;
  /** More messages than this and the content goes into a file instead (default 5). */
  maxMessages?: number;
  /** How long user and group lookups are cached (default 1 h). */
  cacheTtlMs?: number;
  logger?: Logger;
}

export interface UserGroup {
  id: string;
  handle: string;
  /** `<!subteam^ID>` */
  mention: string;
}

export interface FileUpload {
  filename: string;
  content: string;
  title?: string;
  initialComment?: string;
}

/** `jdoe+jira@redhat.com` -> `jdoe@redhat.com` (Jira e-mails carry a +tag Slack does not know). */
export function stripPlusTag(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.trim();
  return `${email.slice(0, at).replace(/\+.*$/, '')}${email.slice(at)}`.trim();
}

interface SlackErrorShape {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  retryAfter?: number;
  original?: Error;
  message?: string;
}

/** Map a @slack/web-api error to IntegrationError with a sentence for users. */
export function toIntegrationError(e: unknown, operation: string): IntegrationError {
  if (e instanceof IntegrationError) return e;
  const err = (e ?? {}) as SlackErrorShape;
  switch (err.code) {
    case ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      const auth = code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked' || code === 'account_inactive';
      return new IntegrationError({
        system: SLACK_SYSTEM,
        operation,
        ...(auth ? { status: 401 } : {}),
        cause: e,
        userMessage: auth ? `Slack rejected the bot token while ${operation} (${code}): check SLACK_BOT_TOKEN` : `Slack refused ${operation}: ${code}`,
      });
    }
    case ErrorCode.RateLimitedError:
      return new IntegrationError({ system: SLACK_SYSTEM, operation, status: 429, cause: e, retryable: true, retryAfterMs: (err.retryAfter ?? 1) * 1000 });
    case ErrorCode.HTTPError:
      return new IntegrationError({ system: SLACK_SYSTEM, operation, status: err.statusCode, cause: e, retryable: (err.statusCode ?? 0) >= 500 });
    case ErrorCode.RequestError: {
      const original = err.original;
      const timedOut = original?.name === 'TimeoutError' || original?.name === 'AbortError';
      return new IntegrationError({ system: SLACK_SYSTEM, operation, cause: e, retryable: true, detail: timedOut ? 'timed out' : (original?.message ?? err.message) });
    }
    default:
      return new IntegrationError({ system: SLACK_SYSTEM, operation, cause: e, detail: e instanceof Error ? e.message : String(e) });
  }
}

/** The Slack error code (`channel_not_found`, ...) behind an IntegrationError, if any. */
export function slackErrorCode(e: unknown): string | undefined {
  const cause = e instanceof IntegrationError ? e.cause : e;
  const code = (cause as SlackErrorShape | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/** A user-group list younger than this is not reloaded for a handle it lacks. */
const GROUP_MISS_RELOAD_MS = 30_000;

export class SlackNotifier {
  readonly client: WebClient;
  private readonly retries: number;
  private readonly minRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxMessages: number;
  private readonly log: Logger;
  private readonly users: LRUCache<string, string>;
  private groups: { at: number; byHandle: Map<string, UserGroup> } | undefined;
  private groupsLoading: Promise<void> | undefined;
  /** A preload in flight: lookups wait for it; its failure is its own (a lookup then reads the list itself). */
  private groupsPreload: Promise<void> | undefined;
  private readonly cacheTtlMs: number;

  constructor(opts: SlackNotifierOptions) {
    this.log = opts.logger ?? silentLogger;
    this.retries = opts.retries ?? 2;
    this.minRetryDelayMs = opts.minRetryDelayMs ?? 500;
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 3_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
    this.maxMessages = opts.maxMessages ?? 5;
    this.cacheTtlMs = opts.cacheTtlMs ?? 3_600_000;
    this.users = new LRUCache({ max: 1000, ttl: this.cacheTtlMs });
    this.client = new WebClient(opts.token, {
      // WebClient appends the method name to the base as is.
      ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/` } : {}),
      fetch: opts.fetch,
      timeout: opts.timeoutMs ?? 10_000,
      // Retries are decided per call below; the client must hand every failure back at once.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: slackLogger(this.log, { level: LogLevel.WARN, quietInfo: true }),
    });
  }

  /** Run one Web API call with the short retry policy and IntegrationError mapping. */
  private async call<T>(operation: string, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    // The WebClient takes no AbortSignal: a cancelled command stops waiting for it at once.
    const signal = callSignal();
    try {
      return await pRetry(
        async () => {
          try {
            return await abortable(fn(), signal, () => new IntegrationError({ system: SLACK_SYSTEM, operation, detail: 'cancelled' }));
          } catch (e) {
            const mapped = toIntegrationError(e, operation);
            const retry = mapped.status === 429 || (idempotent && mapped.retryable);
            if (!retry) throw new AbortError(mapped);
            if (mapped.retryAfterMs !== undefined && mapped.retryAfterMs > this.maxRetryAfterMs) throw new AbortError(mapped);
            throw mapped;
          }
        },
        {
          retries: this.retries,
          minTimeout: this.minRetryDelayMs,
          maxTimeout: this.maxRetryDelayMs,
          factor: 2,
          ...(signal ? { signal } : {}),
          onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
            if (retriesLeft > 0 && error instanceof IntegrationError && error.retryAfterMs !== undefined) {
              const extra = error.retryAfterMs - retryDelay;
              if (extra > 0) await delay(extra, undefined, signal ? { signal } : undefined);
            }
          },
        },
      );
    } catch (e) {
      if (e instanceof IntegrationError) throw e;
      if (e instanceof AbortError && e.cause instanceof IntegrationError) throw e.cause;
      throw toIntegrationError(e, operation);
    }
  }

  // --- messages ----------------------------------------------------------------------------------

  /**
   * Post a message (in a thread when `threadTs` is set). Content too big for one message goes out
   * as several, in order; beyond `maxMessages` the first part is posted and the whole content is
   * attached as a file in its thread.
   */
  async post(target: SlackTarget, message: SlackMessage): Promise<PostedMessage> {
    const plan = planMessages(message);
    const first = plan[0]!;
    const operation = `posting a message to ${target.channel}`;
    const res = await this.postOne(operation, target, first);
    const posted: PostedMessage = { channel: res.channel, ts: res.ts, parts: [res.ts] };
    if (plan.length > this.maxMessages) {
      const content = [message.text, message.blocks ? blocksToPlainText(message.blocks) : ''].filter(Boolean).join('\n\n');
      const file = await this.uploadFile({ channel: res.channel, threadTs: target.threadTs ?? res.ts }, { filename: 'message.txt', content, title: 'Full message' });
      posted.fileId = file.fileId;
    } else {
      for (const part of plan.slice(1)) {
        const next = await this.postOne(operation, { channel: res.channel, threadTs: target.threadTs }, part);
        posted.parts.push(next.ts);
      }
    }
    this.log.info(`sent slack message to <${target.channel}>`);
    return posted;
  }

  /** Reply in the thread of `threadTs`. */
  reply(channel: string, threadTs: string, message: SlackMessage): Promise<PostedMessage> {
    return this.post({ channel, threadTs }, message);
  }

  private async postOne(operation: string, target: SlackTarget, part: { text: string; blocks?: SlackBlock[] }): Promise<{ channel: string; ts: string }> {
    const args: ChatPostMessageArguments = {
      channel: target.channel,
      text: part.text,
      ...(part.blocks ? { blocks: part.blocks } : {}),
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    } as ChatPostMessageArguments;
    const res = await this.call(operation, false, () => this.client.chat.postMessage(args));
    if (!res.ts || !res.channel) throw new IntegrationError({ system: SLACK_SYSTEM, operation, detail: 'the answer had no channel or ts' });
    return { channel: res.channel, ts: res.ts };
  }

  /**
   * Replace a message. Content that does not fit in one message: the first part replaces it and
   * the rest is posted in its thread.
   */
  async update(channel: string, ts: string, message: SlackMessage): Promise<PostedMessage> {
    const plan = planMessages(message);
    const first = plan[0]!;
    const operation = `updating a message in ${channel}`;
    const res = await this.call(operation, true, () =>
      this.client.chat.update({ channel, ts, text: first.text, ...(first.blocks ? { blocks: first.blocks } : {}) } as Parameters<WebClient['chat']['update']>[0]),
    );
    const resolved = res.channel ?? channel;
    const posted: PostedMessage = { channel: resolved, ts, parts: [ts] };
    if (plan.length > 1) {
      const rest = plan.slice(1);
      if (rest.length + 1 > this.maxMessages) {
        const content = [message.text, message.blocks ? blocksToPlainText(message.blocks) : ''].filter(Boolean).join('\n\n');
        posted.fileId = (await this.uploadFile({ channel: resolved, threadTs: ts }, { filename: 'message.txt', content, title: 'Full message' })).fileId;
      } else {
        for (const part of rest) posted.parts.push((await this.postOne(`posting the rest of a message to ${channel}`, { channel: resolved, threadTs: ts }, part)).ts);
      }
    }
    return posted;
  }

  /** A message only `user` sees (several, if it has to be split). */
  async postEphemeral(channel: string, user: string, message: SlackMessage, opts: { threadTs?: string } = {}): Promise<string[]> {
    const operation = `posting a private message to ${user} in ${channel}`;
    const out: string[] = [];
    for (const part of planMessages(message)) {
      const res = await this.call(operation, false, () =>
        this.client.chat.postEphemeral({ channel, user, text: part.text, ...(part.blocks ? { blocks: part.blocks } : {}), ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) } as Parameters<WebClient['chat']['postEphemeral']>[0]),
      );
      if (res.message_ts) out.push(res.message_ts);
    }
    return out;
  }

  /**
   * Command output the way the original posted it (agents.md 1.8-1.9): split(4000, 2500), each
   * chunk in a code fence, in the thread. More than `maxMessages` chunks: a file instead.
   */
  async postOutput(target: SlackTarget, output: string, opts: { filename?: string; title?: string } = {}): Promise<PostedMessage> {
    const chunks = splitMessage(output);
    if (chunks.length > this.maxMessages) {
      const head = await this.postOne(`posting output to ${target.channel}`, target, {
        text: `Output is ${output.length} characters; attached as a file.`,
      });
      const file = await this.uploadFile({ channel: head.channel, threadTs: target.threadTs ?? head.ts }, { filename: opts.filename ?? 'output.txt', content: output, title: opts.title ?? 'Output' });
      return { channel: head.channel, ts: head.ts, parts: [head.ts], fileId: file.fileId };
    }
    let posted: PostedMessage | undefined;
    for (const c of chunks) {
      const res = await this.postOne(`posting output to ${target.channel}`, posted ? { channel: posted.channel, threadTs: target.threadTs } : target, { text: fence(c) });
      if (posted) posted.parts.push(res.ts);
      else posted = { channel: res.channel, ts: res.ts, parts: [res.ts] };
    }
    return posted!;
  }

  /**
   * Upload text as a file (files.getUploadURLExternal -> upload -> files.completeUploadExternal).
   * `channel` must be a channel id (post first and use the id Slack answered).
   */
  async uploadFile(target: SlackTarget, file: FileUpload): Promise<{ fileId: string }> {
    const operation = `uploading ${file.filename} to ${target.channel}`;
    const res = await this.call(operation, false, () =>
      this.client.filesUploadV2({
        channel_id: target.channel,
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        filename: file.filename,
        content: file.content,
        title: file.title ?? file.filename,
        ...(file.initialComment ? { initial_comment: file.initialComment } : {}),
      } as Parameters<WebClient['filesUploadV2']>[0]),
    );
    const completed = (res as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id;
    if (!completed) throw new IntegrationError({ system: SLACK_SYSTEM, operation, detail: 'Slack did not return the file id' });
    return { fileId: completed };
  }

  // --- mentions ----------------------------------------------------------------------------------

  /** A user group by handle, from usergroups.list (cached). */
  async resolveUserGroup(handle: string): Promise<UserGroup> {
    const wanted = handle.replace(/^@/, '').trim();
    if (this.groupsPreload) await this.groupsPreload.catch(() => undefined);
    const age = this.groups ? Date.now() - this.groups.at : Infinity;
    // A handle missing from the list reloads it (a group created since), but not a list this fresh:
    // one command resolving the lead's, ART's and the docs' groups reads the list once.
    if (age > this.cacheTtlMs || (!this.groups?.byHandle.has(wanted) && age > GROUP_MISS_RELOAD_MS)) {
      // Concurrent lookups share the one request in flight.
      this.groupsLoading ??= this.loadUserGroups(`query group id by name ${wanted}`).finally(() => {
        this.groupsLoading = undefined;
      });
      await this.groupsLoading;
    }
    const group = this.groups?.byHandle.get(wanted);
    if (!group) {
      throw new IntegrationError({ system: SLACK_SYSTEM, operation: `looking up user group ${wanted}`, status: 404, userMessage: `cannot find slack group id by name ${wanted}` });
    }
    return group;
  }

  /**
   * Load usergroups.list now unless the cached one is fresh, so a command can read it side by side
   * with its own work instead of after it; later lookups use it (a concurrent one shares the
   * request). Rejects like a lookup would; callers that only prefetch ignore the rejection.
   */
  async preloadUserGroups(): Promise<void> {
    const age = this.groups ? Date.now() - this.groups.at : Infinity;
    if (age <= this.cacheTtlMs) return;
    if (this.groupsLoading) return this.groupsLoading;
    this.groupsPreload ??= this.loadUserGroups('reading the user groups').finally(() => {
      this.groupsPreload = undefined;
    });
    return this.groupsPreload;
  }

  private async loadUserGroups(operation: string): Promise<void> {
    const res = await this.call(operation, true, () => this.client.usergroups.list({}));
    const byHandle = new Map<string, UserGroup>();
    for (const g of res.usergroups ?? []) {
      if (g.id && g.handle) byHandle.set(g.handle, { id: g.id, handle: g.handle, mention: `<!subteam^${g.id}>` });
    }
    this.groups = { at: Date.now(), byHandle };
  }

  /** `<!subteam^ID>` for a handle. */
  async userGroupMention(handle: string): Promise<string> {
    return (await this.resolveUserGroup(handle)).mention;
  }

  /** Slack user id for an e-mail (+tag stripped), null when Slack has no such user. */
  async lookupUserIdByEmail(email: string): Promise<string | null> {
    const clean = stripPlusTag(email);
    const cached = this.users.get(clean.toLowerCase());
    if (cached) return cached;
    try {
      const res = await this.call(`looking up the Slack user of ${clean}`, true, () => this.client.users.lookupByEmail({ email: clean }));
      const id = res.user?.id;
      if (id) this.users.set(clean.toLowerCase(), id);
      return id ?? null;
    } catch (e) {
      if (slackErrorCode(e) === 'users_not_found') return null;
      throw e;
    }
  }

  /**
   * `<@USERID>` for an e-mail; when Slack cannot say, the e-mail itself (plain text), with a
   * warning, as the original did: a notification is never lost over a mention.
   */
  async mentionForEmail(email: string): Promise<string> {
    try {
      const id = await this.lookupUserIdByEmail(email);
      if (id) return `<@${id}>`;
      this.log.warn(`cannot get slack user id for ${email}: users_not_found`);
    } catch (e) {
      this.log.warn(`cannot get slack user id for ${email}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return email;
  }
}

export interface SlackNotifyDeps {
  fetch?: FetchFunction;
  logger?: Logger;
}

export function slackNotifierFromConfig(config: Config, deps: SlackNotifyDeps = {}): SlackNotifier {
  if (!config.SLACK_BOT_TOKEN) throw new Error('SLACK_BOT_TOKEN is missing or empty: Slack notifications need the bot token (xoxb-...)');
  return new SlackNotifier({
    token: config.SLACK_BOT_TOKEN,
    apiUrl: config.SLACK_API_URL,
    timeoutMs: config.SLACK_TIMEOUT_MS,
    fetch: deps.fetch,
    logger: deps.logger,
  });
}
