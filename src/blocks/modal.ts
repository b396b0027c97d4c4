/** Confirmation modals for critical commands: pure view builders. */
import type { KnownBlock, View } from '@slack/types';
import type { Plan } from '../commands/types.ts';
import { esc, planBlocks } from './outcome.ts';

import { CONFIRM_ACTION, CONFIRM_BLOCK, CONFIRM_CALLBACK, RESOLVE_BLOCK, RESOLVE_CALLBACK, RESOLVE_INPUT } from './action-ids.ts';

export { CONFIRM_ACTION, CONFIRM_BLOCK, CONFIRM_CALLBACK };

export interface ConfirmMeta {
  pendingId: string;
  command: string;
  release: string;
  expiresAt: Date;
}

function header(meta: Pick<ConfirmMeta, 'command' | 'release'>): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: *${esc(meta.command)}* on *${esc(meta.release)}* is a critical operation.` } };
}

/** What the loading and the plan views of one confirmation share: the plan view replaces the loading one (views.update). */
function confirmView(pendingId: string, close: string, blocks: KnownBlock[]): View {
  return {
    type: 'modal',
    callback_id: CONFIRM_CALLBACK,
    private_metadata: pendingId,
    notify_on_close: true,
    title: { type: 'plain_text', text: 'Confirm operation' },
    close: { type: 'plain_text', text: close },
    blocks,
  };
}

/** Opened immediately (within the trigger_id's 3 s) while the plan is computed. */
export function loadingModal(meta: Pick<ConfirmMeta, 'command' | 'release' | 'pendingId'>): View {
  return confirmView(meta.pendingId, 'Cancel', [header(meta), { type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Working out what would change…' } }]);
}

export function confirmModal(meta: ConfirmMeta, plan: Plan): View {
  const minutes = Math.max(1, Math.round((meta.expiresAt.getTime() - Date.now()) / 60_000));
  const blocks: KnownBlock[] = [header(meta), { type: 'divider' }, ...planBlocks(plan).slice(0, 90), { type: 'divider' }];
  if (!plan.empty) {
    blocks.push({
      type: 'input',
      block_id: CONFIRM_BLOCK,
      label: { type: 'plain_text', text: `Type ${meta.release} to confirm` },
      element: { type: 'plain_text_input', action_id: CONFIRM_ACTION, placeholder: { type: 'plain_text', text: meta.release } },
    });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Only you can confirm. This confirmation expires in ${minutes} min.` }] });
  }
  return {
    ...confirmView(meta.pendingId, plan.empty ? 'Close' : 'Cancel', blocks),
    ...(plan.empty ? {} : { submit: { type: 'plain_text' as const, text: 'Run' } }),
  };
}

export function messageModal(title: string, text: string): View {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: esc(text).slice(0, 2990) } }],
  };
}

/** Read the typed release from a view submission's state. */
export function typedRelease(values: Record<string, Record<string, { value?: string | null }>> | undefined): string {
  return values?.[CONFIRM_BLOCK]?.[CONFIRM_ACTION]?.value?.trim() ?? '';
}

/** What the Resolve modal carries between opening and submission. */
export interface ResolveMeta {
  release: string;
  issue: string;
  channel?: string;
  threadTs?: string;
}

/** "Resolve blocker": shows the blocker and asks for the resolution. */
export function resolveModal(meta: ResolveMeta): View {
  return {
    type: 'modal',
    callback_id: RESOLVE_CALLBACK,
    private_metadata: JSON.stringify(meta).slice(0, 3000),
    title: { type: 'plain_text', text: 'Resolve blocker' },
    submit: { type: 'plain_text', text: 'Resolve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${esc(meta.release)}* · open blocker` } },
      { type: 'section', text: { type: 'mrkdwn', text: esc(meta.issue).slice(0, 2990) } },
      {
        type: 'input',
        block_id: RESOLVE_BLOCK,
        label: { type: 'plain_text', text: 'Resolution' },
        element: { type: 'plain_text_input', action_id: RESOLVE_INPUT, multiline: true, min_length: 3, placeholder: { type: 'plain_text', text: 'What fixed it, or why it no longer blocks the release' } },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Runs `resolve-issue` on the release; the result is posted in the channel.' }] },
    ],
  };
}

export function parseResolveMeta(raw: string): ResolveMeta | undefined {
  try {
    const m = JSON.parse(raw) as Partial<ResolveMeta>;
    return typeof m.release === 'string' && typeof m.issue === 'string' ? { release: m.release, issue: m.issue, ...(m.channel ? { channel: m.channel } : {}), ...(m.threadTs ? { threadTs: m.threadTs } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export function typedResolution(values: Record<string, Record<string, { value?: string | null }>> | undefined): string {
  return values?.[RESOLVE_BLOCK]?.[RESOLVE_INPUT]?.value?.trim() ?? '';
}
