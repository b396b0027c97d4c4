/**
 * Turning any error into one short sentence for users (no stack traces in Slack or MCP):
 * integration errors carry their own user-facing sentence; our own error types have
 * messages written for users; anything else is reported as unexpected.
 */
import { carriedMessage, describeError } from '../describe-error.ts';

/** Errors whose message is written for users. */
const USER_FACING = new Set([
  'ConfigStoreError', 'ParseError', 'OptionError', 'ReleaseFormatError', 'ServiceUnavailableError',
  'StoreError', 'StateBoxError', 'CommandError', 'ConfigError',
]);

/** A command's own failure with a sentence for users. */
export class CommandError extends Error {
  readonly userMessage: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
    this.userMessage = message;
  }
}

export function userMessageOf(e: unknown): string {
  if (carriedMessage(e) !== undefined || (e instanceof Error && (USER_FACING.has(e.name) || e.message.startsWith('Command ')))) return describeError(e);
  return `unexpected error: ${describeError(e).split('\n')[0]}`;
}
