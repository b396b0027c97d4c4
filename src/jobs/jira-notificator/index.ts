/** The Jira ON_QA notificator (agents.md 3): the job, its run, and the pure rules it is made of. */
export { jiraNotificatorJob, notificatorLines, notificatorParamsSchema, JIRA_NOTIFICATOR_JOB, type JiraNotificatorJobDeps } from './job.ts';
export { runJiraNotificator, reportCounts, RUN_ERROR_MESSAGE, NOTIFICATOR_FIELDS, type NotificatorDeps, type NotificatorJira, type NotificatorOptions, type NotificatorReport } from './run.ts';
export { IssueActions, userLabel, type ActionKind, type IssueAction, type IssueView } from './actions.ts';
export { decide, decisionWrites, hasNotification, latestNotificationDates, latestOnQaTransition, type Decision, type LadderStep } from './decide.ts';
export * from './notifications.ts';
export { isMoreThan24WeekdayHours, parseJiraInstant, instantOf, type JiraInstant } from './time.ts';
export { githubPullRequestLabels, isPreMergeVerified, validPullRequests, type PullRequestLabels, type PullRequestRef } from './premerge.ts';
