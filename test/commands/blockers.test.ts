/**
 * Blocker management: add-issue, resolve-issue, issues (oar-commands 5.5) from the shared parser
 * (terminal and Slack text), against the real StateBox service on the simulated GitHub, and the
 * original's MCP tools and JSON shapes (agents.md 9.4).
 */
import { describe, expect, it } from 'vitest';
import { addIssueCommand as addIssueCommandDecl } from '../../src/commands/add-issue.ts';
import { resolveIssueCommand as resolveIssueCommandDecl } from '../../src/commands/resolve-issue.ts';
import { issuesCommand as issuesCommandDecl } from '../../src/commands/issues.ts';
import { CommandParser } from '../../src/commands/parser.ts';
import { apiCommands } from '../../src/mcp/api-commands.ts';
import { buildToolCatalog } from '../../src/mcp/catalog.ts';
import { toCallToolResult } from '../../src/mcp/call.ts';
import type { ConfigStoreCache } from '../../src/release/configstore.ts';
import { freshHarnessPerTest, startCommandWorld, type CommandWorld, type Done } from '../helpers/command-world.ts';
import { commandOf } from '../../src/commands/index.ts';

const addIssueCommand = commandOf(addIssueCommandDecl);
const resolveIssueCommand = commandOf(resolveIssueCommandDecl);
const issuesCommand = commandOf(issuesCommandDecl);

const COMMANDS = [addIssueCommand, resolveIssueCommand, issuesCommand];

describe('blocker management', () => {
  let w: CommandWorld;
  let parser: CommandParser;
  freshHarnessPerTest(
    () => startCommandWorld({ commands: COMMANDS, dataDirPrefix: 'oar-blockers-' }),
    (started) => {
      w = started;
      parser = new CommandParser(w.engine.registry);
    },
  );

  /** Parse a command line as typed (terminal or Slack) and run it. */
  async function line(text: string): Promise<Done> {
    const p = text.startsWith('/oar ') ? parser.parseSlash(text.slice(5)) : parser.parseLine(text);
    if (p.kind !== 'command') throw new Error(`not a command: ${text}`);
    const r = await w.engine.runner.execute({ command: p.command, release: p.release, options: p.options, actor: { id: 'U_LEAD', via: 'slack' } });
    if (r.kind !== 'done') throw new Error(`${text}: ${r.kind}`);
    return r;
  }
  const issues = async () => (await w.statebox('4.19.1'))?.state.issues ?? [];

  it('add-issue: blocker by default, --no-blocker, --related-tasks; the same text twice is recognised', async () => {
    w.world.seedRelease('4.19.1');
    const a = await line('oar -r 4.19.1 add-issue --issue "Advisory 151165 stuck in NEW_FILES" --related-tasks push-to-cdn-staging,stage-testing');
    expect(a.outcome.status).toBe('pass');
    expect(a.outcome.data).toMatchObject({ success: true, message: 'Added blocking issue', release: '4.19.1', issue: { issue: 'Advisory 151165 stuck in NEW_FILES', blocker: true, resolved: false, related_tasks: ['push-to-cdn-staging', 'stage-testing'] } });
    const b = await line('/oar 4.19.1 add-issue --issue "Waiting for the kernel respin" --no-blocker');
    expect(b.outcome.data).toMatchObject({ message: 'Added non-blocking issue', issue: { blocker: false, related_tasks: [] } });
    const again = await line('oar -r 4.19.1 add-issue --issue "advisory 151165 STUCK in new_files" --related-tasks push-to-cdn-staging');
    expect(again.outcome.status).toBe('pass');
    expect(again.outcome.summary).toContain('already recorded');
    expect(await issues()).toHaveLength(2);
  });

  it('add-issue: a second blocker for a task is refused with the StateBox message and changes nothing', async () => {
    w.world.seedRelease('4.19.1');
    await line('oar -r 4.19.1 add-issue --issue "first" --related-tasks stage-testing');
    const r = await line('oar -r 4.19.1 add-issue --issue "second" --related-tasks stage-testing');
    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toBe("Task 'stage-testing' already has unresolved blocker: first");
    expect(r.outcome.data).toEqual({ success: false, error: "Task 'stage-testing' already has unresolved blocker: first", release: '4.19.1' });
    expect(await issues()).toHaveLength(1);
  });

  it('resolve-issue: exact or unique substring (case-insensitive); several or none is a clear error', async () => {
    w.world.seedRelease('4.19.1');
    await line('oar -r 4.19.1 add-issue --issue "CVE tracker OCPBUGS-1 missing" --related-tasks check-cve-tracker-bug');
    await line('oar -r 4.19.1 add-issue --issue "CVE tracker OCPBUGS-2 missing" --no-blocker');
    const many = await line('oar -r 4.19.1 resolve-issue --issue "cve tracker" --resolution done');
    expect(many.outcome.status).toBe('fail');
    expect((many.outcome.data as { error: string }).error).toBe("Multiple issues match 'cve tracker':\n  - CVE tracker OCPBUGS-1 missing\n  - CVE tracker OCPBUGS-2 missing\nPlease provide more specific text to uniquely identify the issue.");
    const none = await line('oar -r 4.19.1 resolve-issue --issue "kernel" --resolution done');
    expect((none.outcome.data as { error: string }).error).toBe("Issue not found: 'kernel'\nUnresolved issues: ['CVE tracker OCPBUGS-1 missing', 'CVE tracker OCPBUGS-2 missing']");
    expect((await issues()).every((i) => !i.resolved)).toBe(true);

    const dry = await line('oar -r 4.19.1 resolve-issue --issue "ocpbugs-1" --resolution "attached to the RHSA" --dry-run');
    expect(dry.outcome.summary).toMatch(/^Dry run: Resolve an issue of 4.19.1/);
    expect((await issues()).every((i) => !i.resolved)).toBe(true);

    const ok = await line('oar -r 4.19.1 resolve-issue --issue "ocpbugs-1" --resolution "attached to the RHSA"');
    expect(ok.outcome.data).toMatchObject({ success: true, message: 'Issue resolved successfully', release: '4.19.1', issue: { issue: 'CVE tracker OCPBUGS-1 missing', resolved: true, resolution: 'attached to the RHSA' } });
    const resolved = (await issues()).find((i) => i.issue === 'CVE tracker OCPBUGS-1 missing')!;
    expect(resolved.resolved_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('issues: filters are ANDed; the data is the original oar_get_issues shape', async () => {
    w.world.seedRelease('4.19.1');
    await line('oar -r 4.19.1 add-issue --issue "blocker A" --related-tasks stage-testing');
    await line('oar -r 4.19.1 add-issue --issue "note B" --no-blocker --related-tasks stage-testing');
    await line('oar -r 4.19.1 add-issue --issue "blocker C"');
    await line('oar -r 4.19.1 resolve-issue --issue "blocker C" --resolution fixed');
    const all = await line('oar -r 4.19.1 issues');
    expect((all.outcome.data as { count: number }).count).toBe(3);
    const r = await line('oar -r 4.19.1 issues --unresolved-only --blockers-only --task stage-testing');
    expect(r.outcome.data).toMatchObject({ success: true, count: 1, filters: { unresolved_only: true, blockers_only: true, task_name: 'stage-testing' }, release: '4.19.1' });
    expect(r.outcome.sections?.[0]?.lines).toEqual([expect.stringMatching(/^BLOCKER \[stage-testing\] blocker A \(open since /)]);
    const none = await line('oar -r 4.19.2 issues');
    expect(none.outcome.data).toMatchObject({ success: true, count: 0, issues: [] });
  });

  it('MCP: the original tool names, arguments and result shapes', async () => {
    w.world.seedRelease('4.19.1');
    const catalog = buildToolCatalog(w.engine.registry, apiCommands({ configStores: { stats: () => ({}), invalidate: () => 0, warm: async () => ({ warmed: [], failed: [] }), maxSize: 1 } as unknown as ConfigStoreCache, statusReader: { get: async () => null } }));
    const props = (name: string) => Object.keys(catalog.get(name)!.inputSchema.shape).sort();
    expect(props('oar_add_issue')).toEqual(['blocker', 'dry_run', 'issue', 'related_tasks', 'release']);
    expect(props('oar_resolve_issue')).toEqual(['dry_run', 'issue', 'release', 'resolution']);
    expect(props('oar_get_issues')).toEqual(['blockers_only', 'release', 'task_name', 'unresolved_only']);
    expect(props('oar_get_task_blocker')).toEqual(['release', 'task_name']);

    const add = catalog.get('oar_add_issue')!;
    const run = await w.engine.runner.execute({ command: add.command, release: '4.19.1', options: { issue: 'Jenkins stage pipeline broken', relatedTasks: 'stage-testing' }, actor: { id: 'U_LEAD', via: 'mcp' } });
    const result = toCallToolResult(add, run);
    expect(result.structuredContent).toMatchObject({ success: true, message: 'Added blocking issue', release: '4.19.1', issue: { issue: 'Jenkins stage pipeline broken' } });

    const blocker = catalog.get('oar_get_task_blocker')!;
    const b = toCallToolResult(blocker, await w.engine.runner.execute({ command: blocker.command, release: '4.19.1', options: { taskName: 'stage-testing' }, actor: { id: 'U_LEAD', via: 'mcp' } }));
    expect(b.structuredContent).toMatchObject({ success: true, blocked: true, task_name: 'stage-testing', release: '4.19.1', blocker: { issue: 'Jenkins stage pipeline broken' } });
    const free = toCallToolResult(blocker, await w.engine.runner.execute({ command: blocker.command, release: '4.19.1', options: { taskName: 'push-to-cdn-staging' }, actor: { id: 'U_LEAD', via: 'mcp' } }));
    expect(free.structuredContent).toEqual({ success: true, blocked: false, blocker: null, task_name: 'push-to-cdn-staging', release: '4.19.1' });
  });
});
