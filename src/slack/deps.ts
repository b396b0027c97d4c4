/**
 * What every listener receives: the engine's runner and registry, the store, the Web API
 * client and the front end's lifecycle. Listeners share nothing else; state that outlives one
 * request (accepting work, replies in flight, the bot's own user id) lives in `SlackLifecycle`.
 */
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { HomeRelease } from '../blocks/home.ts';
import type { CommandParser } from '../commands/parser.ts';
import type { CommandRegistry } from '../commands/registry.ts';
import type { Runner } from '../commands/runner.ts';
import type { Actor, Role } from '../commands/types.ts';
import type { Store } from '../store/types.ts';
import type { People } from './people.ts';

export interface SlackMetrics {
  ack(type: 'slash_command' | 'action' | 'view' | 'event', latencyMs: number): void;
  reconnect(): void;
}

/** What the App Home needs to know about its viewer. */
export interface Viewer {
  /** The viewer's role for a release (the runner's authorizer). */
  roleFor(release: string): Promise<Role>;
}

export interface ListenerDeps {
  config: Config;
  logger: Logger;
  registry: CommandRegistry;
  runner: Runner;
  store: Store;
  client: WebClient;
  parser: CommandParser;
  lifecycle: SlackLifecycle;
  people: People;
  version: string;
  metrics?: SlackMetrics;
  /** Active releases for the App Home tab. */
  homeReleases?: () => Promise<HomeRelease[]>;
  /** "Stop watching" on a long-running command's message. */
  cancelWatch?: (id: string, actor: Actor) => Promise<{ ok: boolean; message: string }>;
  /** Y-streams whose release-lead group the user belongs to (help and App Home put them first). */
  ledYstreams?: (userId: string) => Promise<string[]>;
}

/** Shared, explicit front-end state: whether new work is accepted, replies in flight, the bot's id. */
export class SlackLifecycle {
  private acceptingWork = true;
  private readonly inflight = new Set<Promise<unknown>>();
  botUserId: string | undefined;

  get accepting(): boolean {
    return this.acceptingWork;
  }

  stopAccepting(): void {
    this.acceptingWork = false;
  }

  /** Keep track of a reply until it is posted (shutdown waits for it). */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Wait (bounded) until replies in flight are posted. */
  async flush(deadlineMs: number): Promise<boolean> {
    if (this.inflight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), deadlineMs);
    });
    const r = await Promise.race([Promise.allSettled([...this.inflight]).then(() => true as const), timeout]);
    clearTimeout(timer);
    return r;
  }
}

export const actorOf = (userId: string, name?: string): Actor => ({ id: userId, ...(name ? { name } : {}), via: 'slack' });

/** Slack drops an event or action that is delivered twice within this window. */
export const EVENT_DEDUP_MS = 15 * 60_000;
