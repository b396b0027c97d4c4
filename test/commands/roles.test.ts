import { describe, expect, it } from 'vitest';
import { RoleResolver, RolesFileSchema } from '../../src/commands/roles.ts';

describe('RoleResolver: the one answer to "what role has this actor"', () => {
  it('jobs and the terminal act for the bot (critical); without sources, front ends read', async () => {
    const none = new RoleResolver();
    expect(await none.roleFor({ id: 'job:result-checker', via: 'job' }, '4.19.1')).toBe('critical');
    expect(await none.roleFor({ id: 'cli:alice', via: 'cli' }, '4.19.1')).toBe('critical');
    expect(await none.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.1')).toBe('read');
    expect(await none.roleFor({ id: 'mcp:agent', via: 'mcp' }, '4.19.1')).toBe('read');
  });

  it("a Slack user's role never leaks to another front end's actor with the same id", async () => {
    const slack = { roles: RolesFileSchema.parse({ users: { U_LEAD: 'write' } }), groups: { groupsOf: async () => [] } };
    const roles = new RoleResolver({ slack, mcp: [{ name: 'U_LEAD', role: 'critical' }] });
    expect(await roles.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.1')).toBe('write');
    expect(await roles.roleFor({ id: 'mcp:U_LEAD', via: 'mcp' }, '4.19.1')).toBe('critical');
  });
});
