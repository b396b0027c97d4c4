/**
 * Shared set-up of the bug and release-tracking command tests (update-bug-list, drop-bugs,
 * check-cve-tracker-bug, check-greenwave-cvp-tests, create-test-report, release-status): the
 * shared command world (test/helpers/command-world.ts) with the channels the demo ConfigStore
 * names added to the simulated Slack, and the world's LDAP.
 */
import type { AnyCommand } from '../../src/commands/types.ts';
import { startCommandWorld, taskOf, type CommandWorld, type CommandWorldOptions, type Done } from '../helpers/command-world.ts';

export { taskOf, type Done };

export type BugsHarness = CommandWorld;

export async function startBugsHarness(opts: { commands: AnyCommand[]; env?: Record<string, string>; omitEnv?: string[]; world?: CommandWorldOptions['world'] }): Promise<BugsHarness> {
  return startCommandWorld({
    ...opts,
    env: { OAR_DROP_BUGS_MERGE_POLL_MS: '5', ...opts.env },
    dataDirPrefix: 'oar-bugs-',
    prepareSlack: (slack) => {
      // Channels of the demo ConfigStore that the simulated workspace lacks.
      slack.addChannel({ id: 'C_FORUM_OCP_QE', name: 'forum-ocp-qe' });
      slack.addChannel({ id: 'C_APPROVERS', name: 'ocp-approvers' });
      // The ART group by the handle the ConfigStore names (`contacts.slack.art.id`).
      slack.addGroup({ id: 'S_ART_TEAM', handle: 'art-team', name: 'ART team', users: ['U_ART'] });
      // The docs approvers by the handle the ConfigStore names (`contacts.slack.approver.doc_id`).
      slack.addGroup({ id: 'S_DOCS', handle: 'openshift-docs', name: 'OpenShift docs', users: ['U_ART'] });
    },
    overrides: (world) => ({ ldap: world.ldap }),
  });
}
