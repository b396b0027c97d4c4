/**
 * User input echoed back in an error message (Slack, terminal, MCP) is shown safely: control
 * characters and bidirectional overrides are removed (they can reorder or hide what the reader
 * sees, e.g. "Trojan Source" text) and the value is truncated, so a hostile or huge argument can
 * neither forge a message nor flood it.
 */

/**
 * C0/C1 controls, DEL, and the Unicode format characters that change how text is displayed:
 * bidi marks, embeddings, overrides and isolates, zero-width joiners/spaces, line/paragraph
 * separators and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

export const ECHO_MAX = 60;

/** `value` made safe to quote back to the user: unsafe characters dropped, at most `max` characters. */
export function echo(value: string, max = ECHO_MAX): string {
  // Cut before cleaning too, so a megabyte argument costs no more than a short one.
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const clean = head.replace(UNSAFE, '');
  return clean.length > max || head.length < value.length ? `${clean.slice(0, max)}…` : clean;
}

/** Removes unsafe characters from a whole message but keeps its line breaks. */
export function stripUnsafe(message: string): string {
  return message.replace(UNSAFE, (c) => (c === '\n' ? c : ''));
}
