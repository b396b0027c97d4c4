/**
 * Text people read at a glance, for mrkdwn and for rich_text: ISO times become Slack date
 * tokens (each reader sees their own time zone), e-mails of known people become mentions,
 * Jira keys and advisory numbers become links, URLs stay links. Pure: what only the front end
 * knows (who an e-mail is, where Jira lives) comes in `TextContext`.
 */
import type { RichTextElement } from '@slack/types';

export interface TextContext {
  /** e-mail (as written) → Slack user id */
  mentions?: ReadonlyMap<string, string>;
  links?: { jira: string; errata: string };
}

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; url: string; text: string }
  | { kind: 'user'; id: string }
  | { kind: 'date'; unix: number; fallback: string };

const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/;
const URL_RE = /https?:\/\/[^\s<>|]+[^\s<>|.,;:)\]'"]/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
// Jira keys (OCPBUGS-123, ART-14050) but not CVE ids or dates.
const JIRA = /(?<![\w-])(?!CVE-)[A-Z][A-Z0-9]{1,15}-\d{1,7}\b(?!-\d)/;
const ADVISORY = /\b([Aa]dvisor(?:y|ies)\s+)(\d{5,7})\b/;
const TOKEN = new RegExp([ISO, URL_RE, EMAIL, JIRA, ADVISORY].map((r) => `(${r.source})`).join('|'), 'g');

export const DATE_FORMAT = '{date_short_pretty} {time}';

/** A fallback readers without the token support see: `2026-12-04 15:28 UTC`. */
export function utcFallback(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `<!date^unix^{date_short_pretty} {time}|fallback>` */
export function slackDate(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return typeof at === 'string' ? at : '';
  return `<!date^${Math.floor(d.getTime() / 1000)}^${DATE_FORMAT}|${utcFallback(d)}>`;
}

/** Split text into plain runs and the things that render as links, mentions and dates. */
export function segments(text: string, ctx: TextContext = {}): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (s: Segment) => {
    const prev = out.at(-1);
    if (s.kind === 'text' && prev?.kind === 'text') prev.text += s.text;
    else out.push(s);
  };
  for (const m of text.matchAll(TOKEN)) {
    const [all] = m;
    const at = m.index;
    if (at > last) push({ kind: 'text', text: text.slice(last, at) });
    last = at + all.length;
    const [, iso, url, email, jira, advisory, advPrefix, advId] = m;
    if (iso) {
      const d = new Date(iso);
      push(Number.isNaN(d.getTime()) ? { kind: 'text', text: iso } : { kind: 'date', unix: Math.floor(d.getTime() / 1000), fallback: utcFallback(d) });
    } else if (url) push({ kind: 'link', url, text: url });
    else if (email) {
      const id = ctx.mentions?.get(email);
      push(id ? { kind: 'user', id } : { kind: 'text', text: email });
    } else if (jira) push(ctx.links ? { kind: 'link', url: `${ctx.links.jira.replace(/\/$/, '')}/browse/${jira}`, text: jira } : { kind: 'text', text: jira });
    else if (advisory && advPrefix && advId) {
      push({ kind: 'text', text: advPrefix });
      push(ctx.links ? { kind: 'link', url: `${ctx.links.errata.replace(/\/$/, '')}/advisory/${advId}`, text: advId } : { kind: 'text', text: advId });
    }
  }
  if (last < text.length) push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** Slack mrkdwn escaping of user-provided text (&, <, >). */
export function escMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text as mrkdwn with links, mentions and date tokens. */
export function mrkdwn(text: string, ctx: TextContext = {}): string {
  return segments(text, ctx)
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escMrkdwn(s.text);
        case 'link':
          return s.url === s.text ? `<${s.url}>` : `<${s.url}|${escMrkdwn(s.text)}>`;
        case 'user':
          return `<@${s.id}>`;
        case 'date':
          return `<!date^${s.unix}^${DATE_FORMAT}|${s.fallback}>`;
      }
    })
    .join('');
}

/** Text as rich_text elements (the same links, mentions and dates). */
export function richElements(text: string, ctx: TextContext = {}, style?: { bold?: boolean }): RichTextElement[] {
  return segments(text, ctx).map((s): RichTextElement => {
    switch (s.kind) {
      case 'text':
        return { type: 'text', text: s.text, ...(style ? { style } : {}) };
      case 'link':
        return { type: 'link', url: s.url, text: s.text };
      case 'user':
        return { type: 'user', user_id: s.id };
      case 'date':
        return { type: 'date', timestamp: s.unix, format: DATE_FORMAT, fallback: s.fallback } as RichTextElement;
    }
  });
}
