/**
 * `/oar help` as Block Kit: the release workflow commands in their step order, then the other
 * release commands, controller and job commands, and legacy ones; each with its safety, a
 * one-line summary and a `/oar` example. Commands the caller cannot run are shown with the
 * role they need. Pure.
 */
import type { KnownBlock } from '@slack/types';
import { releaseWorkflowOrder } from '../release/tasks.ts';
import { SHARE_ACTION_ID } from './action-ids.ts';
import { fitText, splitOnLines } from '../integrations/slack-limits.ts';
import { esc, type SlackMessage } from './outcome.ts';

export interface HelpCommand {
  name: string;
  group: 'oar' | 'oarctl' | 'jobctl';
  safety: 'read' | 'write' | 'critical' | 'varies';
  needs: 'read' | 'write' | 'critical';
  summary: string;
  legacy: boolean;
  mayRun: boolean;
  scope: string;
  examples: string[];
}

export interface HelpViewer {
  userId: string;
  role: 'read' | 'write' | 'critical';
  /** Y-streams whose release-lead group the viewer is in (their role there is the lead role). */
  leads: string[];
}

const SAFETY: Record<HelpCommand['safety'], string> = {
  read: ':large_blue_circle: read',
  write: ':large_orange_circle: write',
  critical: ':red_circle: critical',
  varies: ':large_blue_circle: read / :large_orange_circle: write',
};

/** An example in Slack syntax: `oar -r 4.19.1 x` → `/oar 4.19.1 x`, `oarctl x` → `/oar x`. */
export function slackExample(cmd: Pick<HelpCommand, 'name' | 'scope' | 'examples'>): string {
  const slash = cmd.examples.find((e) => e.startsWith('/oar '));
  if (slash) return slash;
  const first = cmd.examples[0];
  if (first) {
    const m = /^oar\s+-r\s+(\S+)\s+(.*)$/.exec(first);
    if (m) return `/oar ${m[1]} ${m[2]}`;
    const g = /^(?:oar|oarctl|jobctl)\s+(.*)$/.exec(first);
    if (g) return `/oar ${g[1]}`;
  }
  const release = cmd.scope === 'zstream' ? '4.19.1 ' : cmd.scope === 'ystream' ? '4.19 ' : '';
  return `/oar ${release}${cmd.name}`;
}

function line(c: HelpCommand): string {
  const lock = c.mayRun ? '' : `  :lock: _needs ${c.needs}_`;
  return `*${esc(c.name)}* · ${SAFETY[c.safety]}${lock}\n${esc(c.summary)} · \`${esc(slackExample(c))}\``;
}

/** Commands grouped for reading: workflow steps in order, other release commands, controller, jobs, legacy. */
export function helpGroups(commands: HelpCommand[]): { title: string; commands: HelpCommand[] }[] {
  const order = releaseWorkflowOrder();
  const current = commands.filter((c) => !c.legacy);
  const workflow = order.map((n) => current.find((c) => c.name === n && c.group === 'oar')).filter((c): c is HelpCommand => Boolean(c));
  const rest = current.filter((c) => !workflow.includes(c));
  return [
    { title: ':arrow_right: Release workflow, in step order', commands: workflow },
    { title: ':clipboard: Other release commands', commands: rest.filter((c) => c.group === 'oar') },
    { title: ':gear: Controller commands', commands: rest.filter((c) => c.group === 'oarctl') },
    { title: ':bar_chart: Prow job commands', commands: rest.filter((c) => c.group === 'jobctl') },
    { title: ':file_cabinet: Legacy commands', commands: commands.filter((c) => c.legacy) },
  ].filter((g) => g.commands.length);
}

export function helpMessage(commands: HelpCommand[], viewer: HelpViewer, opts: { shareable?: boolean } = {}): SlackMessage {
  const runnable = commands.filter((c) => c.mayRun).length;
  const who = viewer.leads.length ? `You lead *${viewer.leads.map(esc).join(', ')}*: your role there is *${viewer.role}*.` : `Your role: *${viewer.role}*.`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'oar-bot commands', emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${who} You may run ${runnable} of ${commands.length} commands; the others show the role they need.\n\`/oar <release>\` shows a release's status; \`/oar help <command>\` shows a command's options.` } },
  ];
  for (const g of helpGroups(commands)) {
    blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: `*${g.title}*` } });
    for (const chunk of splitOnLines(g.commands.map(line).join('\n\n'), 2990)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: ':large_blue_circle: read: anyone · :large_orange_circle: write: changes something · :red_circle: critical: confirmed in a dialog · read / write: read-only when it only checks a status (e.g. `-i`), write when it starts something' }],
  });
  if (opts.shareable) blocks.push({ type: 'actions', block_id: 'oar_share', elements: [{ type: 'button', action_id: SHARE_ACTION_ID, text: { type: 'plain_text', text: 'Share in channel' }, value: 'oar help' }] });
  return { text: `oar-bot commands: you may run ${runnable} of ${commands.length}`, blocks };
}

/** `/oar help <command>`: the command's help text with examples in Slack syntax. */
export function commandHelpMessage(name: string, text: string, opts: { shareable?: boolean } = {}): SlackMessage {
  const seen = new Set<string>();
  const slackText = text
    .split('\n')
    .map((l) => l.replace(/^(\s*)oar\s+-r\s+(\S+)\s+/, '$1/oar $2 ').replace(/^(\s*)(?:oarctl|jobctl|oar)\s+(?=\S)/, '$1/oar '))
    // A terminal and a Slack spelling of one example are the same line once both read `/oar`.
    .filter((l) => !/^\s+\/oar /.test(l) || (!seen.has(l.trim()) && seen.add(l.trim())))
    .join('\n');
  const [title = name, ...body] = slackText.split('\n');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: fitText(`/oar help ${name}`, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: fitText(`*${esc(title)}*`, 2990) } },
    ...splitOnLines(esc(body.join('\n').trim()), 2990).map((t) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: slackRows(t) } })),
  ];
  if (opts.shareable) blocks.push({ type: 'actions', block_id: 'oar_share', elements: [{ type: 'button', action_id: SHARE_ACTION_ID, text: { type: 'plain_text', text: 'Share in channel' }, value: `oar help ${name}` }] });
  return { text: `/oar help ${name}`, blocks };
}

/**
 * The terminal's aligned rows (`  -i, --job-id    Prow job id`) read as rows in Slack too, where
 * runs of spaces collapse: the term in code, then its description; indentation as em spaces.
 */
function slackRows(text: string): string {
  return text
    .replace(/^( {2,})([^\s`](?:\S| (?! ))*) {2,}(\S.*)$/gm, '$1`$2`  $3')
    .replace(/^( {2,})/gm, (s) => '\u2003'.repeat(Math.ceil(s.length / 2)));
}
