/**
 * MCP front end with second-person approval (OAR_SECOND_APPROVAL): a critical client that
 * confirms gets pending-approval, follows it with oar_get_approval (bounded wait), and the
 * command runs only once another person approved. Setting a critical task by hand needs the
 * critical role.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startHarness, TOKENS, TOKENS_ENV, type Harness } from './harness.ts';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;
const structured = (r: ToolResult) => r.structuredContent as Record<string, unknown>;
const text = (r: ToolResult) => (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ tokens: `${TOKENS_ENV},lead2:critical:lead2-token-0123456789ab`, env: { OAR_SECOND_APPROVAL: 'push-to-cdn-staging', OAR_APPROVAL_POLL_MS: '50' } });
});
afterEach(async () => {
  await h.close();
});

describe('MCP and second-person approval', () => {
  it('confirm: true returns pending-approval with an id; nothing runs until a second person approves; the client waits for the result', async () => {
    const lead = await h.connect(TOKENS.lead);
    const r = await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } });
    expect(r.isError).toBe(false);
    const s = structured(r);
    expect(s.kind).toBe('pending-approval');
    const approval = s.approval as { id: string; state: string; requestedBy: string; via: string };
    expect(approval).toMatchObject({ state: 'pending', requestedBy: 'mcp:lead', via: 'mcp' });
    expect(text(r)).toContain(`oar_get_approval {"approval_id": "${approval.id}"`);
    expect(h.effects.pushes).toEqual([]);

    const now = await lead.callTool({ name: 'oar_get_approval', arguments: { approval_id: approval.id } });
    expect(structured(now)).toMatchObject({ id: approval.id, state: 'pending', command: 'push-to-cdn-staging', release: '4.19.1' });

    // The client waits; a second person (another critical identity) approves meanwhile.
    const waiting = lead.callTool({ name: 'oar_get_approval', arguments: { approval_id: approval.id, wait_seconds: 60 } });
    const approved = await h.engine.runner.approvals!.approve(approval.id, { id: 'mcp:lead2', via: 'mcp' });
    expect(approved.ok).toBe(true);
    const end = structured(await waiting);
    expect(end).toMatchObject({ state: 'executed', decidedBy: 'mcp:lead2', outcome: 'in_progress: pushes triggered' });
    expect(h.effects.pushes).toEqual(['4.19.1']);
    const events = (await h.store.queryAudit({ command: 'push-to-cdn-staging' })).reverse().map((a) => `${a.event}:${a.actorId}`);
    expect(events).toEqual(['confirm:mcp:lead', 'propose:mcp:lead', 'approve:mcp:lead2', 'intent:mcp:lead', 'run:mcp:lead']);
  });

  it('the requester cannot approve its own request, and wait_seconds is bounded', async () => {
    const lead = await h.connect(TOKENS.lead);
    const s = structured(await lead.callTool({ name: 'oar_push_to_cdn_staging', arguments: { release: '4.19.1', confirm: true } }));
    const id = (s.approval as { id: string }).id;
    expect(await h.engine.runner.approvals!.approve(id, { id: 'mcp:lead', via: 'mcp' })).toMatchObject({ ok: false, reason: 'denied' });
    const tooLong = await lead.callTool({ name: 'oar_get_approval', arguments: { approval_id: id, wait_seconds: 3600 } });
    expect(tooLong.isError).toBe(true);
    expect(h.effects.pushes).toEqual([]);
  });

  it('setting a critical task by hand needs the critical role (and a confirmation); a write task needs write', async () => {
    h.reader.docs.set('4.19.1', { schema_version: '1.0', release: '4.19.1', tasks: [] });
    const writer = await h.connect(TOKENS.writer);
    const denied = await writer.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.1', task_name: 'push-to-cdn-staging', status: 'Pass' } });
    expect(denied.isError).toBe(true);
    expect(structured(denied)).toMatchObject({ kind: 'denied', needed: 'critical', has: 'write' });
    expect(h.statebox.updates).toEqual([]);
    const ok = await writer.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.1', task_name: 'stage-testing', status: 'Pass' } });
    expect(structured(ok)).toMatchObject({ success: true });
    const lead = await h.connect(TOKENS.lead);
    const done = await lead.callTool({ name: 'oar_update_task_status', arguments: { release: '4.19.1', task_name: 'push-to-cdn-staging', status: 'Pass', confirm: true } });
    expect(structured(done)).toMatchObject({ success: true, task: 'push-to-cdn-staging' });
    expect(h.statebox.updates.map((u) => `${u.task}:${u.status}`)).toEqual(['stage-testing:Pass', 'push-to-cdn-staging:Pass']);
  });
});
