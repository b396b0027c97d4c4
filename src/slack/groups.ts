/** Slack user-group membership for authorization, cached briefly (usergroups.list with users). */
import type { WebClient } from '@slack/web-api';
import type { GroupDirectory } from './authz.ts';

export class SlackGroupDirectory implements GroupDirectory {
  private readonly client: WebClient;
  private readonly ttlMs: number;
  private cache: { at: number; byUser: Map<string, string[]>; byHandle: Map<string, { id: string; users: string[] }> } | undefined;
  private loading: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(client: WebClient, opts: { ttlMs?: number; now?: () => number } = {}) {
    this.client = client;
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  private async load(): Promise<void> {
    if (this.cache && this.now() - this.cache.at < this.ttlMs) return;
    this.loading ??= (async () => {
      const r = await this.client.usergroups.list({ include_users: true });
      const byUser = new Map<string, string[]>();
      const byHandle = new Map<string, { id: string; users: string[] }>();
      for (const g of r.usergroups ?? []) {
        if (!g.handle || !g.id) continue;
        const users = g.users ?? [];
        byHandle.set(g.handle, { id: g.id, users });
        for (const u of users) byUser.set(u, [...(byUser.get(u) ?? []), g.handle]);
      }
      this.cache = { at: this.now(), byUser, byHandle };
    })().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  async groupsOf(userId: string): Promise<string[]> {
    await this.load();
    return this.cache?.byUser.get(userId) ?? [];
  }

  /** `<!subteam^ID>` for a handle, or `@handle` when unknown. */
  async mention(handle: string): Promise<string> {
    await this.load().catch(() => undefined);
    const h = handle.replace(/^@/, '');
    const g = this.cache?.byHandle.get(h);
    return g ? `<!subteam^${g.id}>` : `@${h}`;
  }
}
