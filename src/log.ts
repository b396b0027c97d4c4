/**
 * Structured logging (pino). Secrets are redacted twice: by key path, and by value
 * (every secret variable's current value is replaced wherever it appears in a string).
 */
import { pino, type Logger } from 'pino';
import { SECRET_VARS, type Config } from './config/env.ts';
import { logMixin } from './correlation.ts';

export type { Logger };

const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization',
  '*.headers.authorization', 'req.headers.authorization', 'secret', '*.secret', 'apiKey', '*.apiKey',
];

/** Replaces every occurrence of any known secret value in a string. */
export function makeSecretMasker(secrets: readonly string[]): (s: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (s) => s;
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'g');
  return (s) => s.replace(re, '[REDACTED]');
}

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

function deepMask(value: unknown, mask: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return mask(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: mask(value.message), stack: value.stack ? mask(value.stack) : undefined };
  if (Array.isArray(value)) return value.map((v) => deepMask(v, mask, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepMask(v, mask, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty' | 'auto';
  secrets?: readonly string[];
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const mask = makeSecretMasker(opts.secrets ?? []);
  const pretty = opts.format === 'pretty' || (opts.format === 'auto' && process.stdout.isTTY && !opts.destination);
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { app: 'oar-bot' },
    // release, command, actor and correlation id of the command being run (AsyncLocalStorage).
    mixin: logMixin,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => deepMask(a, mask)) as Parameters<typeof method>);
      },
    },
    serializers: { err: (e: unknown) => deepMask(e, mask) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2 } } });
  return pino(options, pino.destination(2));
}

export function loggerFor(config: Config, destination?: pino.DestinationStream): Logger {
  return createLogger({ level: config.LOG_LEVEL, format: config.OAR_LOG_FORMAT, secrets: secretValues(config), destination });
}

/** A logger that writes nothing: for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
