/**
 * Turns what a test "types" into a modal (action_id or block_id -> value) into the
 * `view.state.values` structure Slack sends in view_submission, per input element type.
 * Like the Slack client, it refuses to submit a form whose required inputs are empty.
 */
import type { JsonObject, ViewRecord } from './types.ts';

export type SimpleValue = string | number | string[] | null;
export type StateValues = Record<string, Record<string, JsonObject>>;

function allOptions(el: JsonObject): JsonObject[] {
  const direct = Array.isArray(el.options) ? (el.options as JsonObject[]) : [];
  const grouped = Array.isArray(el.option_groups)
    ? (el.option_groups as JsonObject[]).flatMap((g) => (Array.isArray(g.options) ? (g.options as JsonObject[]) : []))
    : [];
  return [...direct, ...grouped];
}

function option(el: JsonObject, value: string, where: string): JsonObject {
  if (el.type === 'external_select' || el.type === 'multi_external_select') return { text: { type: 'plain_text', text: value }, value };
  const found = allOptions(el).find((o) => o.value === value);
  if (!found) {
    const known = allOptions(el).map((o) => String(o.value)).join(', ');
    throw new Error(`${where}: "${value}" is not one of the options (${known})`);
  }
  return found;
}

function asList(v: SimpleValue): string[] {
  if (v === null) return [];
  return Array.isArray(v) ? v : [String(v)];
}

function initialValue(el: JsonObject): SimpleValue | undefined {
  if (typeof el.initial_value === 'string') return el.initial_value;
  const opt = el.initial_option as JsonObject | undefined;
  if (opt && typeof opt.value === 'string') return opt.value;
  if (Array.isArray(el.initial_options)) return (el.initial_options as JsonObject[]).map((o) => String(o.value));
  for (const k of ['initial_user', 'initial_conversation', 'initial_channel', 'initial_date', 'initial_time']) {
    if (typeof el[k] === 'string') return el[k] as string;
  }
  for (const k of ['initial_users', 'initial_conversations', 'initial_channels']) {
    if (Array.isArray(el[k])) return el[k] as string[];
  }
  return undefined;
}

function stateEntry(el: JsonObject, v: SimpleValue, where: string): JsonObject {
  const type = String(el.type);
  const one = (): string | null => (v === null ? null : Array.isArray(v) ? (v[0] ?? null) : String(v));
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const s = one();
      return { type, selected_option: s === null ? null : option(el, s, where) };
    }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: asList(v).map((s) => option(el, s, where)) };
    case 'users_select':
      return { type, selected_user: one() };
    case 'multi_users_select':
      return { type, selected_users: asList(v) };
    case 'conversations_select':
      return { type, selected_conversation: one() };
    case 'multi_conversations_select':
      return { type, selected_conversations: asList(v) };
    case 'channels_select':
      return { type, selected_channel: one() };
    case 'multi_channels_select':
      return { type, selected_channels: asList(v) };
    case 'datepicker':
      return { type, selected_date: one() };
    case 'timepicker':
      return { type, selected_time: one() };
    case 'datetimepicker':
      return { type, selected_date_time: v === null ? null : Number(one()) };
    default:
      return { type, value: one() };
  }
}

function isEmpty(v: SimpleValue | undefined): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

export function buildStateValues(view: ViewRecord, values: Record<string, SimpleValue>): StateValues {
  const out: StateValues = {};
  const used = new Set<string>();
  for (const block of view.blocks) {
    if (block.type !== 'input') continue;
    const el = block.element as JsonObject | undefined;
    if (!el || typeof el.action_id !== 'string') continue;
    const blockId = String(block.block_id);
    const actionId = el.action_id;
    const key = actionId in values ? actionId : blockId in values ? blockId : undefined;
    if (key !== undefined) used.add(key);
    const given = key !== undefined ? values[key] : initialValue(el);
    const label = (block.label as JsonObject | undefined)?.text;
    const where = `input ${blockId}/${actionId}${label ? ` ("${String(label)}")` : ''}`;
    if (isEmpty(given) && block.optional !== true) {
      throw new Error(`${where} is required and has no value: the Slack client would not submit this form`);
    }
    out[blockId] = { [actionId]: stateEntry(el, given ?? null, where) };
  }
  const unknown = Object.keys(values).filter((k) => !used.has(k));
  if (unknown.length) {
    const known = view.blocks.filter((b) => b.type === 'input').map((b) => `${String(b.block_id)}/${String((b.element as JsonObject | undefined)?.action_id)}`);
    throw new Error(`no input with action_id or block_id ${unknown.join(', ')} in view ${view.id} (inputs: ${known.join(', ') || 'none'})`);
  }
  return out;
}
