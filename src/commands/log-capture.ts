/**
 * The captured command log (spec oar-commands.md 3.3/3.4). Its exact line format,
 * `<YYYY-MM-DDTHH:MM:SSZ>: <LEVEL>: <message>`, is load-bearing: StateBox stores it as the
 * task result, timestamps are extracted from it, and AI agents grep it.
 */
import type { Logger } from '../log.ts';

export type CaptureLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export function formatTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function formatLogLine(at: Date, level: CaptureLevel, message: string): string {
  return `${formatTimestamp(at)}: ${level}: ${message}`;
}

export class CommandLog {
  private readonly lines: string[] = [];
  private readonly logger: Logger | undefined;
  private readonly now: () => Date;
  private readonly mask: (s: string) => string;

  constructor(opts: { logger?: Logger; now?: () => Date; mask?: (s: string) => string } = {}) {
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.mask = opts.mask ?? ((s) => s);
  }

  private add(level: CaptureLevel, message: string): void {
    const text = this.mask(message);
    for (const line of text.split('\n')) this.lines.push(formatLogLine(this.now(), level, line));
    const method = level === 'ERROR' ? 'error' : level === 'WARNING' ? 'warn' : level === 'DEBUG' ? 'debug' : 'info';
    this.logger?.[method](text);
  }

  debug(message: string): void {
    this.add('DEBUG', message);
  }
  info(message: string): void {
    this.add('INFO', message);
  }
  warn(message: string): void {
    this.add('WARNING', message);
  }
  error(message: string): void {
    this.add('ERROR', message);
  }

  text(): string {
    return this.lines.join('\n');
  }

  entries(): readonly string[] {
    return this.lines;
  }
}
