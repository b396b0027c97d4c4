/**
 * Names of the jobs that commands run by hand through the scheduler. They live apart from the
 * job code so a command definition can name its job without loading it (and the clients behind
 * it): `oar help` loads every command definition and must stay fast.
 */
export const JIRA_NOTIFICATOR_JOB = 'jira-notificator';
export const RELEASE_DETECTOR_JOB = 'release-detector';
