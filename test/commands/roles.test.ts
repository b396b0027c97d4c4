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

  it('which y-streams a Slack user leads is answered by the resolver, from the same lead groups that give the lead role', async () => {
    const groups: Record<string, string[]> = { U_LEAD: ['qe-release-419', 'qe-release-420', 'others'], U_DEV: ['devs'] };
    const slack = {
      roles: RolesFileSchema.parse({}),
      groups: { groupsOf: async (u: string) => groups[u] ?? [] },
      releaseLeadGroups: async () => ({ '4.18': 'qe-release-418', '4.19': '@qe-release-419', '4.20': 'qe-release-420' }),
    };
    const roles = new RoleResolver({ slack });
    expect(await roles.ledYstreams('U_LEAD')).toEqual(['4.20', '4.19']);
    expect(await roles.ledYstreams('U_DEV')).toEqual([]);
    expect(await roles.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.3')).toBe('critical');
    expect(await roles.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.18.3')).toBe('read');
    // A lookup that fails grants and lists nothing; without Slack roles nobody leads.
    const failing = new RoleResolver({ slack: { ...slack, releaseLeadGroups: () => Promise.reject(new Error('config down')) } });
    expect(await failing.ledYstreams('U_LEAD')).toEqual([]);
    expect(await failing.roleFor({ id: 'U_LEAD', via: 'slack' }, '4.19.3')).toBe('read');
    expect(await new RoleResolver().ledYstreams('U_LEAD')).toEqual([]);
  });
});
