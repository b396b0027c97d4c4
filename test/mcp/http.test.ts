import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { apiCommands } from '../../src/mcp/api-commands.ts';
import { gate, startHarness, TOKENS, type Harness } from './harness.ts';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

function text(r: ToolResult): string {
  return (r.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
}

function structured(r: ToolResult): Record<string, unknown> {
  expect(r.structuredContent).toBeDefined();
  return r.structuredContent as Record<string, unknown>;
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('tool list', () => {
  it('has one tool per registered command plus the API tools', async () => {
    const client = await h.connect();
    const { tools } = await client.listTools();
    const registry = h.engine.registry;
    const api = apiCommands({ configStores: h.engine.configStores, statusReader: h.reader }).filter((a) => !a.standInFor || !registry.has(a.standInFor));
    expect(tools).toHaveLength(registry.list().length + api.length);
    expect(h.handler.runtime.catalog.counts()).toEqual({ total: tools.length, command: registry.list().length, api: api.length });
    const names = tools.map((t) => t.name);
    for (const n of [
      'oar_take_ownership', 'oar_push_to_cdn_staging', 'oar_image_consistency_check', 'oar_release_info', 'oar_help',
      'oarctl_jira_notificator', 'oarctl_start_release_detector', 'jobctl_start_aggregator',
      'oar_get_release_metadata', 'oar_is_release_shipped', 'oar_get_release_status', 'oar_update_task_status',
      'mcp_cache_stats', 'mcp_cache_invalidate', 'mcp_cache_warm',
    ]) expect(names).toContain(n);
    for (const t of tools) expect(t.description?.length).toBeGreaterThan(10);
  });

  it('derives schemas and annotations from the command definitions', async () => {
    const client = await h.connect();
    const { tools } = await client.listTools();
    const tool = (n: string) => tools.find((t) => t.name === n)!;

    const take = tool('oar_take_ownership');
    expect(take.inputSchema.required).toEqual(expect.arrayContaining(['release', 'email']));
    expect(Object.keys(take.inputSchema.properties ?? {}).sort()).toEqual(['dry_run', 'email', 'release']);
    expect(take.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(take.description).toContain('oar -r 4.19.1 take-ownership -e someone@redhat.com');
    expect(take.description).toContain('Sets the QE owner on every advisory.');

    const push = tool('oar_push_to_cdn_staging');
    expect(push.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(push.inputSchema.properties).toHaveProperty('confirm');
    expect(push.inputSchema.required ?? []).not.toContain('confirm');

    expect(tool('oar_release_info').annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tool('oar_release_info').inputSchema.properties).not.toHaveProperty('confirm');
    // Safety that depends on the options: annotated by the most dangerous mode.
    expect(tool('oar_image_consistency_check').annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(tool('oar_drop_bugs').annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tool('oar_drop_bugs').inputSchema.properties).toHaveProperty('confirm');

    const notif = tool('oarctl_jira_notificator');
    expect(Object.keys(notif.inputSchema.properties ?? {}).sort()).toEqual(['dry_run', 'from_date']);
    expect(tool('oarctl_start_release_detector').inputSchema.required).toEqual(['release']);
    expect(tool('jobctl_start_aggregator').inputSchema.properties).toHaveProperty('arch');
    expect(tool('mcp_cache_stats').annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(tool('oar_update_task_status').inputSchema.required).toEqual(expect.arrayContaining(['release', 'task_name', 'status']));
  });
});

describe('calling tools', () => {
  it('runs a read tool for an anonymous client and audits it as mcp:anonymous', async () => {
    const client = await h.connect();
    const r = await client.callTool({ name: 'oar_release_info', arguments: { release: '4.19.1' } });
    expect(r.isError).toBe(false);
    const s = structured(r);
    expect(s.kind).toBe('done');
    expect((s.outcome as { data: { jira_ticket: string } }).data.jira_ticket).toBe('ART-13172');
    expect(text(r)).toContain('4.19.1');
    const audit = await h.store.queryAudit({ command: 'release-info' });
    expect(audit.map((a) => [a.actorId, a.event, a.release])).toEqual([['mcp:anonymous', 'run', '4.19.1']]);
  });

  it('denies a write tool without the write role and runs it with it', async () => {
    const anonymous = await h.connect();
    const denied = await anonymous.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'qe@redhat.com' } });
    expect(denied.isError).toBe(true);
    expect(structured(denied)).toMatchObject({ kind: 'denied', needed: 'write', has: 'read' });
    const reader = await h.connect(TOKENS.reader);
    expect(structured(await reader.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'qe@redhat.com' } }))).toMatchObject({ kind: 'denied' });
    expect(h.effects.owner).toEqual([]);
    expect(h.statebox.updates).toEqual([]);

    const writer = await h.connect(TOKENS.writer);
    const ok = await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'qe@redhat.com' } });
    expect(ok.isError).toBe(false);
    expect(structured(ok)).toMatchObject({ kind: 'done', outcome: { status: 'pass', data: { owner: 'qe@redhat.com' } } });
    expect((structured(ok).log as string)).toContain('QA Owner is updated to qe@redhat.com');
    expect(h.effects.owner).toEqual(['4.19.1:qe@redhat.com']);
    expect(h.statebox.updates.map((u) => [u.task, u.status])).toEqual([['take-ownership', 'In Progress'], ['take-ownership', 'Pass']]);
    const audit = await h.store.queryAudit({ command: 'take-ownership' });
    expect(audit.map((a) => `${a.actorId} ${a.event}`).sort()).toEqual(['mcp:anonymous deny', 'mcp:reader deny', 'mcp:writer intent', 'mcp:writer run']);
  });

  it('returns the plan of a critical tool without confirm and changes nothing; runs it with confirm', async () => {
    const lead = await h.connect(TOKENS.lead);
    const plan = await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1' } });
    expect(plan.isError).toBe(false);
    expect(structured(plan)).toMatchObject({ kind: 'needs-confirmation', plan: { summary: 'push 2 advisories of 4.19.1 to CDN staging' } });
    expect(text(plan)).toContain('advisory 151166: cdn_stage push');
    expect(text(plan)).toContain('"confirm": true');
    expect(h.effects.pushes).toEqual([]);
    expect(h.statebox.updates).toEqual([]);

    const explicitNo = await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: false } });
    expect(structured(explicitNo).kind).toBe('needs-confirmation');
    expect(h.effects.pushes).toEqual([]);

    const done = await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } });
    expect(structured(done)).toMatchObject({ kind: 'done', outcome: { status: 'in_progress' } });
    expect(h.effects.pushes).toEqual(['4.19.1']);
    // Every call carries its own confirmation id: a second confirmed call runs again.
    await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } });
    expect(h.effects.pushes).toEqual(['4.19.1', '4.19.1']);
    const events = (await h.store.queryAudit({ command: 'push-to-cdn-staging', actorId: 'mcp:lead' })).map((a) => a.event);
    expect(events.filter((e) => e === 'propose')).toHaveLength(2);
    expect(events.filter((e) => e === 'confirm')).toHaveLength(2);

    const writer = await h.connect(TOKENS.writer);
    const denied = await writer.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } });
    expect(structured(denied)).toMatchObject({ kind: 'denied', needed: 'critical', has: 'write' });
    expect(h.effects.pushes).toHaveLength(2);
  });

  it('maps snake_case arguments onto the command options', async () => {
    const writer = await h.connect(TOKENS.writer);
    const r = await writer.callTool({ name: 'oarctl_jira_notificator', arguments: { dry_run: true, from_date: '2026-01-31' } });
    expect(structured(r)).toMatchObject({ kind: 'done', outcome: { summary: 'dry=true from=2026-01-31' } });
    const q = await (await h.connect()).callTool({ name: 'oar_image_consistency_check', arguments: { release: '4.19.1', job_id: 42 } });
    // The status-query mode is read-only, so an anonymous client may run it.
    expect(structured(q)).toMatchObject({ kind: 'done', outcome: { summary: 'job 42 passed' } });
    const y = await writer.callTool({ name: 'oarctl_start_release_detector', arguments: { release: ' 4.19 ' } });
    expect(structured(y)).toMatchObject({ kind: 'done', outcome: { summary: 'checked 4.19' } });
  });

  it('rejects bad arguments with a clear error and changes nothing', async () => {
    const writer = await h.connect(TOKENS.writer);
    const ystream = await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19', email: 'qe@redhat.com' } });
    expect(ystream.isError).toBe(true);
    expect(text(ystream)).toContain('4.19 is a y-stream');
    const email = await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'not an email; rm -rf /' } });
    expect(email.isError).toBe(true);
    expect(text(email)).toContain('must be an e-mail address');
    const unknown = await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'qe@redhat.com', force: true } });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/force/);
    const missing = await writer.callTool({ name: 'oar_take_ownership', arguments: { email: 'qe@redhat.com' } });
    expect(missing.isError).toBe(true);
    expect(h.effects.owner).toEqual([]);
  });

  it('streams progress notifications to a client that asks for them', async () => {
    const writer = await h.connect(TOKENS.writer);
    const messages: string[] = [];
    await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.2', email: 'qe@redhat.com' } }, undefined, {
      onprogress: (p) => messages.push(String(p.message)),
    });
    expect(messages).toEqual(['assigning qe@redhat.com']);
  });
});

describe('authentication over HTTP', () => {
  it('answers 401 to an unknown token and never logs the token', async () => {
    const res = await fetch(`${h.url}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-known-token-123', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    await expect(h.connect(undefined, { authorization: 'Basic dXNlcjpwYXNz' })).rejects.toThrow();
    const writer = await h.connect(TOKENS.writer);
    await writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.1', email: 'qe@redhat.com' } });
    const logs = h.logText();
    expect(logs).toContain('invalid credentials');
    expect(logs).toContain('mcp:writer');
    for (const t of [...Object.values(TOKENS), 'not-a-known-token-123']) expect(logs).not.toContain(t);
  });

  it('answers 405 to GET and leaves other paths to the host server', async () => {
    expect((await fetch(`${h.url}/mcp`)).status).toBe(405);
    expect((await fetch(`${h.url}/health`)).status).toBe(404);
  });
});

describe('API tools', () => {
  it('counts ConfigStore cache misses and hits, invalidates and warms', async () => {
    const client = await h.connect();
    const stats0 = structured(await client.callTool({ name: 'mcp_cache_stats', arguments: {} }));
    expect(stats0).toMatchObject({ cache_size: 0, metrics: { hits: 0, misses: 0, hit_rate: '0.00%' }, max_size: 50 });

    const md = await client.callTool({ name: 'oar_get_release_metadata', arguments: { release: '4.19.1' } });
    expect(structured(md)).toEqual({
      release: '4.19.1',
      advisories: { extras: 151167, image: 151165, metadata: 151168, rpm: 151166 },
      jira_ticket: 'ART-13172',
      candidate_builds: expect.objectContaining({ x86_64: expect.stringContaining('4.19.0-0.nightly') }),
      shipment_mr: '',
      release_date: expect.stringMatching(/^2026-[A-Z][a-z]{2}-\d{2}$/),
    });
    expect(JSON.parse(text(md))).toEqual(structured(md));
    await client.callTool({ name: 'oar_get_release_metadata', arguments: { release: '4.19.1' } });
    const stats1 = structured(await client.callTool({ name: 'mcp_cache_stats', arguments: {} }));
    expect(stats1).toMatchObject({ cache_size: 1, metrics: { hits: 1, misses: 1, hit_rate: '50.00%', total_requests: 2 } });
    expect(stats1.entries).toEqual([{ release: '4.19.1', cached: true, ttl_human: '7 days' }]);

    // Invalidation is a write: the anonymous client may not.
    expect(structured(await client.callTool({ name: 'mcp_cache_invalidate', arguments: { release: '4.19.1' } }))).toMatchObject({ kind: 'denied' });
    const writer = await h.connect(TOKENS.writer);
    expect(structured(await writer.callTool({ name: 'mcp_cache_invalidate', arguments: { release: '4.19.1' } }))).toEqual({
      success: true, message: 'Cache entry for release 4.19.1 invalidated', release: '4.19.1', removed: 1,
    });
    expect(structured(await writer.callTool({ name: 'mcp_cache_invalidate', arguments: { release: '9.9.9' } }))).toMatchObject({ success: true, removed: 0 });

    const empty = await writer.callTool({ name: 'mcp_cache_warm', arguments: { releases: ' , ' } });
    expect(empty.isError).toBe(true);
    expect(structured(empty)).toEqual({ success: false, error: "No releases provided. Expected comma-separated list (e.g., '4.19.1,4.18.5')" });
    const warm = structured(await writer.callTool({ name: 'mcp_cache_warm', arguments: { releases: '4.19.1, 4.19.2,,4.19' } }));
    expect(warm).toMatchObject({ success: true, message: 'Cache warmed with 2 releases', releases: ['4.19.1', '4.19.2'] });
    expect(warm.failed).toEqual([{ release: '4.19', error: expect.stringContaining('y-stream') }]);
    expect(structured(await client.callTool({ name: 'mcp_cache_stats', arguments: {} }))).toMatchObject({ cache_size: 2, metrics: { manual_invalidations: 1 } });
  });

  it('reports a metadata error as {error, release}', async () => {
    const client = await h.connect();
    const r = await client.callTool({ name: 'oar_get_release_metadata', arguments: { release: '99.99.99' } });
    expect(r.isError).toBe(true);
    expect(structured(r)).toEqual({ error: expect.any(String), release: '99.99.99' });
  });

  it('returns the StateBox document, or says there is none', async () => {
    const doc = { schema_version: '1.0', release: '4.19.1', metadata: { jira_ticket: 'ART-13172' }, tasks: [{ name: 'take-ownership', status: 'Pass' }], issues: [] };
    h.reader.docs.set('4.19.1', doc);
    const client = await h.connect();
    expect(structured(await client.callTool({ name: 'oar_get_release_status', arguments: { release: '4.19.1' } }))).toEqual(doc);
    const none = await client.callTool({ name: 'oar_get_release_status', arguments: { release: '4.19.2' } });
    expect(none.isError).toBe(false);
    expect(structured(none)).toMatchObject({ source: 'none', release: '4.19.2', overall_status: 'Unknown', tasks: {} });
    h.reader.failWith = Object.assign(new Error('GitHub is down'), { name: 'StateBoxError' });
    const err = await client.callTool({ name: 'oar_get_release_status', arguments: { release: '4.19.1' } });
    expect(err.isError).toBe(true);
    expect(structured(err)).toEqual({ source: 'error', error: 'GitHub is down', release: '4.19.1', overall_status: 'Unknown', tasks: {} });
  });

  it('updates a task status per the original rules', async () => {
    h.reader.docs.set('4.19.1', { schema_version: '1.0', release: '4.19.1', tasks: [] });
    const writer = await h.connect(TOKENS.writer);
    const call = (args: Record<string, unknown>) => writer.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.1', ...args } });

    expect(structured(await call({ task_name: 'stage-testing', status: 'Done' }))).toEqual({ success: false, error: 'Invalid status: Done. Must be one of: Pass, Fail, In Progress' });
    const badTask = structured(await call({ task_name: 'create-test-report', status: 'Pass' }));
    expect(badTask.error).toBe(
      'Invalid task name: create-test-report. Must be one of: take-ownership, image-consistency-check, analyze-candidate-build, analyze-promoted-build, check-cve-tracker-bug, push-to-cdn-staging, stage-testing, image-signed-check, change-advisory-status',
    );
    expect(h.statebox.updates).toEqual([]);

    const blank = await call({ task_name: 'stage-testing', status: 'In Progress', result: '   ' });
    expect(blank.isError).toBe(false);
    expect(structured(blank)).toEqual({
      success: true, release: '4.19.1', task: 'stage-testing', status: 'In Progress', updated_systems: ['StateBox'],
      message: "Successfully updated task 'stage-testing' to 'In Progress' in StateBox",
    });
    const long = 'x'.repeat(250);
    const withResult = structured(await call({ task_name: 'stage-testing', status: 'Pass', result: long }));
    expect(withResult).toMatchObject({ success: true, result_length: 250, result_preview: `${'x'.repeat(200)}...` });
    expect(h.statebox.updates).toEqual([
      { release: '4.19.1', task: 'stage-testing', status: 'In Progress', result: undefined },
      { release: '4.19.1', task: 'stage-testing', status: 'Pass', result: long },
    ]);

    const noStatebox = await writer.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.2', task_name: 'stage-testing', status: 'Pass' } });
    expect(noStatebox.isError).toBe(true);
    expect(structured(noStatebox)).toMatchObject({ success: false, release: '4.19.2', error: expect.stringContaining('no StateBox') });
    expect(h.statebox.updates).toHaveLength(2);

    const anonymous = await h.connect();
    expect(structured(await anonymous.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.1', task_name: 'stage-testing', status: 'Fail' } }))).toMatchObject({ kind: 'denied' });
    expect(h.statebox.updates).toHaveLength(2);
  });

  it('runs the registered is-release-shipped command and returns its original shape', async () => {
    const r = await (await h.connect()).callTool({ name: 'oar_is_release_shipped', arguments: { release: '4.19.1' } });
    const body = structured(r) as { shipped: boolean; flow_type: string; details: Record<string, string> };
    // The harness has no Errata Tool credentials: each advisory reports its error, nothing ships.
    expect(body).toMatchObject({ shipped: false, flow_type: 'errata' });
    expect(Object.keys(body.details)).toEqual(expect.arrayContaining(['rpm_advisory']));
    expect(JSON.stringify(r)).not.toContain('not available in this oar-bot build');
  });
});

describe('concurrency', () => {
  it('serves 10 concurrent clients, each with its own identity', async () => {
    const tokens = [undefined, TOKENS.reader, TOKENS.writer, TOKENS.lead];
    const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => h.connect(tokens[i % tokens.length])));
    const results = await Promise.all(
      clients.map(async (c, i) => {
        const release = `4.19.${i + 1}`;
        const [info, stats, take] = await Promise.all([
          c.callTool({ name: 'oar_release_info', arguments: { release } }),
          c.callTool({ name: 'mcp_cache_stats', arguments: {} }),
          c.callTool({ name: 'oar_take_ownership', arguments: { release, email: `qe${i}@redhat.com` } }),
        ]);
        return { i, release, info: structured(info), stats: structured(stats), take: structured(take) };
      }),
    );
    for (const r of results) {
      expect(r.info).toMatchObject({ kind: 'done', outcome: { data: { release: r.release } } });
      expect(r.stats).toHaveProperty('metrics');
      const mayWrite = r.i % 4 >= 2;
      expect(r.take.kind).toBe(mayWrite ? 'done' : 'denied');
    }
    const writers = results.filter((r) => r.i % 4 >= 2);
    expect(h.effects.owner.sort()).toEqual(writers.map((r) => `${r.release}:qe${r.i}@redhat.com`).sort());
    // One row per call: the outcome (or the denial); the intent rows recorded before each write are not counted.
    const audit = (await h.store.queryAudit({ command: 'take-ownership' })).filter((a) => a.event !== 'intent');
    const byActor = (actor: string) => audit.filter((a) => a.actorId === actor).length;
    expect(byActor('mcp:anonymous') + byActor('mcp:reader') + byActor('mcp:writer') + byActor('mcp:lead')).toBe(10);
    expect(byActor('mcp:writer')).toBe(2); // i = 2, 6
    expect(byActor('mcp:anonymous')).toBe(3); // i = 0, 4, 8
    expect(byActor('mcp:lead')).toBe(2); // i = 3, 7
  });

  it('lets a write the client abandons run to completion, recorded in StateBox and the audit log', async () => {
    const g = gate();
    h.gates.set('4.19.7', g);
    const writer = await h.connect(TOKENS.writer);
    const call = writer.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.7', email: 'a@redhat.com' } });
    await g.reached;
    // Closing the client drops the HTTP connection that carries the call.
    await writer.close();
    await expect(call).rejects.toThrow();
    await h.allResponsesClosed();
    g.open();
    await h.engine.runner.drain(10_000);
    expect(h.effects.owner).toEqual(['4.19.7:a@redhat.com']);
    expect(h.statebox.updates.at(-1)).toMatchObject({ release: '4.19.7', task: 'take-ownership', status: 'Pass' });
    expect((await h.store.queryAudit({ command: 'take-ownership' })).map((a) => `${a.actorId} ${a.event}`)).toEqual(['mcp:writer run', 'mcp:writer intent']);
  });

  it('holds the per-release lock across clients: a second write on the same release is refused while the first runs', async () => {
    const g = gate();
    h.gates.set('4.19.5', g);
    const a = await h.connect(TOKENS.writer);
    const b = await h.connect(TOKENS.lead);
    const first = a.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.5', email: 'a@redhat.com' } });
    await g.reached;
    const second = await b.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.5', email: 'b@redhat.com' } });
    expect(second.isError).toBe(true);
    expect(structured(second)).toMatchObject({ kind: 'locked', heldBy: { holder: 'mcp:writer', reason: 'take-ownership' } });
    // Another release is not blocked.
    expect(structured(await b.callTool({ name: 'oar_take_ownership', arguments: { release: '4.19.6', email: 'b@redhat.com' } })).kind).toBe('done');
    g.open();
    expect(structured(await first)).toMatchObject({ kind: 'done' });
    expect(h.effects.owner.sort()).toEqual(['4.19.5:a@redhat.com', '4.19.6:b@redhat.com']);
  });
});
