/**
 * Identifier generators. Message ts values are strictly increasing even when the clock stalls
 * or goes backwards (fake timers), because tests and the app use ts as a unique message key.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export class IdGenerator {
  #lastMicros = 0;
  #counter = 0;

  /** Slack message ts: `<epoch seconds>.<6-digit micros>`, unique and monotonic. */
  ts(): string {
    const nowMicros = Date.now() * 1000;
    this.#lastMicros = Math.max(nowMicros, this.#lastMicros + 1);
    const seconds = Math.floor(this.#lastMicros / 1_000_000);
    const micros = this.#lastMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  #next(): number {
    this.#counter += 1;
    return this.#counter;
  }

  #base36(width: number): string {
    return this.#next().toString(36).toUpperCase().padStart(width, '0');
  }

  eventId(): string {
    return `Ev${this.#base36(10)}`;
  }

  viewId(): string {
    return `V${this.#base36(10)}`;
  }

  fileId(): string {
    return `F${this.#base36(10)}`;
  }

  blockId(): string {
    return `sim${this.#base36(5)}`;
  }

  /** Format of real trigger ids: `132456.7890123.abcdef...`. */
  triggerId(): string {
    return `${this.#next()}.${Date.now()}.${randomBytes(16).toString('hex')}`;
  }

  viewHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  envelopeId(): string {
    return randomUUID();
  }

  /** Unguessable token used in response URLs, upload URLs and socket tickets. */
  secret(): string {
    return randomBytes(12).toString('hex');
  }
}

/** Compares two Slack ts strings numerically (string order breaks when the seconds width changes). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}
