/**
 * The next step after a terminal failure, in one line: for missing configuration, which variables
 * to set (with the system they configure) and where the README explains them, or the playground to
 * try without credentials. Pure: the message in, a line (or nothing) out.
 */
import { VARS } from '../config/env.ts';
import { featureNeeding } from '../config/report.ts';

const README_CONFIG = 'README → "Configuration"';
const VAR_NAME = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|APITOKEN)\b/g;

/** Variables a failure message names that oar-bot reads (OAR_JWK, JIRA_TOKEN, …), in order. */
export function variablesIn(message: string): string[] {
  const names = [...message.matchAll(VAR_NAME)].map((m) => m[1]!).filter((n) => n in VARS);
  return [...new Set(names)];
}

const MISSING = /not found|not set|is missing|\bmissing\b|needs|not configured|required/i;

/** "Next: …" for a failure message, or undefined when there is nothing better to say than the message. */
export function nextStep(message: string, opts: { cli: string; playground?: boolean } = { cli: 'oar' }): string | undefined {
  const vars = variablesIn(message);
  if (vars.length && MISSING.test(message)) {
    const feature = featureNeeding(vars[0]!);
    const all = [...new Set([...vars, ...(feature?.needs ?? [])])];
    const what = feature ? ` (${feature.feature}: ${feature.does})` : '';
    const set = `set ${all.join(' and ')}${what}; see ${README_CONFIG}`;
    return opts.playground ? `Next: ${set}.` : `Next: ${set}, or try it against the local playground: \`npm start\`, then \`npx ${opts.cli} --playground …\`.`;
  }
  if (vars.length && /401|403|unauthori[sz]ed|forbidden|authentication|credentials/i.test(message)) {
    return `Next: check ${vars.join(', ')} (the credentials were refused); see ${README_CONFIG}.`;
  }
  return undefined;
}
