/**
 * One error, one line of text (no stack): for users, logs, reports, run records and health
 * checks alike. An error that carries its own sentence for users (`userMessage`, as
 * IntegrationError, CommandError and the job errors do) is described by it.
 */

/** The sentence an error carries for users, if it carries one. */
export function carriedMessage(e: unknown): string | undefined {
  if (e === null || typeof e !== 'object' || !('userMessage' in e)) return undefined;
  const um = (e as { userMessage: unknown }).userMessage;
  return typeof um === 'string' ? um : undefined;
}

export function describeError(e: unknown): string {
  const carried = carriedMessage(e);
  if (carried !== undefined) return carried;
  // Node reports a refused connection to a host with several addresses as an AggregateError with an empty message.
  if (e instanceof AggregateError && !e.message) return e.errors.map(describeError).join('; ') || String((e as { code?: unknown }).code ?? 'AggregateError');
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
