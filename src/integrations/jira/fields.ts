/** Jira custom fields (A.6). */
export const JIRA_FIELDS = {
  qaContact: 'customfield_10470',
  releaseBlocker: 'customfield_10847',
  sfdcCasesCounter: 'customfield_10978',
  sfdcCasesLinks: 'customfield_10979',
  needInfoFrom: 'customfield_10482',
} as const;
