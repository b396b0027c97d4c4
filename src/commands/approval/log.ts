/**
 * Where the approval helpers write the original's log lines: the command's captured log
 * (CommandLog) while a command runs (the async approval's completion included, resumed through
 * the runner), or a plain line collector where no command runs (tests of the helpers).
 */

export interface LineLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Collects messages in order (the async approval's result lines). */
export class LineCollector implements LineLog {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(message);
  }
  error(message: string): void {
    this.lines.push(message);
  }
}

/** The sentence of an error for logs and users: the one description (src/describe-error.ts). */
export { describeError as errorMessage } from '../../describe-error.ts';
