/**
 * pino as the logger of Slack's SDKs (Bolt, web-api, socket-mode): their lines go to our
 * structured log; `quietInfo` turns their chatty info lines into debug.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../log.ts';

export function slackLogger(log: Logger, opts: { level?: LogLevel; quietInfo?: boolean } = {}): SlackLogger {
  let level = opts.level ?? LogLevel.INFO;
  const line = (m: unknown[]) => m.map(String).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug(line(m)),
    info: (...m: unknown[]) => (opts.quietInfo ? log.debug(line(m)) : log.info(line(m))),
    warn: (...m: unknown[]) => log.warn(line(m)),
    error: (...m: unknown[]) => log.error(line(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
