/** Slack user-group membership for authorization, cached briefly (usergroups.list with users). */
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { cacheClock } from '../cache-clock.ts';
import type { GroupDirectory } from '../commands/roles.ts';

interface Directory {
  byUser: Map<string, string[]>;
  byHandle: Map<string, { id: string; users: string[] }>;
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
      // A failed refresh keeps the expired directory for mention() (groupsOf still fails).
      noDeleteOnFetchRejection: true,
      ...cacheClock(opts.now ?? Date.now),
    });
  }

  private async read(): Promise<Directory> {
    const r = await this.client.usergroups.list({ include_users: true });
    const byUser = new Map<string, string[]>();
    const byHandle = new Map<string, { id: string; users: string[] }>();
    for (const g of r.usergroups ?? []) {
      if (!g.handle || !g.id) continue;
      const users = g.users ?? [];
      byHandle.set(g.handle, { id: g.id, users });
      for (const u of users) byUser.set(u, [...(byUser.get(u) ?? []), g.handle]);
    }
    return { byUser, byHandle };
  }

  private async load(): Promise<Directory | undefined> {
    return this.cache.fetch(KEY);
  }

  async groupsOf(userId: string): Promise<string[]> {
    return (await this.load())?.byUser.get(userId) ?? [];
  }

  /** `<!subteam^ID>` for a handle, or `@handle` when unknown. */
  async mention(handle: string): Promise<string> {
    const directory = await this.load().catch(() => this.cache.peek(KEY, { allowStale: true }));
    const h = handle.replace(/^@/, '');
    const g = directory?.byHandle.get(h);
    return g ? `<!subteam^${g.id}>` : `@${h}`;
  }
}
