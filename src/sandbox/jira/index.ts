/** The simulated Jira: start it, seed it, read back what it recorded. */
export { startJiraSandbox, type FaultRule, type JiraCall, type JiraSandbox, type JiraSandboxOptions } from './server.ts';
export { JiraState, SANDBOX_TARGET_VERSION_FIELD, jiraTimestamp, type IssueSeed, type SandboxIssue, type SandboxUser } from './state.ts';
export { JqlError, parseJql, evaluate } from './jql.ts';
