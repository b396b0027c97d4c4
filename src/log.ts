/**
 * Structured logging (pino). Secrets are redacted twice: by key path, and by src/secrets.ts (every
 * secret variable's current value wherever it appears in a string, every field named like a secret).
 */
import { pino, type Logger } from 'pino';
import type { Config } from './config/env.ts';
import { makeSecretMasker, maskSecrets, secretValues } from './secrets.ts';
import { logMixin } from './correlation.ts';

export type { Logger };

const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization',
  '*.headers.authorization', 'req.headers.authorization', 'secret', '*.secret', 'apiKey', '*.apiKey',
];

// The secret values and the masking are the one list and function of src/secrets.ts.
export { makeSecretMasker, secretValues } from './secrets.ts';

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
        method.apply(this, args.map((a) => maskSecrets(a, mask)) as Parameters<typeof method>);
      },
    },
    serializers: { err: (e: unknown) => maskSecrets(e, mask) },
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
