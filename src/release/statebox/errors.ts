/** StateBox errors: one type, a kind for callers that branch on it, and a sentence fit for users. */

export type StateBoxErrorKind =
  /** Bad input (task name, status, issue text, ambiguous issue): nothing was changed. */
  | 'validation'
  /** The file does not exist and could not be created (no metadata), or an issue was not found. */
  | 'not-found'
  /** The stored file is not valid YAML or not a valid StateBox document. */
  | 'parse'
  /** Other writers kept changing the file through every attempt; nothing was overwritten. */
  | 'conflict'
  /** The backend (GitHub, disk) failed. */
  | 'storage';

export class StateBoxError extends Error {
  readonly kind: StateBoxErrorKind;
  readonly release: string | undefined;
  constructor(kind: StateBoxErrorKind, message: string, opts: { release?: string; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'StateBoxError';
    this.kind = kind;
    this.release = opts.release;
  }
}

/** A compare-and-swap write lost: the stored version is not the one the writer read (or the file is locked). */
export class StateBoxConflictError extends Error {
  readonly release: string;
  readonly reason: 'changed' | 'exists' | 'locked';
  constructor(release: string, reason: 'changed' | 'exists' | 'locked', detail?: string) {
    super(`StateBox of ${release} ${reason === 'locked' ? 'is locked by another writer' : reason === 'exists' ? 'was created by another writer' : 'was changed by another writer'}${detail ? ` (${detail})` : ''}`);
    this.name = 'StateBoxConflictError';
    this.release = release;
    this.reason = reason;
  }
}

/** Python-style repr of a string, as the original's messages print lists of texts. */
export function pyRepr(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  if (s.includes("'") && !s.includes('"')) return `"${body}"`;
  return `'${body.replace(/'/g, "\\'")}'`;
}

export function pyList(items: readonly string[]): string {
  return `[${items.map(pyRepr).join(', ')}]`;
}
