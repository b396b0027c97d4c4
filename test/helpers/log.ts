/** Log capture for tests that assert on structured log lines. */
import { Writable } from 'node:stream';

/** A pino destination that keeps every JSON line written to it, parsed, in `lines`. */
export function jsonLineSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { stream, lines };
}
