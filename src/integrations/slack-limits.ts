/**
 * Slack size limits and the pure splitting rules that keep every message inside them.
 *
 * No I/O: the Slack notifier and the front ends decide where the pieces go (several messages,
 * thread replies, or a file); this module only decides how to cut.
 *
 * Lengths: Slack documents its limits in "characters". We measure UTF-16 code units (JavaScript
 * `length`), which is never smaller than the code-point count, so a piece that fits by our measure
 * fits by Slack's; and we only ever cut between code points, so no emoji is split into lone
 * surrogates.
 */

export const SLACK_LIMITS = {
  /** Blocks per message (modals and App Home allow 100). */
  blocksPerMessage: 50,
  /** Characters in a section block's `text`. */
  sectionText: 3000,
  /** Characters in a message's top-level `text`; Slack truncates beyond this. */
  messageText: 40_000,
  /**
   * Total characters of block content per message. Not documented: `msg_blocks_too_long` was
   * observed around 13k in the wild (spec slack-socket-mode.md section 8), so stay below it.
   */
  blockCharsPerMessage: 12_000,
} as const;

/** The structural minimum of a Block Kit block; callers pass @slack/types blocks. */
export interface BlockLike {
  type: string;
}

interface TextObjectLike {
  type: string;
  text: string;
}

interface SectionLike extends BlockLike {
  type: 'section';
  text?: TextObjectLike;
}

/**
 * The original's splitter (agents.md 1.9): a message of at most `maxSize` code points is one
 * chunk; a longer one is cut into fixed `chunkSize` slices regardless of lines and words.
 * Counted in code points, as Python did.
 */
export function splitMessage(message: string, maxSize = 4000, chunkSize = 2500): string[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  const points = Array.from(message);
  if (points.length <= maxSize) return [message];
  const chunks: string[] = [];
  for (let i = 0; i < points.length; i += chunkSize) chunks.push(points.slice(i, i + chunkSize).join(''));
  return chunks;
}

/** Cut `text` into pieces of at most `limit` UTF-16 units, never inside a surrogate pair. */
export function hardSplit(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`limit must be an integer >= 2, got ${limit}`);
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + limit, text.length);
    // A high surrogate at the cut would leave its partner in the next piece.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Split on line boundaries into pieces of at most `limit` characters. Lines are kept whole and in
 * order; a single line longer than `limit` is cut hard (the only case where a line is broken).
 * The pieces joined with "\n" give back the input exactly.
 */
export function splitOnLines(text: string, limit: number = SLACK_LIMITS.sectionText): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`limit must be an integer >= 2, got ${limit}`);
  if (text.length <= limit) return [text];
  const pieces: string[] = [];
  let current: string | undefined;
  const flush = () => {
    if (current !== undefined) pieces.push(current);
    current = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.length > limit) {
      flush();
      pieces.push(...hardSplit(line, limit));
      continue;
    }
    if (current === undefined) current = line;
    else if (current.length + 1 + line.length <= limit) current += `\n${line}`;
    else {
      flush();
      current = line;
    }
  }
  flush();
  return pieces;
}

/** Fixed-size groups, order kept; the last may be smaller. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Chunk a block list by the per-message block limit (50). */
export function chunkBlocks<B extends BlockLike>(blocks: readonly B[], size: number = SLACK_LIMITS.blocksPerMessage): B[][] {
  return chunk(blocks, size);
}

/** mrkdwn section blocks for `text`, one per line-aligned piece of at most 3000 characters. */
export function textToSections(text: string, limit: number = SLACK_LIMITS.sectionText): SectionLike[] {
  return splitOnLines(text, limit)
    .filter((piece) => piece.length > 0)
    .map((piece) => ({ type: 'section', text: { type: 'mrkdwn', text: piece } }));
}

function isSectionWithText(block: BlockLike): block is SectionLike & { text: TextObjectLike } {
  const text = (block as SectionLike).text;
  return block.type === 'section' && typeof text === 'object' && text !== null && typeof text.text === 'string';
}

/**
 * Replace every section whose text exceeds the limit by several sections of the same text type,
 * cut on line boundaries. Only the first piece keeps the accessory and fields (they belong to
 * the top of the section); a block_id would collide, so it stays on the first piece only.
 */
export function splitOversizedSections<B extends BlockLike>(blocks: readonly B[], limit: number = SLACK_LIMITS.sectionText): B[] {
  const out: B[] = [];
  for (const block of blocks) {
    if (!isSectionWithText(block) || block.text.text.length <= limit) {
      out.push(block);
      continue;
    }
    const pieces = splitOnLines(block.text.text, limit).filter((p) => p.length > 0);
    pieces.forEach((piece, i) => {
      if (i === 0) {
        out.push({ ...block, text: { ...block.text, text: piece } });
      } else {
        out.push({ type: 'section', text: { type: block.text.type, text: piece } } as unknown as B); // a plain section of the same text type is a member of the caller's block union B
      }
    });
  }
  return out;
}

/**
 * Every `text` string of a block tree in document order, down to six levels of nesting;
 * the content under the key `skip` is not looked at.
 */
function eachText(value: unknown, onText: (text: string) => void, skip?: string, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) eachText(v, onText, skip, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'text' && typeof v === 'string') onText(v);
    else if (k !== skip) eachText(v, onText, skip, depth + 1);
  }
}

/** Characters of visible text in a block, counted the way Slack's total-size check seems to. */
export function blockTextLength(block: BlockLike): number {
  let total = 0;
  eachText(block, (text) => {
    total += text.length;
  });
  return total;
}

/** One message of a plan: fallback text plus its share of the blocks. */
export interface PlannedMessage<B extends BlockLike = BlockLike> {
  text: string;
  blocks?: B[];
}

export interface PlanOptions {
  blocksPerMessage?: number;
  sectionText?: number;
  messageText?: number;
  blockCharsPerMessage?: number;
}

/**
 * Turn one logical message into as many Slack messages as its size needs.
 *
 * - without blocks: the text is cut on line boundaries into pieces of at most 40,000 characters;
 * - with blocks: oversized sections are split, then blocks are grouped so that no message has
 *   more than 50 blocks or more than ~12k characters of block content. The first message carries
 *   the caller's fallback text (cut to the limit); later ones carry its first line and a
 *   "(continued i/n)" marker, so notifications stay readable.
 *
 * Never throws on size: the worst case is more messages.
 */
export function planMessages<B extends BlockLike>(message: { text: string; blocks?: readonly B[] }, opts: PlanOptions = {}): PlannedMessage<B>[] {
  const blocksPerMessage = opts.blocksPerMessage ?? SLACK_LIMITS.blocksPerMessage;
  const sectionText = opts.sectionText ?? SLACK_LIMITS.sectionText;
  const messageText = opts.messageText ?? SLACK_LIMITS.messageText;
  const blockChars = opts.blockCharsPerMessage ?? SLACK_LIMITS.blockCharsPerMessage;

  if (!message.blocks || message.blocks.length === 0) {
    return splitOnLines(message.text, messageText).map((text) => ({ text }));
  }

  const blocks = splitOversizedSections(message.blocks, sectionText);
  const groups: B[][] = [];
  let current: B[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = blockTextLength(block);
    if (current.length > 0 && (current.length >= blocksPerMessage || chars + size > blockChars)) {
      groups.push(current);
      current = [];
      chars = 0;
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0) groups.push(current);

  const firstText = fitText(message.text, messageText);
  const headline = fitText(message.text.split('\n', 1)[0] ?? '', Math.min(messageText, 200));
  return groups.map((group, i) => ({
    text: i === 0 ? firstText : `${headline} (continued ${i + 1}/${groups.length})`.trim(),
    blocks: group,
  }));
}

/** Cut text to `limit` characters on a line boundary when possible, marking the cut with "…". */
export function fitText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const room = limit - 1;
  const cut = text.lastIndexOf('\n', room);
  const head = cut > room / 2 ? text.slice(0, cut) : hardSplit(text, room)[0] ?? '';
  return `${head}…`;
}

/** Wrap a chunk in a code fence, as the original did for command output. */
export function fence(chunkText: string): string {
  return `\`\`\`${chunkText}\`\`\``;
}

/**
 * The readable text of blocks, one line per text object (headers, sections, fields, context):
 * what goes into a file when a message is too big even for several posts.
 */
export function blocksToPlainText<B extends BlockLike>(blocks: readonly B[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.type === 'actions' || block.type === 'input') continue;
    // Accessories are buttons and menus: their labels are not content.
    eachText(block, (text) => lines.push(text), 'accessory');
  }
  return lines.join('\n');
}
