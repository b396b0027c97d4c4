import { describe, expect, it } from 'vitest';
import { slashCommand } from '../../../src/slack/listeners/slash-command.ts';
import { fakeAck, fakeDeps, fakeRespond, fakeRunner, slash } from '../fakes.ts';

describe('slashCommand', () => {
  it('acks a command it cannot parse with a private error, and runs nothing', async () => {
    const deps = fakeDeps();
    const ack = fakeAck();
    const respond = fakeRespond();
    await slashCommand(deps)({ command: slash('4.19.1 no-such-command'), ack, respond } as never);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack.mock.calls[0]![0]).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.mock.calls[0]![0])).toContain('no-such-command');
    expect(respond).not.toHaveBeenCalled();
    expect((deps.runner as unknown as { executed: unknown[] }).executed).toEqual([]);
  });

  it('answers "restarting" while the front end drains', async () => {
    const deps = fakeDeps();
    deps.lifecycle.stopAccepting();
    const ack = fakeAck();
    await slashCommand(deps)({ command: slash('4.19.1 release-status'), ack, respond: fakeRespond() } as never);
    expect(JSON.stringify(ack.mock.calls[0]![0])).toContain('restarting');
  });

  it('version comes from package.json through deps, privately', async () => {
    const deps = fakeDeps();
    const respond = fakeRespond();
    await slashCommand(deps)({ command: slash('--version'), ack: fakeAck(), respond } as never);
    expect(respond).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(respond.mock.calls[0]![0])).toContain('oar-bot v9.9.9');
  });

  it('a denied command is answered privately with the runner\'s message', async () => {
    const runner = fakeRunner({ preflight: { ok: false, result: { kind: 'denied', needed: 'critical', has: 'read', message: 'you need the critical role', correlationId: 'c9' } } });
    const deps = fakeDeps({ runner });
    const respond = fakeRespond();
    await slashCommand(deps)({ command: slash('4.19.1 take-ownership -e a@redhat.com'), ack: fakeAck(), respond } as never);
    expect(respond.mock.calls[0]![0]).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(respond.mock.calls[0]![0])).toContain('you need the critical role');
    expect(deps.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });
});
