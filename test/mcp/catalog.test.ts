import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandRegistry } from '../../src/commands/registry.ts';
import { defineCommand, type AnyCommand, type CommandDecl } from '../../src/commands/types.ts';
import { apiCommands } from '../../src/mcp/api-commands.ts';
import { buildToolCatalog, buildToolSpec, McpCatalogError, toolNameOf } from '../../src/mcp/catalog.ts';
import { maxSafety } from '../../src/mcp/safety.ts';
import type { ConfigStoreCache } from '../../src/release/configstore.ts';
import type { ReleaseStatusReader } from '../../src/commands/ports.ts';
import type { StateBoxService } from '../../src/release/statebox/service.ts';

const fakeCache = { stats: () => ({}), invalidate: () => 0, warm: async () => ({ warmed: [], failed: [] }), maxSize: 50 } as unknown as ConfigStoreCache;
const reader: ReleaseStatusReader = { get: async () => null };
const api = apiCommands({ configStores: fakeCache, statusReader: reader });

function cmd(partial: Partial<CommandDecl> & Pick<CommandDecl, 'name'>): AnyCommand {
  return defineCommand({
    group: 'oar',
    summary: 's',
    examples: [],
    safety: 'read',
    scope: 'zstream',
    options: z.object({}),
    run: async () => ({ status: 'info', summary: '' }),
    ...partial,
  });
}

describe('tool names', () => {
  it('prefixes the group and uses snake_case, like the original server', () => {
    expect(toolNameOf(cmd({ name: 'take-ownership' }))).toBe('oar_take_ownership');
    expect(toolNameOf(cmd({ name: 'jira-notificator', group: 'oarctl' }))).toBe('oarctl_jira_notificator');
    expect(toolNameOf(cmd({ name: 'promote-test-results', group: 'jobctl' }))).toBe('jobctl_promote_test_results');
    expect(toolNameOf(cmd({ name: 'is-release-shipped', group: 'oarctl' }))).toBe('oar_is_release_shipped');
  });
});

describe('maxSafety', () => {
  it('finds the most dangerous mode of an option-dependent command', () => {
    expect(maxSafety(cmd({ name: 'a', safety: (o) => (o.jobId ? 'read' : 'write'), options: z.object({ jobId: z.coerce.number().optional() }) }))).toBe('write');
    expect(maxSafety(cmd({ name: 'b', safety: (o) => (o.notify ? 'write' : 'read'), options: z.object({ notify: z.boolean().default(false) }) }))).toBe('write');
    expect(maxSafety(cmd({ name: 'c', safety: (o) => (o.mode === 'apply' ? 'critical' : 'read'), options: z.object({ mode: z.enum(['show', 'apply']).default('show') }) }))).toBe('critical');
    expect(maxSafety(cmd({ name: 'd', safety: 'write' }))).toBe('write');
  });

  it('assumes critical when the safety function cannot be evaluated', () => {
    expect(maxSafety(cmd({ name: 'e', safety: () => { throw new Error('boom'); } }))).toBe('critical');
  });
});

describe('buildToolSpec', () => {
  it('rejects an option that clashes with the release or confirm argument', () => {
    expect(() => buildToolSpec(cmd({ name: 'x', options: z.object({ release: z.string() }) }))).toThrow(McpCatalogError);
    expect(() => buildToolSpec(cmd({ name: 'y', safety: 'critical', options: z.object({ confirm: z.boolean() }) }))).toThrow(/clashes/);
    // Without a release argument an option may be called release (mcp_cache_invalidate).
    expect(buildToolSpec(cmd({ name: 'z', scope: 'none', options: z.object({ release: z.string().optional() }) })).argToOption.get('release')).toBe('release');
  });

  it('names the command whose options cannot be expressed as JSON Schema', () => {
    const bad = cmd({ name: 'bad-schema', options: z.object({ when: z.date() }) });
    expect(() => buildToolSpec(bad)).toThrow(/bad-schema/);
  });

  it('accepts validated input only: unknown arguments are refused', () => {
    const spec = buildToolSpec(cmd({ name: 'take-ownership', safety: 'write', options: z.object({ email: z.string() }) }));
    expect(spec.inputSchema.safeParse({ release: '4.19.1', email: 'a@b.c' }).success).toBe(true);
    expect(spec.inputSchema.safeParse({ release: '4.19.1', email: 'a@b.c', extra: 1 }).success).toBe(false);
  });
});

describe('buildToolCatalog', () => {
  it('builds from the real registry: every command becomes a tool, plus the API tools', () => {
    const registry = createRegistry();
    const catalog = buildToolCatalog(registry, api);
    const standIns = api.filter((a) => a.standInFor && registry.has(a.standInFor)).length;
    expect(catalog.tools).toHaveLength(registry.list().length + api.length - standIns);
    for (const def of registry.list()) expect(catalog.get(toolNameOf(def))?.command).toBe(def);
    for (const t of catalog.tools) expect(t.description.length).toBeGreaterThan(0);
  });

  it('lets a registered is-release-shipped command replace the stand-in', () => {
    const real = cmd({ name: 'is-release-shipped' });
    const catalog = buildToolCatalog(new CommandRegistry([real]), api);
    expect(catalog.get('oar_is_release_shipped')?.command).toBe(real);
    // Its result keeps the original's JSON shape ({shipped, flow_type, details}).
    expect(catalog.get('oar_is_release_shipped')?.output).toBe('api');
    expect(catalog.counts()).toEqual({ total: api.length, command: 1, api: api.length - 1 });
  });

  it('refuses two tools with one name', () => {
    const clash = cmd({ name: 'get-release-metadata' });
    expect(() => buildToolCatalog(new CommandRegistry([clash]), api)).toThrow(/oar_get_release_metadata/);
  });
});

// Compile-time check: the StateBox service satisfies the reader the lead wires in.
export const serviceIsReader = (s: StateBoxService): ReleaseStatusReader => s;
