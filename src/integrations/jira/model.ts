/**
 * Jira REST v2 wire shapes (validated with zod where the code relies on them) and the typed
 * `JiraIssue` the rest of oar-bot works with. Custom field ids are in fields.ts (A.6).
 */
import { z } from 'zod';
import { JIRA_FIELDS } from './fields.ts';

// --- wire schemas (loose: Jira adds fields freely; we keep what we read) ---------------------------

export const userSchema = z.looseObject({
  accountId: z.string().optional(),
  /** Data Center user name (mentions `[~name]`, assignee `{name}`). */
  name: z.string().optional(),
  key: z.string().optional(),
  /** Absent or null when the user hides it (privacy): treated as none. */
  emailAddress: z.string().nullish(),
  displayName: z.string().nullish(),
  active: z.boolean().optional(),
});
export type JiraUser = z.infer<typeof userSchema>;

const nameOnly = z.looseObject({ name: z.string() });

export const commentSchema = z.looseObject({
  id: z.string(),
  /** REST v2: a plain wiki-markup string (prefix matching depends on it). */
  body: z.string(),
  created: z.string(),
  updated: z.string().optional(),
  author: userSchema.nullish(),
});
export type JiraComment = z.infer<typeof commentSchema>;

export const commentPageSchema = z.looseObject({
  comments: z.array(commentSchema),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

export const changelogItemSchema = z.looseObject({
  field: z.string(),
  fieldtype: z.string().optional(),
  from: z.string().nullish(),
  fromString: z.string().nullish(),
  to: z.string().nullish(),
  toString: z.string().nullish(),
});

export const historySchema = z.looseObject({
  id: z.string(),
  created: z.string(),
  author: userSchema.nullish(),
  items: z.array(changelogItemSchema),
});
export type JiraHistory = z.infer<typeof historySchema>;

export const changelogSchema = z.looseObject({
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  histories: z.array(historySchema),
});

/** `GET /rest/api/2/issue/{key}/changelog` (Cloud): a page of histories under `values`. */
export const changelogPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number(),
  isLast: z.boolean().optional(),
  values: z.array(historySchema),
});

export const rawIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  changelog: changelogSchema.optional(),
});
export type RawIssue = z.infer<typeof rawIssueSchema>;

/** Cloud enhanced search (`/search/jql`): cursor paging. */
export const enhancedSearchSchema = z.looseObject({
  issues: z.array(rawIssueSchema),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/** Classic search (`/search`, Data Center): offset paging. */
export const classicSearchSchema = z.looseObject({
  issues: z.array(rawIssueSchema),
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number(),
  warningMessages: z.array(z.string()).optional(),
});

export const transitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string(), name: z.string(), to: nameOnly.optional() })),
});
export interface JiraTransition {
  id: string;
  name: string;
  to?: string;
}

export const remoteLinkSchema = z.looseObject({
  id: z.number(),
  globalId: z.string().optional(),
  relationship: z.string().optional(),
  object: z.looseObject({ url: z.string(), title: z.string().optional() }),
});
export interface JiraRemoteLink {
  id: number;
  url: string;
  title?: string;
  relationship?: string;
}

export const createdIssueSchema = z.looseObject({ id: z.string(), key: z.string(), self: z.string().optional() });
export type CreatedIssue = z.infer<typeof createdIssueSchema>;

export const createdCommentSchema = z.looseObject({ id: z.string(), created: z.string().optional(), body: z.string().optional() });

/** Jira's error body: `{"errorMessages": [...], "errors": {field: msg}}`. */
export const errorBodySchema = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});

// --- the typed model ------------------------------------------------------------------------------

export interface JiraSubtask {
  key: string;
  summary: string;
  status: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  status: string;
  priority: string | null;
  issueType: string | null;
  labels: string[];
  components: string[];
  fixVersions: string[];
  assignee: JiraUser | null;
  reporter: JiraUser | null;
  /** customfield_10470 */
  qaContact: JiraUser | null;
  /** customfield_10847 option value (`Approved`, `Proposed`, `Rejected`, ...). */
  releaseBlocker: string | null;
  /** customfield_10978: opaque on Cloud (encrypted string); present means at least one case. */
  sfdcCasesCounter: string | number | null;
  /** customfield_10979 */
  sfdcCasesLinks: string | null;
  /** customfield_10482 (multi-user). */
  needInfoFrom: JiraUser[];
  subtasks: JiraSubtask[];
  /** Only when comments were requested. */
  comments?: JiraComment[];
  /** Only when the changelog was requested. Oldest first. */
  changelog?: JiraHistory[];
  /** Raw fields, for anything not modelled above. */
  fields: Record<string, unknown>;
}

/** Fields a typical caller needs; `comment` is left out because it is heavy. */
export const DEFAULT_ISSUE_FIELDS: readonly string[] = [
  'summary',
  'status',
  'priority',
  'issuetype',
  'labels',
  'components',
  'fixVersions',
  'assignee',
  'reporter',
  'subtasks',
  JIRA_FIELDS.qaContact,
  JIRA_FIELDS.releaseBlocker,
  JIRA_FIELDS.sfdcCasesCounter,
  JIRA_FIELDS.sfdcCasesLinks,
  JIRA_FIELDS.needInfoFrom,
];

function user(value: unknown): JiraUser | null {
  const parsed = userSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function users(value: unknown): JiraUser[] {
  if (!Array.isArray(value)) return [];
  return value.map(user).filter((u): u is JiraUser => u !== null);
}

function named(value: unknown): string | null {
  const parsed = nameOnly.safeParse(value);
  return parsed.success ? parsed.data.name : null;
}

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.map(named).filter((n): n is string => n !== null) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Opaque values keep their presence: anything non-null stays non-null. */
function opaque(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  return JSON.stringify(value);
}

function optionValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return null;
}

function subtasks(value: unknown): JiraSubtask[] {
  if (!Array.isArray(value)) return [];
  const out: JiraSubtask[] = [];
  for (const item of value) {
    const parsed = z.looseObject({ key: z.string(), fields: z.record(z.string(), z.unknown()).optional() }).safeParse(item);
    if (!parsed.success) continue;
    const f = parsed.data.fields ?? {};
    out.push({ key: parsed.data.key, summary: typeof f.summary === 'string' ? f.summary : '', status: named(f.status) ?? '' });
  }
  return out;
}

/**
 * The typed view of a wire issue. Fields that were not requested come back empty (null, []),
 * so ask for what you read (DEFAULT_ISSUE_FIELDS covers the usual needs).
 */
export function toJiraIssue(raw: RawIssue, extra: { comments?: JiraComment[]; changelog?: JiraHistory[] } = {}): JiraIssue {
  const f = raw.fields ?? {};
  const issue: JiraIssue = {
    id: raw.id,
    key: raw.key,
    summary: typeof f.summary === 'string' ? f.summary : '',
    status: named(f.status) ?? '',
    priority: named(f.priority),
    issueType: named(f.issuetype),
    labels: strings(f.labels),
    components: names(f.components),
    fixVersions: names(f.fixVersions),
    assignee: user(f.assignee),
    reporter: user(f.reporter),
    qaContact: user(f[JIRA_FIELDS.qaContact]),
    releaseBlocker: optionValue(f[JIRA_FIELDS.releaseBlocker]),
    sfdcCasesCounter: opaque(f[JIRA_FIELDS.sfdcCasesCounter]),
    sfdcCasesLinks: (() => {
      const v = opaque(f[JIRA_FIELDS.sfdcCasesLinks]);
      return v === null ? null : String(v);
    })(),
    needInfoFrom: users(f[JIRA_FIELDS.needInfoFrom]),
    subtasks: subtasks(f.subtasks),
    fields: f,
  };
  const comments = extra.comments ?? (f.comment !== undefined ? commentPageSchema.safeParse(f.comment).data?.comments : undefined);
  if (comments) issue.comments = comments;
  const changelog = extra.changelog ?? raw.changelog?.histories;
  if (changelog) issue.changelog = [...changelog].sort((a, b) => jiraTime(a.created) - jiraTime(b.created));
  return issue;
}

/**
 * Milliseconds since the epoch of a Jira timestamp such as `2025-07-15T14:10:20.862+0000`
 * (the offset has no colon, which Date.parse does not promise to accept).
 */
export function jiraTime(value: string): number {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) throw new RangeError(`not a Jira timestamp: ${JSON.stringify(value)}`);
  return ms;
}

/**
 * Mention syntax in REST v2 wiki markup: `[~accountId:ID] ` on Cloud, `[~name] ` on Data Center;
 * each followed by a space (agents.md 3.3).
 */
export function mention(u: JiraUser): string {
  if (u.accountId) return `[~accountId:${u.accountId}] `;
  if (u.name) return `[~${u.name}] `;
  throw new RangeError(`cannot mention a Jira user without accountId or name (${u.displayName ?? 'unknown'})`);
}

export function mentions(list: readonly JiraUser[]): string {
  return list.map(mention).join('');
}

/** How a user is referenced in writes: accountId on Cloud, name on Data Center. */
export function userRef(u: JiraUser): { accountId: string } | { name: string } {
  if (u.accountId) return { accountId: u.accountId };
  if (u.name) return { name: u.name };
  throw new RangeError(`Jira user ${u.displayName ?? ''} has neither accountId nor name`);
}

/** Same person? accountId on Cloud, name on Data Center. */
export function sameUser(a: JiraUser, b: JiraUser): boolean {
  if (a.accountId && b.accountId) return a.accountId === b.accountId;
  if (a.name && b.name) return a.name === b.name;
  return false;
}
