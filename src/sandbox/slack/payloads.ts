/**
 * Payload builders for the envelopes a user's actions produce, in the shapes Slack sends
 * over Socket Mode (slash commands carry string values only, as in Slack).
 */
import type { Identity } from './shapes.ts';
import type { Block, JsonObject, SeedUser } from './types.ts';
import type { Channel } from './workspace.ts';

export const VERIFICATION_TOKEN = 'sim-verification-token';

export function slashCommandPayload(p: {
  id: Identity; user: SeedUser; channel: Channel; command: string; text: string; responseUrl: string; triggerId: string;
}): JsonObject {
  return {
    token: VERIFICATION_TOKEN,
    team_id: p.id.teamId,
    team_domain: p.id.teamDomain,
    channel_id: p.channel.id,
    channel_name: p.channel.isIm ? 'directmessage' : p.channel.name,
    user_id: p.user.id,
    user_name: p.user.name,
    command: p.command,
    text: p.text,
    api_app_id: p.id.appId,
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId,
  };
}

function userRef(user: SeedUser, teamId: string): JsonObject {
  return { id: user.id, username: user.name, name: user.name, team_id: teamId };
}

export function blockActionsPayload(p: {
  id: Identity; user: SeedUser; action: JsonObject; triggerId: string;
  container: JsonObject; channel?: Channel; message?: JsonObject; view?: JsonObject; responseUrl?: string;
  stateValues: Record<string, Record<string, JsonObject>>;
}): JsonObject {
  const payload: JsonObject = {
    type: 'block_actions',
    user: userRef(p.user, p.id.teamId),
    api_app_id: p.id.appId,
    token: VERIFICATION_TOKEN,
    container: p.container,
    trigger_id: p.triggerId,
    team: { id: p.id.teamId, domain: p.id.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: p.stateValues },
    actions: [p.action],
  };
  if (p.channel) payload.channel = { id: p.channel.id, name: p.channel.isIm ? 'directmessage' : p.channel.name };
  if (p.message) payload.message = p.message;
  if (p.view) payload.view = p.view;
  if (p.responseUrl) payload.response_url = p.responseUrl;
  return payload;
}

export function viewSubmissionPayload(p: { id: Identity; user: SeedUser; view: JsonObject; triggerId: string }): JsonObject {
  return {
    type: 'view_submission',
    team: { id: p.id.teamId, domain: p.id.teamDomain },
    user: userRef(p.user, p.id.teamId),
    api_app_id: p.id.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: p.triggerId,
    view: p.view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(p: { id: Identity; user: SeedUser; view: JsonObject; isCleared: boolean }): JsonObject {
  return {
    type: 'view_closed',
    team: { id: p.id.teamId, domain: p.id.teamDomain },
    user: userRef(p.user, p.id.teamId),
    api_app_id: p.id.appId,
    token: VERIFICATION_TOKEN,
    view: p.view,
    is_cleared: p.isCleared,
    is_enterprise_install: false,
    enterprise: null,
  };
}

/**
 * Finds an interactive element by action_id (and value, since rows of a list often repeat one
 * action_id with different values) in a list of blocks.
 */
export function findElement(blocks: readonly Block[], actionId: string, value?: string): { block: Block; element: JsonObject } | undefined {
  for (const block of blocks) {
    const candidates: unknown[] = [];
    if (Array.isArray(block.elements) && block.type !== 'context' && block.type !== 'rich_text') candidates.push(...block.elements);
    if (block.accessory) candidates.push(block.accessory);
    if (block.element) candidates.push(block.element);
    for (const el of candidates) {
      if (typeof el !== 'object' || el === null) continue;
      const e = el as JsonObject;
      if (e.action_id === actionId && (value === undefined || e.type !== 'button' || e.value === value)) return { block, element: e };
    }
  }
  return undefined;
}

/** The `rich_text` block Slack attaches to a user's message. */
export function richTextBlocks(text: string): Block[] {
  return [{ type: 'rich_text', block_id: 'sim', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }];
}
