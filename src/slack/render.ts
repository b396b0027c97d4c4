/**
 * Rendering a run result for Slack with what only the front end knows: e-mails of owners and
 * contacts become mentions when they map to a Slack user, where Jira and Errata live, whether
 * the engine can resolve blockers, where the release's StateBox opens in a browser. The Block
 * Kit itself is built in blocks/.
 */
import { approvalChannelMessage } from '../blocks/approval.ts';
import { resultMessage, type RenderOptions, type RunMeta, type SlackMessage } from '../blocks/outcome.ts';
import type { RunResult } from '../commands/runner.ts';
import { DEFAULT_ERRATA_URL } from '../integrations/errata/client.ts';
import { ystreamOf } from '../release/version.ts';
import type { ListenerDeps } from './deps.ts';
import { emailsIn } from './people.ts';

/** The command that resolves a blocker (its Resolve button appears only when the engine has it). */
export const RESOLVE_COMMAND = 'resolve-issue';

export async function renderResult(deps: Pick<ListenerDeps, 'people' | 'config' | 'registry'>, result: RunResult, meta: RunMeta, opts: { shareable?: boolean } = {}): Promise<SlackMessage> {
  // Waiting for a second person: the channel says so at a glance; the request is in the thread.
  if (result.kind === 'pending-approval') return approvalChannelMessage(result.approval);
  const base = renderOptions(deps, meta.release);
  const draft = resultMessage(result, meta, base);
  const emails = emailsIn(JSON.stringify(draft.blocks));
  if (!emails.length && !opts.shareable) return draft;
  const mentions = emails.length ? await deps.people.resolve(emails) : new Map<string, string>();
  return resultMessage(result, meta, { ...base, mentions, ...(opts.shareable ? { shareable: true } : {}) });
}

export function renderOptions(deps: Pick<ListenerDeps, 'config' | 'registry'>, release: string): RenderOptions {
  const { config } = deps;
  const y = release ? ystreamOf(release) : undefined;
  return {
    links: { jira: config.JIRA_URL ?? 'https://issues.redhat.com', errata: config.ERRATA_URL ?? DEFAULT_ERRATA_URL },
    resolvable: Boolean(deps.registry.get(RESOLVE_COMMAND)),
    ...(config.GITHUB_TOKEN && y && release !== y ? { stateboxUrl: `https://github.com/${config.OAR_GITHUB_REPO}/blob/${config.OAR_STATEBOX_BRANCH}/_releases/${y}/statebox/${release}.yaml` } : {}),
  };
}
