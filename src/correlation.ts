/**
 * Correlation context of one command run: release, command, actor and correlation id follow
 * the async call chain (AsyncLocalStorage), so every log line written while the command runs
 * carries them without passing a child logger through every integration client.
 *
 * The same correlation id is shown in the Slack reply's context block and stored in the audit
 * log: a user quoting it lets an operator find every log line of that run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface CorrelationContext {
  correlationId: string;
  release?: string;
  command?: string;
  /** Slack user id, `cli:<user>` or `mcp:<client>`. */
  actor?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** A short id (12 hex digits), the same shape the runner uses. */
export function newCorrelationId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/**
 * Run `fn` with a correlation context. Nested calls inherit the outer fields they do not set
 * (a job run that starts a command keeps the job's correlation id unless the command has its own).
 */
export function withCorrelation<T>(ctx: Partial<CorrelationContext>, fn: () => T): T {
  const outer = storage.getStore();
  const merged: CorrelationContext = {
    ...outer,
    ...definedOnly(ctx),
    correlationId: ctx.correlationId ?? outer?.correlationId ?? newCorrelationId(),
  };
  return storage.run(merged, fn);
}

/** The context of the current async chain, if any. */
export function currentCorrelation(): Readonly<CorrelationContext> | undefined {
  return storage.getStore();
}

/**
 * pino `mixin`: the current context's fields, added to every log line.
 * Pass it as `pino({ mixin: logMixin })`. Fields given explicitly in a log call win
 * (pino's default merge strategy), so this never overwrites what a caller logged.
 * Returns a fresh object each time because pino's merge mutates it.
 */
export function logMixin(): Record<string, string> {
  const ctx = storage.getStore();
  if (!ctx) return {};
  const out: Record<string, string> = { correlationId: ctx.correlationId };
  if (ctx.release) out.release = ctx.release;
  if (ctx.command) out.command = ctx.command;
  if (ctx.actor) out.actor = ctx.actor;
  return out;
}

function definedOnly(ctx: Partial<CorrelationContext>): Partial<CorrelationContext> {
  const out: Partial<CorrelationContext> = {};
  for (const [k, v] of Object.entries(ctx) as [keyof CorrelationContext, string | undefined][]) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
