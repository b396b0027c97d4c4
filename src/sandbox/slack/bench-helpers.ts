/**
 * What bench/slack-ack needs: fire N slash commands at once at a connected app and collect how
 * long each ack took (from writing the envelope to receiving the ack on the socket).
 */
import type { SimulatedSlack, SlashCommandResult } from './simulated-slack.ts';

export interface AckBurstOptions {
  count: number;
  user?: string;
  channel?: string;
  command?: string;
  /** Command text, or a function of the command's index. */
  text?: string | ((i: number) => string);
}

export interface AckBurstResult {
  results: SlashCommandResult[];
  /** Latencies of the acked commands, in ms, in sending order. */
  latenciesMs: number[];
  acked: number;
  /** Not acked within the deadline. */
  missed: number;
  /** Sent while no socket was open. */
  noConnection: number;
  /** From the first send to the last outcome. */
  wallMs: number;
}

export async function slashCommandAckBurst(sim: SimulatedSlack, opts: AckBurstOptions): Promise<AckBurstResult> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error(`count must be a positive integer, got ${opts.count}`);
  const text = opts.text ?? '4.19.1 status';
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: opts.count }, (_, i) => sim.slashCommand({
    user: opts.user ?? 'U_LEAD',
    channel: opts.channel ?? 'C_QE_RELEASE',
    command: opts.command ?? '/oar',
    text: typeof text === 'function' ? text(i) : text,
  })));
  const wallMs = performance.now() - started;
  return {
    results,
    latenciesMs: results.filter((r) => r.acked).map((r) => r.ackLatencyMs!),
    acked: results.filter((r) => r.acked).length,
    missed: results.filter((r) => r.outcome === 'missed').length,
    noConnection: results.filter((r) => r.outcome === 'no_connection').length,
    wallMs,
  };
}
