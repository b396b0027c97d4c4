/**
 * The simulated Slack of bench/slack-ack, in its own thread: Slack is another machine for the
 * bot, so the simulator must not share the bot's event loop (it would only read the acks once
 * the bot's thread is idle, and time the bot's whole burst instead of each ack).
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { startSimulatedSlack, slashCommandAckBurst } from '../src/sandbox/slack/index.ts';

export type ToSim = { type: 'wait-connection' } | { type: 'burst'; count: number; text: string; channel: string } | { type: 'stop' };
export type FromSim =
  | { type: 'ready'; botToken: string; appToken: string; apiUrl: string }
  | { type: 'connected' }
  | { type: 'burst'; latenciesMs: number[]; acked: number; missed: number; noConnection: number; wallMs: number; replies: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

if (!parentPort) throw new Error('slack-ack-sim.worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const post = (m: FromSim) => port.postMessage(m);
const sim = await startSimulatedSlack();

port.on('message', (m: ToSim) => {
  void handle(m).catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
});

async function handle(m: ToSim): Promise<void> {
  switch (m.type) {
    case 'wait-connection':
      await sim.waitForConnection();
      post({ type: 'connected' });
      return;
    case 'burst': {
      const mark = sim.mark();
      const b = await slashCommandAckBurst(sim, { count: m.count, text: m.text, channel: m.channel });
      // Every help reply lands before the run ends (not part of the ack figure).
      const replies = () => sim.calls('response_url').filter((c) => c.seq > mark).length;
      if (replies() < b.acked) await sim.waitFor(() => replies() >= b.acked, { since: mark, timeoutMs: 60_000 });
      post({ type: 'burst', latenciesMs: b.latenciesMs, acked: b.acked, missed: b.missed, noConnection: b.noConnection, wallMs: b.wallMs, replies: replies() });
      return;
    }
    case 'stop':
      await sim.stop();
      post({ type: 'stopped' });
      port.close();
      return;
  }
}

post({ type: 'ready', botToken: sim.botToken, appToken: sim.appToken, apiUrl: sim.apiUrl });
