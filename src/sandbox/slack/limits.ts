/**
 * Block Kit and message limits, enforced on every message, view and Home tab the app sends,
 * so a layout that real Slack would reject fails in tests too. Pure functions: they return
 * Slack-style problem strings `<problem> [json-pointer:<path>]` (the `[ERROR] ` prefix is added
 * by the Web API layer).
 */
import type { Block, JsonObject } from './types.ts';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  markdownTotal: 12_000,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionsElements: 25,
  contextElements: 10,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  options: 100,
  overflowOptions: 5,
  choiceOptions: 10,
  optionText: 75,
  optionValue: 150,
  altText: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewBytes: 250_000,
} as const;

export type Surface = 'message' | 'modal' | 'home';

const BLOCK_TYPES = new Set([
  'section', 'header', 'actions', 'context', 'divider', 'input', 'image', 'rich_text', 'markdown',
  'file', 'video', 'table', 'context_actions',
]);

const SELECT_TYPES = new Set([
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
  'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select',
  'multi_channels_select',
]);

const OTHER_ELEMENT_TYPES = new Set([
  'overflow', 'datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons',
  'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input',
  'file_input', 'workflow_button', 'feedback_buttons', 'icon_button',
]);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Length in code points, as Slack counts characters. */
function charCount(s: string): number {
  return Array.from(s).length;
}

class Collector {
  readonly problems: string[] = [];
  markdownTotal = 0;

  add(problem: string, pointer: string): void {
    this.problems.push(`${problem} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && charCount(value) > max) this.add(`must be less than ${max + 1} characters`, pointer);
  }

  text(obj: unknown, pointer: string, max: number, opts: { plainOnly?: boolean; required?: boolean } = {}): void {
    if (obj === undefined) {
      if (opts.required) {
        const field = pointer.slice(pointer.lastIndexOf('/') + 1);
        this.add(`missing required field: ${field}`, pointer.slice(0, pointer.lastIndexOf('/')) || '/');
      }
      return;
    }
    if (!isObject(obj)) {
      this.add('must be a text object', pointer);
      return;
    }
    const type = obj.type;
    if (type !== 'plain_text' && type !== 'mrkdwn') this.add('must be one of plain_text, mrkdwn', `${pointer}/type`);
    else if (opts.plainOnly && type !== 'plain_text') this.add('must be plain_text', `${pointer}/type`);
    if (typeof obj.text !== 'string') {
      this.add('missing required field: text', pointer);
      return;
    }
    if (obj.text.length === 0) this.add('must be more than 0 characters', `${pointer}/text`);
    this.maxLength(obj.text, max, `${pointer}/text`);
  }

  actionId(el: JsonObject, pointer: string, seen: Set<string>): void {
    const id = el.action_id;
    if (id === undefined) return;
    if (typeof id !== 'string') {
      this.add('must be a string', `${pointer}/action_id`);
      return;
    }
    this.maxLength(id, LIMITS.actionId, `${pointer}/action_id`);
    if (seen.has(id)) this.add(`duplicate action_id: ${id}`, `${pointer}/action_id`);
    seen.add(id);
  }

  confirm(obj: unknown, pointer: string): void {
    if (obj === undefined) return;
    if (!isObject(obj)) {
      this.add('must be a confirm object', pointer);
      return;
    }
    this.text(obj.title, `${pointer}/title`, LIMITS.confirmTitle, { plainOnly: true });
    this.text(obj.text, `${pointer}/text`, LIMITS.confirmText, { required: true });
    this.text(obj.confirm, `${pointer}/confirm`, LIMITS.confirmButton, { plainOnly: true });
    this.text(obj.deny, `${pointer}/deny`, LIMITS.confirmButton, { plainOnly: true });
  }

  options(list: unknown, pointer: string, max: number): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      this.add('must provide an array', pointer);
      return;
    }
    if (list.length > max) this.add(`no more than ${max} items allowed`, pointer);
    list.forEach((opt, i) => {
      const p = `${pointer}/${i}`;
      if (!isObject(opt)) {
        this.add('must be an option object', p);
        return;
      }
      this.text(opt.text, `${p}/text`, LIMITS.optionText, { required: true });
      if (typeof opt.value === 'string') this.maxLength(opt.value, LIMITS.optionValue, `${p}/value`);
    });
  }

  element(el: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isObject(el)) {
      this.add('must be an element object', pointer);
      return;
    }
    const type = el.type;
    if (typeof type !== 'string') {
      this.add('missing required field: type', pointer);
      return;
    }
    if (type === 'image') {
      this.imageFields(el, pointer);
      return;
    }
    if (type === 'button') {
      this.text(el.text, `${pointer}/text`, LIMITS.buttonText, { plainOnly: true, required: true });
      this.maxLength(el.value, LIMITS.buttonValue, `${pointer}/value`);
      this.maxLength(el.url, LIMITS.url, `${pointer}/url`);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        this.add('must be one of primary, danger', `${pointer}/style`);
      }
    } else if (SELECT_TYPES.has(type)) {
      this.text(el.placeholder, `${pointer}/placeholder`, LIMITS.placeholder, { plainOnly: true });
      this.options(el.options, `${pointer}/options`, LIMITS.options);
      if (type === 'static_select' || type === 'multi_static_select') {
        if (el.options === undefined && el.option_groups === undefined) this.add('missing required field: options', pointer);
      }
    } else if (type === 'overflow') {
      this.options(el.options, `${pointer}/options`, LIMITS.overflowOptions);
    } else if (type === 'checkboxes' || type === 'radio_buttons') {
      this.options(el.options, `${pointer}/options`, LIMITS.choiceOptions);
    } else if (OTHER_ELEMENT_TYPES.has(type)) {
      this.text(el.placeholder, `${pointer}/placeholder`, LIMITS.placeholder, { plainOnly: true });
    } else {
      this.add(`unsupported type: ${type}`, `${pointer}/type`);
      return;
    }
    this.actionId(el, pointer, actionIds);
    this.confirm(el.confirm, `${pointer}/confirm`);
  }

  imageFields(el: JsonObject, pointer: string): void {
    if (typeof el.alt_text !== 'string') this.add('missing required field: alt_text', pointer);
    else this.maxLength(el.alt_text, LIMITS.altText, `${pointer}/alt_text`);
    if (el.image_url === undefined && el.slack_file === undefined) this.add('missing required field: image_url', pointer);
    this.maxLength(el.image_url, LIMITS.url, `${pointer}/image_url`);
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObject(block)) {
      this.add('must be a block object', pointer);
      return;
    }
    const type = block.type;
    if (typeof type !== 'string') {
      this.add('missing required field: type', pointer);
      return;
    }
    if (!BLOCK_TYPES.has(type)) {
      this.add(`unsupported type: ${type}`, `${pointer}/type`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string') this.add('must be a string', `${pointer}/block_id`);
      else {
        this.maxLength(block.block_id, LIMITS.blockId, `${pointer}/block_id`);
        if (blockIds.has(block.block_id)) this.add(`duplicate block_id: ${block.block_id}`, `${pointer}/block_id`);
        blockIds.add(block.block_id);
      }
    }
    // action_ids must be unique within their block.
    const actionIds = new Set<string>();
    switch (type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.add('missing required field: text', pointer);
        this.text(block.text, `${pointer}/text`, LIMITS.sectionText);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.add('must provide an array', `${pointer}/fields`);
          else {
            if (block.fields.length > LIMITS.sectionFields) this.add(`no more than ${LIMITS.sectionFields} items allowed`, `${pointer}/fields`);
            block.fields.forEach((f, i) => this.text(f, `${pointer}/fields/${i}`, LIMITS.fieldText));
          }
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${pointer}/accessory`, actionIds);
        break;
      }
      case 'header':
        this.text(block.text, `${pointer}/text`, LIMITS.headerText, { plainOnly: true, required: true });
        break;
      case 'actions':
      case 'context_actions': {
        const els = block.elements;
        if (!Array.isArray(els)) {
          this.add('missing required field: elements', pointer);
          break;
        }
        if (els.length === 0) this.add('must provide at least 1 item', `${pointer}/elements`);
        if (els.length > LIMITS.actionsElements) this.add(`no more than ${LIMITS.actionsElements} items allowed`, `${pointer}/elements`);
        els.forEach((el, i) => this.element(el, `${pointer}/elements/${i}`, actionIds));
        break;
      }
      case 'context': {
        const els = block.elements;
        if (!Array.isArray(els)) {
          this.add('missing required field: elements', pointer);
          break;
        }
        if (els.length > LIMITS.contextElements) this.add(`no more than ${LIMITS.contextElements} items allowed`, `${pointer}/elements`);
        els.forEach((el, i) => {
          const p = `${pointer}/elements/${i}`;
          if (isObject(el) && el.type === 'image') this.imageFields(el, p);
          else this.text(el, p, LIMITS.sectionText);
        });
        break;
      }
      case 'input':
        this.text(block.label, `${pointer}/label`, LIMITS.inputLabel, { plainOnly: true, required: true });
        this.text(block.hint, `${pointer}/hint`, LIMITS.inputHint, { plainOnly: true });
        if (block.element === undefined) this.add('missing required field: element', pointer);
        else this.element(block.element, `${pointer}/element`, actionIds);
        break;
      case 'image':
        this.imageFields(block, pointer);
        this.text(block.title, `${pointer}/title`, LIMITS.altText, { plainOnly: true });
        break;
      case 'markdown':
        if (typeof block.text !== 'string') this.add('missing required field: text', pointer);
        else {
          this.markdownTotal += charCount(block.text);
          if (this.markdownTotal > LIMITS.markdownTotal) {
            this.add(`cumulative markdown text must be less than ${LIMITS.markdownTotal + 1} characters`, `${pointer}/text`);
          }
        }
        break;
      default:
        // divider, rich_text, file, video, table: no limits the app is likely to hit.
        break;
    }
  }
}

/** Validates a `blocks` array for a surface. Empty result: valid. */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const c = new Collector();
  if (!Array.isArray(blocks)) {
    c.add('must provide an array', pointer);
    return c.problems;
  }
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (blocks.length > max) c.add(`no more than ${max} items allowed`, pointer);
  const blockIds = new Set<string>();
  blocks.forEach((b: unknown, i) => c.block(b, `${pointer}/${i}`, blockIds));
  return c.problems;
}

/** Validates a view object (modal or Home tab), its blocks included. */
export function validateView(view: unknown, expected?: 'modal' | 'home'): string[] {
  const c = new Collector();
  if (!isObject(view)) {
    c.add('must be a view object', '/view');
    return c.problems;
  }
  const type = view.type;
  if (type !== 'modal' && type !== 'home') {
    c.add('must be one of modal, home', '/view/type');
    return c.problems;
  }
  if (expected && type !== expected) c.add(`must be ${expected}`, '/view/type');
  if (type === 'modal') {
    c.text(view.title, '/view/title', LIMITS.modalTitle, { plainOnly: true, required: true });
    c.text(view.submit, '/view/submit', LIMITS.modalButton, { plainOnly: true });
    c.text(view.close, '/view/close', LIMITS.modalButton, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.add('missing required field: submit', '/view');
  }
  c.maxLength(view.callback_id, LIMITS.callbackId, '/view/callback_id');
  c.maxLength(view.private_metadata, LIMITS.privateMetadata, '/view/private_metadata');
  c.maxLength(view.external_id, LIMITS.externalId, '/view/external_id');
  if (view.blocks === undefined) c.add('missing required field: blocks', '/view');
  else c.problems.push(...validateBlocks(view.blocks, type, '/view/blocks'));
  return c.problems;
}

/** Gives every block a block_id (and every interactive element an action_id), as Slack does. */
export function assignIds(blocks: readonly Block[], nextId: () => string): Block[] {
  return blocks.map((block) => {
    const copy: Block = structuredClone(block);
    if (copy.block_id === undefined && typeof copy.type === 'string' && copy.type !== 'divider') copy.block_id = nextId();
    const fill = (el: unknown): void => {
      if (isObject(el) && typeof el.type === 'string' && el.type !== 'image' && el.action_id === undefined
        && (el.type === 'button' || SELECT_TYPES.has(el.type) || OTHER_ELEMENT_TYPES.has(el.type))) {
        el.action_id = nextId();
      }
    };
    if (Array.isArray(copy.elements) && copy.type !== 'context' && copy.type !== 'rich_text') copy.elements.forEach(fill);
    fill(copy.accessory);
    fill(copy.element);
    return copy;
  });
}
