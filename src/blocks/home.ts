/**
 * App Home: the release dashboard. Per release: owner, release date, the full checklist of
 * workflow steps in order, open blockers (with Resolve), the next step as a button; a Refresh
 * button on top; releases the viewer owns or leads first. Pure.
 */
import type { KnownBlock, View } from '@slack/types';
import type { TaskStatus } from '../release/tasks.ts';
import { humanTaskName } from '../release/tasks.ts';
import { HOME_REFRESH_ACTION_ID, runActionId } from './action-ids.ts';
import { mrkdwn, slackDate, type TextContext } from './format.ts';
import { blockerBlocks, esc, type ButtonValue } from './outcome.ts';

export interface HomeRelease {
  release: string;
  flow?: 'konflux' | 'errata';
  tasks: { name: string; status: TaskStatus }[];
  blockers: string[];
  /** Commands suggested as next steps (buttons). */
  next?: { label: string; command: string }[];
  /** QE owner (e-mail as StateBox recorded it). */
  owner?: string;
  releaseDate?: string;
  /** ISO time of the last StateBox change. */
  updatedAt?: string;
  /** The viewer owns it or leads its y-stream (sorted first, marked). */
  mine?: boolean;
}

export interface HomeOptions extends TextContext {
  updatedAt: Date;
  error?: string;
  /** Where the releases come from, said in the context line. */
  source?: string;
  resolvable?: boolean;
}

export const TASK_EMOJI: Record<TaskStatus, string> = {
  'Not Started': ':white_circle:',
  'In Progress': ':hourglass_flowing_sand:',
  Pass: ':white_check_mark:',
  Fail: ':x:',
};

/** Releases the viewer owns or leads first, then newest first. */
export function sortForViewer(releases: HomeRelease[]): HomeRelease[] {
  return [...releases].sort((a, b) => Number(Boolean(b.mine)) - Number(Boolean(a.mine)) || b.release.localeCompare(a.release, 'en', { numeric: true }));
}

/**
 * The owner, as a mention when Slack knows the e-mail. Take Ownership can have passed without
 * oar-bot recording who (an earlier tool or a hand-edited StateBox: StateBox masks e-mails), and
 * the reader is then told so rather than "no owner yet" under a green Take Ownership.
 */
function ownerFact(r: HomeRelease, opts: HomeOptions): string {
  if (r.owner) return `owner ${mrkdwn(r.owner, opts)}`;
  const owned = r.tasks.some((t) => t.name === 'take-ownership' && t.status === 'Pass');
  return owned ? '_owner not recorded by oar-bot_' : '_no owner yet_';
}

function releaseBlocks(r: HomeRelease, opts: HomeOptions): KnownBlock[] {
  const passed = r.tasks.filter((t) => t.status === 'Pass').length;
  const facts = [
    r.flow ? (r.flow === 'konflux' ? 'Konflux flow' : 'Errata flow') : undefined,
    ownerFact(r, opts),
    r.releaseDate ? `ships ${esc(r.releaseDate)}` : undefined,
    `${passed}/${r.tasks.length} steps passed`,
    r.updatedAt ? `updated ${slackDate(r.updatedAt)}` : undefined,
  ].filter(Boolean);
  const checklist = r.tasks.map((t) => `${TASK_EMOJI[t.status]} ${esc(humanTaskName(t.name))}`).join('\n');
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: `${r.mine ? ':star: ' : ''}*${esc(r.release)}*${r.blockers.length ? `  :no_entry: ${r.blockers.length} blocker${r.blockers.length === 1 ? '' : 's'}` : ''}\n${facts.join(' · ')}` } },
    { type: 'section', text: { type: 'mrkdwn', text: (checklist || '_No tasks recorded yet._').slice(0, 2990) } },
  ];
  blocks.push(...blockerBlocks(r.blockers, r.release, opts).slice(1));
  const next = r.next ?? [];
  if (next.length) {
    blocks.push({
      type: 'actions',
      block_id: `oar_home_${r.release}`,
      elements: next.slice(0, 5).map((n, i) => ({
        type: 'button' as const,
        action_id: runActionId(i),
        text: { type: 'plain_text' as const, text: n.label.slice(0, 75) },
        value: JSON.stringify({ r: r.release, c: n.command } satisfies ButtonValue),
        // The first suggestion after "Status" is the next workflow step.
        ...(i === 1 ? { style: 'primary' as const } : {}),
      })),
    });
  }
  return blocks;
}

export function homeView(releases: HomeRelease[], opts: HomeOptions): View {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'OpenShift z-stream releases' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `Active releases${opts.source ? ` from ${esc(opts.source)}` : ''} · refreshed ${slackDate(opts.updatedAt)}` },
      accessory: { type: 'button', action_id: HOME_REFRESH_ACTION_ID, text: { type: 'plain_text', text: ':arrows_counterclockwise: Refresh', emoji: true }, value: 'refresh' },
    },
  ];
  if (opts.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${esc(opts.error)}` } });
  if (!releases.length && !opts.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_No active releases found._' } });
  for (const r of sortForViewer(releases)) {
    const more = releaseBlocks(r, opts);
    if (blocks.length + more.length > 98) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and more releases: \`/oar <release>\` shows any release.` }] });
      break; // 100 blocks per Home tab
    }
    blocks.push(...more);
  }
  return { type: 'home', blocks };
}
