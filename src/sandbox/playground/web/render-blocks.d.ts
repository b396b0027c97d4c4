/** Types of render-blocks.js (plain JavaScript so the browser can load it without a build step). */

export interface RenderContext {
  /** Slack user id → display name, for <@U…> mentions. */
  users?: Record<string, string>;
  /** Channel id → name (without #), for <#C…> references. */
  channels?: Record<string, string>;
  /** User-group id → handle, for <!subteam^S…> mentions. */
  groups?: Record<string, string>;
}

export interface RenderOptions {
  /** block_id → message, from a modal's `response_action: errors`. */
  errors?: Record<string, string>;
}

export type JsonBlock = Record<string, unknown>;

export const EMOJI: Readonly<Record<string, string>>;
export function escapeHtml(value: unknown): string;
export function decodeSlackEntities(value: unknown): string;
export function mrkdwnToHtml(text: unknown, ctx?: RenderContext): string;
export function plainToHtml(text: unknown, emoji?: boolean): string;
export function textToHtml(obj: unknown, ctx?: RenderContext): string;
export function renderElement(el: unknown, ctx?: RenderContext, blockId?: string): string;
export function renderBlock(block: unknown, ctx?: RenderContext, opts?: RenderOptions): string;
export function renderBlocks(blocks: unknown, ctx?: RenderContext, opts?: RenderOptions): string;
export function renderMessageBody(message: { text?: string; blocks?: unknown[] } | undefined, ctx?: RenderContext): string;
