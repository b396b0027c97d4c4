import { describe, expect, it } from 'vitest';
import { appHomeOpened } from '../../../src/slack/listeners/app-home-opened.ts';
import { appMention } from '../../../src/slack/listeners/app-mention.ts';
import { confirmClosed } from '../../../src/slack/listeners/confirm-closed.ts';
import { confirmSubmit } from '../../../src/slack/listeners/confirm-submit.ts';
import { messageEvent } from '../../../src/slack/listeners/message.ts';
import { fakeAck, fakeDeps, fakeStore } from '../fakes.ts';

const msg = (text: string, extra: Record<string, unknown> = {}) => ({ event: { type: 'message', text, user: 'U1', channel: 'C1', ts: '1.0', ...extra }, body: { event_id: `E${Math.random()}` } }) as never;

describe('event listeners', () => {
  it('a bare mention answers with the bot\'s own name, oar-bot', async () => {
    const deps = fakeDeps();
    deps.lifecycle.botUserId = 'UBOT';
    await appMention(deps)({ event: { type: 'app_mention', text: '<@UBOT>', user: 'U1', channel: 'C1', ts: '2.0' }, body: { event_id: 'E1' } } as never);
    const text = String(deps.calls[0]?.args.text);
    expect(text).toContain("I'm oar-bot");
    expect(text).not.toMatch(/ERT/);
    expect(text).toContain('/oar help');
  });

  it('ignores bots, edits and chatter; runs a typed command once although redelivered', async () => {
    const deps = fakeDeps();
    const handler = messageEvent(deps);
    await handler(msg('oar -r 4.19.1 release-status', { bot_id: 'B1' }));
    await handler(msg('oar -r 4.19.1 release-status', { subtype: 'message_changed' }));
    await handler(msg('hello team'));
    expect(deps.calls).toEqual([]);
    await handler(msg('oar -r 4.19.1 release-status', { ts: '3.0' }));
    await handler(msg('oar -r 4.19.1 release-status', { ts: '3.0' }));
    expect((deps.runner as unknown as { executed: unknown[] }).executed).toHaveLength(1);
  });

  it('a command typed in the bot\'s DM runs and answers in that DM', async () => {
    const deps = fakeDeps();
    await messageEvent(deps)(msg('oar -r 4.19.1 release-status', { channel: 'D1', channel_type: 'im', ts: '4.0' }));
    const runs = (deps.runner as unknown as { executed: { slack: { channel: string } }[] }).executed;
    expect(runs[0]?.slack.channel).toBe('D1');
  });

  it('App Home says what went wrong when releases cannot be loaded, and still publishes', async () => {
    const deps = fakeDeps({ homeReleases: async () => Promise.reject(new Error('backend down\nstack')) });
    await appHomeOpened(deps)({ event: { type: 'app_home_opened', user: 'U1', tab: 'home' } } as never);
    const pub = deps.calls.find((c) => c.method === 'views.publish');
    expect(pub?.args.user_id).toBe('U1');
    expect(JSON.stringify(pub?.args.view)).toContain('backend down');
    expect(JSON.stringify(pub?.args.view)).not.toContain('stack');
  });

  it('App Home ignores the Messages tab', async () => {
    const deps = fakeDeps();
    await appHomeOpened(deps)({ event: { type: 'app_home_opened', user: 'U1', tab: 'messages' } } as never);
    expect(deps.calls).toEqual([]);
  });

  it('the confirmation modal refuses a release typed wrong and changes nothing', async () => {
    const pending = { id: 'P1', kind: 'confirmation', actorId: 'U1', release: '4.19.1', command: 'x', payload: {}, state: 'pending', expiresAt: new Date(Date.now() + 60_000) };
    let moved = 0;
    const deps = fakeDeps({ store: fakeStore({ getPending: async () => pending as never, transitionPending: async () => (moved++, undefined) }) });
    const ack = fakeAck();
    await confirmSubmit(deps)({ ack, view: { private_metadata: 'P1', state: { values: { oar_confirm_release: { value: { value: '4.19.2' } } } } }, body: { user: { id: 'U1' } } } as never);
    expect(ack.mock.calls[0]![0]).toMatchObject({ response_action: 'errors' });
    expect(moved).toBe(0);
  });

  it('closing the confirmation modal cancels it and records the cancel', async () => {
    const pending = { id: 'P1', kind: 'confirmation', actorId: 'U1', release: '4.19.1', command: 'x', payload: {}, state: 'pending', expiresAt: new Date() };
    const deps = fakeDeps({ store: fakeStore({ getPending: async () => pending as never, transitionPending: async () => pending as never }) });
    await confirmClosed(deps)({ ack: fakeAck(), view: { private_metadata: 'P1' }, body: { user: { id: 'U1' } } } as never);
    expect(deps.runner.recordConfirmationEnd).toHaveBeenCalledWith('cancel', expect.objectContaining({ release: '4.19.1', command: 'x' }));
  });
});
