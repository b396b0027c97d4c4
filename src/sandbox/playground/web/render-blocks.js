/**
 * Block Kit → HTML for the playground page. Pure: strings in, an HTML string out, no DOM, so the
 * same module runs in the browser (served as a static ES module) and under vitest.
 *
 * Plain JavaScript on purpose: the browser cannot load TypeScript and the playground has no build
 * step. Types for TypeScript callers are in render-blocks.d.ts.
 *
 * Everything that comes from a message is escaped; links keep only http(s) and mailto URLs.
 * Interactive elements carry data-* attributes (action_id, block_id, value) that the page uses
 * to send block_actions / view_submission through the simulator's driver.
 */

/** A few common emoji by Slack short name; unknown names stay as `:name:`. */
export const EMOJI = Object.freeze({
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  ballot_box_with_check: '☑️',
  x: '❌',
  heavy_multiplication_x: '✖️',
  warning: '⚠️',
  rotating_light: '🚨',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  raised_hand: '✋',
  speech_balloon: '💬',
  arrow_forward: '▶️',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  robot_face: '🤖',
  busts_in_silhouette: '👥',
  bust_in_silhouette: '👤',
  white_circle: '⚪',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  red_circle: '🔴',
  large_blue_circle: '🔵',
  green_heart: '💚',
  tada: '🎉',
  rocket: '🚀',
  eyes: '👀',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  wave: '👋',
  bell: '🔔',
  mag: '🔍',
  memo: '📝',
  package: '📦',
  link: '🔗',
  bug: '🐛',
  construction: '🚧',
  fire: '🔥',
  clock3: '🕒',
  calendar: '📅',
  gear: '⚙️',
  stop_sign: '🛑',
  arrow_right: '➡️',
  large_orange_circle: '🟠',
  clipboard: '📋',
  bar_chart: '📊',
  file_cabinet: '🗄️',
  star: '⭐',
  arrows_counterclockwise: '🔄',
  small_blue_diamond: '🔹',
  octagonal_sign: '🛑',
  alarm_clock: '⏰',
  point_right: '👉',
  sparkles: '✨',
  shipit: '🐿️',
  question: '❓',
  exclamation: '❗',
  heavy_plus_sign: '➕',
  heavy_minus_sign: '➖',
  recycle: '♻️',
});

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** HTML-escape text for element content and attribute values. */
export function escapeHtml(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Slack escapes &, < and > in message text; undo that before escaping for HTML. */
export function decodeSlackEntities(value) {
  return String(value ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function emojiSpan(name) {
  const ch = EMOJI[name];
  return ch ? `<span class="bk-emoji" title=":${escapeHtml(name)}:">${ch}</span>` : undefined;
}

function nameOf(map, id) {
  return map && Object.prototype.hasOwnProperty.call(map, id) ? map[id] : undefined;
}

/** One `<...>` token of Slack mrkdwn: a mention, a channel, a user group, a special mention, or a link. */
function renderToken(inner, ctx) {
  const [target = '', ...rest] = inner.split('|');
  const label = rest.join('|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = nameOf(ctx.users, id) ?? (label || id);
    return `<span class="bk-mention" data-user-id="${escapeHtml(id)}">@${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = nameOf(ctx.channels, id) ?? (label || id);
    return `<span class="bk-mention bk-channel">#${escapeHtml(decodeSlackEntities(name))}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = nameOf(ctx.groups, id) ?? (label ? label.replace(/^@/, '') : id);
    return `<span class="bk-mention bk-group">@${escapeHtml(decodeSlackEntities(handle))}</span>`;
  }
  if (target === '!here' || target === '!channel' || target === '!everyone') {
    return `<span class="bk-mention bk-special">@${target.slice(1)}</span>`;
  }
  if (target.startsWith('!date^')) {
    return escapeHtml(decodeSlackEntities(label || target));
  }
  const url = decodeSlackEntities(target);
  if (SAFE_URL.test(url)) {
    const text = label ? decodeSlackEntities(label) : url.replace(/^mailto:/i, '');
    return `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
  }
  return escapeHtml(`<${decodeSlackEntities(inner)}>`);
}

/**
 * Slack mrkdwn → HTML: ```code blocks```, `code`, <links|labels>, mentions, *bold*, _italic_,
 * ~strike~, > quotes, :emoji:, line breaks.
 */
export function mrkdwnToHtml(text, ctx = {}) {
  const slots = [];
  const keep = (html) => `\uE000${slots.push(html) - 1}\uE001`;
  let s = String(text ?? '').replace(/[\uE000\uE001]/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_m, code) => keep(`<pre class="bk-pre">${escapeHtml(decodeSlackEntities(code.replace(/^\n/, '')))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_m, code) => keep(`<code class="bk-code">${escapeHtml(decodeSlackEntities(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_m, inner) => keep(renderToken(inner, ctx)));
  s = escapeHtml(decodeSlackEntities(s));
  s = s.replace(/:([a-z0-9_+'-]+):/g, (m, name) => {
    const span = emojiSpan(name);
    return span ? keep(span) : m;
  });
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>');
  s = s.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>');
  s = s.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
  s = s
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') || line === '&gt;' ? `<span class="bk-quote">${line.slice(5)}</span>` : line))
    .join('\n');
  s = s.replace(/\n/g, '<br>');
  // Placeholders use private-use characters (stripped from the input), so no text can fake one.
  return s.replace(/\uE000(\d+)\uE001/g, (_m, i) => slots[Number(i)] ?? '');
}

/** plain_text: escaped, with :emoji: when `emoji` is not false. */
export function plainToHtml(text, emoji = true) {
  let s = escapeHtml(text);
  if (emoji) s = s.replace(/:([a-z0-9_+'-]+):/g, (m, name) => emojiSpan(name) ?? m);
  return s.replace(/\n/g, '<br>');
}

/** A Block Kit text object (`{type: 'mrkdwn' | 'plain_text', text}`). */
export function textToHtml(obj, ctx = {}) {
  if (!obj || typeof obj !== 'object') return '';
  if (obj.type === 'mrkdwn') return mrkdwnToHtml(obj.text, ctx);
  return plainToHtml(obj.text, obj.emoji !== false);
}

function attrs(map) {
  return Object.entries(map)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeHtml(v)}"`))
    .join('');
}

function confirmText(confirm) {
  if (!confirm || typeof confirm !== 'object') return undefined;
  const parts = [confirm.title?.text, confirm.text?.text].filter(Boolean);
  return parts.length ? parts.join('\n\n') : undefined;
}

function optionLabel(option) {
  return option?.text?.text ?? option?.value ?? '';
}

function selectHtml(el, blockId, cls, placeholder) {
  const options = Array.isArray(el.options) ? el.options : [];
  const initial = el.initial_option?.value;
  const first = `<option value=""${initial === undefined ? ' selected' : ''}>${escapeHtml(placeholder)}</option>`;
  const opts = options
    .map((o) => `<option${attrs({ value: o.value, selected: o.value === initial })}>${escapeHtml(optionLabel(o))}</option>`)
    .join('');
  return `<select${attrs({ class: cls, 'data-action-id': el.action_id, 'data-block-id': blockId, 'data-kind': el.type, 'data-confirm': confirmText(el.confirm) })}>${first}${opts}</select>`;
}

/** An interactive or display element inside a section accessory, actions, context or input block. */
export function renderElement(el, ctx = {}, blockId = undefined) {
  if (!el || typeof el !== 'object') return '';
  switch (el.type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` bk-${el.style}` : '';
      const common = {
        class: `bk-button${style}`,
        'data-action-id': el.action_id,
        'data-block-id': blockId,
        'data-value': el.value,
        'data-confirm': confirmText(el.confirm),
      };
      const label = textToHtml(el.text, ctx);
      if (typeof el.url === 'string' && SAFE_URL.test(el.url)) {
        return `<a${attrs({ ...common, href: el.url, target: '_blank', rel: 'noopener noreferrer' })}>${label}</a>`;
      }
      return `<button${attrs({ type: 'button', ...common })}>${label}</button>`;
    }
    case 'static_select':
      return selectHtml(el, blockId, 'bk-select', el.placeholder?.text ?? 'Select an item');
    case 'overflow':
      return selectHtml(el, blockId, 'bk-select bk-overflow', '⋯');
    case 'image':
      return typeof el.image_url === 'string' && SAFE_URL.test(el.image_url)
        ? `<img${attrs({ class: 'bk-image-el', src: el.image_url, alt: el.alt_text ?? '' })}>`
        : `<span class="bk-image-el">[${escapeHtml(el.alt_text ?? 'image')}]</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span class="bk-context-text">${textToHtml(el, ctx)}</span>`;
    case 'plain_text_input': {
      const common = {
        class: 'bk-text-input',
        'data-action-id': el.action_id,
        'data-block-id': blockId,
        'data-kind': 'plain_text_input',
        placeholder: el.placeholder?.text,
        maxlength: el.max_length,
      };
      return el.multiline
        ? `<textarea${attrs({ ...common, rows: 4 })}>${escapeHtml(el.initial_value ?? '')}</textarea>`
        : `<input${attrs({ type: 'text', ...common, value: el.initial_value })}>`;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const options = Array.isArray(el.options) ? el.options : [];
      const initial = new Set(
        el.type === 'checkboxes' ? (el.initial_options ?? []).map((o) => o.value) : el.initial_option ? [el.initial_option.value] : [],
      );
      const type = el.type === 'checkboxes' ? 'checkbox' : 'radio';
      const group = `${blockId ?? ''}:${el.action_id ?? ''}`;
      const items = options
        .map(
          (o) =>
            `<label class="bk-choice"><input${attrs({ type, name: group, value: o.value, checked: initial.has(o.value) })}> ${textToHtml(o.text, ctx)}</label>`,
        )
        .join('');
      return `<div${attrs({ class: 'bk-choices', 'data-action-id': el.action_id, 'data-block-id': blockId, 'data-kind': el.type })}>${items}</div>`;
    }
    default:
      return `<span class="bk-unsupported">[${escapeHtml(el.type ?? 'element')}]</span>`;
  }
}

function richStyle(html, style) {
  if (!style) return html;
  let out = html;
  if (style.code) out = `<code class="bk-code">${out}</code>`;
  if (style.bold) out = `<b>${out}</b>`;
  if (style.italic) out = `<i>${out}</i>`;
  if (style.strike) out = `<s>${out}</s>`;
  return out;
}

function richInline(el, ctx) {
  switch (el?.type) {
    case 'text':
      // What users type arrives as text with Slack's <@U…> / <url> tokens still in it.
      return el.style ? richStyle(escapeHtml(el.text).replace(/\n/g, '<br>'), el.style) : mrkdwnToHtml(el.text, ctx);
    case 'link': {
      const url = String(el.url ?? '');
      if (!SAFE_URL.test(url)) return escapeHtml(el.text ?? url);
      return richStyle(`<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(el.text ?? url)}</a>`, el.style);
    }
    case 'user':
      return renderToken(`@${el.user_id}`, ctx);
    case 'channel':
      return renderToken(`#${el.channel_id}`, ctx);
    case 'usergroup':
      return renderToken(`!subteam^${el.usergroup_id}`, ctx);
    case 'broadcast':
      return renderToken(`!${el.range}`, ctx);
    case 'emoji':
      return emojiSpan(el.name) ?? escapeHtml(`:${el.name}:`);
    case 'date':
      // Slack shows the reader's own time zone; the playground shows the fallback text.
      return `<time class="bk-date">${escapeHtml(String(el.fallback ?? new Date(Number(el.timestamp) * 1000).toISOString()))}</time>`;
    default:
      return '';
  }
}

function richElements(list, ctx) {
  return (Array.isArray(list) ? list : []).map((e) => richInline(e, ctx)).join('');
}

function richBlock(el, ctx) {
  switch (el?.type) {
    case 'rich_text_section':
      return `<div class="bk-rt-section">${richElements(el.elements, ctx)}</div>`;
    case 'rich_text_preformatted':
      return `<pre class="bk-pre">${richElements(el.elements, ctx)}</pre>`;
    case 'rich_text_quote':
      return `<blockquote class="bk-quote">${richElements(el.elements, ctx)}</blockquote>`;
    case 'rich_text_list': {
      const tag = el.style === 'ordered' ? 'ol' : 'ul';
      const items = (Array.isArray(el.elements) ? el.elements : []).map((s) => `<li>${richElements(s.elements, ctx)}</li>`).join('');
      return `<${tag} class="bk-rt-list">${items}</${tag}>`;
    }
    default:
      return '';
  }
}

/**
 * One block. `opts.errors` maps block_id → message (a modal's `response_action: errors`).
 */
export function renderBlock(block, ctx = {}, opts = {}) {
  if (!block || typeof block !== 'object') return '';
  const id = block.block_id;
  const dataId = attrs({ 'data-block-id': id });
  switch (block.type) {
    case 'section': {
      const text = block.text ? `<div class="bk-text">${textToHtml(block.text, ctx)}</div>` : '';
      const fields = Array.isArray(block.fields) && block.fields.length
        ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${textToHtml(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory = block.accessory ? `<div class="bk-accessory">${renderElement(block.accessory, ctx, id)}</div>` : '';
      return `<div class="bk-block bk-section"${dataId}><div class="bk-section-body">${text}${fields}</div>${accessory}</div>`;
    }
    case 'divider':
      return `<hr class="bk-block bk-divider"${dataId}>`;
    case 'header':
      return `<div class="bk-block bk-header"${dataId}>${textToHtml(block.text, ctx)}</div>`;
    case 'context':
      return `<div class="bk-block bk-context"${dataId}>${(block.elements ?? []).map((e) => renderElement(e, ctx, id)).join('')}</div>`;
    case 'actions':
      return `<div class="bk-block bk-actions"${dataId}>${(block.elements ?? []).map((e) => renderElement(e, ctx, id)).join('')}</div>`;
    case 'image': {
      const title = block.title ? `<figcaption>${textToHtml(block.title, ctx)}</figcaption>` : '';
      return `<figure class="bk-block bk-image"${dataId}>${renderElement({ type: 'image', image_url: block.image_url, alt_text: block.alt_text }, ctx)}${title}</figure>`;
    }
    case 'input': {
      const error = opts.errors && id !== undefined && opts.errors[id] ? `<div class="bk-error">${escapeHtml(opts.errors[id])}</div>` : '';
      const hint = block.hint ? `<div class="bk-hint">${textToHtml(block.hint, ctx)}</div>` : '';
      const optional = block.optional ? ' <span class="bk-optional">(optional)</span>' : '';
      return `<div class="bk-block bk-input${error ? ' bk-has-error' : ''}"${dataId}><label class="bk-label">${textToHtml(block.label, ctx)}${optional}</label>${renderElement(block.element, ctx, id)}${hint}${error}</div>`;
    }
    case 'rich_text':
      return `<div class="bk-block bk-rich-text"${dataId}>${(block.elements ?? []).map((e) => richBlock(e, ctx)).join('')}</div>`;
    case 'markdown':
      // Standard Markdown: map **bold** to mrkdwn's *bold* and render the rest as mrkdwn.
      return `<div class="bk-block bk-markdown"${dataId}>${mrkdwnToHtml(String(block.text ?? '').replace(/\*\*([^*\n]+)\*\*/g, '*$1*'), ctx)}</div>`;
    default:
      return `<div class="bk-block bk-unsupported"${dataId}>Unsupported block: ${escapeHtml(block.type ?? 'unknown')}</div>`;
  }
}

export function renderBlocks(blocks, ctx = {}, opts = {}) {
  return (Array.isArray(blocks) ? blocks : []).map((b) => renderBlock(b, ctx, opts)).join('');
}

/** A message body: its blocks when it has any, else its text as mrkdwn. */
export function renderMessageBody(message, ctx = {}) {
  if (Array.isArray(message?.blocks) && message.blocks.length) return renderBlocks(message.blocks, ctx);
  return `<div class="bk-block bk-section"><div class="bk-text">${mrkdwnToHtml(message?.text ?? '', ctx)}</div></div>`;
}
