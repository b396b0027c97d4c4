/**
 * MCP authentication and authorization.
 *
 * Clients present a bearer token from OAR_MCP_TOKENS (`name:role:token,...`). The token only
 * establishes *who* the client is; what it may do is decided by the runner, which asks the one
 * role resolver (commands/roles.ts, given this class's `clients`) for the role of `mcp:<name>`.
 *
 * Decisions (documented in docs/mcp.md):
 * - no Authorization header: the client is `anonymous` with the read role (unless
 *   OAR_MCP_ANONYMOUS=false, then 401);
 * - an Authorization header that is not a known bearer token: 401, never a silent downgrade,
 *   so a misconfigured client learns about it at once instead of getting "denied" later.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Actor, Role } from '../commands/types.ts';
import type { Config } from '../config/env.ts';

export const ANONYMOUS_CLIENT = 'anonymous';
const RESERVED_NAMES = new Set([ANONYMOUS_CLIENT]);
export const MIN_TOKEN_LENGTH = 16;

export class McpTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpTokenError';
  }
}

export interface McpClient {
  name: string;
  role: Role;
}

interface TokenEntry extends McpClient {
  token: string;
}

const entrySchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'the client name must be 1-64 letters, digits, dots, dashes or underscores')
    .refine((n) => !RESERVED_NAMES.has(n.toLowerCase()), 'the client name "anonymous" is reserved for requests without a token'),
  role: z.enum(['read', 'write', 'critical'], { message: 'the role must be read, write or critical' }),
  token: z
    .string()
    .min(MIN_TOKEN_LENGTH, `the token must be at least ${MIN_TOKEN_LENGTH} characters`)
    .regex(/^[A-Za-z0-9._~+/=-]+$/, 'the token may only contain letters, digits and . _ ~ + / = -'),
});

/**
 * Parses OAR_MCP_TOKENS. Errors name the entry by position and client name, never the token.
 * Blank entries (a trailing comma) are ignored.
 */
export function parseMcpTokens(value: string | undefined): TokenEntry[] {
  if (!value || !value.trim()) return [];
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  value.split(',').forEach((raw, idx) => {
    const part = raw.trim();
    if (!part) return;
    const first = part.indexOf(':');
    const second = first < 0 ? -1 : part.indexOf(':', first + 1);
    if (first < 0 || second < 0) {
      problems.push(`entry ${idx + 1}: expected name:role:token`);
      return;
    }
    const name = part.slice(0, first);
    const r = entrySchema.safeParse({ name, role: part.slice(first + 1, second), token: part.slice(second + 1) });
    if (!r.success) {
      // Only the name is echoed; a malformed name is not echoed either (it may be a pasted token).
      const who = /^[A-Za-z0-9._-]{1,64}$/.test(name) ? ` (client "${name}")` : '';
      problems.push(`entry ${idx + 1}${who}: ${r.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    entries.push(r.data);
  });
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) problems.push(`client "${e.name}" is listed twice`);
    if (tokens.has(e.token)) problems.push(`client "${e.name}" reuses another client's token; every client needs its own`);
    names.add(e.name);
    tokens.add(e.token);
  }
  if (problems.length) throw new McpTokenError(`OAR_MCP_TOKENS is invalid: ${problems.join('; ')}`);
  return entries;
}

export interface McpIdentity {
  name: string;
  role: Role;
  anonymous: boolean;
}

export type AuthenticationResult = { ok: true; client: McpIdentity } | { ok: false; reason: string };

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function mcpActor(client: Pick<McpIdentity, 'name'>): Actor {
  return { id: `mcp:${client.name}`, name: client.name, via: 'mcp' };
}

export interface McpAuthorizerOptions {
  /** Accept requests without a token as `anonymous` (read role). Default true. */
  allowAnonymous?: boolean;
}

/**
 * Identifies MCP clients by bearer token. The role of the actor `mcp:<name>` is the runner's
 * question to the one role resolver (commands/roles.ts), given `clients`. Tokens are kept only
 * as SHA-256 digests and compared in constant time.
 */
export class McpAuthorizer {
  private readonly digests: { digest: Buffer; client: McpClient }[] = [];
  readonly allowAnonymous: boolean;

  constructor(tokens: string | undefined | readonly TokenEntry[], opts: McpAuthorizerOptions = {}) {
    const entries = typeof tokens === 'string' || tokens === undefined ? parseMcpTokens(tokens) : tokens;
    for (const e of entries) this.digests.push({ digest: digest(e.token), client: { name: e.name, role: e.role } });
    this.allowAnonymous = opts.allowAnonymous ?? true;
  }

  /** The configured clients (names and roles only). */
  get clients(): McpClient[] {
    return this.digests.map((d) => ({ ...d.client }));
  }

  authenticate(authorization: string | string[] | undefined): AuthenticationResult {
    if (authorization === undefined) {
      if (!this.allowAnonymous) return { ok: false, reason: 'a bearer token is required (OAR_MCP_ANONYMOUS=false)' };
      return { ok: true, client: { name: ANONYMOUS_CLIENT, role: 'read', anonymous: true } };
    }
    if (Array.isArray(authorization)) return { ok: false, reason: 'several Authorization headers' };
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!m) return { ok: false, reason: 'the Authorization header must be "Bearer <token>"' };
    const presented = digest(m[1]!);
    let found: McpClient | undefined;
    // Compare against every entry so the time taken does not depend on which one matches.
    for (const d of this.digests) if (timingSafeEqual(d.digest, presented)) found ??= d.client;
    if (!found) return { ok: false, reason: 'unknown bearer token' };
    return { ok: true, client: { name: found.name, role: found.role, anonymous: false } };
  }
}

/** The authorizer the configuration asks for (OAR_MCP_TOKENS, OAR_MCP_ANONYMOUS). */
export function createMcpAuthorizer(config: Pick<Config, 'OAR_MCP_TOKENS' | 'OAR_MCP_ANONYMOUS'>): McpAuthorizer {
  return new McpAuthorizer(config.OAR_MCP_TOKENS, { allowAnonymous: config.OAR_MCP_ANONYMOUS });
}
