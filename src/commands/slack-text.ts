/**
 * Slack's message formatting undone in one left-to-right pass: `<mailto:a|label>` → label,
 * `<mailto:a>` → a, `<https://x|label>` → https://x, `<https://x>` → https://x, the three HTML
 * entities Slack escapes, and smart quotes back to ASCII (the original only unwrapped the first
 * mailto).
 *
 * The pass is linear in the input: every character is visited a bounded number of times. The
 * earlier regular-expression chain re-scanned the rest of the text from every `<` that did not
 * close, so 200 KB of `<mailto:` took seconds and starved Slack's 3 s acknowledgement window.
 */

/** Counts the characters the pass inspects; tests assert it is O(n). */
export interface ScanMeter {
  steps: number;
}

const ENTITIES: readonly (readonly [string, string])[] = [
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&amp;', '&'],
];

const QUOTES: Readonly<Record<string, string>> = { '\u201C': '"', '\u201D': '"', '\u2018': "'", '\u2019': "'" };

/** Characters that may start a replacement; the native scan skips everything else. */
const SPECIAL = /[&\u2018\u2019\u201C\u201D]/g;

/** Entities and smart quotes in `text[from, to)`, appended to `out`. Output is never re-scanned. */
function decodeInto(out: string[], text: string, from: number, to: number, meter?: ScanMeter): void {
  // Scan a copy of the range: a search on `text` itself would run on past `to` to the next
  // special character, re-reading the rest of the text once per range.
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  if (meter) meter.steps += part.length;
  let plainStart = 0;
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(part); m !== null; m = SPECIAL.exec(part)) {
    const i = m.index;
    let replacement = QUOTES[m[0]];
    let width = 1;
    if (replacement === undefined) {
      const entity = ENTITIES.find(([e]) => part.startsWith(e, i));
      if (!entity) continue;
      [, replacement] = entity;
      width = entity[0].length;
    }
    if (plainStart < i) out.push(part.slice(plainStart, i));
    out.push(replacement);
    plainStart = i + width;
    SPECIAL.lastIndex = plainStart;
  }
  if (plainStart < part.length) out.push(part.slice(plainStart));
}

/** The target of a Slack link `<target>` or `<target|label>` as text, or undefined for other `<…>`. */
function unwrapLink(segment: string): string | undefined {
  const bar = segment.indexOf('|');
  if (segment.startsWith('mailto:')) return bar === -1 ? segment.slice('mailto:'.length) : segment.slice(bar + 1);
  if (segment.startsWith('https:') || segment.startsWith('http:')) return bar === -1 ? segment : segment.slice(0, bar);
  return undefined;
}

export function normalizeSlackText(text: string, meter?: ScanMeter): string {
  const out: string[] = [];
  let plainStart = 0;
  // Index of the next '>' at or after the current position. Cached so a run of unclosed '<'
  // costs one scan of the rest of the text, not one per '<'.
  let nextClose = -1;
  let searchFrom = 0;
  for (;;) {
    const open = text.indexOf('<', searchFrom);
    if (meter) meter.steps += (open === -1 ? text.length : open) - searchFrom;
    if (open === -1) break;
    searchFrom = open + 1;
    if (nextClose < open) {
      const from = Math.max(open, nextClose + 1);
      nextClose = text.indexOf('>', from);
      if (meter) meter.steps += (nextClose === -1 ? text.length : nextClose) - from;
      if (nextClose === -1) break; // no '>' left: no link can follow
    }
    // Only a segment that starts like a link is read whole; it is then consumed, so every
    // character belongs to at most one segment read.
    const head = text.slice(open + 1, Math.min(open + 8, nextClose));
    if (!head.startsWith('mailto:') && !head.startsWith('https:') && !head.startsWith('http:')) continue;
    const segment = text.slice(open + 1, nextClose);
    if (meter) meter.steps += segment.length;
    const target = unwrapLink(segment)!;
    decodeInto(out, text, plainStart, open, meter);
    decodeInto(out, target, 0, target.length, meter);
    plainStart = nextClose + 1;
    searchFrom = plainStart;
  }
  decodeInto(out, text, plainStart, text.length, meter);
  return out.join('');
}
