/**
 * Follows the Socket Mode client's connection state for /health and the metrics.
 *
 * `@slack/socket-mode` emits `connecting`, `authenticated`, `connected`, `reconnecting`,
 * `disconnecting` and `disconnected` (its State enum). With Bolt the client is
 * `(app.receiver as SocketModeReceiver).client`.
 */
import type { SlackHealth } from './health.ts';

export interface ConnectionEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface SlackConnectionMetrics {
  slackReconnect(): void;
  slackConnected(connected: boolean): void;
}

export interface SlackConnectionTracker {
  /** For `HealthProbes.slack`. */
  state(): SlackHealth;
  stop(): void;
}

const STATES = ['connecting', 'authenticated', 'connected', 'reconnecting', 'disconnecting', 'disconnected'] as const;

export function trackSlackConnection(
  client: ConnectionEvents,
  opts: { metrics?: SlackConnectionMetrics; now?: () => Date; onChange?: (state: string) => void } = {},
): SlackConnectionTracker {
  const now = opts.now ?? (() => new Date());
  let state = 'not_started';
  let since = now();
  let reconnects = 0;
  opts.metrics?.slackConnected(false);
  const listeners = STATES.map((s) => {
    const listener = () => {
      state = s;
      since = now();
      if (s === 'reconnecting') {
        reconnects++;
        opts.metrics?.slackReconnect();
      }
      // `authenticated` precedes `connected` (hello) and means nothing for delivery yet.
      if (s !== 'authenticated') opts.metrics?.slackConnected(s === 'connected');
      opts.onChange?.(s);
    };
    client.on(s, listener);
    return [s, listener] as const;
  });
  return {
    state: () => ({ configured: true, connected: state === 'connected', state, since: since.toISOString(), reconnects }),
    stop: () => {
      for (const [s, l] of listeners) client.off(s, l);
    },
  };
}
