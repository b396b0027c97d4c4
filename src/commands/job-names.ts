/**
 * Names of the jobs that commands run by hand through the scheduler. They live apart from the
 * job code so a command definition can name its job without loading it (and the clients behind
 * it): `oar help` loads every command declaration and must stay fast. The jobs import them from here.
 */
export const JIRA_NOTIFICATOR_JOB = 'jira-notificator';
export const RELEASE_DETECTOR_JOB = 'release-detector';
