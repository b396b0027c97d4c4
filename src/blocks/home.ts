/** App Home: the release dashboard. Pure. */
import type { KnownBlock, View } from '@slack/types';
import type { TaskStatus } from '../release/tasks.ts';
import { displayName } from '../release/tasks.ts';
import { esc, type ButtonValue } from './outcome.ts';

export interface HomeRelease {
  release: string;
  flow?: 'konflux' | 'errata';
  tasks: { name: string; status: TaskStatus }[];
  blockers: string[];
  /** Commands suggested as next steps (buttons). */
  next?: { label: string; command: string }[];
}

export const TASK_EMOJI: Record<TaskStatus, string> = {
  'Not Started': ':white_circle:',
  'In Progress': ':hourglass_flowing_sand:',
  Pass: ':white_check_mark:',
  Fail: ':x:',
};

export function homeView(releases: HomeRelease[], opts: { updatedAt: Date; error?: string }): View {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'OpenShift z-stream releases' } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Active releases · refreshed ${opts.updatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` }] },
  ];
  if (opts.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${esc(opts.error)}` } });
  if (!releases.length && !opts.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_No active releases found._' } });
  for (const r of releases) {
    if (blocks.length > 90) break; // 100 blocks per Home tab
    blocks.push({ type: 'divider' });
    const tasks = r.tasks.length ? r.tasks.map((t) => `${TASK_EMOJI[t.status]} ${esc(displayName(t.name))}`).join('\n') : '_No tasks recorded yet._';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${esc(r.release)}*${r.flow ? ` · ${r.flow === 'konflux' ? 'Konflux' : 'Errata'} flow` : ''}\n${tasks}`.slice(0, 2990) },
    });
    if (r.blockers.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: *Open blockers*\n${r.blockers.map((b) => `• ${esc(b)}`).join('\n')}`.slice(0, 2990) } });
    const next = r.next ?? [];
    if (next.length) {
      blocks.push({
        type: 'actions',
        block_id: `oar_home_${r.release}`,
        elements: next.slice(0, 5).map((n, i) => ({
          type: 'button' as const,
          action_id: `oar_run_${i}`,
          text: { type: 'plain_text' as const, text: n.label.slice(0, 75) },
          value: JSON.stringify({ r: r.release, c: n.command } satisfies ButtonValue),
        })),
      });
    }
  }
  return { type: 'home', blocks };
}

/** The natural next steps for a release from its task states. */
export function suggestNext(tasks: { name: string; status: TaskStatus }[]): { label: string; command: string }[] {
  const status = new Map(tasks.map((t) => [t.name, t.status]));
  const order: [string, string][] = [
    ['take-ownership', 'Take ownership'],
    ['check-cve-tracker-bug', 'Check CVE trackers'],
    ['image-consistency-check', 'Image consistency check'],
    ['push-to-cdn-staging', 'Push to CDN staging'],
    ['stage-testing', 'Stage testing'],
    ['image-signed-check', 'Image signed check'],
    ['change-advisory-status', 'Approve release'],
  ];
  const out = [{ label: 'Status', command: 'release-status' }];
  for (const [task, label] of order) {
    const s = status.get(task);
    if (s !== 'Pass' && s !== 'In Progress') {
      out.push({ label, command: task });
      if (out.length >= 3) break;
    }
  }
  return out;
}
