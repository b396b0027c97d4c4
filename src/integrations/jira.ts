/**
 * Jira client (REST v2: comment bodies are plain wiki markup, so the `[~accountId:...]` mentions
 * render and the notificator's prefix matching works).
 *
 * - search by JQL with field selection and paging: Cloud enhanced search `/rest/api/2/search/jql`
 *   (nextPageToken cursor), Data Center classic `/rest/api/2/search` (startAt);
 * - bulk fetch by keys in `key in (...)` batches (100 per request by default: 300 bugs = 3 requests);
 * - comments, assignment, transitions by name, labels, the custom fields of A.6, user search,
 *   remote links, create issue.
 *
 * Every call goes through JiraTransport (timeouts, retries for idempotent calls, IntegrationError).
 */
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { JIRA_FIELDS } from './jira/fields.ts';
import { IntegrationError, type CallObserver, type FetchLike } from './http.ts';
import { assertIssueKey, keyInClause } from './jira/jql.ts';
import {
  DEFAULT_ISSUE_FIELDS,
  changelogPageSchema,
  classicSearchSchema,
  commentPageSchema,
  createdCommentSchema,
  createdIssueSchema,
  enhancedSearchSchema,
  rawIssueSchema,
  remoteLinkSchema,
  sameUser,
  toJiraIssue,
  transitionsSchema,
  userRef,
  userSchema,
  type CreatedIssue,
  type JiraComment,
  type JiraHistory,
  type JiraIssue,
  type JiraRemoteLink,
  type JiraTransition,
  type JiraUser,
  type RawIssue,
} from './jira/model.ts';
import { JIRA_SYSTEM, JiraTransport, jiraErrorMessages, type JiraAuth } from './jira/transport.ts';
import { z } from 'zod';
import { mapLimit } from '../limit.ts';

export type { JiraAuth } from './jira/transport.ts';
export { JiraTransport } from './jira/transport.ts';
export * from './jira/model.ts';
export * from './jira/jql.ts';
export * from './jira/classify.ts';

/** Cloud: enhanced search + accountId; Data Center: classic search + user names. */
export type JiraDeployment = 'cloud' | 'datacenter';

export interface JiraClientOptions {
  baseUrl: string;
  auth?: JiraAuth;
  deployment?: JiraDeployment;
  fetch?: FetchLike;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Retries of idempotent calls on 429/5xx/network errors (default 3). */
  retries?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** maxResults of one search page (default 100; Cloud caps pages with fields at 100). */
  pageSize?: number;
  /** Keys per `key in (...)` request (default 100). */
  keyBatchSize?: number;
  /** Batches in flight at once (default 4). */
  concurrency?: number;
  /** Base of browse links (default: baseUrl). */
  browseUrl?: string;
  logger?: Logger;
  observer?: CallObserver;
}

export interface SearchOptions {
  /** Fields to return (default DEFAULT_ISSUE_FIELDS); `comment` adds comments. */
  fields?: readonly string[];
  /** Expand the changelog (complete: truncated changelogs are fetched in full). */
  changelog?: boolean;
  /** Add `comment` to the fields (complete: truncated comment lists are fetched in full). */
  comments?: boolean;
  /** maxResults per page (default: the client's pageSize). */
  pageSize?: number;
  /** Stop after this many issues. */
  limit?: number;
  /** Completes "Jira did not answer <operation>" in errors (default mentions the JQL). */
  operation?: string;
  signal?: AbortSignal;
}

export interface BulkResult {
  /** In the order of the requested keys (first occurrence), without duplicates. */
  issues: JiraIssue[];
  /** Requested keys Jira did not return (unknown, moved, or not visible to the token). */
  missing: string[];
}

export interface CustomFieldUpdate {
  qaContact?: JiraUser | null;
  /** Release Blocker option value, e.g. `Approved`; null clears it. */
  releaseBlocker?: string | null;
  needInfoFrom?: readonly JiraUser[];
  sfdcCasesCounter?: string | number | null;
  sfdcCasesLinks?: string | null;
}

export interface NewIssue {
  project: string;
  issueType: string;
  summary: string;
  /** Wiki markup (REST v2). */
  description?: string;
  labels?: string[];
  components?: string[];
  /** Anything else, sent as is. */
  fields?: Record<string, unknown>;
}

const MAX_PAGES = 1000;
const NONEXISTENT_KEY = [/An issue with key '([^']+)' does not exist/i, /The issue key '([^']+)' for field 'key' is invalid/i];

function shortJql(jql: string): string {
  return jql.length > 80 ? `${jql.slice(0, 77)}...` : jql;
}


export class JiraClient {
  readonly deployment: JiraDeployment;
  readonly baseUrl: string;
  readonly transport: JiraTransport;
  private readonly pageSize: number;
  private readonly keyBatchSize: number;
  private readonly concurrency: number;
  private readonly browseBase: string;
  private readonly log: Logger;

  constructor(opts: JiraClientOptions) {
    this.transport = new JiraTransport(opts);
    this.baseUrl = this.transport.baseUrl;
    this.deployment = opts.deployment ?? 'cloud';
    this.pageSize = opts.pageSize ?? 100;
    this.keyBatchSize = opts.keyBatchSize ?? 100;
    this.concurrency = opts.concurrency ?? 4;
    this.browseBase = (opts.browseUrl ?? this.baseUrl).replace(/\/+$/, '');
    this.log = opts.logger ?? silentLogger;
    if (this.pageSize < 1 || this.keyBatchSize < 1) throw new RangeError('Jira pageSize and keyBatchSize must be at least 1');
  }

  /** `https://redhat.atlassian.net/browse/OCPBUGS-1` */
  browseUrl(key: string): string {
    return `${this.browseBase}/browse/${key}`;
  }

  /** The authenticated user: a cheap credentials check. */
  async myself(): Promise<JiraUser> {
    return this.transport.request('checking the Jira credentials', { url: '/rest/api/2/myself', schema: userSchema });
  }

  // --- search ------------------------------------------------------------------------------------

  /** Every issue matching `jql` (all pages, up to `limit`). */
  async search(jql: string, opts: SearchOptions = {}): Promise<JiraIssue[]> {
    const out: JiraIssue[] = [];
    for await (const page of this.searchPages(jql, opts)) out.push(...page);
    return out;
  }

  /** Pages of issues matching `jql`, one request per page (plus completion of truncated lists). */
  async *searchPages(jql: string, opts: SearchOptions = {}): AsyncGenerator<JiraIssue[]> {
    const operation = opts.operation ?? `searching issues with JQL "${shortJql(jql)}"`;
    const fields = this.fieldsFor(opts);
    const pageSize = opts.pageSize ?? this.pageSize;
    let seen = 0;
    for await (const raws of this.rawPages(jql, fields, pageSize, opts, operation)) {
      let page = raws;
      if (opts.limit !== undefined) page = page.slice(0, Math.max(0, opts.limit - seen));
      seen += page.length;
      yield await Promise.all(page.map((raw) => this.complete(raw, opts, operation)));
      if (opts.limit !== undefined && seen >= opts.limit) return;
    }
  }

  private fieldsFor(opts: SearchOptions): string[] {
    const fields = [...(opts.fields ?? DEFAULT_ISSUE_FIELDS)];
    if (opts.comments && !fields.includes('comment')) fields.push('comment');
    return fields;
  }

  private async *rawPages(jql: string, fields: string[], pageSize: number, opts: SearchOptions, operation: string): AsyncGenerator<RawIssue[]> {
    if (this.deployment === 'cloud') {
      let token: string | undefined;
      const tokens = new Set<string>();
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await this.transport.request(operation, {
          method: 'POST',
          url: '/rest/api/2/search/jql',
          body: { jql, maxResults: pageSize, fields, ...(opts.changelog ? { expand: 'changelog' } : {}), ...(token ? { nextPageToken: token } : {}) },
          schema: enhancedSearchSchema,
          idempotent: true,
          signal: opts.signal,
        });
        yield res.issues;
        token = res.nextPageToken ?? undefined;
        if (res.isLast === true || !token || res.issues.length === 0) return;
        // A cursor that repeats would loop forever; Jira never does this, a broken proxy might.
        if (tokens.has(token)) throw new IntegrationError({ system: JIRA_SYSTEM, operation, detail: 'the search cursor repeated itself' });
        tokens.add(token);
      }
    } else {
      let startAt = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await this.transport.request(operation, {
          method: 'POST',
          url: '/rest/api/2/search',
          body: { jql, startAt, maxResults: pageSize, fields, ...(opts.changelog ? { expand: ['changelog'] } : {}), validateQuery: 'warn' },
          schema: classicSearchSchema,
          idempotent: true,
          signal: opts.signal,
        });
        for (const w of res.warningMessages ?? []) this.log.warn({ jql: shortJql(jql) }, `Jira search warning: ${w}`);
        yield res.issues;
        startAt += res.issues.length;
        if (res.issues.length === 0 || startAt >= res.total) return;
      }
    }
  }

  /** Turn a wire issue into a JiraIssue, fetching the rest of a truncated changelog / comment list. */
  private async complete(raw: RawIssue, opts: SearchOptions, operation: string): Promise<JiraIssue> {
    const extra: { comments?: JiraComment[]; changelog?: JiraHistory[] } = {};
    if (opts.changelog && raw.changelog) {
      const { histories, total } = raw.changelog;
      if (total !== undefined && total > histories.length) extra.changelog = await this.getChangelog(raw.key, { signal: opts.signal, operation });
    }
    if (opts.comments && raw.fields?.comment !== undefined) {
      const page = commentPageSchema.safeParse(raw.fields.comment);
      if (page.success && page.data.total !== undefined && page.data.total > page.data.comments.length) {
        extra.comments = await this.getComments(raw.key, { signal: opts.signal, operation });
      }
    }
    return toJiraIssue(raw, extra);
  }

  // --- bulk by keys ------------------------------------------------------------------------------

  /**
   * Issues by key, `key in (...)` in batches (default 100 per request, a few in flight).
   * Unknown or invisible keys are reported in `missing`, never fail the whole fetch.
   */
  async getIssuesByKeys(keys: readonly string[], opts: Omit<SearchOptions, 'limit'> & { batchSize?: number } = {}): Promise<BulkResult> {
    const wanted = [...new Set(keys.map((k) => assertIssueKey(k.trim())))];
    if (wanted.length === 0) return { issues: [], missing: [] };
    const batchSize = opts.batchSize ?? this.keyBatchSize;
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += batchSize) batches.push(wanted.slice(i, i + batchSize));
    const operation = opts.operation ?? `fetching ${wanted.length} issue${wanted.length === 1 ? '' : 's'} by key`;
    const found = await mapLimit(batches, this.concurrency, (batch) => this.fetchBatch(batch, { ...opts, operation }));
    const byKey = new Map<string, JiraIssue>();
    for (const list of found) for (const issue of list) byKey.set(issue.key, issue);
    const issues: JiraIssue[] = [];
    const missing: string[] = [];
    for (const key of wanted) {
      const issue = byKey.get(key);
      if (issue) issues.push(issue);
      else missing.push(key);
    }
    return { issues, missing };
  }

  private async fetchBatch(batch: string[], opts: SearchOptions & { operation: string }): Promise<JiraIssue[]> {
    let keys = batch;
    // Cloud answers 400 when a key does not exist (or is invisible); drop the named keys and ask again.
    for (let attempt = 0; attempt < 3 && keys.length > 0; attempt++) {
      try {
        return await this.search(keyInClause(keys), { ...opts, pageSize: Math.max(keys.length, 1) });
      } catch (e) {
        const unknown = e instanceof IntegrationError && e.status === 400 ? nonexistentKeys(e.body) : [];
        const remaining = keys.filter((k) => !unknown.includes(k));
        if (unknown.length === 0 || remaining.length === keys.length) throw e;
        this.log.info({ keys: unknown }, 'Jira does not know (or does not show) these keys; fetching the others');
        keys = remaining;
      }
    }
    return [];
  }

  // --- single issue ------------------------------------------------------------------------------

  /** One issue; 404 and 403 (security bugs the token cannot read) are IntegrationErrors with that status. */
  async getIssue(key: string, opts: { fields?: readonly string[]; changelog?: boolean; comments?: boolean; signal?: AbortSignal } = {}): Promise<JiraIssue> {
    assertIssueKey(key);
    const operation = `reading ${key}`;
    const raw = await this.transport.request(operation, {
      url: `/rest/api/2/issue/${key}`,
      searchParams: { fields: this.fieldsFor(opts), expand: opts.changelog ? 'changelog' : undefined },
      schema: rawIssueSchema,
      signal: opts.signal,
    });
    return this.complete(raw, opts, operation);
  }

  /** The whole changelog, oldest first (Cloud pages it; Data Center returns it with the issue). */
  async getChangelog(key: string, opts: { signal?: AbortSignal; operation?: string } = {}): Promise<JiraHistory[]> {
    assertIssueKey(key);
    const operation = opts.operation ?? `reading the changelog of ${key}`;
    if (this.deployment === 'datacenter') {
      const raw = await this.transport.request(operation, {
        url: `/rest/api/2/issue/${key}`,
        searchParams: { fields: ['status'], expand: 'changelog' },
        schema: rawIssueSchema,
        signal: opts.signal,
      });
      return raw.changelog?.histories ?? [];
    }
    const out: JiraHistory[] = [];
    for (let startAt = 0, page = 0; page < MAX_PAGES; page++) {
      const res = await this.transport.request(operation, {
        url: `/rest/api/2/issue/${key}/changelog`,
        searchParams: { startAt, maxResults: 100 },
        schema: changelogPageSchema,
        signal: opts.signal,
      });
      out.push(...res.values);
      startAt += res.values.length;
      if (res.isLast === true || res.values.length === 0 || startAt >= res.total) break;
    }
    return out;
  }

  /** Every comment of an issue, oldest first. */
  async getComments(key: string, opts: { signal?: AbortSignal; operation?: string } = {}): Promise<JiraComment[]> {
    assertIssueKey(key);
    const operation = opts.operation ?? `reading the comments of ${key}`;
    const out: JiraComment[] = [];
    for (let startAt = 0, page = 0; page < MAX_PAGES; page++) {
      const res = await this.transport.request(operation, {
        url: `/rest/api/2/issue/${key}/comment`,
        searchParams: { startAt, maxResults: 100 },
        schema: commentPageSchema,
        signal: opts.signal,
      });
      out.push(...res.comments);
      startAt += res.comments.length;
      if (res.comments.length === 0 || res.total === undefined || startAt >= res.total) break;
    }
    return out;
  }

  // --- writes ------------------------------------------------------------------------------------

  /** Post a wiki-markup comment (mentions: `mention(user)`). Not retried: a retry could post twice. */
  async addComment(key: string, body: string): Promise<{ id: string; created?: string }> {
    assertIssueKey(key);
    if (body.trim() === '') throw new RangeError(`refusing to post an empty comment on ${key}`);
    return this.transport.request(`commenting on ${key}`, {
      method: 'POST',
      url: `/rest/api/2/issue/${key}/comment`,
      body: { body },
      schema: createdCommentSchema,
      // A 429 comes from the rate limiter before anything is posted; 5xx is still never retried.
      retryRateLimited: true,
    });
  }

  /** Edit fields / apply update operations (`PUT /rest/api/2/issue/{key}`). */
  async editIssue(key: string, edit: { fields?: Record<string, unknown>; update?: Record<string, unknown[]> }, operation = `updating ${key}`): Promise<void> {
    assertIssueKey(key);
    await this.transport.request(operation, { method: 'PUT', url: `/rest/api/2/issue/${key}`, body: edit });
  }

  /** Add labels with update operations: no read-modify-write race with other writers. */
  async addLabels(key: string, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    validateLabels(labels);
    await this.editIssue(key, { update: { labels: labels.map((add) => ({ add })) } }, `adding label ${labels.join(', ')} to ${key}`);
  }

  async removeLabels(key: string, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    validateLabels(labels);
    await this.editIssue(key, { update: { labels: labels.map((remove) => ({ remove })) } }, `removing label ${labels.join(', ')} from ${key}`);
  }

  /** Write the A.6 custom fields that are given (undefined = leave alone, null = clear). */
  async updateCustomFields(key: string, update: CustomFieldUpdate): Promise<void> {
    const fields: Record<string, unknown> = {};
    if (update.qaContact !== undefined) fields[JIRA_FIELDS.qaContact] = update.qaContact === null ? null : userRef(update.qaContact);
    if (update.releaseBlocker !== undefined) fields[JIRA_FIELDS.releaseBlocker] = update.releaseBlocker === null ? null : { value: update.releaseBlocker };
    if (update.needInfoFrom !== undefined) fields[JIRA_FIELDS.needInfoFrom] = update.needInfoFrom.map(userRef);
    if (update.sfdcCasesCounter !== undefined) fields[JIRA_FIELDS.sfdcCasesCounter] = update.sfdcCasesCounter;
    if (update.sfdcCasesLinks !== undefined) fields[JIRA_FIELDS.sfdcCasesLinks] = update.sfdcCasesLinks;
    if (Object.keys(fields).length === 0) return;
    await this.editIssue(key, { fields }, `updating ${Object.keys(fields).join(', ')} of ${key}`);
  }

  /**
   * Need-info(u) of agents.md 3.7 in one write: the edit-issue `add` verb on the multi-user
   * "Need Info From" field appends the users Jira does not list yet. No read, and no
   * read-modify-write that would overwrite someone else's concurrent change of the list.
   */
  async addNeedInfoFrom(key: string, users: JiraUser | readonly JiraUser[]): Promise<void> {
    const list = Array.isArray(users) ? (users as readonly JiraUser[]) : [users as JiraUser];
    const unique = list.filter((u, i) => list.findIndex((v) => sameUser(u, v)) === i);
    if (unique.length === 0) return;
    await this.editIssue(key, { update: { [JIRA_FIELDS.needInfoFrom]: unique.map((u) => ({ add: userRef(u) })) } }, `adding Need Info From on ${key}`);
  }

  // --- users and assignment ----------------------------------------------------------------------

  /** User search by name or e-mail (Cloud `query=`, Data Center `username=`). */
  async searchUsers(query: string, maxResults = 20): Promise<JiraUser[]> {
    if (query.trim() === '') throw new RangeError('a Jira user search needs a query');
    return this.transport.request(`searching Jira users for "${query}"`, {
      url: '/rest/api/2/user/search',
      searchParams: this.deployment === 'cloud' ? { query, maxResults } : { username: query, maxResults },
      schema: z.array(userSchema),
    });
  }

  /** The user whose e-mail equals `email` (case-insensitive), or null (agents.md 3.8 step 4). */
  async findUserByEmail(email: string): Promise<JiraUser | null> {
    const wanted = email.trim().toLowerCase();
    const found = (await this.searchUsers(email)).find((u) => (u.emailAddress ?? '').toLowerCase() === wanted) ?? null;
    if (!found) this.log.warn(`User was not found for email ${email}`);
    return found;
  }

  /** Set (or clear with null) the assignee. */
  async assign(key: string, user: JiraUser | null): Promise<void> {
    assertIssueKey(key);
    const body = user === null ? (this.deployment === 'cloud' ? { accountId: null } : { name: null }) : userRef(user);
    await this.transport.request(`assigning ${key}`, { method: 'PUT', url: `/rest/api/2/issue/${key}/assignee`, body });
  }

  /**
   * Assign to whoever `who` names (e-mail, name or accountId): exact accountId, then exact
   * e-mail, then the first search result (oar-commands.md 9.2).
   */
  async assignTo(key: string, who: string): Promise<JiraUser> {
    const candidates = await this.searchUsers(who);
    const lower = who.toLowerCase();
    const user =
      candidates.find((u) => u.accountId === who) ??
      candidates.find((u) => (u.emailAddress ?? '').toLowerCase() === lower) ??
      candidates[0];
    if (!user) {
      throw new IntegrationError({ system: JIRA_SYSTEM, operation: `assigning ${key}`, status: 404, userMessage: `Jira has no user matching "${who}", so ${key} was not assigned` });
    }
    await this.assign(key, user);
    return user;
  }

  // --- transitions -------------------------------------------------------------------------------

  async getTransitions(key: string): Promise<JiraTransition[]> {
    assertIssueKey(key);
    const res = await this.transport.request(`reading the transitions of ${key}`, { url: `/rest/api/2/issue/${key}/transitions`, schema: transitionsSchema });
    return res.transitions.map((t) => ({ id: t.id, name: t.name, ...(t.to ? { to: t.to.name } : {}) }));
  }

  /**
   * Transition by name (case-insensitive); a clear error lists the names that exist. `known`: the
   * issue's transitions read ahead (getTransitions), so the move costs only its POST.
   */
  async transition(key: string, name: string, known?: readonly JiraTransition[]): Promise<JiraTransition> {
    const transitions = known ?? (await this.getTransitions(key));
    const wanted = name.trim().toLowerCase();
    const match = transitions.find((t) => t.name.toLowerCase() === wanted);
    const operation = `moving ${key} to ${name}`;
    if (!match) {
      const available = transitions.map((t) => t.name).join(', ') || 'none';
      throw new IntegrationError({ system: JIRA_SYSTEM, operation, userMessage: `Jira issue ${key} has no transition named "${name}" (available: ${available})` });
    }
    await this.transport.request(operation, {
      method: 'POST',
      url: `/rest/api/2/issue/${key}/transitions`,
      body: { transition: { id: match.id }, fields: {} },
    });
    return match;
  }

  // --- remote links and creation -----------------------------------------------------------------

  async getRemoteLinks(key: string): Promise<JiraRemoteLink[]> {
    assertIssueKey(key);
    const links = await this.transport.request(`reading the remote links of ${key}`, { url: `/rest/api/2/issue/${key}/remotelink`, schema: z.array(remoteLinkSchema) });
    return links.map((l) => ({ id: l.id, url: l.object.url, ...(l.object.title !== undefined ? { title: l.object.title } : {}), ...(l.relationship !== undefined ? { relationship: l.relationship } : {}) }));
  }

  /** Create an issue (the Greenwave CVP report). Not retried. */
  async createIssue(issue: NewIssue): Promise<CreatedIssue> {
    if (!issue.summary.trim()) throw new RangeError('a new Jira issue needs a summary');
    const fields: Record<string, unknown> = {
      project: { key: issue.project },
      issuetype: { name: issue.issueType },
      summary: issue.summary,
      ...(issue.description !== undefined ? { description: issue.description } : {}),
      ...(issue.labels ? { labels: issue.labels } : {}),
      ...(issue.components ? { components: issue.components.map((name) => ({ name })) } : {}),
      ...issue.fields,
    };
    return this.transport.request(`creating a ${issue.issueType} in ${issue.project}`, {
      method: 'POST',
      url: '/rest/api/2/issue',
      body: { fields },
      schema: createdIssueSchema,
    });
  }
}

function validateLabels(labels: readonly string[]): void {
  for (const l of labels) if (!l || /\s/.test(l)) throw new RangeError(`Jira labels cannot be empty or contain spaces: ${JSON.stringify(l)}`);
}

/** Keys Jira named as unknown in a 400 answer to `key in (...)`. */
export function nonexistentKeys(body: string | undefined): string[] {
  const keys: string[] = [];
  for (const message of jiraErrorMessages(body)) {
    for (const re of NONEXISTENT_KEY) {
      const m = re.exec(message);
      if (m?.[1]) keys.push(m[1]);
    }
  }
  return keys;
}

// --- configuration -------------------------------------------------------------------------------

export const DEFAULT_JIRA_URL = 'https://redhat.atlassian.net';

export function resolveJiraAuth(config: Pick<Config, 'JIRA_TOKEN' | 'JIRA_USERNAME' | 'JIRA_AUTH'>): JiraAuth {
  const token = config.JIRA_TOKEN;
  if (!token) throw new Error('JIRA token is missing or empty. Please set the JIRA_TOKEN environment variable.');
  const scheme = config.JIRA_AUTH === 'auto' ? (config.JIRA_USERNAME ? 'basic' : 'bearer') : config.JIRA_AUTH;
  if (scheme === 'bearer') return { type: 'bearer', token };
  if (!config.JIRA_USERNAME) throw new Error('JIRA username is missing or empty. Please set the JIRA_USERNAME environment variable.');
  return { type: 'basic', email: config.JIRA_USERNAME, apiToken: token };
}

/** auto: `*.atlassian.net` is Cloud; another host with a bearer PAT is Data Center; otherwise Cloud. */
export function resolveJiraDeployment(setting: 'auto' | JiraDeployment, baseUrl: string, auth: JiraAuth): JiraDeployment {
  if (setting !== 'auto') return setting;
  if (new URL(baseUrl).hostname.endsWith('.atlassian.net')) return 'cloud';
  return auth.type === 'bearer' ? 'datacenter' : 'cloud';
}

export interface JiraDeps {
  fetch?: FetchLike;
  logger?: Logger;
  observer?: CallObserver;
  /** jira_server from the ConfigStore, used when JIRA_URL is unset. */
  serverUrl?: string;
}

export function jiraClientFromConfig(config: Config, deps: JiraDeps = {}): JiraClient {
  const baseUrl = config.JIRA_URL ?? deps.serverUrl ?? DEFAULT_JIRA_URL;
  const auth = resolveJiraAuth(config);
  return new JiraClient({
    baseUrl,
    auth,
    deployment: resolveJiraDeployment(config.JIRA_DEPLOYMENT, baseUrl, auth),
    timeoutMs: config.JIRA_TIMEOUT_MS,
    pageSize: config.JIRA_PAGE_SIZE,
    keyBatchSize: config.JIRA_KEY_BATCH_SIZE,
    fetch: deps.fetch,
    logger: deps.logger,
    observer: deps.observer,
  });
}
