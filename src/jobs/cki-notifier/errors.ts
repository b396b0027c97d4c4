/** Failure classes the consumer settles differently. */
import { describeError } from '../../describe-error.ts';

/** Retrying cannot help (the message itself is bad): dead-letter at once. */
export class PermanentError extends Error {
  readonly reason: 'malformed' | 'invalid_ready_for_test';
  constructor(reason: PermanentError['reason'], message: string) {
    super(message);
    this.name = 'PermanentError';
    this.reason = reason;
  }
}

/**
 * The broker may or may not have taken the message: the connection died between sending it and
 * its confirmation. Retrying may publish it a second time (same message id, so consumers can
 * drop the copy); not retrying may lose it. The notifier retries: at least once, never lost.
 */
export class PublishOutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishOutcomeUnknownError';
  }
}

export type Stage = 'datawarehouse' | 'gitlab' | 'store' | 'publish' | 'notify';

/** A transient failure in one stage (retried with backoff, dead-lettered after CKI_MAX_ATTEMPTS). */
export class StageError extends Error {
  readonly stage: Stage;
  constructor(stage: Stage, cause: unknown) {
    super(`${stage}: ${describeError(cause)}`, { cause });
    this.name = 'StageError';
    this.stage = stage;
  }
}

export async function inStage<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // Errors that already say how to settle the message pass through unchanged.
    if (e instanceof StageError || e instanceof PermanentError || (e instanceof Error && e.name === 'ClaimHeldError')) throw e;
    throw new StageError(stage, e);
  }
}

/**
 * A start failure naming the part of the notifier that failed (`rabbitmq`, `kafka`,
 * `datawarehouse`) in its `failing` field: whoever supervises the notifier (the bot's /health)
 * reads that field and shows which part is down.
 */
export function partFailure(failing: 'rabbitmq' | 'kafka' | 'datawarehouse', cause: unknown): Error & { failing: string } {
  return Object.assign(new Error(`${failing}: ${describeError(cause)}`, { cause }), { failing });
}
