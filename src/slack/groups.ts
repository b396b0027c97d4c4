/**
 * Slack user-group membership for authorization, cached briefly (usergroups.list with users).
 * Mentions of a group in notices are the notifier's (integrations/slack-notify.ts).
 */
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { cacheClock } from '../cache-clock.ts';
import type { GroupDirectory } from '../commands/roles.ts';

interface Directory {
  byUser: Map<string, string[]>;
}

const KEY = 'usergroups';

export class SlackGroupDirectory implements GroupDirectory {
  private readonly client: WebClient;
  /** One entry, the whole directory: expires `ttlMs` after it was read; concurrent readers share one request. */
  private readonly cache: LRUCache<typeof KEY, Directory>;

  constructor(client: WebClient, opts: { ttlMs?: number; now?: () => number } = {}) {
    this.client = client;
    this.cache = new LRUCache<typeof KEY, Directory>({
      max: 1,
      ttl: opts.ttlMs ?? 5 * 60_000,
      fetchMethod: () => this.read(),
      ...cacheClock(opts.now ?? Date.now),
    });
  }

  private async read(): Promise<Directory> {
    const r = await this.client.usergroups.list({ include_users: true });
    const byUser = new Map<string, string[]>();
    for (const g of r.usergroups ?? []) {
      if (!g.handle) continue;
      for (const u of g.users ?? []) byUser.set(u, [...(byUser.get(u) ?? []), g.handle]);
    }
    return { byUser };
  }

  private async load(): Promise<Directory | undefined> {
    return this.cache.fetch(KEY);
  }

  async groupsOf(userId: string): Promise<string[]> {
    return (await this.load())?.byUser.get(userId) ?? [];
  }
}
