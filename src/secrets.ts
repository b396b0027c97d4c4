/**
 * Secret masking: ONE list of what a secret looks like, and one masking function, used by logs
 * (log.ts), the audit trail (runner and store) and the StateBox (a public repository).
 *
 * A secret is (1) the current value of any secret variable of the configuration, wherever it
 * appears in a string, and (2) the value of any field whose name says it is secret. Where the
 * former copies differed, the list is their union: a secret masked anywhere is masked everywhere.
 * Text bound for the public StateBox also loses e-mail addresses (personal data, not secrets:
 * logs, audit and command output keep them, e.g. the QA owner a command set).
 */
import { SECRET_VARS, type Config } from './config/env.ts';

export const REDACTED = '[REDACTED]';
export const EMAIL_REDACTED = '[EMAIL_REDACTED]';

/**
 * Field names whose values are secrets (union of the audit's, the runner's and the logger's lists;
 * the runner's bare `key$` is spelled as the secret kinds of key, since `key` names every Jira issue
 * key in the logs and no command option ends in "key").
 */
export const SECRET_FIELD = /token|password|passwd|secret|api[-_]?key|private[-_]?key|authorization|credential|jwk/i;

// The original's pattern, including its `[A-Z|a-z]` TLD class (a literal `|` is allowed there).
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/g;

/** Replaces every occurrence of any known secret value in a string. */
export function makeSecretMasker(secrets: readonly string[]): (s: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (s) => s;
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'g');
  return (s) => s.replace(re, REDACTED);
}

/** The secret values of a configuration: each secret variable, each MCP token, the database password. */
export function secretValues(config: Config): string[] {
  const out: string[] = [];
  for (const name of SECRET_VARS) {
    const v = config[name] as unknown;
    if (typeof v === 'string' && v) {
      out.push(v);
      // name:role:token lists: each token is a secret on its own.
      if (name === 'OAR_MCP_TOKENS') for (const part of v.split(',')) out.push(part.split(':').at(-1) ?? '');
      // postgres://user:password@host
      if (name === 'DATABASE_URL') {
        try { const u = new URL(v); if (u.password) out.push(decodeURIComponent(u.password)); } catch { /* not a URL */ }
      }
    }
  }
  return out;
}

/**
 * The one masking function: strings through `maskText` (secret values), fields named like a
 * secret (SECRET_FIELD) replaced when they hold anything, objects and arrays walked (6 levels),
 * errors flattened to type, message and stack; dates and other values kept.
 */
export function maskSecrets(value: unknown, maskText: (s: string) => string = (s) => s, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (value instanceof Error) return { type: value.name, message: maskText(value.message), stack: value.stack ? maskText(value.stack) : undefined };
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, maskText, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : maskSecrets(v, maskText, depth + 1);
  }
  return out;
}

/** Text bound for a public place (the StateBox): secrets masked, then e-mail addresses. */
export function maskPublicText(text: string, maskText: (s: string) => string = (s) => s): string {
  return maskText(text).replace(EMAIL, EMAIL_REDACTED);
}
