/**
 * Who may run what: the one role resolver every front end's actors go through (the runner asks
 * it, as its Authorizer). Scheduled jobs and the terminal act for the bot itself (critical).
 * Slack users get their role from one place, a YAML file (OAR_ROLES_FILE) and/or env lists
 * mapping Slack user ids and user-group handles to read, write, critical; everyone may run read
 * commands; the release's QE lead group (ConfigStore contacts.slack.qe-release.<y>) counts as
 * `release_lead_role` (default critical) for its own y-stream. MCP clients have the role their
 * entry in OAR_MCP_TOKENS names (the token only says who the client is). Anyone else reads.
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { ystreamOf } from '../release/version.ts';
import type { Authorizer } from './runner.ts';
import { ROLE_RANK, type Actor, type Role } from './types.ts';

const role = z.enum(['read', 'write', 'critical']);
export const RolesFileSchema = z.strictObject({
  default: role.default('read'),
  users: z.record(z.string().regex(/^[UW][A-Z0-9_]+$/, 'must be a Slack user id like U012ABC'), role).default({}),
  groups: z.record(z.string().min(1), role).default({}),
  /** Role given to a release's QE lead group for that release (default critical). */
  release_lead_role: role.default('critical'),
});
export type RolesConfig = z.infer<typeof RolesFileSchema>;

export function loadRoles(config: Config, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): RolesConfig {
  let base: RolesConfig = RolesFileSchema.parse({});
  if (config.OAR_ROLES_FILE) {
    let doc: unknown;
    try {
      doc = load(readFile(config.OAR_ROLES_FILE));
    } catch (e) {
      throw new Error(`cannot read the roles file ${config.OAR_ROLES_FILE}: ${(e as Error).message}`, { cause: e });
    }
    const r = RolesFileSchema.safeParse(doc ?? {});
    if (!r.success) throw new Error(`invalid roles file ${config.OAR_ROLES_FILE}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    base = r.data;
  }
  const users = { ...base.users };
  const groups = { ...base.groups };
  const raise = (map: Record<string, Role>, key: string, to: Role) => {
    if (!map[key] || ROLE_RANK[map[key]] < ROLE_RANK[to]) map[key] = to;
  };
  for (const u of config.OAR_WRITE_USERS) raise(users, u, 'write');
  for (const u of config.OAR_CRITICAL_USERS) raise(users, u, 'critical');
  for (const g of config.OAR_WRITE_GROUPS) raise(groups, g.replace(/^@/, ''), 'write');
  for (const g of config.OAR_CRITICAL_GROUPS) raise(groups, g.replace(/^@/, ''), 'critical');
  return { ...base, users, groups };
}

export interface GroupDirectory {
  /** Handles of the user groups a Slack user belongs to. */
  groupsOf(userId: string): Promise<string[]>;
}

export interface SlackRoleSource {
  roles: RolesConfig;
  groups: GroupDirectory;
  /**
   * Every y-stream's release lead group handle (local config contacts.slack.qe-release): who gets
   * the release lead role for a release, and which y-streams a user leads.
   */
  releaseLeadGroups?: () => Promise<Record<string, string | undefined>>;
}

export interface RoleSources {
  /** Slack users (without it, a Slack user reads). */
  slack?: SlackRoleSource;
  /** MCP clients by name: OAR_MCP_TOKENS (without an entry, a client reads). */
  mcp?: readonly { name: string; role: Role }[];
}

export class RoleResolver implements Authorizer {
  private readonly slack: SlackRoleSource | undefined;
  private readonly mcp: ReadonlyMap<string, Role>;

  constructor(sources: RoleSources = {}) {
    this.slack = sources.slack;
    this.mcp = new Map((sources.mcp ?? []).map((c) => [c.name, c.role]));
  }

  async roleFor(actor: Actor, release: string): Promise<Role> {
    switch (actor.via) {
      case 'job':
      case 'cli':
        return 'critical';
      case 'slack':
        return this.slack ? slackRole(this.slack, actor, release) : 'read';
      case 'mcp':
        return this.mcp.get(actor.id.startsWith('mcp:') ? actor.id.slice(4) : '') ?? 'read';
      default:
        return 'read';
    }
  }

  /**
   * The y-streams a Slack user leads (a member of their release-lead group), newest first: what
   * the Slack front end shows a lead first. None without Slack roles or when a lookup fails.
   */
  async ledYstreams(userId: string): Promise<string[]> {
    const source = this.slack;
    if (!source?.releaseLeadGroups) return [];
    const [handles, leads] = await Promise.all([source.groups.groupsOf(userId).catch(() => []), source.releaseLeadGroups().catch(() => ({}))]);
    return ystreamsLedBy(handles, leads);
  }
}

async function slackRole(source: SlackRoleSource, actor: Actor, release: string): Promise<Role> {
  const { roles } = source;
  let best: Role = roles.default;
  const consider = (r: Role | undefined) => {
    if (r && ROLE_RANK[r] > ROLE_RANK[best]) best = r;
  };
  consider(roles.users[actor.id]);
  if (best === 'critical') return best;
  let handles: string[] = [];
  try {
    handles = await source.groups.groupsOf(actor.id);
  } catch {
    handles = []; // fail closed: group lookups that fail grant nothing
  }
  for (const h of handles) consider(roles.groups[h]);
  const y = release ? (ystreamOf(release) ?? release) : undefined;
  if (y && source.releaseLeadGroups && ROLE_RANK[best] < ROLE_RANK[roles.release_lead_role]) {
    const lead = await source.releaseLeadGroups().then((all) => all[y], () => undefined);
    if (lead && handles.includes(lead.replace(/^@/, ''))) consider(roles.release_lead_role);
  }
  return best;
}

/** The y-streams whose release-lead group (ConfigStore contacts.slack.qe-release) has one of `handles`, newest first. */
export function ystreamsLedBy(handles: string[], leadGroups: Record<string, string | undefined>): string[] {
  const mine = new Set(handles.map((h) => h.replace(/^@/, '')));
  return Object.entries(leadGroups)
    .filter(([, g]) => g && mine.has(g.replace(/^@/, '')))
    .map(([y]) => y)
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}
