/**
 * The most dangerous mode of a command, for tool annotations and the `confirm` argument.
 * A command whose safety is a function of its options (`-i` status query is read-only, a
 * trigger is a write) is probed with typical option values; the worst answer wins. If no
 * probe can be evaluated the command is treated as critical, the safe assumption.
 */
import { describeOptions, type OptionInfo } from '../commands/options.ts';
import { ROLE_RANK, type AnyCommand, type Safety } from '../commands/types.ts';

function sampleValues(info: OptionInfo): unknown[] {
  const values: unknown[] = [undefined];
  if (info.defaultValue !== undefined) values.push(info.defaultValue);
  if (info.choices) values.push(...info.choices);
  switch (info.kind) {
    case 'boolean':
      values.push(true, false);
      break;
    case 'number':
      values.push(1, 0);
      break;
    case 'array':
      values.push(['x'], []);
      break;
    default:
      values.push('x', '');
  }
  return values;
}

export function maxSafety(def: AnyCommand): Safety {
  const safety = def.safety;
  if (typeof safety !== 'function') return safety;
  const infos = describeOptions(def);
  const defaults: Record<string, unknown> = {};
  for (const i of infos) if (i.defaultValue !== undefined) defaults[i.key] = i.defaultValue;
  const probes: Record<string, unknown>[] = [{}, defaults];
  const allSet: Record<string, unknown> = {};
  for (const i of infos) {
    const values = sampleValues(i);
    allSet[i.key] = values.find((v) => v !== undefined && v !== '' && v !== false && v !== 0);
    for (const v of values) probes.push({ ...defaults, [i.key]: v });
  }
  probes.push(allSet, ...(def.safetyProbes ?? []));
  let worst: Safety | undefined;
  for (const p of probes) {
    let s: Safety;
    try {
      s = safety(p);
    } catch {
      continue; // an impossible combination for this command; other probes cover it
    }
    if (!(s in ROLE_RANK)) continue;
    if (worst === undefined || ROLE_RANK[s] > ROLE_RANK[worst]) worst = s;
  }
  return worst ?? 'critical';
}
