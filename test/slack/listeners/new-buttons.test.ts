import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createRegistry } from '../../../src/commands/index.ts';
import { CommandParser } from '../../../src/commands/parser.ts';
import { defineCommand } from '../../../src/commands/types.ts';
import { homeRefresh } from '../../../src/slack/listeners/home-refresh.ts';
import { parseResolveValue, resolveButton } from '../../../src/slack/listeners/resolve-button.ts';
import { resolveSubmit } from '../../../src/slack/listeners/resolve-submit.ts';
import { share } from '../../../src/slack/listeners/share.ts';
import { buttonBody, fakeAck, fakeDeps } from '../fakes.ts';

const resolveIssue = defineCommand({ name: 'resolve-issue', group: 'oar', summary: 'r', examples: [], safety: 'write', scope: 'zstream', options: z.object({ issue: z.string(), resolution: z.string() }), async run() { return { status: 'pass', summary: 'resolved' }; } });

describe('new button listeners', () => {
  it('"Share in channel" runs the read command again in public and deletes the private copy', async () => {
    const deps = fakeDeps();
    const respond = vi.fn(async () => undefined);
    await share(deps)({ ack: fakeAck(), body: buttonBody('U1', { container: { is_ephemeral: true } }), action: { action_id: 'oar_share', action_ts: '1', value: 'oar -r 4.19.1 release-status' }, respond } as never);
    expect(deps.calls.find((c) => c.method === 'chat.postMessage')?.args.channel).toBe('C1');
    expect((deps.runner as unknown as { executed: { release: string }[] }).executed[0]?.release).toBe('4.19.1');
    expect(respond).toHaveBeenCalledWith({ delete_original: true });
  });

  it('"Resolve" opens a modal with the exact blocker text; a broken value answers privately', async () => {
    expect(parseResolveValue('{"r":"4.19.1","i":"x\\ny"}')).toEqual({ release: '4.19.1', issue: 'x\ny' });
    const deps = fakeDeps();
    await resolveButton(deps)({ ack: fakeAck(), body: buttonBody(), action: { action_id: 'oar_resolve', action_ts: '2', value: '{"r":"4.19.1","i":"Payload not signed"}' } } as never);
    const open = deps.calls.find((c) => c.method === 'views.open');
    expect(JSON.stringify(open?.args.view)).toContain('Payload not signed');
    await resolveButton(deps)({ ack: fakeAck(), body: buttonBody(), action: { action_id: 'oar_resolve', action_ts: '3', value: 'junk' } } as never);
    expect(deps.calls.at(-1)?.method).toBe('chat.postEphemeral');
  });

  it('the Resolve modal runs resolve-issue with the exact text and the typed resolution; an empty one is refused', async () => {
    const registry = createRegistry([resolveIssue]);
    const deps = fakeDeps({ registry, parser: new CommandParser(registry) });
    const view = (text: string) => ({ private_metadata: JSON.stringify({ release: '4.19.1', issue: 'Found 3 missed CVE tracker bugs\n- OCPBUGS-1', channel: 'C1' }), state: { values: { oar_resolution: { text: { value: text } } } } });
    const ack = fakeAck();
    await resolveSubmit(deps)({ ack, view: view('  '), body: { user: { id: 'U1' } } } as never);
    expect(ack.mock.calls[0]![0]).toMatchObject({ response_action: 'errors' });
    await resolveSubmit(deps)({ ack: fakeAck(), view: view('trackers attached'), body: { user: { id: 'U1' } } } as never);
    const run = (deps.runner as unknown as { executed: { command: { name: string }; options: Record<string, string> }[] }).executed[0];
    expect(run?.command.name).toBe('resolve-issue');
    expect(run?.options).toMatchObject({ issue: 'Found 3 missed CVE tracker bugs\n- OCPBUGS-1', resolution: 'trackers attached' });
  });

  it('"Refresh" publishes the viewer\'s Home again', async () => {
    const deps = fakeDeps({ homeReleases: async () => [] });
    await homeRefresh(deps)({ ack: fakeAck(), body: buttonBody('U9') } as never);
    expect(deps.calls.find((c) => c.method === 'views.publish')?.args.user_id).toBe('U9');
  });
});
