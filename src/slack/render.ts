/**
 * Rendering a run result for Slack with what only Slack knows: e-mails of owners and contacts
 * become mentions when they map to a Slack user. The Block Kit itself is built in blocks/.
 */
import { resultMessage, type RunMeta, type SlackMessage } from '../blocks/outcome.ts';
import type { RunResult } from '../commands/runner.ts';
import type { ListenerDeps } from './deps.ts';
import { emailsIn } from './people.ts';

export async function renderResult(deps: Pick<ListenerDeps, 'people' | 'config'>, result: RunResult, meta: RunMeta, opts: { shareable?: boolean } = {}): Promise<SlackMessage> {
  const draft = resultMessage(result, meta);
  const emails = emailsIn(JSON.stringify(draft.blocks));
  const mentions = emails.length ? await deps.people.resolve(emails) : new Map<string, string>();
  return resultMessage(result, meta, { mentions, links: linkBases(deps.config), ...(opts.shareable ? { shareable: true } : {}) });
}

/** Where Jira keys and advisory numbers link to (the same defaults the integrations use). */
export function linkBases(config: ListenerDeps['config']): { jira: string; errata: string } {
  return { jira: config.JIRA_URL ?? 'https://issues.redhat.com', errata: config.ERRATA_URL ?? 'https://errata.devel.redhat.com' };
}
