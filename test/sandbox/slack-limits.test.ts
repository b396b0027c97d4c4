/**
 * Block Kit limits the simulator enforces, each at its boundary (at the limit: fine; one over: refused).
 */
import { describe, expect, it } from 'vitest';
import { LIMITS, validateBlocks, validateView } from '../../src/sandbox/slack/index.ts';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (text: string, actionId = 'a') => ({ type: 'button', action_id: actionId, text: { type: 'plain_text', text } });
const modal = (over: Record<string, unknown> = {}) => ({ type: 'modal', title: { type: 'plain_text', text: 'Title' }, blocks: [], ...over });
const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));

describe('block limits', () => {
  it.each([
    ['blocks per message', dividers(50), dividers(51), 'no more than 50 items allowed [json-pointer:/blocks]'],
    ['section text', [section('a'.repeat(3000))], [section('a'.repeat(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['section field', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2000) }] }],
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], 'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'],
    ['header text', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }],
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['button text', [{ type: 'actions', elements: [button('b'.repeat(75))] }],
      [{ type: 'actions', elements: [button('b'.repeat(76))] }], 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    ['action_id', [{ type: 'actions', elements: [button('ok', 'x'.repeat(255))] }],
      [{ type: 'actions', elements: [button('ok', 'x'.repeat(256))] }], 'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]'],
    ['elements per actions block', [{ type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button('ok', `a${i}`)) }],
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button('ok', `a${i}`)) }], 'no more than 25 items allowed [json-pointer:/blocks/0/elements]'],
  ])('%s', (_name, atLimit, overLimit, problem) => {
    expect(validateBlocks(atLimit, 'message')).toEqual([]);
    expect(validateBlocks(overLimit, 'message')).toEqual([problem]);
  });

  it('counts characters as code points, as Slack does', () => {
    expect(validateBlocks([section('😀'.repeat(3000))], 'message')).toEqual([]);
    expect(validateBlocks([section('😀'.repeat(3001))], 'message')).toHaveLength(1);
  });

  it('allows 100 blocks in a modal or Home tab', () => {
    expect(validateBlocks(dividers(100), 'modal')).toEqual([]);
    expect(validateBlocks(dividers(101), 'home')).toEqual(['no more than 100 items allowed [json-pointer:/blocks]']);
  });

  it('refuses unknown types, duplicate ids, empty and malformed text', () => {
    expect(validateBlocks([{ type: 'sektion' }], 'message')).toEqual(['unsupported type: sektion [json-pointer:/blocks/0/type]']);
    expect(validateBlocks([{ type: 'divider', block_id: 'x' }, { type: 'divider', block_id: 'x' }], 'message'))
      .toEqual(['duplicate block_id: x [json-pointer:/blocks/1/block_id]']);
    expect(validateBlocks([{ type: 'actions', elements: [button('a', 'same'), button('b', 'same')] }], 'message'))
      .toEqual(['duplicate action_id: same [json-pointer:/blocks/0/elements/1/action_id]']);
    expect(validateBlocks([section('')], 'message')).toEqual(['must be more than 0 characters [json-pointer:/blocks/0/text/text]']);
    expect(validateBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], 'message')).toEqual(['must be plain_text [json-pointer:/blocks/0/text/type]']);
    expect(validateBlocks({ type: 'divider' }, 'message')).toEqual(['must provide an array [json-pointer:/blocks]']);
    expect(validateBlocks([{ type: 'actions', elements: [{ type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'ok' }, style: 'loud' }] }], 'message'))
      .toEqual(['must be one of primary, danger [json-pointer:/blocks/0/elements/0/style]']);
  });

  it('checks text across markdown blocks cumulatively', () => {
    const md = (n: number) => ({ type: 'markdown', text: 'm'.repeat(n) });
    expect(validateBlocks([md(6000), md(6000)], 'message')).toEqual([]);
    expect(validateBlocks([md(6000), md(6001)], 'message')).toEqual([`cumulative markdown text must be less than ${LIMITS.markdownTotal + 1} characters [json-pointer:/blocks/1/text]`]);
  });
});

describe('view limits', () => {
  it('limits the modal title, submit and close to 24 characters', () => {
    expect(validateView(modal({ title: { type: 'plain_text', text: 't'.repeat(24) } }))).toEqual([]);
    expect(validateView(modal({ title: { type: 'plain_text', text: 't'.repeat(25) } }))).toEqual(['must be less than 25 characters [json-pointer:/view/title/text]']);
    expect(validateView(modal({ submit: { type: 'plain_text', text: 's'.repeat(25) } }))).toEqual(['must be less than 25 characters [json-pointer:/view/submit/text]']);
  });

  it('needs a title, a submit button with inputs, and sane metadata sizes', () => {
    expect(validateView({ type: 'modal', blocks: [] })).toEqual(['missing required field: title [json-pointer:/view]']);
    const input = { type: 'input', label: { type: 'plain_text', text: 'Release' }, element: { type: 'plain_text_input', action_id: 'r' } };
    expect(validateView(modal({ blocks: [input] }))).toEqual(['missing required field: submit [json-pointer:/view]']);
    expect(validateView(modal({ private_metadata: 'p'.repeat(3001) }))).toEqual(['must be less than 3001 characters [json-pointer:/view/private_metadata]']);
    expect(validateView(modal({ type: 'home' }), 'modal')).toEqual(['must be modal [json-pointer:/view/type]']);
    expect(validateView({ type: 'home', blocks: dividers(100) })).toEqual([]);
  });
});
