import { describe, expect, it, vi } from 'vitest';
import { approve } from '../../../src/slack/listeners/approve.ts';
import { reject } from '../../../src/slack/listeners/reject.ts';
import { confirmOpen } from '../../../src/slack/listeners/confirm-open.ts';
import { parseButtonValue, runButton } from '../../../src/slack/listeners/run-button.ts';
import { watchCancel } from '../../../src/slack/listeners/watch-cancel.ts';
import { buttonBody, fakeAck, fakeDeps, fakeStore } from '../fakes.ts';

const pendingOf = (over: Record<string, unknown> = {}) => ({ id: 'P1', kind: 'confirmation', actorId: 'U_OWNER', release: '4.19.1', command: 'change-advisory-status', payload: { options: {} }, state: 'pending', expiresAt: new Date(Date.now() + 60_000), ...over });

describe('button listeners', () => {
  it('parseButtonValue accepts only {r, c[, a]}', () => {
    expect(parseButtonValue('{"r":"4.19.1","c":"release-status"}')).toEqual({ r: '4.19.1', c: 'release-status' });
    expect(parseButtonValue('{"r":"4.19.1","c":"x","a":["-e",1]}')).toEqual({ r: '4.19.1', c: 'x', a: ['-e', '1'] });
    expect(parseButtonValue('not json')).toBeUndefined();
    expect(parseButtonValue('{"c":3}')).toBeUndefined();
  });

  it('a next-step button runs its command in the clicked message\'s thread; a second delivery of the same click does not', async () => {
    const deps = fakeDeps();
    const action = { action_id: 'oar_run_0', action_ts: '1.1', value: JSON.stringify({ r: '4.19.1', c: 'release-status' }) };
    const ack = fakeAck();
    await runButton(deps)({ ack, body: buttonBody(), action } as never);
    await runButton(deps)({ ack, body: buttonBody(), action } as never);
    expect(ack).toHaveBeenCalledTimes(2);
    const runs = (deps.runner as unknown as { executed: { release: string; slack: { channel: string; threadTs: string } }[] }).executed;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ release: '4.19.1', slack: { channel: 'C1', threadTs: '1700000000.000100' } });
  });

  it('"Stop watching" without a watcher in this process answers privately', async () => {
    const deps = fakeDeps();
    await watchCancel(deps)({ ack: fakeAck(), body: buttonBody(), action: { action_id: 'oar_watch_cancel', action_ts: '2', value: 'W1' } } as never);
    const eph = deps.calls.find((c) => c.method === 'chat.postEphemeral');
    expect(JSON.stringify(eph?.args)).toContain('not handled by this oar-bot process');
  });

  it('"Stop watching" reports in the thread who stopped it', async () => {
    const cancelWatch = vi.fn(async () => ({ ok: true, message: 'stopped watching job 42' }));
    const deps = fakeDeps({ cancelWatch });
    await watchCancel(deps)({ ack: fakeAck(), body: buttonBody('U7'), action: { action_id: 'oar_watch_cancel', action_ts: '3', value: 'W1' } } as never);
    expect(cancelWatch).toHaveBeenCalledWith('W1', expect.objectContaining({ id: 'U7' }));
    expect(deps.calls.find((c) => c.method === 'chat.postMessage')?.args).toMatchObject({ thread_ts: '1700000000.000100', text: '<@U7>: stopped watching job 42' });
  });

  it('"Review and confirm" by someone else than the requester is refused and opens nothing', async () => {
    const deps = fakeDeps({ store: fakeStore({ getPending: async () => pendingOf() as never }) });
    await confirmOpen(deps)({ ack: fakeAck(), body: buttonBody('U_OTHER'), action: { action_id: 'oar_confirm_open', action_ts: '4', value: 'P1' } } as never);
    expect(deps.calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
    expect(JSON.stringify(deps.calls[0]!.args)).toContain('Only <@U_OWNER>');
  });

  it('"Approve" hands over to the engine\'s approval lifecycle; its refusal is shown only to the clicker', async () => {
    const deps = fakeDeps();
    const approveFn = vi.fn(async () => ({ ok: false as const, reason: 'denied' as const, message: 'the requester cannot approve their own request' }));
    Object.assign(deps.runner, { approvals: { approve: approveFn } });
    await approve(deps)({ ack: fakeAck(), body: buttonBody('U_OWNER'), action: { action_id: 'oar_approve', action_ts: '5', value: 'apr-1' } } as never);
    expect(approveFn).toHaveBeenCalledWith('apr-1', expect.objectContaining({ id: 'U_OWNER', via: 'slack' }), expect.anything());
    expect(deps.calls).toHaveLength(1);
    expect(deps.calls[0]!.method).toBe('chat.postEphemeral');
    expect(JSON.stringify(deps.calls[0]!.args)).toContain('cannot approve their own request');
  });

  it('"Reject" hands over to the engine; a second delivery of the same click does nothing', async () => {
    const deps = fakeDeps();
    const rejectFn = vi.fn(async () => ({ ok: true as const }));
    Object.assign(deps.runner, { approvals: { reject: rejectFn } });
    const click = { ack: fakeAck(), body: buttonBody('U_OTHER'), action: { action_id: 'oar_reject', action_ts: '6', value: 'apr-2' } } as never;
    await reject(deps)(click);
    await reject(deps)(click);
    expect(rejectFn).toHaveBeenCalledTimes(1);
    expect(rejectFn).toHaveBeenCalledWith('apr-2', expect.objectContaining({ id: 'U_OTHER' }));
  });
});
