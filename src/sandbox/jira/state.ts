/**
 * In-memory Jira: issues (fields in REST v2 wire shape), comments, changelog, remote links and
 * users, plus the operations the HTTP layer exposes. Seed helpers take friendly input.
 */
import { JIRA_FIELDS } from '../../release/tasks.ts';
import type { JqlSubject } from './jql.ts';

export interface SandboxUser {
  accountId: string;
  /** Data Center user name. */
  name: string;
  displayName: string;
  emailAddress?: string;
  active: boolean;
  /** Jira Cloud hides e-mails of users who chose so. */
  hideEmail?: boolean;
}

export interface SandboxComment {
  id: string;
  body: string;
  created: string;
  updated: string;
  author: SandboxUser;
}

export interface SandboxHistoryItem {
  field: string;
  fieldtype: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface SandboxHistory {
  id: string;
  created: string;
  author: SandboxUser;
  items: SandboxHistoryItem[];
}

export interface SandboxRemoteLink {
  id: number;
  url: string;
  title: string;
  relationship?: string;
}

export interface SandboxIssue {
  id: string;
  key: string;
  /** Wire-shaped fields (status: {name}, labels: string[], ...), without `comment`. */
  fields: Record<string, unknown>;
  comments: SandboxComment[];
  histories: SandboxHistory[];
  remoteLinks: SandboxRemoteLink[];
  /** Reading it answers 403 and searches skip it (a security bug the token cannot see). */
  forbidden: boolean;
}

/** The simulated "Target Version" field (its real id differs per Jira instance). */
export const SANDBOX_TARGET_VERSION_FIELD = 'customfield_10855';

export const DEFAULT_STATUSES = ['New', 'ASSIGNED', 'POST', 'MODIFIED', 'ON_QA', 'Verified', 'Release Pending', 'Closed', 'To Do', 'In Progress', 'Done'] as const;

/** Friendly seed input; everything is optional except the key. */
export interface IssueSeed {
  key: string;
  summary?: string;
  status?: string;
  priority?: string;
  issueType?: string;
  labels?: string[];
  components?: string[];
  fixVersions?: string[];
  targetVersions?: string[];
  /** A user, or the accountId / e-mail of a seeded user. */
  assignee?: SandboxUser | string | null;
  reporter?: SandboxUser | string | null;
  qaContact?: SandboxUser | string | null;
  needInfoFrom?: (SandboxUser | string)[];
  releaseBlocker?: string | null;
  sfdcCasesCounter?: string | number | null;
  sfdcCasesLinks?: string | null;
  description?: string;
  created?: string | Date;
  updated?: string | Date;
  /** Adds a status change to ON_QA (or `status`) at this time to the changelog. */
  statusChangedAt?: string | Date;
  comments?: { body: string; created?: string | Date; author?: SandboxUser | string }[];
  histories?: { created: string | Date; items: Partial<SandboxHistoryItem>[]; author?: SandboxUser | string }[];
  remoteLinks?: { url: string; title?: string; relationship?: string }[];
  subtasks?: string[];
  forbidden?: boolean;
  /** Raw extra fields, wire-shaped. */
  fields?: Record<string, unknown>;
}

export class SandboxError extends Error {
  readonly status: number;
  readonly errorMessages: string[];
  readonly errors: Record<string, string>;
  constructor(status: number, errorMessages: string[], errors: Record<string, string> = {}) {
    super(errorMessages.join('; ') || Object.values(errors).join('; '));
    this.name = 'SandboxError';
    this.status = status;
    this.errorMessages = errorMessages;
    this.errors = errors;
  }
}

/** Jira's timestamp format: `2025-07-15T14:10:20.862+0000`. */
export function jiraTimestamp(at: Date | string | number): string {
  const d = typeof at === 'string' ? new Date(at.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : new Date(at);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a time: ${String(at)}`);
  return d.toISOString().replace('Z', '+0000');
}

function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
}

const PRIORITY_RANK: Record<string, number> = { blocker: 0, critical: 1, major: 2, normal: 3, minor: 4, trivial: 5, undefined: 6 };

export class JiraState {
  readonly issues = new Map<string, SandboxIssue>();
  readonly users = new Map<string, SandboxUser>();
  readonly statuses: string[] = [...DEFAULT_STATUSES];
  /** The user writes are attributed to (the bot). */
  botUser: SandboxUser;
  private readonly counters = new Map<string, number>();
  private nextId = 10000;
  private nextCommentId = 500000;
  private nextHistoryId = 900000;
  private nextLinkId = 1;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.botUser = this.addUser({ accountId: 'oar-bot-account', name: 'oar-bot', displayName: 'oar-bot', emailAddress: 'oar-bot@example.com' });
  }

  // --- users -----------------------------------------------------------------------------------

  addUser(u: Partial<SandboxUser> & { displayName: string }): SandboxUser {
    const name = u.name ?? u.emailAddress?.split('@')[0] ?? u.displayName.toLowerCase().replace(/\s+/g, '.');
    const user: SandboxUser = { accountId: u.accountId ?? `acc-${name}`, name, displayName: u.displayName, emailAddress: u.emailAddress, active: u.active ?? true, hideEmail: u.hideEmail };
    this.users.set(user.accountId, user);
    return user;
  }

  /** A user by accountId, name or e-mail. */
  findUser(ref: string): SandboxUser | undefined {
    const lower = ref.toLowerCase();
    return this.users.get(ref) ?? [...this.users.values()].find((u) => u.name === ref || u.emailAddress?.toLowerCase() === lower);
  }

  private resolveUser(ref: SandboxUser | string): SandboxUser {
    if (typeof ref !== 'string') return this.users.get(ref.accountId) ?? this.addUser(ref);
    const found = this.findUser(ref);
    if (!found) throw new RangeError(`sandbox Jira has no user ${ref}; addUser() first`);
    return found;
  }

  /** Wire shape of a user (Cloud hides e-mails on request). */
  userJson(u: SandboxUser): Record<string, unknown> {
    return {
      accountId: u.accountId,
      name: u.name,
      key: u.name,
      displayName: u.displayName,
      active: u.active,
      ...(u.emailAddress && !u.hideEmail ? { emailAddress: u.emailAddress } : {}),
    };
  }

  /** `{accountId}` or `{name}` from a write body. */
  userFromRef(ref: unknown, field: string): SandboxUser | null {
    if (ref === null) return null;
    if (typeof ref === 'object' && ref !== null) {
      const r = ref as { accountId?: unknown; name?: unknown };
      const id = typeof r.accountId === 'string' ? r.accountId : typeof r.name === 'string' ? r.name : undefined;
      if (r.accountId === null || r.name === null) return null;
      if (id !== undefined) {
        const u = this.findUser(id);
        if (u) return u;
        throw new SandboxError(400, [], { [field]: `User '${id}' does not exist.` });
      }
    }
    throw new SandboxError(400, [], { [field]: 'Specify a user as {"accountId": "..."} or {"name": "..."}.' });
  }

  searchUsers(query: string, maxResults: number): SandboxUser[] {
    const q = query.toLowerCase();
    return [...this.users.values()]
      .filter((u) => u.displayName.toLowerCase().includes(q) || u.name.toLowerCase().includes(q) || (u.emailAddress ?? '').toLowerCase().startsWith(q) || u.accountId === query)
      .slice(0, maxResults);
  }

  // --- issues ----------------------------------------------------------------------------------

  get(key: string): SandboxIssue {
    const issue = this.issues.get(key.toUpperCase());
    if (!issue) throw new SandboxError(404, ['Issue does not exist or you do not have permission to see it.']);
    if (issue.forbidden) throw new SandboxError(403, ['You do not have the permission to see the specified issue.']);
    return issue;
  }

  private nextKey(project: string): string {
    const n = (this.counters.get(project) ?? 0) + 1;
    this.counters.set(project, n);
    return `${project}-${n}`;
  }

  seedIssue(seed: IssueSeed): SandboxIssue {
    const key = seed.key.toUpperCase();
    const m = /^([A-Z][A-Z0-9_]*)-(\d+)$/.exec(key);
    if (!m) throw new RangeError(`not an issue key: ${seed.key}`);
    const project = m[1]!;
    this.counters.set(project, Math.max(this.counters.get(project) ?? 0, Number(m[2])));
    const created = jiraTimestamp(seed.created ?? this.now());
    const status = seed.status ?? 'New';
    const userOrNull = (ref: SandboxUser | string | null | undefined) => (ref === undefined || ref === null ? null : this.userJson(this.resolveUser(ref)));
    const fields: Record<string, unknown> = {
      project: { key: project, name: project },
      summary: seed.summary ?? `Bug ${key}`,
      description: seed.description ?? null,
      status: { name: status },
      priority: seed.priority === undefined ? { name: 'Normal' } : { name: seed.priority },
      issuetype: { name: seed.issueType ?? 'Bug' },
      labels: seed.labels ?? [],
      components: (seed.components ?? []).map((name) => ({ name })),
      fixVersions: (seed.fixVersions ?? []).map((name) => ({ name })),
      [SANDBOX_TARGET_VERSION_FIELD]: (seed.targetVersions ?? []).map((name) => ({ name })),
      assignee: userOrNull(seed.assignee),
      reporter: userOrNull(seed.reporter),
      [JIRA_FIELDS.qaContact]: userOrNull(seed.qaContact),
      [JIRA_FIELDS.needInfoFrom]: seed.needInfoFrom ? seed.needInfoFrom.map((u) => this.userJson(this.resolveUser(u))) : null,
      [JIRA_FIELDS.releaseBlocker]: seed.releaseBlocker ? { value: seed.releaseBlocker } : null,
      [JIRA_FIELDS.sfdcCasesCounter]: seed.sfdcCasesCounter ?? null,
      [JIRA_FIELDS.sfdcCasesLinks]: seed.sfdcCasesLinks ?? null,
      subtasks: [],
      created,
      updated: jiraTimestamp(seed.updated ?? seed.created ?? this.now()),
      ...seed.fields,
    };
    const issue: SandboxIssue = { id: String(this.nextId++), key, fields, comments: [], histories: [], remoteLinks: [], forbidden: seed.forbidden ?? false };
    this.issues.set(key, issue);
    if (seed.statusChangedAt !== undefined) {
      issue.histories.push(this.history(seed.statusChangedAt, this.botUser, [{ field: 'status', fromString: 'MODIFIED', toString: status }]));
    }
    for (const h of seed.histories ?? []) issue.histories.push(this.history(h.created, h.author ? this.resolveUser(h.author) : this.botUser, h.items));
    issue.histories.sort((a, b) => parseTime(a.created) - parseTime(b.created));
    for (const c of seed.comments ?? []) {
      const at = jiraTimestamp(c.created ?? this.now());
      issue.comments.push({ id: String(this.nextCommentId++), body: c.body, created: at, updated: at, author: c.author ? this.resolveUser(c.author) : this.botUser });
    }
    for (const l of seed.remoteLinks ?? []) issue.remoteLinks.push({ id: this.nextLinkId++, url: l.url, title: l.title ?? l.url, relationship: l.relationship });
    for (const sub of seed.subtasks ?? []) this.linkSubtask(issue, sub);
    return issue;
  }

  private linkSubtask(parent: SandboxIssue, subKey: string): void {
    const sub = this.issues.get(subKey.toUpperCase());
    if (!sub) throw new RangeError(`seed subtask ${subKey} before its parent ${parent.key}`);
    (parent.fields.subtasks as unknown[]).push({ id: sub.id, key: sub.key, fields: { summary: sub.fields.summary, status: sub.fields.status } });
    sub.fields.parent = { id: parent.id, key: parent.key };
  }

  private history(at: string | Date | number, author: SandboxUser, items: Partial<SandboxHistoryItem>[]): SandboxHistory {
    return {
      id: String(this.nextHistoryId++),
      created: jiraTimestamp(at),
      author,
      items: items.map((i) => ({
        field: i.field ?? 'status',
        fieldtype: i.fieldtype ?? 'jira',
        from: i.from ?? null,
        fromString: i.fromString ?? null,
        to: i.to ?? null,
        toString: i.toString ?? null,
      })),
    };
  }

  /** `n` bugs OCPBUGS-1..n (or from `start`), all with the same traits. */
  seedBugs(n: number, traits: Omit<IssueSeed, 'key'> & { project?: string; start?: number } = {}): SandboxIssue[] {
    const { project = 'OCPBUGS', start = 1, ...rest } = traits;
    return Array.from({ length: n }, (_, i) => this.seedIssue({ ...rest, key: `${project}-${start + i}` }));
  }

  private touch(issue: SandboxIssue): void {
    issue.fields.updated = jiraTimestamp(this.now());
  }

  private record(issue: SandboxIssue, author: SandboxUser, items: Partial<SandboxHistoryItem>[]): void {
    if (items.length === 0) return;
    issue.histories.push(this.history(this.now(), author, items));
    this.touch(issue);
  }

  // --- writes ----------------------------------------------------------------------------------

  createIssue(body: unknown, author: SandboxUser): SandboxIssue {
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (!fields || typeof fields !== 'object') throw new SandboxError(400, ['Request body must contain fields.']);
    const errors: Record<string, string> = {};
    const project = (fields.project as { key?: string } | undefined)?.key;
    const issueType = (fields.issuetype as { name?: string } | undefined)?.name;
    if (!project) errors.project = 'Specify a valid project ID or key';
    if (!issueType) errors.issuetype = 'Specify an issue type';
    if (typeof fields.summary !== 'string' || !fields.summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    if (Object.keys(errors).length > 0) throw new SandboxError(400, [], errors);
    const { project: _p, issuetype: _t, summary, description, labels, components, ...rest } = fields;
    const issue = this.seedIssue({
      key: this.nextKey(project!.toUpperCase()),
      summary: summary as string,
      issueType: issueType!,
      description: typeof description === 'string' ? description : undefined,
      labels: Array.isArray(labels) ? labels.map(String) : [],
      components: Array.isArray(components) ? components.map((c) => String((c as { name?: unknown }).name)) : [],
      reporter: author,
      fields: rest,
    });
    return issue;
  }

  addComment(key: string, body: unknown, author: SandboxUser): SandboxComment {
    const issue = this.get(key);
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.trim() === '') throw new SandboxError(400, [], { comment: 'Comment body can not be empty!' });
    const at = jiraTimestamp(this.now());
    const comment: SandboxComment = { id: String(this.nextCommentId++), body: text, created: at, updated: at, author };
    issue.comments.push(comment);
    this.touch(issue);
    return comment;
  }

  /** `PUT /issue/{key}`: `fields` set values, `update` applies add/remove/set operations. */
  editIssue(key: string, body: unknown, author: SandboxUser): void {
    const issue = this.get(key);
    const { fields = {}, update = {} } = (body ?? {}) as { fields?: Record<string, unknown>; update?: Record<string, unknown[]> };
    const items: Partial<SandboxHistoryItem>[] = [];
    for (const [field, value] of Object.entries(fields)) items.push(...this.setField(issue, field, value));
    for (const [field, ops] of Object.entries(update)) {
      if (!Array.isArray(ops)) throw new SandboxError(400, [], { [field]: 'Update operations must be a list.' });
      for (const op of ops) {
        const [verb, value] = Object.entries(op as Record<string, unknown>)[0] ?? [];
        if (verb === 'set') items.push(...this.setField(issue, field, value));
        else if (verb === 'add' || verb === 'remove') items.push(...this.addRemove(issue, field, verb, value));
        else throw new SandboxError(400, [], { [field]: `Unsupported update operation ${String(verb)}.` });
      }
    }
    this.record(issue, author, items);
  }

  private static readonly USER_FIELDS = new Set(['assignee', 'reporter', JIRA_FIELDS.qaContact]);
  private static readonly READ_ONLY = new Set(['status', 'created', 'updated', 'project', 'subtasks', 'comment']);

  private setField(issue: SandboxIssue, field: string, value: unknown): Partial<SandboxHistoryItem>[] {
    if (JiraState.READ_ONLY.has(field)) throw new SandboxError(400, [], { [field]: `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.` });
    const before = issue.fields[field];
    let after: unknown = value;
    if (JiraState.USER_FIELDS.has(field)) {
      const u = this.userFromRef(value, field);
      after = u ? this.userJson(u) : null;
    } else if (field === JIRA_FIELDS.needInfoFrom) {
      if (value !== null && !Array.isArray(value)) throw new SandboxError(400, [], { [field]: 'Expected a list of users.' });
      after = value === null ? null : value.map((v) => this.userJson(this.userFromRef(v, field)!));
    } else if (field === 'labels') {
      if (!Array.isArray(value) || value.some((l) => typeof l !== 'string' || /\s/.test(l))) throw new SandboxError(400, [], { labels: 'Labels are strings without spaces.' });
    } else if (field === JIRA_FIELDS.releaseBlocker && value !== null) {
      if (typeof (value as { value?: unknown }).value !== 'string') throw new SandboxError(400, [], { [field]: 'Specify the option as {"value": "..."}.' });
    } else if (!(field in issue.fields) && !field.startsWith('customfield_') && field !== 'description' && field !== 'summary') {
      throw new SandboxError(400, [], { [field]: `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.` });
    }
    issue.fields[field] = after;
    return [{ field: field === JIRA_FIELDS.qaContact ? 'QA Contact' : field, fromString: display(before), toString: display(after) }];
  }

  private addRemove(issue: SandboxIssue, field: string, verb: 'add' | 'remove', value: unknown): Partial<SandboxHistoryItem>[] {
    if (field === 'labels') {
      if (typeof value !== 'string' || /\s/.test(value) || value === '') throw new SandboxError(400, [], { labels: 'Labels are strings without spaces.' });
      const before = [...((issue.fields.labels as string[] | undefined) ?? [])];
      const after = verb === 'add' ? (before.includes(value) ? before : [...before, value]) : before.filter((l) => l !== value);
      issue.fields.labels = after;
      return before.length === after.length ? [] : [{ field: 'labels', fromString: before.join(' '), toString: after.join(' ') }];
    }
    if (field === JIRA_FIELDS.needInfoFrom) {
      const u = this.userFromRef(value, field)!;
      const before = ((issue.fields[field] as { accountId: string }[] | null) ?? []).slice();
      const after = verb === 'add' ? (before.some((b) => b.accountId === u.accountId) ? before : [...before, this.userJson(u)]) : before.filter((b) => b.accountId !== u.accountId);
      issue.fields[field] = after;
      return [{ field: 'Need Info From', fromString: display(before), toString: display(after) }];
    }
    throw new SandboxError(400, [], { [field]: `The operation '${verb}' is not supported by field ${field}.` });
  }

  assign(key: string, body: unknown, author: SandboxUser): void {
    const issue = this.get(key);
    const before = issue.fields.assignee;
    const u = this.userFromRef(body, 'assignee');
    issue.fields.assignee = u ? this.userJson(u) : null;
    this.record(issue, author, [{ field: 'assignee', fromString: display(before), toString: u?.displayName ?? null }]);
  }

  /** One transition per status, named after it; the current status has none. */
  transitions(key: string): { id: string; name: string; to: { name: string } }[] {
    const issue = this.get(key);
    const current = (issue.fields.status as { name: string }).name;
    return this.statuses.map((name, i) => ({ id: String(11 + i * 10), name, to: { name } })).filter((t) => t.name !== current);
  }

  transition(key: string, body: unknown, author: SandboxUser): void {
    const id = (body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
    const t = this.transitions(key).find((x) => x.id === String(id));
    if (!t) throw new SandboxError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    const issue = this.get(key);
    const before = (issue.fields.status as { name: string }).name;
    issue.fields.status = { name: t.to.name };
    this.record(issue, author, [{ field: 'status', fromString: before, toString: t.to.name }]);
  }

  // --- JQL view --------------------------------------------------------------------------------

  subject(issue: SandboxIssue): JqlSubject {
    const f = issue.fields;
    const name = (v: unknown) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : undefined);
    const names = (v: unknown) => (Array.isArray(v) ? v.map(name).filter((x): x is string => x !== undefined) : []);
    const userValues = (v: unknown): string[] => {
      if (!v || typeof v !== 'object') return [];
      const u = v as Record<string, unknown>;
      return [u.accountId, u.name, u.emailAddress, u.displayName].filter((x): x is string => typeof x === 'string');
    };
    const one = (v: string | undefined | null) => (v === undefined || v === null ? [] : [v]);
    return {
      key: issue.key,
      values: (field) => {
        switch (field) {
          case 'project':
            return one((f.project as { key: string }).key);
          case 'key':
          case 'issuekey':
          case 'id':
            return [issue.key, issue.id];
          case 'status':
            return one(name(f.status));
          case 'issuetype':
          case 'type':
            return one(name(f.issuetype));
          case 'priority':
            return one(name(f.priority));
          case 'labels':
            return (f.labels as string[] | undefined) ?? [];
          case 'fixversion':
          case 'fixversions':
            return names(f.fixVersions);
          case 'component':
          case 'components':
            return names(f.components);
          case 'target version':
            return names(f[SANDBOX_TARGET_VERSION_FIELD]);
          case 'summary':
            return one(f.summary as string);
          case 'description':
            return one(f.description as string | null);
          case 'comment':
            return issue.comments.map((c) => c.body);
          case 'text':
            return [f.summary as string, (f.description as string | null) ?? '', ...issue.comments.map((c) => c.body)];
          case 'assignee':
            return userValues(f.assignee);
          case 'reporter':
            return userValues(f.reporter);
          case 'qa contact':
            return userValues(f[JIRA_FIELDS.qaContact]);
          case 'created':
          case 'updated':
            return one(f[field] as string);
          default:
            return undefined;
        }
      },
      changes: (field) =>
        issue.histories.flatMap((h) =>
          h.items.filter((i) => i.field.toLowerCase() === field).map((i) => ({ at: parseTime(h.created), from: i.fromString, to: i.toString })),
        ),
    };
  }

  /** Sort key for ORDER BY. */
  sortValue(issue: SandboxIssue, field: string): string | number {
    const f = issue.fields;
    switch (field) {
      case 'key':
      case 'issuekey': {
        const [project, n] = issue.key.split('-');
        return `${project}-${String(n).padStart(12, '0')}`;
      }
      case 'created':
      case 'updated':
        return parseTime(f[field]);
      case 'priority':
        return PRIORITY_RANK[String((f.priority as { name?: string } | null)?.name).toLowerCase()] ?? 9;
      case 'status':
        return String((f.status as { name: string }).name);
      case 'summary':
        return String(f.summary);
      default:
        return 0;
    }
  }
}

function display(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => display(x) ?? '').join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return String(o.displayName ?? o.name ?? o.value ?? JSON.stringify(v));
  }
  return String(v);
}
