/**
 * Fakes for unit-testing Slack listener handlers as plain functions (the Bolt starter
 * template's pattern): a recording `ack`, `respond` and Web API client, a runner whose answers
 * the test chooses, and an in-memory markSeen.
 */
import { vi } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandParser } from '../../src/commands/parser.ts';
import type { Runner, RunResult } from '../../src/commands/runner.ts';
import { testConfig } from '../../src/config/env.ts';
import { silentLogger } from '../../src/log.ts';
import { SlackLifecycle, type ListenerDeps } from '../../src/slack/deps.ts';
import type { People } from '../../src/slack/people.ts';
import type { Store } from '../../src/store/types.ts';

export interface Call {
  method: string;
  args: Record<string, unknown>;
}

export function fakeClient(): { client: WebClient; calls: Call[] } {
  const calls: Call[] = [];
  const rec = (method: string, answer: Record<string, unknown> = {}) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { ok: true, ...answer };
  };
  const client = {
    chat: { postMessage: rec('chat.postMessage', { ts: '1700000000.000100', channel: 'C1' }), postEphemeral: rec('chat.postEphemeral'), update: rec('chat.update'), delete: rec('chat.delete') },
    views: { open: rec('views.open', { view: { id: 'V1' } }), update: rec('views.update'), publish: rec('views.publish') },
    users: { lookupByEmail: rec('users.lookupByEmail', { user: { id: 'U_FOUND' } }) },
  } as unknown as WebClient;
  return { client, calls };
}

export function fakeRunner(opts: { preflight?: Awaited<ReturnType<Runner['preflight']>>; result?: RunResult } = {}): Runner & { executed: unknown[] } {
  const executed: unknown[] = [];
  return {
    executed,
    preflight: vi.fn(async () => opts.preflight ?? { ok: true, safety: 'read', needsConfirmation: false }),
    execute: vi.fn(async (req: unknown) => {
      executed.push(req);
      return opts.result ?? { kind: 'done', outcome: { status: 'info', summary: 'ok' }, safety: 'read', durationMs: 1, correlationId: 'c1', log: '' };
    }),
    recordConfirmationEnd: vi.fn(async () => undefined),
  } as unknown as Runner & { executed: unknown[] };
}

export function fakeStore(overrides: Partial<Store> = {}): Store {
  const seen = new Set<string>();
  return {
    markSeen: async (key: string) => (seen.has(key) ? false : (seen.add(key), true)),
    getPending: async () => undefined,
    createPending: async () => undefined,
    transitionPending: async () => undefined,
    ...overrides,
  } as unknown as Store;
}

export const noPeople: People = { resolve: async () => new Map() };

export function fakeDeps(overrides: Partial<ListenerDeps> = {}): ListenerDeps & { calls: Call[] } {
  const { client, calls } = fakeClient();
  const registry = createRegistry();
  return {
    config: testConfig(),
    logger: silentLogger,
    registry,
    runner: fakeRunner(),
    store: fakeStore(),
    client,
    parser: new CommandParser(registry),
    lifecycle: new SlackLifecycle(),
    people: noPeople,
    version: '9.9.9',
    calls,
    ...overrides,
  };
}

export const fakeAck = () => vi.fn(async (_?: unknown) => undefined);
export const fakeRespond = () => vi.fn(async (_?: unknown) => undefined);

export function slash(text: string, user = 'U1') {
  return { text, user_id: user, user_name: 'someone', channel_id: 'C1', trigger_id: 'T1', command: '/oar' } as never;
}

export function buttonBody(user = 'U1', extra: Record<string, unknown> = {}) {
  return { type: 'block_actions', user: { id: user, name: 'someone' }, channel: { id: 'C1' }, message: { ts: '1700000000.000100' }, trigger_id: 'T1', ...extra } as never;
}
