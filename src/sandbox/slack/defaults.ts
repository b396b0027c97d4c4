/**
 * The workspace every simulated Slack starts with (unless `replaceDefaults` is set): a release
 * lead in the release-lead user groups, a viewer, an ART engineer, the bot, and the channels
 * the notifications go to.
 */
import type { SeedChannel, SeedGroup, SeedUser } from './types.ts';

export const SIM_TEAM = { id: 'T_SIM', domain: 'oar-sim', name: 'OAR Simulated Workspace' } as const;
export const SIM_APP_ID = 'A_OARBOT';
export const SIM_BOT = { userId: 'U_OARBOT', botId: 'B_OARBOT', name: 'oar-bot', realName: 'oar-bot' } as const;
export const SIM_TOKENS = { bot: 'xoxb-sim-0000-oar-bot-token', app: 'xapp-1-A_OARBOT-sim-app-token' } as const;

export const DEFAULT_USERS: readonly SeedUser[] = [
  { id: 'U_LEAD', name: 'release.lead', real_name: 'Rita Lead', email: 'release.lead@redhat.com' },
  { id: 'U_VIEWER', name: 'qe.viewer', real_name: 'Victor Viewer', email: 'qe.viewer@redhat.com' },
  { id: 'U_ART', name: 'art.engineer', real_name: 'Ada Art', email: 'art.engineer@redhat.com' },
];

export const DEFAULT_GROUPS: readonly SeedGroup[] = [
  { id: 'S_QE_REL_418', handle: 'openshift-qe-release-4-18', name: 'OpenShift QE release leads 4.18', users: ['U_LEAD'] },
  { id: 'S_QE_REL_419', handle: 'openshift-qe-release-4-19', name: 'OpenShift QE release leads 4.19', users: ['U_LEAD'] },
  { id: 'S_QE_REL_420', handle: 'openshift-qe-release-4-20', name: 'OpenShift QE release leads 4.20', users: ['U_LEAD'] },
  { id: 'S_QE', handle: 'openshift-qe', name: 'OpenShift QE', users: ['U_LEAD', 'U_VIEWER'] },
  { id: 'S_ART', handle: 'openshift-art', name: 'OpenShift ART', users: ['U_ART'] },
];

export const DEFAULT_CHANNELS: readonly SeedChannel[] = [
  { id: 'C_QE_RELEASE', name: 'team-qe-release' },
  { id: 'C_FORUM_QE', name: 'forum-qe' },
  { id: 'C_ART', name: 'forum-ocp-art' },
  { id: 'C_OPS', name: 'oar-ops' },
  // A private channel the bot is not in: posting there fails with not_in_channel.
  { id: 'G_PRIVATE', name: 'qe-private', isPrivate: true, members: ['U_LEAD'] },
];
