/** The README's configuration reference, generated from the env schema. */
import { VARS, type VarDef } from './env.ts';

function defaultOf(def: VarDef): string {
  const r = def.schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return '';
  const v = r.data as unknown;
  if (Array.isArray(v)) return v.length ? v.join(',') : '';
  return String(v);
}

export function envTable(): string {
  const rows = ['| Variable | Feature | Default | Description |', '| --- | --- | --- | --- |'];
  for (const [name, def] of Object.entries(VARS) as [string, VarDef][]) {
    const d = defaultOf(def);
    rows.push(`| \`${name}\`${def.secret ? ' (secret)' : ''} | ${def.feature} | ${d ? `\`${d.replace(/\|/g, '\\|')}\`` : ''} | ${def.description.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}

export const ENV_START = '<!-- env-table:start -->';
export const ENV_END = '<!-- env-table:end -->';

export function replaceEnvTable(readme: string): string {
  const start = readme.indexOf(ENV_START);
  const end = readme.indexOf(ENV_END);
  if (start < 0 || end < start) throw new Error('README has no env-table markers');
  return `${readme.slice(0, start + ENV_START.length)}\n${envTable()}\n${readme.slice(end)}`;
}
