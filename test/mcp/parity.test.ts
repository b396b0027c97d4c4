/**
 * Catalog parity with the original MCP server (agents.md 9.4): every tool of its table exists
 * under its name with at least its arguments, and the defaults are the original's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startHarness, TOKENS, type Harness } from './harness.ts';

/** agents.md 9.4: tool → its arguments (with the original's default where it had one). */
const SPEC_TOOLS: Record<string, Record<string, unknown>> = {
  oar_check_cve_tracker_bug: { release: undefined, notify: false },
  oar_image_signed_check: { release: undefined },
  oar_image_consistency_check: { release: undefined, job_id: undefined },
  oar_stage_testing: { release: undefined, build_number: undefined },
  oar_create_test_report: { release: undefined },
  oar_take_ownership: { release: undefined, email: undefined },
  oar_push_to_cdn_staging: { release: undefined },
  oar_change_advisory_status: { release: undefined },
  oarctl_start_release_detector: { release: undefined },
  oarctl_jira_notificator: { dry_run: false, from_date: undefined },
  job_run: { job_name: undefined, payload: undefined },
  jobctl_start_controller: { release: undefined, nightly: true, trigger_prow_job: true, arch: 'amd64' },
  jobctl_trigger_jobs_for_build: { build: undefined, arch: 'amd64' },
  jobctl_start_aggregator: { arch: 'amd64' },
  jobctl_promote_test_results: { build: undefined, arch: 'amd64' },
  jobctl_update_retried_job_run: { build: undefined, job_name: undefined, current_job_id: undefined, new_job_id: undefined, arch: 'amd64' },
  oar_get_release_metadata: { release: undefined },
  oar_is_release_shipped: { release: undefined },
  oar_get_release_status: { release: undefined },
  oar_update_task_status: { release: undefined, task_name: undefined, status: undefined, result: undefined },
  discover_active_releases: {},
  mcp_cache_stats: {},
  mcp_cache_invalidate: { release: undefined },
  mcp_cache_warm: { releases: undefined },
  oar_add_issue: { release: undefined, issue: undefined, blocker: true, related_tasks: undefined },
  oar_resolve_issue: { release: undefined, issue: undefined, resolution: undefined },
  oar_get_issues: { release: undefined, unresolved_only: false, blockers_only: false, task_name: undefined },
  oar_get_task_blocker: { release: undefined, task_name: undefined },
};


type Schema = { properties?: Record<string, { default?: unknown }> };

let h: Harness;
let client: Client;
beforeAll(async () => {
  h = await startHarness();
  client = await h.connect(TOKENS.lead);
});
afterAll(() => h.close());

describe('MCP catalog parity with the original (agents.md 9.4)', () => {
  it('has every tool of the spec table with its arguments and defaults', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(Object.keys(SPEC_TOOLS)).toHaveLength(28);
    const missing = Object.keys(SPEC_TOOLS).filter((n) => !byName.has(n));
    expect(missing).toEqual([]);
    for (const [name, args] of Object.entries(SPEC_TOOLS)) {
      const props = (byName.get(name)!.inputSchema as Schema).properties ?? {};
      for (const [arg, dflt] of Object.entries(args)) {
        expect(Object.keys(props), `${name} has argument ${arg}`).toContain(arg);
        if (dflt !== undefined) expect(props[arg]!.default, `${name}.${arg} defaults to ${String(dflt)}`).toEqual(dflt);
      }
    }
  });

  it('oar_check_cve_tracker_bug does not notify unless asked (the original default), so a read token may call it', async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'oar_check_cve_tracker_bug')!;
    expect((tool.inputSchema as Schema).properties!.notify!.default).toBe(false);
    // The command line keeps its own default: `oar check-cve-tracker-bug` notifies unless --no-notify.
    const def = h.engine.registry.get('check-cve-tracker-bug')!;
    expect(def.options.parse({})).toMatchObject({ notify: true });
  });

  it('discover_active_releases answers the original shape; without GITHUB_TOKEN {error, releases: []}', async () => {
    const r = await client.callTool({ name: 'discover_active_releases', arguments: {} });
    expect(r.structuredContent).toEqual({ error: 'GitHub token not found. Set GITHUB_TOKEN environment variable.', releases: [] });
  });
});
