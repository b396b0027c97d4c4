/**
 * How workspace objects look on the wire (Web API responses and event payloads).
 */
import type { Channel } from './workspace.ts';
import type { JsonObject, MessageRecord, SeedGroup, SeedUser } from './types.ts';

export interface Identity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
}

export function messageJson(m: MessageRecord, id: Identity): JsonObject {
  const o: JsonObject = { type: 'message', ts: m.ts, text: m.text, user: m.user, team: id.teamId };
  if (m.botId) {
    o.bot_id = m.botId;
    o.app_id = id.appId;
  }
  if (m.subtype) o.subtype = m.subtype;
  if (m.blocks) o.blocks = m.blocks;
  if (m.attachments) o.attachments = m.attachments;
  if (m.metadata) o.metadata = m.metadata;
  if (m.threadTs) o.thread_ts = m.threadTs;
  if (m.files) {
    o.files = m.files.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.size }));
    o.upload = true;
  }
  if (m.editedAt !== undefined) o.edited = { user: m.user, ts: m.ts };
  return o;
}

export function userJson(u: SeedUser, teamId: string): JsonObject {
  return {
    id: u.id,
    team_id: teamId,
    name: u.name,
    deleted: u.deleted ?? false,
    real_name: u.real_name,
    tz: u.tz ?? 'Europe/Prague',
    is_bot: u.isBot ?? false,
    is_admin: false,
    is_app_user: false,
    profile: {
      real_name: u.real_name,
      real_name_normalized: u.real_name,
      display_name: u.name,
      display_name_normalized: u.name,
      email: u.email,
      team: teamId,
    },
  };
}

export function groupJson(g: SeedGroup, teamId: string, includeUsers: boolean): JsonObject {
  const o: JsonObject = {
    id: g.id,
    team_id: teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name,
    description: g.description ?? '',
    handle: g.handle,
    is_external: false,
    date_create: 1_700_000_000,
    date_update: 1_700_000_000,
    date_delete: 0,
    auto_type: null,
    created_by: 'U_ADMIN',
    updated_by: 'U_ADMIN',
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: g.users.length,
  };
  if (includeUsers) o.users = [...g.users];
  return o;
}

export function channelJson(c: Channel, botUserId: string, isMember: boolean): JsonObject {
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.isIm && !c.isPrivate,
    is_group: !c.isIm && c.isPrivate,
    is_im: c.isIm,
    is_private: c.isPrivate,
    is_archived: false,
    is_general: false,
    is_member: isMember,
    created: Math.floor(c.createdAt / 1000),
    creator: botUserId,
    ...(c.isIm ? { user: c.imUser } : {}),
  };
}
