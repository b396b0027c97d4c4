import { describe, expect, it } from 'vitest';
import { loadRoles, RoleResolver } from '../../src/commands/roles.ts';
import { testConfig } from '../../src/config/env.ts';

const file = `
default: read
users:
  U_LEAD: critical
groups:
  qe-writers: write
`;

describe('Slack roles', () => {
  const roles = loadRoles(testConfig({ OAR_ROLES_FILE: '/roles.yaml', OAR_WRITE_USERS: 'U_W1', OAR_CRITICAL_GROUPS: '@release-admins' }), () => file);
  const groups: Record<string, string[]> = { U_G: ['qe-writers'], U_ADMIN: ['release-admins'], U_419: ['openshift-qe-release-4-19'] };
  const authz = new RoleResolver({ slack: { roles, groups: { groupsOf: async (u) => groups[u] ?? [] }, releaseLeadGroups: async () => ({ '4.19': 'openshift-qe-release-4-19', '4.18': 'openshift-qe-release-4-18' }) } });
  const role = (id: string, release = '4.19.1') => authz.roleFor({ id, via: 'slack' }, release);

  it('maps users and groups from the file and the env lists', async () => {
    expect(await role('U_LEAD')).toBe('critical');
    expect(await role('U_W1')).toBe('write');
    expect(await role('U_G')).toBe('write');
    expect(await role('U_ADMIN')).toBe('critical');
    expect(await role('U_NOBODY')).toBe('read');
  });

  it("gives a release's QE lead group the lead role for its own y-stream only", async () => {
    expect(await role('U_419', '4.19.3')).toBe('critical');
    expect(await role('U_419', '4.20.1')).toBe('read');
  });

  it('fails closed when the group lookup fails', async () => {
    const broken = new RoleResolver({ slack: { roles, groups: { groupsOf: async () => { throw new Error('slack down'); } } } });
    expect(await broken.roleFor({ id: 'U_G', via: 'slack' }, '4.19.1')).toBe('read');
  });

  it('rejects a malformed roles file with the file and field named', () => {
    expect(() => loadRoles(testConfig({ OAR_ROLES_FILE: '/r.yaml' }), () => 'users:\n  bob: admin\n')).toThrow(/invalid roles file \/r\.yaml: users\.bob/);
  });
});
