import { describe, expect, it } from 'vitest';
import { RoleResolver, RolesFileSchema } from '../../src/commands/roles.ts';
import { McpAuthorizer, McpTokenError, createMcpAuthorizer, mcpActor, parseMcpTokens } from '../../src/mcp/auth.ts';
import { testConfig } from '../../src/config/env.ts';

const A = 'aaaaaaaaaaaaaaaa-token';
const B = 'bbbbbbbbbbbbbbbb-token';

describe('parseMcpTokens', () => {
  it('parses name:role:token entries and ignores blanks', () => {
    expect(parseMcpTokens(` ci:read:${A}, release-agent:critical:${B} ,`)).toEqual([
      { name: 'ci', role: 'read', token: A },
      { name: 'release-agent', role: 'critical', token: B },
    ]);
    expect(parseMcpTokens(undefined)).toEqual([]);
    expect(parseMcpTokens('  ')).toEqual([]);
  });

  it('names each malformed entry without echoing its token', () => {
    const cases: [string, RegExp][] = [
      [`ci:admin:${A}`, /entry 1 \(client "ci"\): the role must be read, write or critical/],
      [`ci:read:short`, /entry 1 \(client "ci"\): the token must be at least 16 characters/],
      [`ci:read`, /entry 1: expected name:role:token/],
      [`ok:read:${A},bad name:read:${B}`, /entry 2: the client name must be/],
      [`anonymous:write:${A}`, /"anonymous" is reserved/],
      [`ci:read:${A},ci:write:${B}`, /client "ci" is listed twice/],
      [`ci:read:${A},cd:write:${A}`, /client "cd" reuses another client's token/],
      [`ci:read:${A}:with:colons`, /the token may only contain/],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        parseMcpTokens(value);
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(McpTokenError);
      const text = (error as Error).message;
      expect(text).toMatch(/^OAR_MCP_TOKENS is invalid: /);
      expect(text).toMatch(message);
      expect(text).not.toContain(A);
      expect(text).not.toContain(B);
      expect(text).not.toContain('short');
    }
  });
});

describe('McpAuthorizer', () => {
  const auth = new McpAuthorizer(`ci:read:${A},agent:write:${B}`);

  it('treats a request without Authorization as the anonymous read client', () => {
    expect(auth.authenticate(undefined)).toEqual({ ok: true, client: { name: 'anonymous', role: 'read', anonymous: true } });
  });

  it('identifies a known bearer token and rejects everything else', () => {
    expect(auth.authenticate(`Bearer ${B}`)).toEqual({ ok: true, client: { name: 'agent', role: 'write', anonymous: false } });
    expect(auth.authenticate(`bearer ${A} `)).toMatchObject({ ok: true, client: { name: 'ci' } });
    expect(auth.authenticate('Bearer cccccccccccccccccccc')).toEqual({ ok: false, reason: 'unknown bearer token' });
    expect(auth.authenticate(`Basic ${A}`)).toMatchObject({ ok: false });
    expect(auth.authenticate('')).toMatchObject({ ok: false });
    expect(auth.authenticate([`Bearer ${A}`, `Bearer ${B}`])).toMatchObject({ ok: false });
  });

  it('requires a token when OAR_MCP_ANONYMOUS is false', () => {
    const strict = createMcpAuthorizer(testConfig({ OAR_MCP_TOKENS: `ci:read:${A}`, OAR_MCP_ANONYMOUS: 'false' }));
    expect(strict.authenticate(undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('token is required') });
    expect(strict.authenticate(`Bearer ${A}`)).toMatchObject({ ok: true, client: { name: 'ci' } });
    expect(createMcpAuthorizer(testConfig()).authenticate(undefined)).toMatchObject({ ok: true, client: { name: 'anonymous' } });
  });

  it('rejects every token when none are configured', () => {
    expect(new McpAuthorizer(undefined).authenticate(`Bearer ${A}`)).toMatchObject({ ok: false });
  });

  it('gives the runner the role of mcp:<name> and read to unknown MCP actors', async () => {
    const roles = new RoleResolver({ mcp: auth.clients });
    expect(await roles.roleFor(mcpActor({ name: 'agent' }), '4.19.1')).toBe('write');
    expect(await roles.roleFor(mcpActor({ name: 'ci' }), '4.19.1')).toBe('read');
    expect(await roles.roleFor(mcpActor({ name: 'anonymous' }), '4.19.1')).toBe('read');
    expect(await roles.roleFor({ id: 'mcp:ghost', via: 'mcp' }, '')).toBe('read');
  });

  it('answers other front ends by their own rule in the one resolver (Slack reads without its roles)', async () => {
    const slack = { roles: RolesFileSchema.parse({ users: { U_LEAD: 'critical' } }), groups: { groupsOf: async () => [] } };
    const combined = new RoleResolver({ slack, mcp: new McpAuthorizer(`agent:write:${B}`).clients });
    expect(await combined.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.1')).toBe('critical');
    expect(await combined.roleFor({ id: 'mcp:agent', via: 'mcp' }, '4.19.1')).toBe('write');
    // An MCP actor is never answered by the Slack rule, even if its id looks like a Slack user.
    expect(await combined.roleFor({ id: 'U_LEAD', via: 'mcp' }, '4.19.1')).toBe('read');
    expect(await new RoleResolver({ mcp: auth.clients }).roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.1')).toBe('read');
  });

  it('exposes names and roles but no tokens', () => {
    expect(auth.clients).toEqual([{ name: 'ci', role: 'read' }, { name: 'agent', role: 'write' }]);
    expect(JSON.stringify(auth)).not.toContain(A);
  });
});
