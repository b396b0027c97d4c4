/** Outcome → plain text, for the terminal and MCP clients (a view like the Block Kit ones). Pure. */
import type { Plan } from '../commands/types.ts';
import type { RunResult } from '../commands/runner.ts';

const STATUS_WORD = { pass: 'PASS', fail: 'FAIL', in_progress: 'IN PROGRESS', info: '' } as const;

export function renderPlan(plan: Plan): string {
  const lines = [`Plan: ${plan.summary}`];
  for (const c of plan.changes) lines.push(`  - ${c.target}: ${c.from ? `${c.from} -> ` : ''}${c.to}`);
  for (const n of plan.notes ?? []) lines.push(`  note: ${n}`);
  if (plan.refused) lines.push(`  REFUSED: ${plan.refused}`);
  else if (plan.empty) lines.push('  (nothing to do)');
  return lines.join('\n');
}

export function renderResult(r: RunResult): string {
  switch (r.kind) {
    case 'done': {
      const o = r.outcome;
      const lines: string[] = [];
      const word = STATUS_WORD[o.status];
      lines.push(word ? `[${word}] ${o.summary}` : o.summary);
      for (const s of o.sections ?? []) {
        if (s.title) lines.push('', `${s.title}:`);
        for (const f of s.fields ?? []) lines.push(`  ${f.label}: ${f.value}`);
        for (const l of s.lines ?? []) lines.push(s.title ? `  ${l}` : l);
        for (const i of s.items ?? []) lines.push(`  ${i.label}${i.text ? `: ${i.text}` : ''}${i.at ? ` (${i.atLabel ? `${i.atLabel} ` : ''}${i.at})` : ''}`);
      }
      if (o.blockers?.length) lines.push('', 'Blockers:', ...o.blockers.map((b) => `  ! ${b.replace(/\n+/g, '\n    ')}`));
      if (o.links?.length) lines.push('', 'Links:', ...o.links.map((l) => `  ${l.label}: ${l.url}`));
      if (o.nextSteps?.length) lines.push('', `Next: ${o.nextSteps.map((n) => n.command).join(', ')}`);
      return lines.join('\n');
    }
    case 'needs-confirmation':
      return renderPlan(r.plan);
    default:
      return r.message;
  }
}
